import type { IdpContext } from '../../context';
import type { OAuthClientConfig } from '../../config/types';
import { OAuthError } from '../../errors';
import { verifyClientSecret } from './client-auth';

/**
 * `grant_type=client_credentials` (spec 6.7). Resources are registered through the Admin API,
 * which this version does not have yet, so every resource is unknown.
 */
export async function clientCredentialsGrant(ctx: IdpContext, client: OAuthClientConfig, p: Record<string, string>): Promise<Record<string, unknown>> {
  verifyClientSecret(ctx, client, p.client_secret);
  if (p.resource.startsWith(ctx.issuer)) {
    throw new OAuthError('invalid_target', 'resource URI must not be a prefixed by authgear endpoint');
  }
  throw new OAuthError('invalid_target', 'resource not found');
}
