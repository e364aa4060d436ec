import type { IdpContext } from '../../context';
import type { OAuthClientConfig } from '../../config/types';
import type { HttpRequest } from '../../http/types';
import { OAuthError } from '../../errors';
import { allowsFullAccess } from '../clients';
import { makeIdToken } from '../tokens';
import { resolveRequestSession } from '../../session/resolve';

/**
 * `grant_type=urn:authgear:params:oauth:grant-type:id-token` (spec 6.5), the SDK's
 * `refreshIDToken()`: a fresh ID token for the session the request carries (Bearer or cookie),
 * without standard attributes, with the current is_verified / can_reauthenticate / auth_time.
 */
export async function idTokenGrant(ctx: IdpContext, client: OAuthClientConfig, _p: Record<string, string>, req: HttpRequest): Promise<Record<string, unknown>> {
  if (!allowsFullAccess(client)) throw new OAuthError('unauthorized_client', 'this client may not refresh id token');
  const r = await resolveRequestSession(ctx, { authorization: req.headers.authorization, cookies: req.cookies, ip: req.ip });
  if (r.state !== 'valid') throw new OAuthError('invalid_grant', 'valid session is required', 401);
  const s = r.session;
  const idToken = await makeIdToken(ctx, client, r.user, { kind: s.kind, id: s.id, authenticatedAt: s.authenticatedAt, amr: s.amr }, []);
  return { id_token: idToken };
}
