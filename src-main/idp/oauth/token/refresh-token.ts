import type { IdpContext } from '../../context';
import { isUserDisabled } from '../../user/account-status';
import type { OAuthClientConfig } from '../../config/types';
import type { HttpRequest } from '../../http/types';
import { OAuthError } from '../../errors';
import { sha256Hex } from '../../random';
import { requiresSecret } from '../clients';
import { verifyClientSecret } from './client-auth';
import { offlineGrantAlive } from '../../session/expiry';
import { prepareAccessToken, makeIdToken, newRefreshToken, type SessionRef } from '../tokens';
import { findClient } from '../../context';
import { parseDeviceInfo } from './device-info';

const invalid = () => new OAuthError('invalid_grant', 'invalid refresh token');

/** `grant_type=refresh_token` (spec oidc.md 6.4). */
export async function refreshTokenGrant(ctx: IdpContext, client: OAuthClientConfig, p: Record<string, string>, req: HttpRequest): Promise<Record<string, unknown>> {
  const deviceInfo = parseDeviceInfo(p.x_device_info);
  const token = p.refresh_token;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot === token.length - 1) throw invalid();
  const grant = ctx.store.offlineGrants.get(token.slice(0, dot));
  if (!grant || !offlineGrantAlive(ctx, grant)) throw invalid();
  const rt = ctx.store.offlineGrants.findRefreshToken(grant.id, sha256Hex(token));
  if (!rt || !findClient(ctx, rt.clientId)) throw invalid();
  const authz = ctx.store.authorizations.get(rt.authorizationId);
  const user = ctx.store.users.get(grant.userId);
  if (!authz || !user || isUserDisabled(ctx.store, user, ctx.clock.nowMs())) throw invalid();
  if (rt.clientId !== client.client_id) throw new OAuthError('invalid_request', "client id doesn't match the refresh token");
  // Upstream skips the secret here; a confidential client must still prove itself (spec rule 2).
  if (requiresSecret(client)) verifyClientSecret(ctx, client, p.client_secret);

  const session: SessionRef = { kind: 'offline_grant', id: grant.id, authenticatedAt: grant.authenticatedAt, amr: grant.amr, refreshTokenHash: rt.initialHash };
  const at = await prepareAccessToken(ctx, client, user, session, rt.scopes, authz.id);
  const idToken = rt.scopes.includes('openid') ? await makeIdToken(ctx, client, user, session, rt.scopes) : undefined;
  const rotated = client.refresh_token_rotation_enabled ? newRefreshToken(ctx, grant.id) : undefined;
  const now = ctx.clock.nowMs();
  await ctx.store.db.write(() => {
    ctx.store.offlineGrants.touch(grant.id, now, req.ip);
    if (deviceInfo) ctx.store.offlineGrants.setDeviceInfo(grant.id, deviceInfo);
    ctx.store.offlineGrants.touchRefreshToken(grant.id, rt.initialHash, now);
    if (grant.ssoEnabled && grant.idpSessionId) ctx.store.idpSessions.touch(grant.idpSessionId, now, req.ip);
    if (rotated) ctx.store.offlineGrants.rotateRefreshToken(grant.id, rt.initialHash, rotated.hash);
    ctx.store.accessGrants.deleteExpired(now);
    ctx.store.accessGrants.insert(at.grant);
  });
  const body: Record<string, unknown> = { access_token: at.token, token_type: 'Bearer', expires_in: at.expiresIn };
  if (idToken) body.id_token = idToken;
  if (rotated) body.refresh_token = rotated.token;
  return body;
}
