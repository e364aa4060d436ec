import { ApiError } from '../../errors';
import type { StepHandler } from './step';
import { startOtp, verifyOtpData, OTP_INPUT_SCHEMA, reactOtp } from './otp-stage';

/** `verify` in sign-up (spec authflow.md 7.5): sends a code to the new e-mail on entry. */
export const verify: StepHandler = {
  async enter(env) {
    const target = env.step.target_step ? env.state.named[env.step.target_step] : undefined;
    const email = target?.loginIdType === 'email' ? target.loginId : undefined;
    if (!email || env.state.pending?.verified.some((c) => c.name === 'email' && c.value === email)) return 'done';
    await startOtp(env, 'verification', email, 'code');
  },
  action(env) {
    return { type: 'verify', data: verifyOtpData(env) };
  },
  schema() {
    return OTP_INPUT_SCHEMA;
  },
  react(env, input) {
    const email = env.state.stage.otp!.target;
    return reactOtp(
      env,
      input,
      () => new ApiError('Forbidden', 'InvalidVerificationCode', 'invalid verification code', { cause: { kind: 'InvalidVerificationCode' } }),
      () => env.state.pending!.verified.push({ name: 'email', value: email }),
    );
  },
};
