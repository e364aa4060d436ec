import { ApiError } from '../../errors';
import type { OtpPurpose } from '../otp';
import { canResendAtString, sendToOutbox } from '../otp';
import { maskEmail } from '../masking';
import type { StepEnv, Reaction } from './step';
import { WAIT, DONE } from './step';

/**
 * The part of a step that sends a one-time code and waits for it (verify, e-mail OTP sign-in,
 * account recovery): first entry swallows a cooldown hit; `resend` inside it is RateLimited.
 */
export async function startOtp(env: StepEnv, purpose: OtpPurpose, target: string, form: 'code' | 'link', send = true): Promise<void> {
  env.state.stage.otp = { purpose, target, form, channel: 'email' };
  if (!send) return;
  const code = env.ctx.ephemeral.otp.issue(env.ctx, purpose, target, form, true, env.state.flowId);
  if (code) await sendToOutbox(env.ctx, { to: target, purpose, form, code, userId: env.state.userId });
}

export function verifyOtpData(env: StepEnv): Record<string, unknown> {
  const otp = env.state.stage.otp!;
  return {
    type: 'verify_oob_otp_data',
    channel: otp.channel,
    otp_form: otp.form,
    masked_claim_value: maskEmail(otp.target),
    code_length: otp.form === 'code' ? 6 : 32,
    can_resend_at: canResendAtString(env.ctx, env.ctx.ephemeral.otp, otp.purpose as OtpPurpose, otp.target, env.state.flowId),
    can_check: otp.form === 'link' && env.ctx.ephemeral.otp.isApproved(otp.purpose as OtpPurpose, otp.target),
    failed_attempt_rate_limit_exceeded: false,
    delivery_status: 'sent',
  };
}

export const OTP_INPUT_SCHEMA = {
  oneOf: [
    { type: 'object', properties: { code: { type: 'string', minLength: 1 } }, required: ['code'] },
    { type: 'object', properties: { resend: { const: true } }, required: ['resend'] },
    { type: 'object', properties: { check: { const: true } }, required: ['check'] },
  ],
};

/**
 * Handles `{code}` / `{resend:true}`. `wrong` builds the error of a wrong code for this step;
 * `onSuccess` runs when the code matches.
 */
export async function reactOtp(env: StepEnv, input: Record<string, any>, wrong: () => ApiError, onSuccess: () => void): Promise<Reaction> {
  const otp = env.state.stage.otp!;
  const purpose = otp.purpose as OtpPurpose;
  if (input.resend === true) {
    const code = env.ctx.ephemeral.otp.issue(env.ctx, purpose, otp.target, otp.form, false, env.state.flowId);
    if (code) await sendToOutbox(env.ctx, { to: otp.target, purpose, form: otp.form, code, userId: env.state.userId });
    return WAIT;
  }
  if (input.check === true) {
    // Link form: the sign-in goes on once the link was opened and approved (spec authflow.md 7.6).
    if (otp.form !== 'link' || !env.ctx.ephemeral.otp.consumeApproved(purpose, otp.target)) return WAIT;
    onSuccess();
    return DONE;
  }
  if (env.ctx.ephemeral.otp.verify(purpose, otp.target, String(input.code)) !== 'ok') throw wrong();
  onSuccess();
  return DONE;
}
