import { ApiError } from '../../errors';
import { hashPassword, PASSWORD_MAX_BYTES } from '../../crypto/password';
import { checkPasswordPolicy } from '../../user/password-policy';
import { passwordPolicyData } from '../password-policy-data';
import { maskClaim } from '../masking';
import { recordAuthenticator } from '../amr';
import { newTotpSecret, totpUri, verifyTotp } from '../../crypto/totp';
import type { StepHandler, StepEnv } from './step';
import { objectSchema, WAIT } from './step';
import { beginOtp, channelsFor, verifyOtpData, OTP_INPUT_SCHEMA, reactOtp, selectChannelData, selectChannelSchema, reactSelectChannel } from './otp-stage';

/** The e-mail address or phone number an OOB authenticator is created for. */
function oobTarget(env: StepEnv, target?: string): string | undefined {
  return target ? env.state.named[target]?.loginId : env.state.pending?.loginId;
}

const claimOf = (value: string) => (value.startsWith('+') ? 'phone_number' : 'email');

function isVerified(env: StepEnv, value: string): boolean {
  return Boolean(env.state.pending?.verified.some((c) => c.name === claimOf(value) && c.value === value));
}

/** Adds the OOB authenticator (the claim is verified by now). */
function addOob(env: StepEnv, authentication: string, value: string): void {
  const pending = env.state.pending!;
  if (!isVerified(env, value)) pending.verified.push({ name: claimOf(value), value });
  pending.authenticators.push(authentication === 'primary_oob_otp_sms' ? { type: 'oob_otp_sms', kind: 'primary', phone: value } : { type: 'oob_otp_email', kind: 'primary', email: value });
  recordAuthenticator(env.state, authentication, env.ctx.clock.nowMs());
}

export function checkNewPassword(env: StepEnv, password: string): void {
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    throw new ApiError('Invalid', 'ValidationFailed', 'password is too long', { causes: [{ location: '/new_password', kind: 'maxLength', details: { expected: PASSWORD_MAX_BYTES } }] });
  }
  const causes = checkPasswordPolicy(env.ctx.config.app.authenticator.password.policy, password);
  if (causes.length) throw new ApiError('Invalid', 'PasswordPolicyViolated', 'password policy violated', { causes });
}

/** `create_authenticator` in sign-up (spec authflow.md 7.7): password, TOTP, or OTP by e-mail or SMS on the identity's claim. */
export const createAuthenticator: StepHandler = {
  action(env) {
    if (env.state.stage.selectChannel) return { type: 'create_authenticator', authentication: env.state.stage.chosen, data: selectChannelData(env) };
    if (env.state.stage.otp) return { type: 'create_authenticator', authentication: env.state.stage.chosen, data: verifyOtpData(env) };
    if (env.state.stage.totpSecret) {
      const secret = env.state.stage.totpSecret;
      return { type: 'create_authenticator', authentication: 'secondary_totp', data: { type: 'create_totp_data', secret, otpauth_uri: totpUri(secret, env.ctx.issuer, env.state.pending!.loginId) } };
    }
    const options = (env.step.one_of ?? []).map((b) => {
      if (b.authentication === 'primary_password') return { authentication: b.authentication, password_policy: passwordPolicyData(env.ctx.config.app.authenticator.password.policy) };
      if (b.authentication === 'secondary_totp') return { authentication: b.authentication };
      const value = oobTarget(env, b.target_step) ?? '';
      return {
        authentication: b.authentication,
        otp_form: 'code',
        channels: channelsFor(env.ctx, value),
        target: { masked_display_name: maskClaim(value), verification_required: !isVerified(env, value) },
      };
    });
    return { type: 'create_authenticator', data: { type: 'create_authenticator_data', options } };
  },
  schema(env) {
    if (env.state.stage.selectChannel) return selectChannelSchema(env);
    if (env.state.stage.otp) return OTP_INPUT_SCHEMA;
    if (env.state.stage.totpSecret) return objectSchema({ code: { type: 'string' } }, ['code']);
    return {
      oneOf: (env.step.one_of ?? []).map((b) =>
        b.authentication === 'primary_password'
          ? objectSchema({ authentication: { const: b.authentication }, new_password: { type: 'string' } }, ['authentication', 'new_password'])
          : objectSchema({ authentication: { const: b.authentication }, channel: { enum: ['email', 'sms', 'whatsapp'] } }, ['authentication']),
      ),
    };
  },
  async react(env, input) {
    const pending = env.state.pending!;
    if (env.state.stage.selectChannel) return reactSelectChannel(env, input);
    if (env.state.stage.otp) {
      const value = env.state.stage.otp.target;
      const chosen = env.state.stage.chosen!;
      const r = await reactOtp(
        env,
        input,
        () => new ApiError('Unauthorized', 'InvalidCredentials', 'invalid credentials', { AuthenticationType: chosen.replace('primary_', '') }),
        () => addOob(env, chosen, value),
      );
      return r.done ? { done: true, branch: env.step.one_of![env.state.stage.option!] } : r;
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
    const value = oobTarget(env, branch.target_step)!;
    if (isVerified(env, value)) {
      addOob(env, branch.authentication!, value);
      return { done: true, branch };
    }
    env.state.stage.option = branchIndex;
    env.state.stage.chosen = branch.authentication;
    await beginOtp(env, 'verification', value, 'code', input.channel);
    return WAIT;
  },
};
