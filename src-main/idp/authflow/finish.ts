import type { IdpContext } from '../context';
import type { HttpRequest } from '../http/types';
import type { FlowState } from './types';
import { establishSession, handOff } from '../session/establish';
import { suppressIdpSession } from '../oauth/authorize/request';
import { resolveRequestSession } from '../session/resolve';
import { finalAmr } from './amr';
import { duplicatedLoginId } from './errors';
import { promoteUser } from './promote';
import { audit, sourceOf } from '../audit/record';


/** Sign-up: everything the flow collected is created in one durable write. */
async function createUser(ctx: IdpContext, req: HttpRequest, state: FlowState): Promise<string> {
  const p = state.pending!;
  const now = ctx.clock.nowMs();
  const userId = ctx.random.uuid();
  await ctx.store.db.write(() => {
    // Another flow may have taken the login ID since this one identified it (two tabs, a race).
    if (ctx.store.identities.findByLoginId(p.loginIdKey, p.loginId)) throw duplicatedLoginId(p.loginIdType);
    // The login ID's claim becomes the matching standard attribute, as upstream populates them.
    const claimName = { email: 'email', phone: 'phone_number', username: 'preferred_username' }[p.loginIdType] ?? 'email';
    const claim = { [claimName]: p.loginId };
    ctx.store.users.insert({ id: userId, createdAt: now, updatedAt: now, lastLoginAt: now, isDisabled: false, disableReason: null, standardAttributes: claim, customAttributes: {} });
    ctx.store.identities.insert({ id: ctx.random.uuid(), userId, type: 'login_id', loginIdKey: p.loginIdKey, loginIdType: p.loginIdType, loginId: p.loginId, originalLoginId: p.originalLoginId, claims: claim, createdAt: now, updatedAt: now });
    for (const c of p.verified) ctx.store.verifiedClaims.insert({ id: ctx.random.uuid(), userId, name: c.name, value: c.value, createdAt: now });
    p.authenticators.forEach((a, i) =>
      ctx.store.authenticators.insert({
        id: ctx.random.uuid(),
        userId,
        type: a.type,
        kind: a.kind,
        isDefault: i === 0 || a.kind === 'secondary',
        passwordHash: a.passwordHash ?? null,
        data: a.email ? { email: a.email } : a.phone ? { phone: a.phone } : a.totpSecret ? { secret: a.totpSecret, display_name: 'TOTP' } : {},
        createdAt: now,
        updatedAt: now,
      }),
    );
    if (p.recoveryCodes) ctx.store.recoveryCodes.replaceAll(userId, p.recoveryCodes, p.recoveryCodes.map(() => ctx.random.uuid()), now);
    audit.userCreated(ctx, sourceOf(req, 'user', state.clientId), userId);
  });
  return userId;
}

/** Sets (or creates) the primary password. Call inside `db.write`. */
function setPassword(ctx: IdpContext, userId: string, hash: string): void {
  const now = ctx.clock.nowMs();
  const existing = ctx.store.authenticators.findPassword(userId, 'primary');
  if (existing) {
    ctx.store.authenticators.updatePasswordHash(existing.id, hash, now);
    // A new password is no longer expired (Admin API setPasswordExpired).
    if (existing.data.expire_after !== undefined) {
      const { expire_after, ...data } = existing.data;
      void expire_after;
      ctx.store.authenticators.setData(existing.id, data, now);
    }
  }
  else ctx.store.authenticators.insert({ id: ctx.random.uuid(), userId, type: 'password', kind: 'primary', isDefault: false, passwordHash: hash, data: {}, createdAt: now, updatedAt: now });
}

/**
 * Ends a flow: applies its effects, sets the session cookie, and computes `finish_redirect_uri`
 * (the consent URL with the hand-off `code` when the flow came from an authorization request).
 */
export async function finishFlow(ctx: IdpContext, req: HttpRequest, state: FlowState, cookies: string[]): Promise<void> {
  const oauth = state.oauthSessionId ? ctx.ephemeral.oauthSessions.get(state.oauthSessionId) : undefined;
  const now = ctx.clock.nowMs();
  let handoff: { userId: string; amr: string[]; authenticatedAt: number; idpSessionId: string | null } | undefined;

  if (state.type === 'account_recovery') {
    const r = state.recovery!;
    if (r.userId && state.newPasswordHash) await ctx.store.db.write(() => setPassword(ctx, r.userId!, state.newPasswordHash!));
  } else if (state.type === 'reauth') {
    const userId = state.userId!;
    const current = await resolveRequestSession(ctx, { cookies: req.cookies, ip: req.ip });
    let idpSessionId: string | null = null;
    if (current.state === 'valid' && current.session.kind === 'idp' && current.user.id === userId) {
      idpSessionId = current.session.id;
    }
    await ctx.store.db.write(() => {
      if (idpSessionId) ctx.store.idpSessions.setAuthenticated(idpSessionId, now, finalAmr(state));
      audit.userAuthenticated(ctx, sourceOf(req, 'user', state.clientId), userId, idpSessionId, true);
    });
    handoff = { userId, amr: finalAmr(state), authenticatedAt: now, idpSessionId };
  } else {
    const signup = state.type === 'signup' || state.type === 'promote';
    const userId = state.type === 'promote' ? await promoteUser(ctx, state) : signup ? await createUser(ctx, req, state) : state.userId!;
    if (!signup) {
      await ctx.store.db.write(() => {
        if (state.newPasswordHash) setPassword(ctx, userId, state.newPasswordHash);
        ctx.store.users.setLastLogin(userId, now);
        // Recorded with the sign-in it describes; the IdP session is made just after.
        audit.userAuthenticated(ctx, sourceOf(req, 'user', state.clientId), userId, null);
      });
    }
    const suppress = oauth ? suppressIdpSession(oauth.params) : false;
    const established = await establishSession(ctx, req, { userId, amr: finalAmr(state), suppress, signedUp: signup });
    cookies.push(...established.cookies);
    handoff = { userId, amr: finalAmr(state), authenticatedAt: state.authenticatedAt ?? now, idpSessionId: established.idpSessionId };
  }

  let redirectUri: string | undefined;
  if (oauth) {
    const q = new URLSearchParams({ client_id: oauth.clientId, redirect_uri: oauth.redirectUri });
    if (oauth.params.state) q.set('state', oauth.params.state);
    if (handoff) q.set('code', handOff(ctx, { ...handoff, oauthSessionId: oauth.id }));
    redirectUri = `${ctx.issuer}/oauth2/consent?${q}`;
  }
  state.finished = { redirectUri };
  // Every state token of a finished flow dies with it.
  ctx.ephemeral.flows.delete(state.flowId);
}
