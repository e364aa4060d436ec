import type { IdpContext } from '../context';
import type { IdpSession } from '../store/repos/idp-sessions';
import type { OfflineGrant, RefreshToken } from '../store/repos/offline-grants';
import type { AccessGrant } from '../store/repos/access-grants';
import type { User } from '../store/repos/users';
import { sha256Hex } from '../random';
import { idpSessionAlive, offlineGrantAlive } from './expiry';
import { cookieName } from './cookies';
import { FULL_ACCESS } from '../oauth/scopes';
import { isUserDisabled } from '../user/account-status';

/** A session a request carries, after every check of spec 9.4/9.5 passed. */
export type ResolvedSession =
  | { kind: 'idp'; id: string; userId: string; amr: string[]; authenticatedAt: number; idpSession: IdpSession; accessGrant?: AccessGrant }
  | {
      kind: 'offline_grant';
      id: string;
      userId: string;
      amr: string[];
      authenticatedAt: number;
      offlineGrant: OfflineGrant;
      refreshToken: RefreshToken;
      accessGrant?: AccessGrant;
    };

export type SessionResolution =
  | { state: 'none' }
  | { state: 'invalid' }
  | { state: 'valid'; session: ResolvedSession; user: User; scopes: string[] | 'all' };

export interface Credentials {
  authorization?: string;
  cookies: Record<string, string | undefined>;
  ip?: string;
}

/**
 * Last access moves at most once a minute per session: idle timeouts are minutes or more, and a
 * write per request would make every resolver call flush the database.
 */
const TOUCH_EVERY_MS = 60_000;

/** Touches (last access) are not the caller's write: they are persisted with the next flush, unawaited. */
function touch(ctx: IdpContext, lastAccessAt: number, fn: () => void): void {
  if (ctx.clock.nowMs() - lastAccessAt < TOUCH_EVERY_MS) return;
  ctx.store.db.write(fn).catch(() => {});
}

/** Resolves the `session` cookie value `<id>.<secret>`. */
export function resolveIdpSessionToken(ctx: IdpContext, token: string): IdpSession | undefined {
  const id = token.split('.')[0];
  const s = id ? ctx.store.idpSessions.get(id) : undefined;
  if (!s || s.tokenHash !== sha256Hex(token) || !idpSessionAlive(ctx, s)) return undefined;
  return s;
}

/** The live access grant behind an access token (JWT or opaque), with its bound session. */
export async function resolveAccessToken(ctx: IdpContext, token: string, ip?: string): Promise<ResolvedSession | undefined> {
  let key = sha256Hex(token);
  if (token.startsWith('eyJ')) {
    const payload = await ctx.keys.verify(token, { checkTime: true, nowSec: ctx.clock.nowSec() });
    if (payload) {
      const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!aud.includes(ctx.issuer) || typeof payload.jti !== 'string') return undefined;
      key = payload.jti;
    }
  }
  const grant = ctx.store.accessGrants.get(key);
  if (!grant || grant.expireAt <= ctx.clock.nowMs()) return undefined;
  if (!ctx.store.authorizations.get(grant.authorizationId)) return undefined;
  if (grant.sessionKind === 'idp') {
    const now = ctx.clock.nowMs();
    const s = ctx.store.idpSessions.get(grant.sessionId);
    if (!s || !idpSessionAlive(ctx, s)) return undefined;
    touch(ctx, s.lastAccessAt, () => ctx.store.idpSessions.touch(s.id, now, ip ?? null));
    return { kind: 'idp', id: s.id, userId: s.userId, amr: s.amr, authenticatedAt: s.authenticatedAt, idpSession: s, accessGrant: grant };
  }
  const g = ctx.store.offlineGrants.get(grant.sessionId);
  if (!g || !offlineGrantAlive(ctx, g)) return undefined;
  const rt = grant.refreshTokenHash ? ctx.store.offlineGrants.getRefreshToken(g.id, grant.refreshTokenHash) : undefined;
  if (!rt) return undefined;
  touchGrant(ctx, g, rt, ip);
  return { kind: 'offline_grant', id: g.id, userId: g.userId, amr: g.amr, authenticatedAt: g.authenticatedAt, offlineGrant: g, refreshToken: rt, accessGrant: grant };
}

/** Offline grant access (refresh, Bearer token, app session) also touches its IdP session when SSO-enabled. */
function touchGrant(ctx: IdpContext, g: OfflineGrant, rt: RefreshToken, ip?: string): void {
  const now = ctx.clock.nowMs();
  touch(ctx, Math.min(g.lastAccessAt, rt.lastAccessAt), () => {
    ctx.store.offlineGrants.touch(g.id, now, ip ?? null);
    ctx.store.offlineGrants.touchRefreshToken(g.id, rt.initialHash, now);
    if (g.ssoEnabled && g.idpSessionId) ctx.store.idpSessions.touch(g.idpSessionId, now, ip ?? null);
  });
}

/**
 * The `app_session` cookie (spec 13.1): valid while its offline grant lives, the refresh token
 * it stands for is still part of it, and that token's authorization holds full-access.
 */
export function resolveAppSession(ctx: IdpContext, token: string, ip?: string): ResolvedSession | undefined {
  const s = ctx.store.appSessions.get(sha256Hex(token));
  if (!s || s.expireAt <= ctx.clock.nowMs()) return undefined;
  const g = ctx.store.offlineGrants.get(s.offlineGrantId);
  if (!g || !offlineGrantAlive(ctx, g)) return undefined;
  const rt = ctx.store.offlineGrants.getRefreshToken(g.id, s.refreshTokenHash);
  const authz = rt && ctx.store.authorizations.get(rt.authorizationId);
  if (!rt || !authz || !authz.scopes.includes(FULL_ACCESS)) return undefined;
  touchGrant(ctx, g, rt, ip);
  return { kind: 'offline_grant', id: g.id, userId: g.userId, amr: g.amr, authenticatedAt: g.authenticatedAt, offlineGrant: g, refreshToken: rt };
}

const BEARER = /^bearer (.+)$/i;

/**
 * Spec 9.4: Bearer, then the `app_session`, `app_access_token` and `session` cookies; the first
 * that yields a session wins, and one that does not resolve does not stop the chain. A session
 * whose user is missing or disabled is invalid.
 */
export async function resolveRequestSession(ctx: IdpContext, cred: Credentials): Promise<SessionResolution> {
  let presented = false;
  let session: ResolvedSession | undefined;
  const auth = cred.authorization;
  if (auth) {
    const m = BEARER.exec(auth);
    if (m && !m[1].includes(' ')) {
      presented = true;
      session = await resolveAccessToken(ctx, m[1], cred.ip);
    }
  }
  const appSession = cred.cookies[cookieName(ctx, 'app_session')];
  if (!session && appSession) {
    presented = true;
    session = resolveAppSession(ctx, appSession, cred.ip);
  }
  const appAccessToken = cred.cookies[cookieName(ctx, 'app_access_token')];
  if (!session && appAccessToken) {
    presented = true;
    session = await resolveAccessToken(ctx, appAccessToken, cred.ip);
  }
  const sessionCookie = cred.cookies[cookieName(ctx, 'session')];
  if (!session && sessionCookie) {
    presented = true;
    const s = resolveIdpSessionToken(ctx, sessionCookie);
    if (s) {
      const now = ctx.clock.nowMs();
      touch(ctx, s.lastAccessAt, () => ctx.store.idpSessions.touch(s.id, now, cred.ip ?? null));
      session = { kind: 'idp', id: s.id, userId: s.userId, amr: s.amr, authenticatedAt: s.authenticatedAt, idpSession: s };
    }
  }
  if (!presented) return { state: 'none' };
  if (!session) return { state: 'invalid' };
  const user = ctx.store.users.get(session.userId);
  if (!user || isUserDisabled(ctx.store, user, ctx.clock.nowMs())) return { state: 'invalid' };
  // An IdP session acts as if it held full-access + pre-authenticated-url (spec 7.7).
  const scopes = session.accessGrant ? session.accessGrant.scopes : session.kind === 'idp' ? 'all' : session.refreshToken.scopes;
  return { state: 'valid', session, user, scopes };
}
