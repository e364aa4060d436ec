import { isUserDisabled } from '../../user/account-status';
import type { JWK } from 'jose';
import type { IdpContext } from '../../context';
import type { OAuthClientConfig } from '../../config/types';
import type { HttpRequest } from '../../http/types';
import { OAuthError } from '../../errors';
import { allowsFullAccess } from '../clients';
import { FULL_ACCESS } from '../scopes';
import { grantAuthorization } from '../authorizations';
import { consumeChallenge, challengeValid } from '../challenge';
import { readRequestJwt, verifyRequestJwt, publicJwk } from '../../crypto/request-jwt';
import { anonymousUsersEnabled, insertAnonymousUser } from '../../user/anonymous';
import { issueWithOfflineGrant } from './issue-session-tokens';
import { parseDeviceInfo } from './device-info';

export const ANONYMOUS_REQUEST_TYP = 'vnd.authgear.anonymous-request';
const SCOPES = ['openid', 'offline_access', FULL_ACCESS];
const invalidCredentials = () => new OAuthError('invalid_grant', 'InvalidCredentials');

/**
 * The user an anonymous request JWT names (spec 6.8): an existing key's user after its signature
 * verifies, or, for a key seen for the first time (embedded `jwk`, signature checked with it —
 * upstream does not), a new anonymous user. Consumes the challenge. Throws invalid_grant.
 */
export async function anonymousUserOfRequest(ctx: IdpContext, jwt: string, action?: 'auth' | 'promote'): Promise<{ userId: string; created: boolean }> {
  const now = ctx.clock.nowSec();
  const r = readRequestJwt(jwt, ANONYMOUS_REQUEST_TYP, now);
  if (!r || !challengeValid(ctx, r.payload.challenge, 'anonymous_request')) throw invalidCredentials();
  if (action && r.payload.action !== action) throw invalidCredentials();
  const existing = ctx.store.identityKeys.findByKeyId('anonymous', r.keyId);
  const key = existing?.jwk ? (existing.jwk as JWK) : r.jwk;
  if (!key || !(await verifyRequestJwt(jwt, key, now))) throw invalidCredentials();
  if (!consumeChallenge(ctx, r.payload.challenge, 'anonymous_request')) throw invalidCredentials();
  if (existing) return { userId: ctx.store.identities.get(existing.identityId)!.userId, created: false };
  if (action === 'promote') throw invalidCredentials();
  const { userId } = await ctx.store.db.write(() => insertAnonymousUser(ctx, { keyId: r.keyId, jwk: publicJwk(r.jwk!) }));
  return { userId, created: true };
}

/** `grant_type=urn:authgear:params:oauth:grant-type:anonymous-request` (spec 6.8). */
export async function anonymousRequestGrant(ctx: IdpContext, client: OAuthClientConfig, p: Record<string, string>, req: HttpRequest): Promise<Record<string, unknown>> {
  if (!allowsFullAccess(client)) {
    throw new OAuthError('unauthorized_client', 'Anonymous user is not supported by the client application type. Try using SPA, Traditional Web App, or Native App client types if applicable.');
  }
  const deviceInfo = parseDeviceInfo(p.x_device_info);
  if (!anonymousUsersEnabled(ctx)) throw new OAuthError('unauthorized_client', 'AnonymousUserDisallowed');
  const { userId } = await anonymousUserOfRequest(ctx, p.jwt);
  const user = ctx.store.users.get(userId);
  if (!user) throw invalidCredentials();
  if (isUserDisabled(ctx.store, user, ctx.clock.nowMs())) throw new OAuthError('invalid_request', 'user is disabled');
  const authz = await ctx.store.db.write(() => grantAuthorization(ctx, client.client_id, userId, SCOPES));
  const issued = await issueWithOfflineGrant(ctx, {
    client,
    user,
    scopes: SCOPES,
    authorizationId: authz.id,
    authenticatedAt: ctx.clock.nowMs(),
    amr: [],
    idpSessionId: null,
    ssoEnabled: false,
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
    returnRefreshToken: true,
    deviceInfo,
  });
  return issued.body;
}
