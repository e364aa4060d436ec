// What each JWT header parameter and claim an Authgear token can carry means (spec oidc.md 7, 8).
// Plain data, shared by the token inspector and its tests.

export const AUTHGEAR_USER = 'https://authgear.com/claims/user/'

/** How a claim's value is shown beside its raw JSON. */
export type ClaimFormat = 'time' | 'amr' | 'sid' | 'scope' | 'audience' | 'issuer' | 'json' | 'plain'

export interface ClaimInfo {
  label: string
  description: string
  format?: ClaimFormat
}

export const HEADER_PARAMS: Record<string, ClaimInfo> = {
  alg: { label: 'Algorithm', description: 'How the token is signed. Authgear signs with RS256 (RSA + SHA-256); "none" means unsigned and must never be accepted.' },
  typ: { label: 'Type', description: '"at+jwt" for access tokens, "JWT" for ID tokens.' },
  kid: { label: 'Key ID', description: 'Which key of the JWKS (/oauth2/jwks) signed the token; verifiers pick the key by this id.' },
  cty: { label: 'Content type', description: 'Set only for nested tokens; Authgear never sets it.' },
  jku: { label: 'JWK Set URL', description: 'A key URL chosen by the token itself. Never trust it: take keys from the issuer\'s JWKS instead.' },
  x5u: { label: 'X.509 URL', description: 'A certificate URL chosen by the token itself; Authgear never sets it.' },
  crit: { label: 'Critical', description: 'Extensions the verifier must understand; Authgear never sets it.' },
}

export const CLAIMS: Record<string, ClaimInfo> = {
  iss: { label: 'Issuer', description: 'Who issued the token: the Authgear endpoint (here the sandbox\'s issuer). Backends must check it.', format: 'issuer' },
  sub: { label: 'Subject', description: 'The user ID (a UUID). For an M2M access token it is "client_id_<client id>".' },
  aud: { label: 'Audience', description: 'Who the token is for: the issuer for access tokens, the client ID for ID tokens. Backends must check that it contains what they expect.', format: 'audience' },
  exp: { label: 'Expires at', description: 'After this instant the token must be refused. Access tokens live access_token_lifetime_seconds (default 30 min), ID tokens 5 min.', format: 'time' },
  iat: { label: 'Issued at', description: 'When the token was issued (for access tokens: when its access grant was created).', format: 'time' },
  nbf: { label: 'Not before', description: 'Before this instant the token must be refused. Authgear does not set it.', format: 'time' },
  auth_time: { label: 'Authenticated at', description: 'When the user last signed in or re-authenticated in this session; compare with max_age for sensitive actions.', format: 'time' },
  amr: { label: 'Authentication methods', description: 'How the user authenticated in this session (absent when none applies, e.g. social login only).', format: 'amr' },
  sid: { label: 'Session ID', description: 'The session the token belongs to: base64url of "idp:<id>" (a browser session) or "offline_grant:<id>" (a refresh-token session). Used by id_token_hint and logout.', format: 'sid' },
  client_id: { label: 'Client ID', description: 'The OAuth client the access token was issued to.' },
  scope: { label: 'Scope', description: 'Space-separated scopes granted to this access token.', format: 'scope' },
  jti: { label: 'Token ID', description: 'Hex SHA-256 of the underlying opaque token: the key of its access grant on the server, which is what revocation and the resolver look up.' },
  nonce: { label: 'Nonce', description: 'Echo of the nonce of the authorization request, against replay; only in the ID token of a code exchange.' },
  ds_hash: { label: 'Device secret hash', description: 'Hex SHA-256 of the device secret (device_sso scope).' },
  at_hash: { label: 'Access token hash', description: 'Half of a hash of the access token. Authgear never sets it.' },
  c_hash: { label: 'Code hash', description: 'Half of a hash of the authorization code. Authgear never sets it.' },
  azp: { label: 'Authorized party', description: 'The client the ID token was issued to. Authgear does not set it.' },
  [`${AUTHGEAR_USER}is_anonymous`]: { label: 'Anonymous user', description: 'True for an anonymous user (no login ID yet), who can be promoted later.' },
  [`${AUTHGEAR_USER}is_verified`]: { label: 'Verified user', description: 'True when one of the user\'s e-mail addresses or phone numbers is verified.' },
  [`${AUTHGEAR_USER}can_reauthenticate`]: { label: 'Can re-authenticate', description: 'True when the user has at least one authenticator (password, OTP, TOTP...) and so can be asked to re-authenticate.' },
  [`${AUTHGEAR_USER}roles`]: { label: 'Roles', description: 'Keys of the user\'s effective roles (direct and through groups); [] when none.', format: 'json' },
  [`${AUTHGEAR_USER}authenticators`]: { label: 'Authenticators', description: 'The user\'s authenticators ({type, kind, created_at, updated_at}). In userinfo only, with the full-access or full-userinfo scope.', format: 'json' },
  [`${AUTHGEAR_USER}identities`]: { label: 'Identities', description: 'The user\'s identities (login IDs, social logins...). In userinfo only, with the full-access or full-userinfo scope.', format: 'json' },
  [`${AUTHGEAR_USER}recovery_code_enabled`]: { label: 'Recovery codes enabled', description: 'Whether the user has recovery codes for two-factor authentication. In userinfo only, with the full-access or full-userinfo scope.' },
  'https://authgear.com/claims/oauth/asserted': { label: 'Asserted attributes', description: 'Attributes asserted by a social login provider, when configured to include them.', format: 'json' },
  email: { label: 'E-mail', description: 'Standard attribute. In tokens only for confidential and third-party clients, with the email scope.' },
  email_verified: { label: 'E-mail verified', description: 'Whether the e-mail address above is verified.' },
  phone_number: { label: 'Phone number', description: 'Standard attribute (E.164). In tokens only for confidential and third-party clients, with the phone scope.' },
  phone_number_verified: { label: 'Phone verified', description: 'Whether the phone number above is verified.' },
  preferred_username: { label: 'Username', description: 'Standard attribute: the username login ID.' },
  name: { label: 'Name', description: 'Standard attribute (profile scope).' },
  given_name: { label: 'Given name', description: 'Standard attribute (profile scope).' },
  family_name: { label: 'Family name', description: 'Standard attribute (profile scope).' },
  middle_name: { label: 'Middle name', description: 'Standard attribute (profile scope).' },
  nickname: { label: 'Nickname', description: 'Standard attribute (profile scope).' },
  profile: { label: 'Profile URL', description: 'Standard attribute (profile scope).' },
  picture: { label: 'Picture URL', description: 'Standard attribute (profile scope).' },
  website: { label: 'Website', description: 'Standard attribute (profile scope).' },
  gender: { label: 'Gender', description: 'Standard attribute (profile scope).' },
  birthdate: { label: 'Birthdate', description: 'Standard attribute (profile scope), YYYY-MM-DD.' },
  zoneinfo: { label: 'Time zone', description: 'Standard attribute (profile scope).' },
  locale: { label: 'Locale', description: 'Standard attribute (profile scope).' },
  address: { label: 'Address', description: 'Standard attribute (address scope).', format: 'json' },
  updated_at: { label: 'Profile updated at', description: 'When the user\'s standard attributes last changed.', format: 'time' },
  custom_attributes: { label: 'Custom attributes', description: 'Project-defined attributes (userinfo, first-party clients).', format: 'json' },
  x_web3: { label: 'Web3', description: 'Deprecated web3 accounts object.', format: 'json' },
}

/** The `amr` values Authgear stores (spec oidc.md 7.6). */
export const AMR_VALUES: Record<string, string> = {
  pwd: 'a password',
  otp: 'a one-time code',
  sms: 'a code by SMS',
  mfa: 'two factors',
  x_biometric: 'biometrics',
  x_passkey: 'a passkey',
  x_primary_password: 'primary: password',
  x_primary_oob_otp_email: 'primary: code or link by e-mail',
  x_primary_oob_otp_sms: 'primary: code by SMS',
  x_primary_passkey: 'primary: passkey',
  x_secondary_password: 'second factor: additional password',
  x_secondary_oob_otp_email: 'second factor: code by e-mail',
  x_secondary_oob_otp_sms: 'second factor: code by SMS',
  x_secondary_totp: 'second factor: authenticator app (TOTP)',
  x_recovery_code: 'a recovery code',
  x_device_token: 'a remembered device',
}

/** Explanation of a claim: known ones by name, anything else as a custom claim. */
export function claimInfo(name: string): ClaimInfo {
  return CLAIMS[name] ?? { label: 'Custom claim', description: 'Not an Authgear claim: added by a hook or another issuer.', format: 'json' }
}

export function headerInfo(name: string): ClaimInfo {
  return HEADER_PARAMS[name] ?? { label: 'Header parameter', description: 'Not a parameter Authgear sets.' }
}

/** `sid` = base64url("idp:<id>") or base64url("offline_grant:<id>"); null when it is neither. */
export function decodeSid(sid: unknown): { type: 'idp' | 'offline_grant'; id: string } | null {
  if (typeof sid !== 'string' || !/^[A-Za-z0-9_-]+$/.test(sid)) return null
  let text: string
  try {
    text = atob(sid.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (sid.length % 4)) % 4))
  } catch {
    return null
  }
  const m = /^(idp|offline_grant):(.+)$/.exec(text)
  return m ? { type: m[1] as 'idp' | 'offline_grant', id: m[2]! } : null
}
