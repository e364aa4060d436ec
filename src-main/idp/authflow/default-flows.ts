import type { AppConfig } from '../config/types';
import type { FlowDefinition, FlowType, StepDef, BranchDef } from './types';

/**
 * The `default` flows generated from the project config, following upstream's generator
 * (spec authflow.md 8) for the login-ID identities and the authenticators the sandbox supports:
 * password and OTP by e-mail or SMS/WhatsApp as primary; TOTP as secondary (optional unless
 * required), with recovery codes and "remember this device".
 */
/** The OTP authenticator and the verifiable claim of each login ID type. */
const OOB_OF: Record<string, string | undefined> = { email: 'oob_otp_email', phone: 'oob_otp_sms' };
const CLAIM_OF: Record<string, 'email' | 'phone_number' | undefined> = { email: 'email', phone: 'phone_number' };

export function defaultFlow(app: AppConfig, type: FlowType): FlowDefinition {
  const primaries = app.authentication.primary_authenticators;
  const keys = [...new Set(app.identity.login_id.keys.map((k) => k.type))];
  const loginIds = app.authentication.identities.includes('login_id') ? keys : [];
  const secondaryMode = app.authentication.secondary_authentication_mode;

  const secondaryLogin = (id: string): StepDef[] =>
    secondaryMode === 'disabled'
      ? []
      : [
          {
            name: `authenticate_secondary_${id}`,
            type: 'authenticate',
            optional: secondaryMode !== 'required',
            one_of: [
              ...app.authentication.secondary_authenticators.map((a) => ({ authentication: `secondary_${a}` })),
              ...(app.authentication.recovery_code.disabled ? [] : [{ authentication: 'recovery_code' }]),
              ...(app.authentication.device_token.disabled ? [] : [{ authentication: 'device_token' }]),
            ],
          },
        ];

  switch (type) {
    case 'signup':
    case 'promote': {
      const branches: BranchDef[] = loginIds.map((id) => {
        // One option per primary authenticator this identification can use, in config order.
        const options: BranchDef[] = primaries
          .filter((p) => p === 'password' || p === OOB_OF[id])
          .map((p) => (p === 'password' ? { authentication: 'primary_password' } : { authentication: `primary_${p}`, target_step: `${type}_identify` }));
        const steps: StepDef[] = [];
        const claim = CLAIM_OF[id];
        if (claim && app.verification.claims[claim].enabled && app.verification.claims[claim].required) steps.push({ type: 'verify', target_step: `${type}_identify` });
        steps.push({ name: `authenticate_primary_${id}`, type: 'create_authenticator', one_of: options });
        if (secondaryMode === 'required') {
          const recovery: StepDef[] = app.authentication.recovery_code.disabled ? [] : [{ type: 'view_recovery_code' }];
          const secondaries = app.authentication.secondary_authenticators.filter((a) => a === 'totp');
          steps.push({ name: `authenticate_secondary_${id}`, type: 'create_authenticator', one_of: secondaries.map((a) => ({ authentication: `secondary_${a}`, steps: recovery })) });
        }
        return { identification: id, steps };
      });
      return { type, name: 'default', steps: [{ name: `${type}_identify`, type: 'identify', one_of: branches }] };
    }
    case 'login': {
      const branches: BranchDef[] = loginIds.map((id) => {
        const options: BranchDef[] = [];
        for (const p of primaries) {
          if (p === 'password') {
            options.push({ authentication: 'primary_password', steps: [...secondaryLogin(id), { type: 'change_password', target_step: `authenticate_primary_${id}` }] });
          } else if (p === OOB_OF[id]) {
            options.push({ authentication: `primary_${p}`, target_step: 'login_identify', steps: secondaryLogin(id) });
          }
        }
        return { identification: id, steps: [{ name: `authenticate_primary_${id}`, type: 'authenticate', one_of: options }] };
      });
      return {
        type,
        name: 'default',
        steps: [{ name: 'login_identify', type: 'identify', one_of: branches }, { type: 'check_account_status' }, { type: 'terminate_other_sessions' }],
      };
    }
    case 'reauth': {
      const options: BranchDef[] = [];
      if (primaries.includes('password')) options.push({ authentication: 'primary_password' });
      if (primaries.includes('oob_otp_email')) options.push({ authentication: 'primary_oob_otp_email' });
      if (primaries.includes('oob_otp_sms')) options.push({ authentication: 'primary_oob_otp_sms' });
      if (secondaryMode !== 'disabled') for (const a of app.authentication.secondary_authenticators) options.push({ authentication: `secondary_${a}` });
      return {
        type,
        name: 'default',
        steps: [
          { name: 'reauth_identify', type: 'identify', one_of: [{ identification: 'id_token' }] },
          { name: 'reauthenticate', type: 'authenticate', one_of: options },
        ],
      };
    }
    case 'account_recovery': {
      const branches: BranchDef[] = (['email', 'phone'] as const)
        .filter((id) => keys.includes(id))
        .map((id) => ({
          identification: id,
          on_failure: 'ignore',
          steps: [{ type: 'select_destination', one_of: [{ allowed_channels: app.forgot_password[id] }] }],
        }));
      return {
        type,
        name: 'default',
        steps: [{ type: 'identify', one_of: branches }, { type: 'verify_account_recovery_code' }, { type: 'reset_password' }],
      };
    }
    case 'signup_login':
      return {
        type,
        name: 'default',
        steps: [{ name: 'signup_login_identify', type: 'identify', one_of: loginIds.map((id) => ({ identification: id, signup_flow: 'default', login_flow: 'default' })) }],
      };
  }
}
