import { ApiError } from '../../errors';
import { verifyPassword, needsRehash, hashPassword } from '../../crypto/password';
import { checkPasswordPolicy } from '../../user/password-policy';
import { maskClaim } from '../masking';
import { recordAuthenticator } from '../amr';
import { verifyTotp } from '../../crypto/totp';
import type { LockoutMethod } from '../lockout';
import type { OtpChannel } from '../otp';
import { deviceTokenEnabled, inspectDeviceToken, createDeviceToken } from '../device-token';
import type { StepHandler, StepEnv, Reaction } from './step';
import { objectSchema, WAIT } from './step';
import { beginOtp, channelsFor, verifyOtpData, OTP_INPUT_SCHEMA, reactOtp, selectChannelData, selectChannelSchema, reactSelectChannel } from './otp-stage';
import { audit, sourceOf } from '../../audit/record';

interface Option {
  authentication: string;
  branchIndex: number;
  /** OOB options: the address or number the code goes to, and its channels. */
  target?: string;
  channels?: OtpChannel[];
}

const OOB_LOGIN_ID: Record<string, string> = { primary_oob_otp_email: 'email', primary_oob_otp_sms: 'phone' };

/**
 * The addresses an OOB option can use: the identity chosen by its `target_step`, else every
 * login ID of that kind the user has (spec authflow.md 7.3).
 */
function oobTargets(env: StepEnv, targetStep: string | undefined, loginIdType: string): string[] {
  if (targetStep) {
    const named = env.state.named[targetStep];
    return named?.loginIdType === loginIdType && named.loginId ? [named.loginId] : [];
  }
  return env.ctx.store.identities
    .listByUser(env.state.userId!)
    .filter((i) => i.loginIdType === loginIdType && i.loginId)
    .map((i) => i.loginId!);
}

/** The options offered to this user (spec authflow.md 7.3, 7.4), in branch order. */
function options(env: StepEnv): Option[] {
  const { ctx, state, step } = env;
  const authenticators = ctx.store.authenticators.listByUser(state.userId!);
  const has = (type: string, kind: string) => authenticators.some((a) => a.type === type && a.kind === kind);
  const out: Option[] = [];
  (step.one_of ?? []).forEach((b, branchIndex) => {
    const a = b.authentication;
    if (!a || state.usedAuthenticators.includes(a)) return;
    if (a === 'primary_password') {
      if (state.type === 'reauth' && !has('password', 'primary')) return;
      out.push({ authentication: a, branchIndex });
    } else if (OOB_LOGIN_ID[a]) {
      for (const target of oobTargets(env, b.target_step, OOB_LOGIN_ID[a])) out.push({ authentication: a, branchIndex, target, channels: channelsFor(ctx, target) });
    } else if (a === 'secondary_totp') {
      if (has('totp', 'secondary')) out.push({ authentication: a, branchIndex });
    } else if (a === 'recovery_code') {
      if (state.type === 'login' && ctx.store.recoveryCodes.countUnused(state.userId!) > 0) out.push({ authentication: a, branchIndex });
    }
  });
  // Recovery codes only stand beside another option, never alone.
  return out.length === 1 && out[0].authentication === 'recovery_code' ? [] : out;
}

function otpForm(env: StepEnv, authentication: string): 'code' | 'link' {
  // Only e-mail can carry a login link; SMS and WhatsApp always send a code (spec 6.4).
  if (authentication !== 'primary_oob_otp_email') return 'code';
  return env.ctx.config.app.authenticator.oob_otp.email.email_otp_mode === 'login_link' ? 'link' : 'code';
}

function optionData(env: StepEnv, o: Option): Record<string, unknown> {
  if (o.target) return { authentication: o.authentication, otp_form: otpForm(env, o.authentication), masked_display_name: maskClaim(o.target), channels: o.channels };
  return { authentication: o.authentication };
}

async function succeed(env: StepEnv, authentication: string, requestDeviceToken: unknown): Promise<void> {
  recordAuthenticator(env.state, authentication, env.ctx.clock.nowMs());
  env.ctx.ephemeral.lockout.succeed(env.ctx, env.state.userId!, env.req.ip);
  if (requestDeviceToken === true && deviceTokenEnabled(env)) await createDeviceToken(env);
}

const LOCKOUT_METHOD: Record<string, LockoutMethod> = {
  primary_password: 'password',
  secondary_password: 'password',
  primary_oob_otp_email: 'oob_otp',
  primary_oob_otp_sms: 'oob_otp',
  secondary_totp: 'totp',
  recovery_code: 'recovery_code',
};

const AUTHENTICATION_TYPE: Record<string, string> = { primary_oob_otp_email: 'oob_otp_email', primary_oob_otp_sms: 'oob_otp_sms' };

/** Wrong credentials: counted for lockout (which may answer AccountLockout instead). */
function wrong(env: StepEnv, authentication: string, type: string): ApiError {
  const stage = authentication.startsWith('primary_') ? 'primary' : 'secondary';
  const failed = authentication === 'recovery_code' ? 'recovery_code' : authentication.replace(/^(primary|secondary)_/, '');
  // Recorded even when the attempt below locks the account; the write needs no await to be seen.
  audit.authenticationFailed(env.ctx, sourceOf(env.req, 'user', env.state.clientId), env.state.userId!, stage, failed).catch(() => {});
  env.ctx.ephemeral.lockout.fail(env.ctx, env.state.userId!, env.req.ip, LOCKOUT_METHOD[authentication]);
  return new ApiError('Unauthorized', 'InvalidCredentials', 'invalid credentials', { AuthenticationType: type });
}

function inputSchema(o: Option, index: number, deviceToken: object): object {
  const a = { authentication: { const: o.authentication } };
  const dt = { request_device_token: deviceToken };
  if (o.authentication.endsWith('_password')) return objectSchema({ ...a, password: { type: 'string' }, ...dt }, ['authentication', 'password']);
  if (o.authentication === 'secondary_totp') return objectSchema({ ...a, code: { type: 'string' }, ...dt }, ['authentication', 'code']);
  if (o.authentication === 'recovery_code') return objectSchema({ ...a, recovery_code: { type: 'string' }, ...dt }, ['authentication', 'recovery_code']);
  return objectSchema({ ...a, index: { const: index }, channel: { enum: o.channels }, ...dt }, ['authentication', 'index']);
}

/** `authenticate` for login and reauth. */
export const authenticate: StepHandler = {
  enter(env) {
    // A remembered device passes the step (upstream inspects the cookie before asking).
    if (deviceTokenEnabled(env) && inspectDeviceToken(env) === 'valid') {
      env.state.amr.push('x_device_token');
      return 'done';
    }
    if (options(env).length === 0) {
      if (env.step.optional) return 'done';
      throw new ApiError('Invalid', 'InvariantViolated', 'no authenticator', { cause: { kind: 'NoAuthenticator' } });
    }
  },
  action(env) {
    const authentication = env.state.stage.chosen;
    if (env.state.stage.selectChannel) return { type: 'authenticate', authentication, data: selectChannelData(env) };
    if (env.state.stage.otp) return { type: 'authenticate', authentication, data: verifyOtpData(env) };
    return {
      type: 'authenticate',
      data: { type: 'authentication_data', options: options(env).map((o) => optionData(env, o)), device_token_enabled: deviceTokenEnabled(env) },
    };
  },
  schema(env) {
    if (env.state.stage.selectChannel) return selectChannelSchema(env);
    if (env.state.stage.otp) return OTP_INPUT_SCHEMA;
    // request_device_token must be false or absent unless the step may remember the device.
    const deviceToken = deviceTokenEnabled(env) ? { type: 'boolean' } : { const: false };
    return { oneOf: options(env).map((o, index) => inputSchema(o, index, deviceToken)) };
  },
  async react(env, input): Promise<Reaction> {
    const { ctx, state } = env;
    if (state.stage.selectChannel) return reactSelectChannel(env, input);
    if (state.stage.otp) {
      const chosen = state.stage.chosen!;
      if (input.code !== undefined) env.ctx.ephemeral.lockout.check(ctx, state.userId!, env.req.ip, 'oob_otp');
      let ok = false;
      const r = await reactOtp(env, input, () => wrong(env, chosen, AUTHENTICATION_TYPE[chosen]), () => (ok = true));
      if (!r.done) return r;
      if (ok) await succeed(env, chosen, state.stage.requestDeviceToken || input.request_device_token);
      return { done: true, branch: env.step.one_of![state.stage.option!] };
    }
    const opts = options(env);
    const option = opts.find((o, i) => o.authentication === input.authentication && (input.index === undefined || input.index === i))!;
    const branch = env.step.one_of![option.branchIndex];
    if (!option.target) ctx.ephemeral.lockout.check(ctx, state.userId!, env.req.ip, LOCKOUT_METHOD[option.authentication]);
    if (option.authentication === 'primary_password') {
      const authenticator = ctx.store.authenticators.findPassword(state.userId!, 'primary');
      const ok = authenticator?.passwordHash ? await verifyPassword(String(input.password), authenticator.passwordHash) : false;
      if (!ok) throw wrong(env, option.authentication, 'password');
      // An imported plain bcrypt hash is upgraded to the latest format, as upstream does.
      if (needsRehash(authenticator!.passwordHash!)) {
        const hash = await hashPassword(String(input.password)).catch(() => undefined);
        if (hash) await ctx.store.db.write(() => ctx.store.authenticators.updatePasswordHash(authenticator!.id, hash, ctx.clock.nowMs()));
      }
      // A password that no longer meets the policy, or that an admin marked expired, must be changed (change_password step).
      if (checkPasswordPolicy(ctx.config.app.authenticator.password.policy, String(input.password)).length) state.passwordChangeReason = 'policy';
      const expireAfter = authenticator?.data.expire_after;
      if (typeof expireAfter === 'number' && expireAfter <= ctx.clock.nowMs()) state.passwordChangeReason = 'expiry';
      await succeed(env, option.authentication, input.request_device_token);
      return { done: true, branch };
    }
    if (option.target) {
      state.stage.option = option.branchIndex;
      state.stage.chosen = option.authentication;
      // Remembered until the code is entered: the request may come with the choice.
      if (input.request_device_token === true) state.stage.requestDeviceToken = true;
      await beginOtp(env, 'authenticate-primary-oob', option.target, otpForm(env, option.authentication), input.channel);
      return WAIT;
    }
    if (option.authentication === 'secondary_totp') {
      const totp = ctx.store.authenticators.listByUser(state.userId!).find((a) => a.type === 'totp');
      if (!totp || !verifyTotp(String(totp.data.secret), String(input.code), ctx.clock.nowMs())) throw wrong(env, option.authentication, 'totp');
      await succeed(env, option.authentication, input.request_device_token);
      return { done: true, branch };
    }
    // recovery_code: dashes, spaces and case are forgiven.
    const code = String(input.recovery_code).toUpperCase().replace(/[\s-]/g, '');
    const consumed = await ctx.store.db.write(() => ctx.store.recoveryCodes.consume(state.userId!, code, ctx.clock.nowMs()));
    if (!consumed) throw wrong(env, option.authentication, 'recovery_code');
    await succeed(env, option.authentication, input.request_device_token);
    return { done: true, branch };
  },
};
