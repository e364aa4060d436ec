import { passwordPolicyData } from '../password-policy-data';
import type { StepHandler } from './step';
import { NEW_PASSWORD_SCHEMA, takeNewPassword } from './new-password';

/** `change_password` after sign-in when the password no longer meets the policy or has expired (spec 7.9). */
export const changePassword: StepHandler = {
  enter(env) {
    // An expired password is always changed; one below the policy only when force_change is on.
    const reason = env.state.passwordChangeReason;
    if (!reason || (reason === 'policy' && !env.ctx.config.app.authenticator.password.force_change)) return 'done';
  },
  action(env) {
    return {
      type: 'change_password',
      data: { type: 'new_password_data', password_policy: passwordPolicyData(env.ctx.config.app.authenticator.password.policy), force_change_reason: env.state.passwordChangeReason },
    };
  },
  schema: () => NEW_PASSWORD_SCHEMA,
  react: takeNewPassword,
};
