import type { OAuthClientConfig } from '../config/types';
import { allowedGrantTypes, allowsFullAccess } from './clients';
import { OAuthError } from '../errors';

export const FULL_ACCESS = 'https://authgear.com/scopes/full-access';
export const FULL_USERINFO = 'https://authgear.com/scopes/full-userinfo';
export const PRE_AUTHENTICATED_URL = 'https://authgear.com/scopes/pre-authenticated-url';

export const SCOPES_SUPPORTED = [
  'offline_access', 'device_sso', 'openid', 'profile', 'email', 'address', 'phone',
  FULL_ACCESS, FULL_USERINFO, PRE_AUTHENTICATED_URL,
];

export function parseScope(s: string | undefined): string[] {
  return (s ?? '').split(' ').filter(Boolean);
}

/** Scope validation of spec oidc.md 7.7, in upstream's order; throws invalid_scope. */
export function validateScopes(client: OAuthClientConfig, scopes: string[]): void {
  for (const s of scopes) {
    if (!SCOPES_SUPPORTED.includes(s)) throw new OAuthError('invalid_scope', `specified scope is not allowed: ${s}`);
  }
  if (!scopes.includes('openid')) throw new OAuthError('invalid_scope', "must request 'openid' scope");
  if (scopes.includes('offline_access') && !allowedGrantTypes(client).has('refresh_token')) {
    throw new OAuthError('invalid_scope', 'offline access is not allowed for this client');
  }
  if (scopes.includes(FULL_ACCESS) && !allowsFullAccess(client)) {
    throw new OAuthError('invalid_scope', 'full access is not allowed for this client');
  }
  const deviceSso = scopes.indexOf('device_sso');
  if (deviceSso >= 0 && !client.x_pre_authenticated_url_enabled) {
    throw new OAuthError('invalid_scope', 'device_sso is not allowed for this client');
  }
  const preAuth = scopes.indexOf(PRE_AUTHENTICATED_URL);
  if (preAuth >= 0) {
    if (!client.x_pre_authenticated_url_enabled) throw new OAuthError('invalid_scope', 'pre-authenticated url is not allowed for this client');
    if (deviceSso < 0 || deviceSso > preAuth) {
      throw new OAuthError('invalid_scope', 'device_sso must be requested when using pre-authenticated url');
    }
  }
}
