import type { OAuthClientConfig } from '../config/types';

/** The client-type matrix of spec oidc.md 7.8, in one place. */
export function requiresSecret(c: OAuthClientConfig): boolean {
  return ['confidential', 'third_party_app', 'm2m'].includes(c.x_application_type);
}

export function isPublic(c: OAuthClientConfig): boolean {
  return !requiresSecret(c);
}

export function isFirstParty(c: OAuthClientConfig): boolean {
  return c.x_application_type !== 'third_party_app';
}

/** Clients whose ID token and JWT access token may carry standard attributes. */
export function allowsPiiInTokens(c: OAuthClientConfig): boolean {
  return c.x_application_type === 'confidential' || c.x_application_type === 'third_party_app';
}

export function allowsFullAccess(c: OAuthClientConfig): boolean {
  return !['confidential', 'third_party_app', 'm2m'].includes(c.x_application_type);
}

/** First-party public clients (spa, traditional_webapp, native, unspecified). */
export function isFirstPartyPublic(c: OAuthClientConfig): boolean {
  return ['', 'spa', 'traditional_webapp', 'native'].includes(c.x_application_type);
}

const ALWAYS_ALLOWED_GRANTS = [
  'authorization_code',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:authgear:params:oauth:grant-type:anonymous-request',
  'urn:authgear:params:oauth:grant-type:biometric-request',
  'urn:authgear:params:oauth:grant-type:app2app-request',
  'urn:authgear:params:oauth:grant-type:id-token',
  'urn:authgear:params:oauth:grant-type:settings-action',
];

/** Grants a client may use: config `grant_types` only ever adds (spec 6.1). */
export function allowedGrantTypes(c: OAuthClientConfig): Set<string> {
  if (c.x_application_type === 'm2m') return new Set(['client_credentials']);
  const set = new Set([...c.grant_types, ...ALWAYS_ALLOWED_GRANTS]);
  if (c.x_application_type === 'confidential') set.add('client_credentials');
  return set;
}
