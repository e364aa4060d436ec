import { duplicatedLoginId } from './errors';
import type { IdpContext } from '../context';
import type { FlowState } from './types';
import { ApiError } from '../errors';
import { parseLoginHint } from '../oauth/authorize/login-hint';
import { anonymousUserOfRequest } from '../oauth/token/anonymous-request';
import { anonymousIdentityOf, consumePromotionCode, findPromotionCode } from '../user/anonymous';

const invalidCredentials = () => new ApiError('Unauthorized', 'InvalidCredentials', 'invalid credentials');

/**
 * The anonymous user a `promote` flow turns into a normal one, named by the flow's login hint
 * (`url_query`, else the authorization request): `type=anonymous` with a `promotion_code` (web
 * SDK) or a `jwt` signed by the device key with `action: promote` (native SDKs).
 */
export async function startPromotion(ctx: IdpContext, state: FlowState): Promise<void> {
  const oauth = state.oauthSessionId ? ctx.ephemeral.oauthSessions.get(state.oauthSessionId) : undefined;
  const raw = state.query.login_hint || oauth?.params.login_hint;
  let hint: ReturnType<typeof parseLoginHint> | undefined;
  try {
    hint = raw ? parseLoginHint(raw) : undefined;
  } catch {
    hint = undefined;
  }
  if (hint?.type !== 'anonymous') throw invalidCredentials();
  let userId: string;
  if (hint.promotionCode) {
    const code = findPromotionCode(ctx, hint.promotionCode);
    if (!code) throw invalidCredentials();
    userId = code.userId;
    state.promotion = { userId, code: hint.promotionCode };
  } else if (hint.jwt) {
    userId = (await anonymousUserOfRequest(ctx, hint.jwt, 'promote')).userId;
    state.promotion = { userId };
  } else {
    throw invalidCredentials();
  }
  if (!anonymousIdentityOf(ctx, userId)) throw invalidCredentials();
  state.userId = userId;
}

/**
 * Ends a promotion: what the flow collected (login ID, verified e-mail, authenticators) goes on
 * the anonymous user, whose anonymous identity is then removed, in one durable write.
 */
export async function promoteUser(ctx: IdpContext, state: FlowState): Promise<string> {
  const pr = state.promotion!;
  const p = state.pending!;
  if (pr.code) {
    if (!findPromotionCode(ctx, pr.code)) throw invalidCredentials();
    consumePromotionCode(ctx, pr.code);
  }
  const anonymous = anonymousIdentityOf(ctx, pr.userId);
  const user = ctx.store.users.get(pr.userId);
  if (!anonymous || !user) throw invalidCredentials();
  const now = ctx.clock.nowMs();
  await ctx.store.db.write(() => {
    // The sign-up writes of finish.ts, onto the existing user.
    const claim = { [p.loginIdType === 'username' ? 'preferred_username' : 'email']: p.loginId };
    ctx.store.users.setStandardAttributes(user.id, { ...user.standardAttributes, ...claim }, now);
    ctx.store.users.setLastLogin(user.id, now);
    if (ctx.store.identities.findByLoginId(p.loginIdKey, p.loginId)) throw duplicatedLoginId(p.loginIdType);
    ctx.store.identities.insert({ id: ctx.random.uuid(), userId: user.id, type: 'login_id', loginIdKey: p.loginIdKey, loginIdType: p.loginIdType, loginId: p.loginId, originalLoginId: p.originalLoginId, claims: claim, createdAt: now, updatedAt: now });
    for (const c of p.verified) ctx.store.verifiedClaims.insert({ id: ctx.random.uuid(), userId: user.id, name: c.name, value: c.value, createdAt: now });
    p.authenticators.forEach((a, i) =>
      ctx.store.authenticators.insert({
        id: ctx.random.uuid(),
        userId: user.id,
        type: a.type,
        kind: a.kind,
        isDefault: i === 0 || a.kind === 'secondary',
        passwordHash: a.passwordHash ?? null,
        data: a.email ? { email: a.email } : a.totpSecret ? { secret: a.totpSecret, display_name: 'TOTP' } : {},
        createdAt: now,
        updatedAt: now,
      }),
    );
    if (p.recoveryCodes) ctx.store.recoveryCodes.replaceAll(user.id, p.recoveryCodes, p.recoveryCodes.map(() => ctx.random.uuid()), now);
    ctx.store.identities.delete(anonymous);
  });
  return user.id;
}
