import { ApiError } from '../../errors';
import { hashPassword, PASSWORD_MAX_BYTES } from '../../crypto/password';
import { checkPasswordPolicy } from '../../user/password-policy';
import { passwordPolicyData } from '../password-policy-data';
import { maskEmail } from '../masking';
import { recordAuthenticator } from '../amr';
import { newTotpSecret, totpUri, verifyTotp } from '../../crypto/totp';
import type { StepHandler, StepEnv } from './step';
import { objectSchema, WAIT } from './step';
import { startOtp, verifyOtpData, OTP_INPUT_SCHEMA, reactOtp } from './otp-stage';

function targetEmail(env: StepEnv, target?: string): string | undefined {
  return target ? env.state.named[target]?.loginId : env.state.pending?.loginId;
}

function isVerified(env: StepEnv, email: string): boolean {
  return Boolean(env.state.pending?.verified.some((c) => c.name === 'email' && c.value === email));
}

export function checkNewPassword(env: StepEnv, password: string): void {
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    throw new ApiError('Invalid', 'ValidationFailed', 'password is too long', { causes: [{ location: '/new_password', kind: 'maxLength', details: { expected: PASSWORD_MAX_BYTES } }] });
  }
  const causes = checkPasswordPolicy(env.ctx.config.app.authenticator.password.policy, password);
  if (causes.length) throw new ApiError('Invalid', 'PasswordPolicyViolated', 'password policy violated', { causes });
}

/** `create_authenticator` in sign-up (spec authflow.md 7.7): password, or e-mail OTP on the verified address. */
export const createAuthenticator: StepHandler = {
  action(env) {
    if (env.state.stage.otp) return { type: 'create_authenticator', authentication: env.state.stage.chosen, data: verifyOtpData(env) };
    if (env.state.stage.totpSecret) {
      const secret = env.state.stage.totpSecret;
      return { type: 'create_authenticator', authentication: 'secondary_totp', data: { type: 'create_totp_data', secret, otpauth_uri: totpUri(secret, env.ctx.issuer, env.state.pending!.loginId) } };
    }
    const options = (env.step.one_of ?? []).map((b) => {
      if (b.authentication === 'primary_password') return { authentication: b.authentication, password_policy: passwordPolicyData(env.ctx.config.app.authenticator.password.policy) };
      if (b.authentication === 'secondary_totp') return { authentication: b.authentication };
      const email = targetEmail(env, b.target_step) ?? '';
      return {
        authentication: b.authentication,
        otp_form: 'code',
        channels: ['email'],
        target: { masked_display_name: maskEmail(email), verification_required: !isVerified(env, email) },
      };
    });
    return { type: 'create_authenticator', data: { type: 'create_authenticator_data', options } };
  },
  schema(env) {
    if (env.state.stage.otp) return OTP_INPUT_SCHEMA;
    if (env.state.stage.totpSecret) return objectSchema({ code: { type: 'string' } }, ['code']);
    return {
      oneOf: (env.step.one_of ?? []).map((b) =>
        b.authentication === 'primary_password'
          ? objectSchema({ authentication: { const: b.authentication }, new_password: { type: 'string' } }, ['authentication', 'new_password'])
          : objectSchema({ authentication: { const: b.authentication } }, ['authentication']),
      ),
    };
  },
  async react(env, input) {
    const pending = env.state.pending!;
    if (env.state.stage.otp) {
      const email = env.state.stage.otp.target;
      return reactOtp(
        env,
        input,
        () => new ApiError('Unauthorized', 'InvalidCredentials', 'invalid credentials', { AuthenticationType: 'oob_otp_email' }),
        () => {
          pending.verified.push({ name: 'email', value: email });
          pending.authenticators.push({ type: 'oob_otp_email', kind: 'primary', email });
          recordAuthenticator(env.state, 'primary_oob_otp_email', env.ctx.clock.nowMs());
        },
      );
    }
    if (env.state.stage.totpSecret) {
      const secret = env.state.stage.totpSecret;
      if (!verifyTotp(secret, String(input.code), env.ctx.clock.nowMs())) {
        throw new ApiError('Unauthorized', 'InvalidCredentials', 'invalid credentials', { AuthenticationType: 'totp' });
      }
      pending.authenticators.push({ type: 'totp', kind: 'secondary', totpSecret: secret });
      recordAuthenticator(env.state, 'secondary_totp', env.ctx.clock.nowMs());
      return { done: true, branch: env.step.one_of![env.state.stage.option!] };
    }
    const branchIndex = (env.step.one_of ?? []).findIndex((b) => b.authentication === input.authentication);
    const branch = env.step.one_of![branchIndex];
    if (branch.authentication === 'secondary_totp') {
      env.state.stage.option = branchIndex;
      env.state.stage.chosen = branch.authentication;
      env.state.stage.totpSecret = newTotpSecret(env.ctx.random.bytes(20));
      return WAIT;
    }
    if (branch.authentication === 'primary_password') {
      checkNewPassword(env, String(input.new_password));
      pending.authenticators.push({ type: 'password', kind: 'primary', passwordHash: await hashPassword(String(input.new_password)) });
      recordAuthenticator(env.state, 'primary_password', env.ctx.clock.nowMs());
      return { done: true, branch };
    }
    const email = targetEmail(env, branch.target_step)!;
    if (isVerified(env, email)) {
      pending.authenticators.push({ type: 'oob_otp_email', kind: 'primary', email });
      recordAuthenticator(env.state, 'primary_oob_otp_email', env.ctx.clock.nowMs());
      return { done: true, branch };
    }
    env.state.stage.option = branchIndex;
    env.state.stage.chosen = branch.authentication;
    await startOtp(env, 'verification', email, 'code');
    return WAIT;
  },
};
