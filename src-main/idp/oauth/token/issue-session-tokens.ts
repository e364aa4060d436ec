import type { IdpContext } from '../../context';
import type { OAuthClientConfig } from '../../config/types';
import type { User } from '../../store/repos/users';
import type { OfflineGrant } from '../../store/repos/offline-grants';
import { prepareAccessToken, makeIdToken, newRefreshToken, type SessionRef } from '../tokens';
import { revokeOfflineGrant } from '../../session/revoke';

export interface NewGrantInput {
  client: OAuthClientConfig;
  user: User;
  scopes: string[];
  authorizationId: string;
  authenticatedAt: number;
  amr: string[];
  idpSessionId: string | null;
  ssoEnabled: boolean;
  ip: string | null;
  userAgent: string | null;
  nonce?: string;
  /** When set, the new refresh token joins this existing grant instead of a new one. */
  joinGrant?: OfflineGrant;
  /** Whether to return the refresh token (scope offline_access). */
  returnRefreshToken: boolean;
  deviceInfo?: Record<string, unknown>;
  /** The biometric identity that signed in (its next biometric login replaces this grant). */
  identityId?: string;
}

/**
 * Creates (or joins) an offline grant with a refresh token and issues the access token and
 * ID token bound to it, in one durable write. Returns the token response body.
 */
export async function issueWithOfflineGrant(ctx: IdpContext, input: NewGrantInput): Promise<{ body: Record<string, unknown>; offlineGrantId: string; accessTokenHash: string }> {
  const now = ctx.clock.nowMs();
  const grantId = input.joinGrant?.id ?? ctx.random.uuid();
  const rt = newRefreshToken(ctx, grantId);
  const session: SessionRef = {
    kind: 'offline_grant',
    id: grantId,
    authenticatedAt: input.joinGrant?.authenticatedAt ?? input.authenticatedAt,
    amr: input.joinGrant?.amr ?? input.amr,
    refreshTokenHash: rt.hash,
  };
  const at = await prepareAccessToken(ctx, input.client, input.user, session, input.scopes, input.authorizationId);
  const idToken = input.scopes.includes('openid') ? await makeIdToken(ctx, input.client, input.user, session, input.scopes, input.nonce) : undefined;
  await ctx.store.db.write(() => {
    if (!input.joinGrant) {
      if (input.client.x_max_concurrent_session === 1) {
        for (const g of ctx.store.offlineGrants.listByClientUser(input.client.client_id, input.user.id)) revokeOfflineGrant(ctx, g.id);
      }
      ctx.store.offlineGrants.insert({
        id: grantId,
        userId: input.user.id,
        clientId: input.client.client_id,
        idpSessionId: input.idpSessionId,
        ssoEnabled: input.ssoEnabled,
        amr: input.amr,
        createdAt: now,
        authenticatedAt: input.authenticatedAt,
        lastAccessAt: now,
        createdIp: input.ip,
        lastAccessIp: input.ip,
        userAgent: input.userAgent,
        deviceInfo: input.deviceInfo ?? null,
        identityId: input.identityId ?? null,
      });
    }
    ctx.store.offlineGrants.insertRefreshToken({
      grantId,
      initialHash: rt.hash,
      currentHash: rt.hash,
      clientId: input.client.client_id,
      scopes: input.scopes,
      authorizationId: input.authorizationId,
      createdAt: now,
      lastAccessAt: now,
    });
    ctx.store.accessGrants.deleteExpired(now);
    ctx.store.accessGrants.insert(at.grant);
  });
  const body: Record<string, unknown> = { access_token: at.token, token_type: 'Bearer', expires_in: at.expiresIn };
  if (idToken) body.id_token = idToken;
  if (input.returnRefreshToken) body.refresh_token = rt.token;
  return { body, offlineGrantId: grantId, accessTokenHash: at.grant.tokenHash };
}
