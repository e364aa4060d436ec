import { SCOPES_SUPPORTED } from './scopes';

/** The discovery document; both well-known paths serve it (spec oidc.md 3). Keys sorted like Go's map encoding. */
export function discoveryDocument(issuer: string): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    issuer,
    authorization_endpoint: `${issuer}/oauth2/authorize`,
    token_endpoint: `${issuer}/oauth2/token`,
    userinfo_endpoint: `${issuer}/oauth2/userinfo`,
    jwks_uri: `${issuer}/oauth2/jwks`,
    revocation_endpoint: `${issuer}/oauth2/revoke`,
    end_session_endpoint: `${issuer}/oauth2/end_session`,
    response_types_supported: ['code', 'urn:authgear:params:oauth:response-type:settings-action', 'none'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
    dpop_signing_alg_values_supported: ['ES256', 'RS256'],
    scopes_supported: SCOPES_SUPPORTED,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: [
      'iss', 'aud', 'iat', 'exp', 'sub', 'email', 'email_verified', 'phone_number', 'phone_number_verified',
      'preferred_username', 'family_name', 'given_name', 'middle_name', 'name', 'nickname', 'picture',
      'profile', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'address', 'updated_at',
    ],
  };
  return Object.fromEntries(Object.keys(doc).sort().map((k) => [k, doc[k]]));
}
