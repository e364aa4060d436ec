import type { FlowType, StepDef } from '../authflow/types';

/** The subset of authgear.yaml the sandbox reads, with defaults applied (see config/defaults.ts). */

export type ApplicationType =
  | ''
  | 'spa'
  | 'traditional_webapp'
  | 'native'
  | 'confidential'
  | 'third_party_app'
  | 'm2m';

export interface OAuthClientConfig {
  client_id: string;
  name: string;
  client_name?: string;
  x_application_type: ApplicationType;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  access_token_lifetime_seconds: number;
  refresh_token_lifetime_seconds: number;
  refresh_token_idle_timeout_enabled: boolean;
  refresh_token_idle_timeout_seconds: number;
  refresh_token_rotation_enabled: boolean;
  issue_jwt_access_token: boolean;
  x_max_concurrent_session: number;
  x_custom_ui_uri?: string;
  x_pre_authenticated_url_enabled?: boolean;
  x_pre_authenticated_url_allowed_origins?: string[];
  x_authentication_flow_allowlist?: { groups?: { name: string }[]; flows?: { type: string; name: string }[] };
}

export interface LoginIDKeyConfig {
  type: 'email' | 'phone' | 'username';
  key: string;
  max_length: number;
}

export interface OtpLimitConfig {
  cooldown_seconds: number;
  /** 0: never revoke a code for wrong attempts (upstream's default). */
  max_failed_attempts_revoke_otp: number;
}

export interface RecoveryChannel {
  channel: 'email' | 'sms' | 'whatsapp';
  otp_form: 'code' | 'link';
}

export interface PasswordPolicyConfig {
  min_length: number;
  uppercase_required: boolean;
  lowercase_required: boolean;
  alphabet_required: boolean;
  digit_required: boolean;
  symbol_required: boolean;
  minimum_guessable_level: number;
  excluded_keywords: string[];
  history_size: number;
  history_days: number;
}

export interface AppConfig {
  id: string;
  http: {
    public_origin: string;
    allowed_origins: string[];
    cookie_prefix: string;
    cookie_domain?: string;
  };
  oauth: { clients: OAuthClientConfig[] };
  authentication: {
    identities: string[];
    primary_authenticators: string[];
    secondary_authenticators: string[];
    secondary_authentication_mode: string;
    public_signup_disabled: boolean;
    recovery_code: { disabled: boolean; count: number };
    /** "Remember this device" for 2FA (`authentication.device_token`). */
    device_token: { disabled: boolean; expire_in_days: number };
    /** Account lockout after failed attempts (off unless max_attempts > 0). */
    lockout?: {
      max_attempts: number;
      history_seconds: number;
      minimum_seconds: number;
      maximum_seconds: number;
      backoff_factor: number;
      lockout_type: 'per_user' | 'per_user_per_ip';
      methods: ('password' | 'totp' | 'oob_otp' | 'recovery_code')[];
    };
  };
  identity: { login_id: { keys: LoginIDKeyConfig[]; block_reserved_usernames: boolean } };
  authenticator: {
    password: { policy: PasswordPolicyConfig; force_change: boolean };
    oob_otp: { email: { email_otp_mode: 'code' | 'login_link' }; sms: { phone_otp_mode: 'sms' | 'whatsapp' | 'whatsapp_sms' } };
  };
  /** Resend cooldowns and failed-attempt revocation of one-time codes, per purpose and channel. */
  otp_limits: Record<'verification' | 'authenticate' | 'forgot_password', Record<'email' | 'sms', OtpLimitConfig>>;
  /** Which claims a sign-up must verify (`verification.claims`). */
  verification: { claims: Record<'email' | 'phone_number', { enabled: boolean; required: boolean }> };
  /** Named sets of flows (`ui.authentication_flow.groups`) for allowlists and the built-in pages. */
  flow_groups: { name: string; flows: { type: FlowType; name: string }[] }[];
  /** Account recovery destinations of the default flow (`ui.forgot_password`). */
  forgot_password: { email: RecoveryChannel[]; phone: RecoveryChannel[] };
  /** Flows declared in `authentication_flow`, by flow type (a `default` here replaces the generated one). */
  authentication_flow: Partial<Record<FlowType, { name: string; steps: StepDef[] }[]>>;
  /** Upstream's test mode: fixed one-time codes for matching targets. */
  test_mode: { oob_otp: { enabled: boolean; rules: { regex: RegExp; fixed_code?: string }[] } };
  /** Whether users may delete their own account from /settings (and the delete_account settings action). */
  account_deletion: { scheduled_by_end_user_enabled: boolean };
  session: {
    lifetime_seconds: number;
    idle_timeout_enabled: boolean;
    idle_timeout_seconds: number;
    use_session_cookie: boolean;
  };
}

/** A JWK as stored in authgear.secrets.yaml (private members included). */
export type StoredJwk = Record<string, unknown> & { kid: string; kty: string; created_at?: number };

export interface SecretsConfig {
  /** Signing keys for ID tokens and JWT access tokens; the first one signs. */
  oauthKeys: StoredJwk[];
  /** Admin API keys (RS256). */
  adminApiKeys: StoredJwk[];
  /** client_id -> accepted client secrets (raw strings). */
  clientSecrets: Map<string, string[]>;
}

export interface LoadedConfig {
  app: AppConfig;
  secrets: SecretsConfig;
  /** The parsed YAML documents as found on disk (unknown sections kept). */
  rawApp: Record<string, unknown>;
  rawSecrets: Record<string, unknown>;
  /** One-line notices to print once at start-up (unsupported sections, unknown fields). */
  notices: string[];
}
