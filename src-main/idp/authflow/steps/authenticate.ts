import { ApiError } from '../../errors';
import { verifyPassword, needsRehash, hashPassword } from '../../crypto/password';
import { checkPasswordPolicy } from '../../user/password-policy';
import { maskEmail } from '../masking';
import { recordAuthenticator } from '../amr';
import { verifyTotp } from '../../crypto/totp';
import type { LockoutMethod } from '../lockout';
import type { StepHandler, StepEnv } from './step';
import { objectSchema, WAIT } from './step';
import { startOtp, verifyOtpData, OTP_INPUT_SCHEMA, reactOtp } from './otp-stage';

interface Option {
  authentication: string;
  branchIndex: number;
  email?: string;
}


function userEmail(env: StepEnv): string | undefined {
  const ids = env.ctx.store.identities.listByUser(env.state.userId!);
  const target = env.step.one_of?.find((b) => b.target_step)?.target_step;
  const named = target ? env.state.named[target]?.loginId : undefined;
  return named ?? ids.find((i) => i.loginIdType === 'email')?.loginId ?? undefined;
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
    } else if (a === 'primary_oob_otp_email') {
      const email = userEmail(env);
      if (email) out.push({ authentication: a, branchIndex, email });
    } else if (a === 'secondary_totp') {
      if (has('totp', 'secondary')) out.push({ authentication: a, branchIndex });
    } else if (a === 'recovery_code') {
      if (state.type === 'login' && ctx.store.recoveryCodes.countUnused(state.userId!) > 0) out.push({ authentication: a, branchIndex });
    }
  });
  // Recovery codes only stand beside another option, never alone.
  return out.length === 1 && out[0].authentication === 'recovery_code' ? [] : out;
}

function emailOtpForm(env: StepEnv): 'code' | 'link' {
  return env.ctx.config.app.authenticator.oob_otp.email.email_otp_mode === 'login_link' ? 'link' : 'code';
}

function optionData(env: StepEnv, o: Option): Record<string, unknown> {
  if (o.authentication === 'primary_oob_otp_email') {
    return { authentication: o.authentication, otp_form: emailOtpForm(env), masked_display_name: maskEmail(o.email!), channels: ['email'] };
  }
  return { authentication: o.authentication };
}

function succeed(env: StepEnv, authentication: string): void {
  recordAuthenticator(env.state, authentication, env.ctx.clock.nowMs());
  env.ctx.ephemeral.lockout.succeed(env.ctx, env.state.userId!, env.req.ip);
}

const LOCKOUT_METHOD: Record<string, LockoutMethod> = {
  primary_password: 'password',
  secondary_password: 'password',
  primary_oob_otp_email: 'oob_otp',
  secondary_totp: 'totp',
  recovery_code: 'recovery_code',
};

/** Wrong credentials: counted for lockout (which may answer AccountLockout instead). */
function wrong(env: StepEnv, authentication: string, type: string): ApiError {
  env.ctx.ephemeral.lockout.fail(env.ctx, env.state.userId!, env.req.ip, LOCKOUT_METHOD[authentication]);
  return new ApiError('Unauthorized', 'InvalidCredentials', 'invalid credentials', { AuthenticationType: type });
}

/** `authenticate` for login and reauth. */
export const authenticate: StepHandler = {
  enter(env) {
    const opts = options(env);
    if (opts.length === 0) {
      if (env.step.optional) return 'done';
      throw new ApiError('Invalid', 'InvariantViolated', 'no authenticator', { cause: { kind: 'NoAuthenticator' } });
    }
  },
  action(env) {
    if (env.state.stage.otp) return { type: 'authenticate', authentication: env.state.stage.chosen, data: verifyOtpData(env) };
    return {
      type: 'authenticate',
      data: { type: 'authentication_data', options: options(env).map((o) => optionData(env, o)), device_token_enabled: false },
    };
  },
  schema(env) {
    if (env.state.stage.otp) return OTP_INPUT_SCHEMA;
    return {
      oneOf: options(env).map((o, index) => {
        if (o.authentication.endsWith('_password')) return objectSchema({ authentication: { const: o.authentication }, password: { type: 'string' } }, ['authentication', 'password']);
        if (o.authentication === 'secondary_totp') return objectSchema({ authentication: { const: o.authentication }, code: { type: 'string' } }, ['authentication', 'code']);
        if (o.authentication === 'recovery_code') return objectSchema({ authentication: { const: o.authentication }, recovery_code: { type: 'string' } }, ['authentication', 'recovery_code']);
        return objectSchema({ authentication: { const: o.authentication }, index: { const: index }, channel: { const: 'email' } }, ['authentication', 'index']);
      }),
    };
  },
  async react(env, input) {
    const { ctx, state } = env;
    if (state.stage.otp) {
      const chosen = state.stage.chosen!;
      if (input.code !== undefined) env.ctx.ephemeral.lockout.check(ctx, state.userId!, env.req.ip, 'oob_otp');
      const r = await reactOtp(env, input, () => wrong(env, chosen, 'oob_otp_email'), () => succeed(env, chosen));
      return r.done ? { done: true, branch: env.step.one_of![state.stage.option!] } : r;
    }
    const opts = options(env);
    const option = opts.find((o, i) => o.authentication === input.authentication && (input.index === undefined || input.index === i))!;
    const branch = env.step.one_of![option.branchIndex];
    if (option.authentication !== 'primary_oob_otp_email') ctx.ephemeral.lockout.check(ctx, state.userId!, env.req.ip, LOCKOUT_METHOD[option.authentication]);
    if (option.authentication === 'primary_password') {
      const authenticator = ctx.store.authenticators.findPassword(state.userId!, 'primary');
      const ok = authenticator?.passwordHash ? await verifyPassword(String(input.password), authenticator.passwordHash) : false;
      if (!ok) throw wrong(env, option.authentication, 'password');
      // An imported plain bcrypt hash is upgraded to the latest format, as upstream does.
      if (needsRehash(authenticator!.passwordHash!)) {
        const hash = await hashPassword(String(input.password)).catch(() => undefined);
        if (hash) await ctx.store.db.write(() => ctx.store.authenticators.updatePasswordHash(authenticator!.id, hash, ctx.clock.nowMs()));
      }
      // A password that no longer meets the policy must be changed (change_password step).
      if (checkPasswordPolicy(ctx.config.app.authenticator.password.policy, String(input.password)).length) state.passwordChangeReason = 'policy';
      succeed(env, option.authentication);
      return { done: true, branch };
    }
    if (option.authentication === 'primary_oob_otp_email') {
      state.stage.option = option.branchIndex;
      state.stage.chosen = option.authentication;
      await startOtp(env, 'authenticate-primary-oob', option.email!, emailOtpForm(env));
      return WAIT;
    }
    if (option.authentication === 'secondary_totp') {
      const totp = ctx.store.authenticators.listByUser(state.userId!).find((a) => a.type === 'totp');
      if (!totp || !verifyTotp(String(totp.data.secret), String(input.code), ctx.clock.nowMs())) throw wrong(env, option.authentication, 'totp');
      succeed(env, option.authentication);
      return { done: true, branch };
    }
    // recovery_code: dashes, spaces and case are forgiven.
    const code = String(input.recovery_code).toUpperCase().replace(/[\s-]/g, '');
    const consumed = await ctx.store.db.write(() => ctx.store.recoveryCodes.consume(state.userId!, code, ctx.clock.nowMs()));
    if (!consumed) throw wrong(env, option.authentication, 'recovery_code');
    succeed(env, option.authentication);
    return { done: true, branch };
  },
};
