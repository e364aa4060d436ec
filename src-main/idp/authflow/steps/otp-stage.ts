import type { ApiError } from '../../errors';
import type { IdpContext } from '../../context';
import type { OtpChannel, OtpPurpose } from '../otp';
import { canResendAtString, sendToOutbox } from '../otp';
import { maskClaim } from '../masking';
import { websocketUrl } from '../flow-events';
import type { StepEnv, Reaction } from './step';
import { objectSchema, WAIT, DONE } from './step';

/** The channels a claim can receive codes on (spec authflow.md 6.5): e-mail, or the phone mode's. */
export function channelsFor(ctx: IdpContext, target: string): OtpChannel[] {
  if (!target.startsWith('+')) return ['email'];
  switch (ctx.config.app.authenticator.oob_otp.sms.phone_otp_mode) {
    case 'sms':
      return ['sms'];
    case 'whatsapp':
      return ['whatsapp'];
    default:
      return ['whatsapp', 'sms'];
  }
}

/** Sends a code on one channel and waits for it. First entry swallows a cooldown hit (spec 7.6). */
export async function startOtp(env: StepEnv, purpose: OtpPurpose, target: string, form: 'code' | 'link', channel: OtpChannel): Promise<void> {
  delete env.state.stage.selectChannel;
  // A page waiting for a login link can listen on its own channel instead of polling.
  const wsChannel = form === 'link' ? `ws_${env.ctx.random.base32()}` : undefined;
  env.state.stage.otp = { purpose, target, form, channel, wsChannel };
  const code = env.ctx.ephemeral.otp.issue(env.ctx, { purpose, channel, target, form, flowId: env.state.flowId, wsChannel }, true);
  if (code) await sendToOutbox(env.ctx, { to: target, channel, purpose, form, code, userId: env.state.userId });
}

/**
 * Starts a code for `target`: on the channel given when it is one of the target's, on the only
 * channel when there is one, else the step first asks which (select_oob_otp_channels_data).
 */
export async function beginOtp(env: StepEnv, purpose: OtpPurpose, target: string, form: 'code' | 'link', channel?: string): Promise<void> {
  const channels = channelsFor(env.ctx, target);
  const chosen = channels.find((c) => c === channel) ?? (channels.length === 1 ? channels[0] : undefined);
  if (chosen) return startOtp(env, purpose, target, form, chosen);
  env.state.stage.selectChannel = { purpose, target, form, channels };
}

export function selectChannelData(env: StepEnv): Record<string, unknown> {
  const s = env.state.stage.selectChannel!;
  return { type: 'select_oob_otp_channels_data', channels: s.channels, masked_claim_value: maskClaim(s.target) };
}

export function selectChannelSchema(env: StepEnv): object {
  return objectSchema({ channel: { enum: env.state.stage.selectChannel!.channels } }, ['channel']);
}

export async function reactSelectChannel(env: StepEnv, input: Record<string, any>): Promise<Reaction> {
  const s = env.state.stage.selectChannel!;
  await startOtp(env, s.purpose as OtpPurpose, s.target, s.form, input.channel as OtpChannel);
  return WAIT;
}

export function verifyOtpData(env: StepEnv): Record<string, unknown> {
  const otp = env.state.stage.otp!;
  const purpose = otp.purpose as OtpPurpose;
  const channel = otp.channel as OtpChannel;
  const store = env.ctx.ephemeral.otp;
  return {
    type: 'verify_oob_otp_data',
    channel,
    otp_form: otp.form,
    masked_claim_value: maskClaim(otp.target),
    code_length: otp.form === 'code' ? 6 : 32,
    can_resend_at: canResendAtString(store, purpose, channel, otp.target, env.state.flowId),
    can_check: otp.form === 'link' && store.isApproved(purpose, otp.target),
    failed_attempt_rate_limit_exceeded: store.attemptsExceeded(purpose, channel, otp.target),
    delivery_status: 'sent',
    ...(otp.wsChannel ? { websocket_url: websocketUrl(env.ctx.issuer, otp.wsChannel) } : {}),
  };
}

/** `request_device_token` may ride along with a code (it applies when the step allows it). */
const deviceToken = { request_device_token: { type: 'boolean' } };

export const OTP_INPUT_SCHEMA = {
  oneOf: [
    { type: 'object', properties: { code: { type: 'string', minLength: 1 }, ...deviceToken }, required: ['code'] },
    { type: 'object', properties: { resend: { const: true } }, required: ['resend'] },
    { type: 'object', properties: { check: { const: true }, ...deviceToken }, required: ['check'] },
  ],
};

/**
 * Handles `{code}` / `{resend:true}` / `{check:true}`. `wrong` builds the error of a wrong code
 * for this step; `onSuccess` runs when the code matches.
 */
export async function reactOtp(env: StepEnv, input: Record<string, any>, wrong: () => ApiError, onSuccess: () => void): Promise<Reaction> {
  const otp = env.state.stage.otp!;
  const purpose = otp.purpose as OtpPurpose;
  const channel = otp.channel as OtpChannel;
  if (input.resend === true) {
    const code = env.ctx.ephemeral.otp.issue(env.ctx, { purpose, channel, target: otp.target, form: otp.form, flowId: env.state.flowId, wsChannel: otp.wsChannel }, false);
    if (code) await sendToOutbox(env.ctx, { to: otp.target, channel, purpose, form: otp.form, code, userId: env.state.userId });
    return WAIT;
  }
  if (input.check === true) {
    // Link form: the sign-in goes on once the link was opened and approved (spec authflow.md 7.6).
    if (otp.form !== 'link' || !env.ctx.ephemeral.otp.consumeApproved(purpose, otp.target)) return WAIT;
    onSuccess();
    return DONE;
  }
  if (env.ctx.ephemeral.otp.verify(purpose, channel, otp.target, String(input.code)) !== 'ok') throw wrong();
  onSuccess();
  return DONE;
}
