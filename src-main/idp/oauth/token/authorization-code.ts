import type { IdpContext } from '../../context';
import { isUserDisabled } from '../../user/account-status';
import type { OAuthClientConfig } from '../../config/types';
import type { HttpRequest } from '../../http/types';
import { OAuthError } from '../../errors';
import { sha256Hex } from '../../random';
import { isPublic, requiresSecret } from '../clients';
import { verifyPkce } from './pkce';
import { verifyClientSecret } from './client-auth';
import { issueWithOfflineGrant } from './issue-session-tokens';
import { prepareAccessToken, makeIdToken, type SessionRef } from '../tokens';
import { revokeOfflineGrant } from '../../session/revoke';
import { offlineGrantAlive } from '../../session/expiry';
import { parseDeviceInfo } from './device-info';

const invalidCode = () => new OAuthError('invalid_grant', 'invalid authorization code');

/** `grant_type=authorization_code`, checks in the order of spec oidc.md 6.3. */
export async function authorizationCodeGrant(ctx: IdpContext, client: OAuthClientConfig, p: Record<string, string>, req: HttpRequest): Promise<Record<string, unknown>> {
  const deviceInfo = parseDeviceInfo(p.x_device_info);
  const key = sha256Hex(p.code);
  const entry = ctx.ephemeral.codes.lookup(key);
  if (!entry || entry.value.clientId !== client.client_id) throw invalidCode();
  const code = entry.value;
  if (code.redeemed) {
    // A replayed code: revoke what the first exchange issued (RFC 6749 4.1.2). If that exchange
    // is still running, it sees `replayed` and revokes its own tokens when done.
    code.replayed = true;
    if (code.redeemed !== 'pending') await revokeIssued(ctx, code.redeemed);
    throw invalidCode();
  }
  if (entry.expired) throw invalidCode();
  if (p.redirect_uri !== code.redirectUri) throw new OAuthError('invalid_request', 'invalid redirect URI');
  if (isPublic(client) || code.codeChallenge || p.code_verifier) {
    if (!verifyPkce(p.code_verifier, code.codeChallenge)) throw invalidCode();
  }
  if (requiresSecret(client)) verifyClientSecret(ctx, client, p.client_secret);
  const authz = ctx.store.authorizations.get(code.authorizationId);
  const user = ctx.store.users.get(code.userId);
  if (!authz || !user || isUserDisabled(ctx.store, user, ctx.clock.nowMs())) throw invalidCode();

  // Claimed before the first await: a concurrent exchange of the same code is a replay.
  code.redeemed = 'pending';
  const ip = req.ip;
  const userAgent = req.headers['user-agent'] ?? null;
  let result: { body: Record<string, unknown>; offlineGrantId: string | null; accessTokenHash: string };

  const hintGrant = code.idTokenHintSid?.kind === 'offline_grant' ? ctx.store.offlineGrants.get(code.idTokenHintSid.id) : undefined;
  const hintIdp = code.idTokenHintSid?.kind === 'idp' ? ctx.store.idpSessions.get(code.idTokenHintSid.id) : undefined;
  if (code.scopes.includes('offline_access') || (!hintGrant && !hintIdp)) {
    // A prompt=none request satisfied by an offline grant adds a refresh token to that grant.
    const join = code.satisfiedBy?.kind === 'offline_grant' ? ctx.store.offlineGrants.get(code.satisfiedBy.id) : undefined;
    result = await issueWithOfflineGrant(ctx, {
      client,
      user,
      scopes: code.scopes,
      authorizationId: authz.id,
      authenticatedAt: code.authenticatedAt,
      amr: code.amr,
      idpSessionId: code.idpSessionId,
      ssoEnabled: code.ssoEnabled,
      ip,
      userAgent,
      nonce: code.nonce,
      joinGrant: join && offlineGrantAlive(ctx, join) ? join : undefined,
      returnRefreshToken: code.scopes.includes('offline_access'),
      deviceInfo,
    });
  } else {
    // Reauthentication without offline_access: bind to the session named by id_token_hint.
    const session: SessionRef = hintGrant
      ? { kind: 'offline_grant', id: hintGrant.id, authenticatedAt: code.authenticatedAt, amr: code.amr, refreshTokenHash: latestRefreshTokenHash(ctx, hintGrant.id) }
      : { kind: 'idp', id: hintIdp!.id, authenticatedAt: code.authenticatedAt, amr: code.amr };
    const at = await prepareAccessToken(ctx, client, user, session, code.scopes, authz.id);
    const idToken = await makeIdToken(ctx, client, user, session, code.scopes, code.nonce);
    await ctx.store.db.write(() => {
      if (hintGrant) ctx.store.offlineGrants.setAuthenticated(hintGrant.id, code.authenticatedAt);
      ctx.store.accessGrants.insert(at.grant);
    });
    result = { body: { access_token: at.token, token_type: 'Bearer', expires_in: at.expiresIn, id_token: idToken }, offlineGrantId: null, accessTokenHash: at.grant.tokenHash };
  }
  const issued = { offlineGrantId: result.offlineGrantId, accessTokenHash: result.accessTokenHash };
  code.redeemed = issued;
  if (code.replayed) {
    await revokeIssued(ctx, issued);
    throw invalidCode();
  }
  return result.body;
}

async function revokeIssued(ctx: IdpContext, issued: { offlineGrantId: string | null; accessTokenHash: string }): Promise<void> {
  await ctx.store.db.write(() => {
    if (issued.offlineGrantId) revokeOfflineGrant(ctx, issued.offlineGrantId);
    ctx.store.accessGrants.delete(issued.accessTokenHash);
  });
}

function latestRefreshTokenHash(ctx: IdpContext, grantId: string): string | null {
  const r = ctx.store.db.get<{ initial_hash: string }>('SELECT initial_hash FROM refresh_token WHERE grant_id = ? ORDER BY created_at DESC LIMIT 1', [grantId]);
  return r?.initial_hash ?? null;
}
