import { cookieName, plainCookie, clearCookie } from '../session/cookies';
import { sha256Hex } from '../random';
import type { StepEnv } from './steps/step';

/**
 * "Remember this device" for the second factor (spec authflow.md 7.3): a token in the
 * `mfa_device_token` cookie (SameSite=Strict, `authentication.device_token.expire_in_days`),
 * stored by hash. A valid one lets a later sign-in of the same user skip the 2FA step.
 */
const SUFFIX = 'mfa_device_token';

/** Whether this step may remember the device: it allows `device_token` and the user has a second factor. */
export function deviceTokenEnabled(env: StepEnv): boolean {
  const { ctx, state, step } = env;
  if (ctx.config.app.authentication.device_token.disabled || state.type !== 'login' || !state.userId) return false;
  if (!(step.one_of ?? []).some((b) => b.authentication === 'device_token')) return false;
  return ctx.store.authenticators.listByUser(state.userId).some((a) => a.kind === 'secondary');
}

/** Checks the request's device token: valid for this user, absent, or stale (then its cookie is cleared). */
export function inspectDeviceToken(env: StepEnv): 'valid' | 'absent' | 'invalid' {
  const token = env.req.cookies[cookieName(env.ctx, SUFFIX)];
  if (!token) return 'absent';
  if (env.ctx.store.deviceTokens.isValid(env.state.userId!, sha256Hex(token), env.ctx.clock.nowMs())) return 'valid';
  env.cookies.push(clearCookie(env.ctx, SUFFIX, { withDomain: false, sameSite: 'strict' }));
  return 'invalid';
}

/** Remembers this device for the user: a durable record and the cookie. */
export async function createDeviceToken(env: StepEnv): Promise<void> {
  const { ctx, state } = env;
  const token = ctx.random.token();
  const days = ctx.config.app.authentication.device_token.expire_in_days;
  const now = ctx.clock.nowMs();
  await ctx.store.db.write(() =>
    ctx.store.deviceTokens.insert({ id: ctx.random.uuid(), userId: state.userId!, tokenHash: sha256Hex(token), createdAt: now, expireAt: now + days * 86_400_000 }),
  );
  env.cookies.push(plainCookie(ctx, SUFFIX, token, { path: '/', httpOnly: true, sameSite: 'strict', maxAge: days * 86_400 }));
}
