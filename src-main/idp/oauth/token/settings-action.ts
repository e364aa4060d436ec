import type { IdpContext } from '../../context';
import type { OAuthClientConfig } from '../../config/types';
import { OAuthError } from '../../errors';
import { sha256Hex } from '../../random';
import { isPublic, requiresSecret } from '../clients';
import { verifyPkce } from './pkce';
import { verifyClientSecret } from './client-auth';

const invalidCode = () => new OAuthError('invalid_grant', 'invalid authorization code');

/**
 * `grant_type=urn:authgear:params:oauth:grant-type:settings-action` (spec 6.6): the checks of
 * the code exchange against a settings-action code; success is `{}` and the code is gone.
 */
export async function settingsActionGrant(ctx: IdpContext, client: OAuthClientConfig, p: Record<string, string>): Promise<Record<string, unknown>> {
  const key = sha256Hex(p.code);
  const entry = ctx.ephemeral.settingsActionCodes.lookup(key);
  if (!entry || entry.value.clientId !== client.client_id || entry.expired) throw invalidCode();
  const grant = entry.value;
  if (p.redirect_uri !== grant.redirectUri) throw new OAuthError('invalid_request', 'invalid redirect URI');
  if (isPublic(client) || grant.codeChallenge || p.code_verifier) {
    if (!verifyPkce(p.code_verifier, grant.codeChallenge)) throw invalidCode();
  }
  if (requiresSecret(client)) verifyClientSecret(ctx, client, p.client_secret);
  ctx.ephemeral.settingsActionCodes.delete(key);
  return {};
}
