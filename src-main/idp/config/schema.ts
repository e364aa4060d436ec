/**
 * JSON schema of the authgear.yaml sections the sandbox reads. Field types follow upstream's
 * config schema; unknown client properties are reported, not fatal (spec oidc.md 14).
 */
const uri = { type: 'string', minLength: 1 };
const bool = { type: 'boolean' };
const seconds = { type: 'integer', minimum: 0 };
const DURATION = '^(\\d+(\\.\\d+)?h)?(\\d+(\\.\\d+)?m)?(\\d+(\\.\\d+)?s)?$';
const otpLimit = { type: 'object', properties: { trigger_cooldown: { type: 'string', pattern: DURATION }, max_failed_attempts_revoke_otp: { type: 'integer', minimum: 0 } } };
const otpChannelLimits = { type: 'object', properties: { email: otpLimit, sms: otpLimit } };
const claimVerification = { type: 'object', properties: { enabled: bool, required: bool } };
const recoveryChannels = {
  type: 'array',
  minItems: 1,
  items: { type: 'object', required: ['channel', 'otp_form'], properties: { channel: { enum: ['email', 'sms', 'whatsapp'] }, otp_form: { enum: ['code', 'link'] } } },
};
const lockoutMethod = { type: 'object', required: ['enabled'], properties: { enabled: bool } };

export const CLIENT_FIELDS = [
  'client_id', 'name', 'client_name', 'x_application_type', 'redirect_uris',
  'post_logout_redirect_uris', 'grant_types', 'response_types', 'access_token_lifetime_seconds',
  'refresh_token_lifetime_seconds', 'refresh_token_idle_timeout_enabled',
  'refresh_token_idle_timeout_seconds', 'refresh_token_rotation_enabled', 'issue_jwt_access_token',
  'x_max_concurrent_session', 'x_custom_ui_uri', 'client_uri', 'policy_uri', 'tos_uri', 'logo_uri',
  'x_replace_project_logo_with_logo_uri', 'x_framework', 'x_authentication_flow_allowlist',
  'x_app2app_enabled', 'x_app2app_insecure_device_key_binding_enabled', 'x_dpop_disabled',
  'x_pre_authenticated_url_enabled', 'x_pre_authenticated_url_allowed_origins',
  'client_id_issued_at', 'client_secret_expires_at',
];

const client = {
  type: 'object',
  required: ['client_id'],
  properties: {
    client_id: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    client_name: { type: 'string' },
    x_application_type: {
      enum: ['', 'spa', 'traditional_webapp', 'native', 'confidential', 'third_party_app', 'm2m'],
    },
    redirect_uris: { type: 'array', items: uri },
    post_logout_redirect_uris: { type: 'array', items: uri },
    grant_types: { type: 'array', items: { type: 'string' } },
    response_types: { type: 'array', items: { type: 'string' } },
    access_token_lifetime_seconds: { type: 'integer', minimum: 300 },
    refresh_token_lifetime_seconds: seconds,
    refresh_token_idle_timeout_enabled: bool,
    refresh_token_idle_timeout_seconds: seconds,
    refresh_token_rotation_enabled: bool,
    issue_jwt_access_token: bool,
    x_max_concurrent_session: { enum: [0, 1] },
    x_custom_ui_uri: uri,
    x_pre_authenticated_url_enabled: bool,
    x_pre_authenticated_url_allowed_origins: { type: 'array', items: uri },
    x_authentication_flow_allowlist: {
      type: 'object',
      properties: {
        groups: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
        flows: { type: 'array', items: { type: 'object', required: ['type', 'name'], properties: { type: { type: 'string' }, name: { type: 'string' } } } },
      },
    },
  },
};

export const appConfigSchema = {
  type: 'object',
  required: ['http'],
  properties: {
    id: { type: 'string', minLength: 1 },
    http: {
      type: 'object',
      required: ['public_origin'],
      properties: {
        public_origin: { type: 'string', minLength: 1 },
        allowed_origins: { type: 'array', items: { type: 'string' } },
        cookie_prefix: { type: 'string' },
        cookie_domain: { type: 'string' },
      },
    },
    oauth: {
      type: 'object',
      properties: { clients: { type: 'array', items: client } },
    },
    authentication: {
      type: 'object',
      properties: {
        identities: { type: 'array', items: { type: 'string' } },
        primary_authenticators: { type: 'array', items: { type: 'string' } },
        secondary_authenticators: { type: 'array', items: { type: 'string' } },
        secondary_authentication_mode: { enum: ['disabled', 'if_exists', 'required'] },
        public_signup_disabled: bool,
        recovery_code: { type: 'object', properties: { disabled: bool, count: { type: 'integer', minimum: 10, maximum: 50 } } },
        device_token: { type: 'object', properties: { disabled: bool, expire_in_days: { type: 'integer', minimum: 1, maximum: 3650 } } },
        rate_limits: { type: 'object', properties: { oob_otp: otpChannelLimits } },
        lockout: {
          type: 'object',
          properties: {
            max_attempts: { type: 'integer', minimum: 0 },
            history_duration: { type: 'string', pattern: DURATION },
            minimum_duration: { type: 'string', pattern: DURATION },
            maximum_duration: { type: 'string', pattern: DURATION },
            backoff_factor: { type: 'number', minimum: 1 },
            lockout_type: { enum: ['per_user', 'per_user_per_ip'] },
            password: lockoutMethod,
            totp: lockoutMethod,
            oob_otp: lockoutMethod,
            recovery_code: lockoutMethod,
          },
          if: { properties: { max_attempts: { minimum: 1 } }, required: ['max_attempts'] },
          then: { required: ['history_duration', 'minimum_duration', 'maximum_duration', 'lockout_type'] },
        },
      },
    },
    identity: {
      type: 'object',
      properties: {
        login_id: {
          type: 'object',
          properties: {
            types: {
              type: 'object',
              properties: { username: { type: 'object', properties: { block_reserved_usernames: bool, exclude_keywords_enabled: bool, ascii_only: bool, case_sensitive: bool } } },
            },
            keys: {
              type: 'array',
              items: {
                type: 'object',
                required: ['type'],
                properties: {
                  type: { enum: ['email', 'phone', 'username'] },
                  key: { type: 'string', minLength: 1 },
                  max_length: { type: 'integer', minimum: 1 },
                },
              },
            },
          },
        },
      },
    },
    authenticator: {
      type: 'object',
      properties: {
        oob_otp: {
          type: 'object',
          properties: {
            email: { type: 'object', properties: { email_otp_mode: { enum: ['code', 'login_link'] } } },
            sms: { type: 'object', properties: { phone_otp_mode: { enum: ['sms', 'whatsapp', 'whatsapp_sms'] } } },
          },
        },
        password: {
          type: 'object',
          properties: {
            force_change: bool,
            policy: {
              type: 'object',
              properties: {
                min_length: { type: 'integer', minimum: 1 },
                uppercase_required: bool,
                lowercase_required: bool,
                alphabet_required: bool,
                digit_required: bool,
                symbol_required: bool,
                minimum_guessable_level: { type: 'integer', minimum: 0, maximum: 5 },
                excluded_keywords: { type: 'array', items: { type: 'string' } },
                history_size: { type: 'integer', minimum: 0 },
                history_days: { type: 'integer', minimum: 0 },
              },
            },
          },
        },
      },
    },
    authentication_flow: {
      type: 'object',
      $defs: {
        step: {
          type: 'object',
          required: ['type'],
          properties: {
            name: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' },
            type: { enum: ['identify', 'authenticate', 'create_authenticator', 'verify', 'check_account_status', 'terminate_other_sessions', 'change_password', 'view_recovery_code', 'select_destination', 'verify_account_recovery_code', 'reset_password'] },
            target_step: { type: 'string' },
            optional: bool,
            one_of: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  identification: { enum: ['email', 'phone', 'username', 'id_token'] },
                  authentication: { enum: ['primary_password', 'primary_oob_otp_email', 'primary_oob_otp_sms', 'secondary_totp', 'recovery_code', 'device_token'] },
                  allowed_channels: recoveryChannels,
                  target_step: { type: 'string' },
                  signup_flow: { type: 'string' },
                  login_flow: { type: 'string' },
                  on_failure: { enum: ['error', 'ignore'] },
                  steps: { type: 'array', items: { $ref: '#/properties/authentication_flow/$defs/step' } },
                },
              },
            },
          },
        },
      },
      patternProperties: {
        '^(signup|promote|login|signup_login|reauth|account_recovery)_flows$': {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'steps'],
            properties: {
              name: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' },
              steps: { type: 'array', items: { $ref: '#/properties/authentication_flow/$defs/step' } },
            },
          },
        },
      },
    },
    verification: {
      type: 'object',
      properties: {
        claims: { type: 'object', properties: { email: claimVerification, phone_number: claimVerification } },
        rate_limits: otpChannelLimits,
      },
    },
    forgot_password: { type: 'object', properties: { rate_limits: otpChannelLimits } },
    ui: {
      type: 'object',
      properties: {
        forgot_password: { type: 'object', properties: { email: recoveryChannels, phone: recoveryChannels } },
        authentication_flow: {
          type: 'object',
          properties: {
            groups: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name'],
                properties: {
                  name: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' },
                  flows: { type: 'array', items: { type: 'object', required: ['type', 'name'], properties: { type: { enum: ['signup', 'promote', 'login', 'signup_login', 'reauth', 'account_recovery'] }, name: { type: 'string' } } } },
                },
              },
            },
          },
        },
      },
    },
    test_mode: {
      type: 'object',
      properties: {
        oob_otp: {
          type: 'object',
          properties: {
            enabled: bool,
            rules: { type: 'array', items: { type: 'object', required: ['regex'], properties: { regex: { type: 'string' }, fixed_code: { type: 'string' } } } },
          },
        },
      },
    },
    account_deletion: {
      type: 'object',
      properties: {
        scheduled_by_end_user_enabled: bool,
        grace_period_days: { type: 'integer', minimum: 1, maximum: 180 },
      },
    },
    session: {
      type: 'object',
      properties: {
        lifetime_seconds: seconds,
        idle_timeout_enabled: bool,
        idle_timeout_seconds: seconds,
        use_session_cookie: bool,
        cookie_non_persistent: bool,
      },
    },
  },
} as const;

/** Top-level sections read by the sandbox; any other known Authgear section is kept and reported. */
export const SUPPORTED_SECTIONS = new Set([
  'id', 'http', 'oauth', 'authentication', 'identity', 'authenticator', 'session', 'test_mode', 'authentication_flow',
  'verification', 'forgot_password', 'ui',
  'account_deletion',
]);

export const secretsSchema = {
  type: 'object',
  required: ['secrets'],
  properties: {
    secrets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'data'],
        properties: { key: { type: 'string' }, data: { type: 'object' } },
      },
    },
  },
} as const;
