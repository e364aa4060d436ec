import { ApiError } from '../../errors';
import type { StepHandler } from './step';
import { beginOtp, verifyOtpData, OTP_INPUT_SCHEMA, reactOtp, selectChannelData, selectChannelSchema, reactSelectChannel } from './otp-stage';

const CLAIM: Record<string, 'email' | 'phone_number'> = { email: 'email', phone: 'phone_number' };

/**
 * `verify` in sign-up (spec authflow.md 7.5): sends a code to the new e-mail address or phone
 * number on entry; a phone with several channels is asked which one first.
 */
export const verify: StepHandler = {
  async enter(env) {
    const target = env.step.target_step ? env.state.named[env.step.target_step] : undefined;
    const claim = target?.loginIdType ? CLAIM[target.loginIdType] : undefined;
    const value = target?.loginId;
    if (!claim || !value || env.state.pending?.verified.some((c) => c.name === claim && c.value === value)) return 'done';
    await beginOtp(env, 'verification', value, 'code');
  },
  action(env) {
    if (env.state.stage.selectChannel) return { type: 'verify', data: selectChannelData(env) };
    return { type: 'verify', data: verifyOtpData(env) };
  },
  schema(env) {
    return env.state.stage.selectChannel ? selectChannelSchema(env) : OTP_INPUT_SCHEMA;
  },
  react(env, input) {
    if (env.state.stage.selectChannel) return reactSelectChannel(env, input);
    const target = env.state.stage.otp!.target;
    return reactOtp(
      env,
      input,
      () => new ApiError('Forbidden', 'InvalidVerificationCode', 'invalid verification code', { cause: { kind: 'InvalidVerificationCode' } }),
      () => env.state.pending!.verified.push({ name: target.startsWith('+') ? 'phone_number' : 'email', value: target }),
    );
  },
};
