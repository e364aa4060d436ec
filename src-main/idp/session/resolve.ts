import type { IdpContext } from '../context';
import type { IdpSession } from '../store/repos/idp-sessions';
import type { OfflineGrant, RefreshToken } from '../store/repos/offline-grants';
import type { AccessGrant } from '../store/repos/access-grants';
import type { User } from '../store/repos/users';
import { sha256Hex } from '../random';
import { idpSessionAlive, offlineGrantAlive } from './expiry';
import { cookieName } from './cookies';
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

/** Touches (last access) are not the caller's write: they are persisted with the next flush, unawaited. */
function touch(ctx: IdpContext, fn: () => void): void {
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
  const now = ctx.clock.nowMs();
  if (grant.sessionKind === 'idp') {
    const s = ctx.store.idpSessions.get(grant.sessionId);
    if (!s || !idpSessionAlive(ctx, s)) return undefined;
    touch(ctx, () => ctx.store.idpSessions.touch(s.id, now, ip ?? null));
    return { kind: 'idp', id: s.id, userId: s.userId, amr: s.amr, authenticatedAt: s.authenticatedAt, idpSession: s, accessGrant: grant };
  }
  const g = ctx.store.offlineGrants.get(grant.sessionId);
  if (!g || !offlineGrantAlive(ctx, g)) return undefined;
  const rt = grant.refreshTokenHash ? ctx.store.offlineGrants.getRefreshToken(g.id, grant.refreshTokenHash) : undefined;
  if (!rt) return undefined;
  touch(ctx, () => {
    ctx.store.offlineGrants.touch(g.id, now, ip ?? null);
    if (g.ssoEnabled && g.idpSessionId) ctx.store.idpSessions.touch(g.idpSessionId, now, ip ?? null);
  });
  return { kind: 'offline_grant', id: g.id, userId: g.userId, amr: g.amr, authenticatedAt: g.authenticatedAt, offlineGrant: g, refreshToken: rt, accessGrant: grant };
}

const BEARER = /^bearer (.+)$/i;

/**
 * Spec 9.4: Bearer first, then the cookies; the first that yields a session wins. A session
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
  const sessionCookie = cred.cookies[cookieName(ctx, 'session')];
  if (!session && sessionCookie) {
    presented = true;
    const s = resolveIdpSessionToken(ctx, sessionCookie);
    if (s) {
      const now = ctx.clock.nowMs();
      touch(ctx, () => ctx.store.idpSessions.touch(s.id, now, cred.ip ?? null));
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
