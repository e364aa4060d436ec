import { ApiError } from '../../errors';
import { maskClaim } from '../masking';
import { passwordPolicyData } from '../password-policy-data';
import { canResendAtString, sendToOutbox, type OtpChannel } from '../otp';
import type { StepHandler, StepEnv } from './step';
import { objectSchema, DONE, WAIT } from './step';
import { NEW_PASSWORD_SCHEMA, takeNewPassword } from './new-password';

/**
 * Only the typed login ID is offered (no `enumerate_destinations`): an e-mail address on the
 * e-mail channels allowed, a phone number on the SMS and WhatsApp ones.
 */
function destinations(env: StepEnv) {
  const allowed = env.step.one_of?.[0]?.allowed_channels ?? [{ channel: 'email' as const, otp_form: 'link' as const }];
  const target = env.state.recovery!.loginId;
  const phone = target.startsWith('+');
  return allowed.filter((c) => (c.channel === 'email') !== phone).map((c) => ({ ...c, target }));
}

/** `select_destination` (spec authflow.md 7.11). */
export const selectDestination: StepHandler = {
  action(env) {
    return {
      type: 'select_destination',
      data: {
        type: 'account_recovery_select_destination_data',
        options: destinations(env).map((d) => ({ masked_display_name: maskClaim(d.target), channel: d.channel, otp_form: d.otp_form })),
      },
    };
  },
  schema(env) {
    return objectSchema({ index: { type: 'integer', minimum: 0, maximum: destinations(env).length - 1 } }, ['index']);
  },
  react(env, input) {
    env.state.recovery!.destination = destinations(env)[input.index];
    return DONE;
  },
};

const PURPOSE = 'forgot-password' as const;

/** Sends the recovery code, unless the address belongs to nobody (then nothing is sent). */
async function send(env: StepEnv, swallowCooldown: boolean): Promise<void> {
  const r = env.state.recovery!;
  const d = r.destination!;
  const channel = d.channel as OtpChannel;
  const code = env.ctx.ephemeral.otp.issue(env.ctx, { purpose: PURPOSE, channel, target: d.target, form: d.otp_form, flowId: env.state.flowId }, swallowCooldown);
  if (code && r.userId) await sendToOutbox(env.ctx, { to: d.target, channel, purpose: PURPOSE, form: d.otp_form, code, userId: r.userId });
}

/** `verify_account_recovery_code`: `{account_recovery_code}` or `{resend:true}`. */
export const verifyAccountRecoveryCode: StepHandler = {
  async enter(env) {
    await send(env, true);
  },
  action(env) {
    const d = env.state.recovery!.destination!;
    return {
      type: 'verify_account_recovery_code',
      data: {
        type: 'account_recovery_verify_code_data',
        masked_display_name: maskClaim(d.target),
        channel: d.channel,
        otp_form: d.otp_form,
        code_length: d.otp_form === 'code' ? 6 : 32,
        can_resend_at: canResendAtString(env.ctx.ephemeral.otp, PURPOSE, d.channel as OtpChannel, d.target, env.state.flowId),
        failed_attempt_rate_limit_exceeded: false,
      },
    };
  },
  schema() {
    return {
      oneOf: [
        objectSchema({ account_recovery_code: { type: 'string', minLength: 1 } }, ['account_recovery_code']),
        objectSchema({ resend: { const: true } }, ['resend']),
      ],
    };
  },
  async react(env, input) {
    const r = env.state.recovery!;
    const d = r.destination!;
    if (input.resend === true) {
      await send(env, false);
      return WAIT;
    }
    const result = r.userId ? env.ctx.ephemeral.otp.verify(PURPOSE, d.channel as OtpChannel, d.target, String(input.account_recovery_code)) : 'invalid';
    if (result !== 'ok') {
      throw new ApiError('Invalid', 'PasswordResetFailed', 'invalid code', { cause: { kind: result === 'used' ? 'UsedCode' : 'InvalidCode' }, otp_form: d.otp_form });
    }
    r.code = String(input.account_recovery_code).trim();
    return DONE;
  },
};

/** `reset_password`: the new password, checked against the policy. */
export const resetPassword: StepHandler = {
  action(env) {
    return {
      type: 'reset_password',
      data: {
        type: 'new_password_data',
        password_policy: passwordPolicyData(env.ctx.config.app.authenticator.password.policy),
        masked_target: maskClaim(env.state.recovery!.destination!.target),
      },
    };
  },
  schema: () => NEW_PASSWORD_SCHEMA,
  react: takeNewPassword,
};
