import type { AppConfig, OAuthClientConfig, LoginIDKeyConfig } from './types';
import { parseDuration } from './duration';

/** Upstream's defaults (pkg/lib/config), applied to what authgear.yaml leaves out. */
export const DEFAULT_ACCESS_TOKEN_LIFETIME = 1800;
export const DEFAULT_REFRESH_TOKEN_LIFETIME = 31449600;
export const DEFAULT_IDLE_TIMEOUT = 2592000;
export const DEFAULT_SESSION_LIFETIME = 31449600;

type Raw = Record<string, any>;

export function clientWithDefaults(raw: Raw): OAuthClientConfig {
  const access = raw.access_token_lifetime_seconds ?? DEFAULT_ACCESS_TOKEN_LIFETIME;
  const type = raw.x_application_type ?? '';
  return {
    ...raw,
    client_id: raw.client_id,
    name: raw.name ?? raw.client_name ?? raw.client_id,
    client_name: raw.client_name,
    x_application_type: type,
    redirect_uris: raw.redirect_uris ?? [],
    post_logout_redirect_uris: raw.post_logout_redirect_uris ?? [],
    grant_types: raw.grant_types ?? [],
    response_types: raw.response_types ?? [],
    access_token_lifetime_seconds: access,
    refresh_token_lifetime_seconds:
      raw.refresh_token_lifetime_seconds ?? Math.max(access, DEFAULT_REFRESH_TOKEN_LIFETIME),
    refresh_token_idle_timeout_enabled: raw.refresh_token_idle_timeout_enabled ?? true,
    refresh_token_idle_timeout_seconds: raw.refresh_token_idle_timeout_seconds ?? DEFAULT_IDLE_TIMEOUT,
    refresh_token_rotation_enabled: raw.refresh_token_rotation_enabled ?? false,
    // m2m clients always issue JWTs (spec 14).
    issue_jwt_access_token: type === 'm2m' ? true : (raw.issue_jwt_access_token ?? false),
    x_max_concurrent_session: raw.x_max_concurrent_session ?? 0,
  };
}

function loginIdKey(raw: Raw): LoginIDKeyConfig {
  const type = raw.type as LoginIDKeyConfig['type'];
  return {
    type,
    key: raw.key ?? type,
    max_length: raw.max_length ?? (type === 'username' ? 40 : 320),
  };
}

function lockoutWithDefaults(raw: Raw | undefined): AppConfig['authentication']['lockout'] {
  if (!raw || !(raw.max_attempts > 0)) return undefined;
  return {
    max_attempts: raw.max_attempts,
    history_seconds: parseDuration(raw.history_duration) ?? 0,
    minimum_seconds: parseDuration(raw.minimum_duration) ?? 0,
    maximum_seconds: parseDuration(raw.maximum_duration) ?? 0,
    backoff_factor: raw.backoff_factor ?? 1,
    lockout_type: raw.lockout_type,
    methods: (['password', 'totp', 'oob_otp', 'recovery_code'] as const).filter((m) => raw[m]?.enabled),
  };
}

function otpLimit(raw: Raw | undefined): AppConfig['otp_limits']['authenticate']['email'] {
  return {
    cooldown_seconds: (raw?.trigger_cooldown ? parseDuration(raw.trigger_cooldown) : undefined) ?? 60,
    max_failed_attempts_revoke_otp: raw?.max_failed_attempts_revoke_otp ?? 0,
  };
}

function perChannel(raw: Raw | undefined): Record<'email' | 'sms', AppConfig['otp_limits']['authenticate']['email']> {
  return { email: otpLimit(raw?.email), sms: otpLimit(raw?.sms) };
}

function claimVerification(raw: Raw | undefined): { enabled: boolean; required: boolean } {
  return { enabled: raw?.enabled ?? true, required: raw?.required ?? true };
}

export function appWithDefaults(raw: Raw): AppConfig {
  const http = raw.http ?? {};
  const authn = raw.authentication ?? {};
  const policy = raw.authenticator?.password?.policy ?? {};
  const session = raw.session ?? {};
  return {
    id: raw.id ?? 'sandbox',
    http: {
      public_origin: String(http.public_origin).replace(/\/+$/, ''),
      allowed_origins: http.allowed_origins ?? [],
      cookie_prefix: http.cookie_prefix ?? '',
      cookie_domain: http.cookie_domain,
    },
    oauth: { clients: (raw.oauth?.clients ?? []).map(clientWithDefaults) },
    authentication: {
      identities: authn.identities ?? ['oauth', 'login_id'],
      primary_authenticators: authn.primary_authenticators ?? ['password'],
      secondary_authenticators: authn.secondary_authenticators ?? ['totp'],
      secondary_authentication_mode: authn.secondary_authentication_mode ?? 'if_exists',
      public_signup_disabled: authn.public_signup_disabled ?? false,
      recovery_code: { disabled: authn.recovery_code?.disabled ?? false, count: authn.recovery_code?.count ?? 16 },
      lockout: lockoutWithDefaults(authn.lockout),
      device_token: { disabled: authn.device_token?.disabled ?? false, expire_in_days: authn.device_token?.expire_in_days ?? 30 },
    },
    identity: {
      login_id: {
        keys: (raw.identity?.login_id?.keys ?? [{ type: 'email' }]).map(loginIdKey),
        block_reserved_usernames: raw.identity?.login_id?.types?.username?.block_reserved_usernames ?? true,
      },
    },
    authenticator: {
      password: {
        policy: {
          min_length: policy.min_length ?? 8,
          uppercase_required: policy.uppercase_required ?? false,
          lowercase_required: policy.lowercase_required ?? false,
          alphabet_required: policy.alphabet_required ?? false,
          digit_required: policy.digit_required ?? false,
          symbol_required: policy.symbol_required ?? false,
          minimum_guessable_level: policy.minimum_guessable_level ?? 0,
          excluded_keywords: policy.excluded_keywords ?? [],
          history_size: policy.history_size ?? 0,
          history_days: policy.history_days ?? 0,
        },
        force_change: raw.authenticator?.password?.force_change ?? true,
      },
      oob_otp: {
        email: { email_otp_mode: raw.authenticator?.oob_otp?.email?.email_otp_mode ?? 'code' },
        sms: { phone_otp_mode: raw.authenticator?.oob_otp?.sms?.phone_otp_mode ?? 'whatsapp_sms' },
      },
    },
    otp_limits: {
      verification: perChannel(raw.verification?.rate_limits),
      authenticate: perChannel(authn.rate_limits?.oob_otp),
      forgot_password: perChannel(raw.forgot_password?.rate_limits),
    },
    verification: {
      claims: { email: claimVerification(raw.verification?.claims?.email), phone_number: claimVerification(raw.verification?.claims?.phone_number) },
    },
    flow_groups: (raw.ui?.authentication_flow?.groups ?? []).map((g: Raw) => ({ name: g.name, flows: g.flows ?? [] })),
    forgot_password: {
      email: raw.ui?.forgot_password?.email ?? [{ channel: 'email', otp_form: 'link' }],
      phone: raw.ui?.forgot_password?.phone ?? [{ channel: 'sms', otp_form: 'code' }],
    },
    authentication_flow: Object.fromEntries(
      ['signup', 'promote', 'login', 'signup_login', 'reauth', 'account_recovery'].map((t) => [t, raw.authentication_flow?.[`${t}_flows`] ?? []]),
    ),
    test_mode: {
      oob_otp: {
        enabled: raw.test_mode?.oob_otp?.enabled ?? false,
        rules: (raw.test_mode?.oob_otp?.rules ?? []).map((r: { regex: string; fixed_code?: string }) => ({ regex: new RegExp(r.regex), fixed_code: r.fixed_code })),
      },
    },
    account_deletion: { scheduled_by_end_user_enabled: raw.account_deletion?.scheduled_by_end_user_enabled ?? false },
    session: {
      lifetime_seconds: session.lifetime_seconds ?? DEFAULT_SESSION_LIFETIME,
      idle_timeout_enabled: session.idle_timeout_enabled ?? true,
      idle_timeout_seconds: session.idle_timeout_seconds ?? DEFAULT_IDLE_TIMEOUT,
      use_session_cookie: session.use_session_cookie ?? session.cookie_non_persistent ?? false,
    },
  };
}
