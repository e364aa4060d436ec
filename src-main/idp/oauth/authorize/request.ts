import type { OAuthClientConfig } from '../../config/types';

/** An authorization request as it moves through the checks. */
export interface AuthzRequest {
  /** Request parameters; for repeated parameters the first value wins. */
  params: Record<string, string>;
  client?: OAuthClientConfig;
  /** The accepted redirect URI, exactly as sent (or defaulted). */
  redirectUri?: string;
  responseType: string[];
  scopes: string[];
  prompt: string[];
}

export const RESPONSE_TYPE_SETTINGS_ACTION = 'urn:authgear:params:oauth:response-type:settings-action';
export const RESPONSE_TYPE_PRE_AUTHENTICATED_URL = 'urn:authgear:params:oauth:response-type:pre-authenticated-url';

export function splitSpaces(s: string | undefined): string[] {
  return (s ?? '').split(' ').filter(Boolean);
}

/** Order-insensitive equality of a space-separated set with `expected`. */
export function responseTypeIs(rt: string[], ...expected: string[]): boolean {
  return rt.length === expected.length && expected.every((e) => rt.includes(e));
}

/** `max_age` as an integer >= 0, or undefined when absent or invalid (then ignored). */
export function maxAge(params: Record<string, string>): number | undefined {
  const raw = params.max_age;
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/** "Suppress IdP session" of spec 5.9. */
export function suppressIdpSession(params: Record<string, string>): boolean {
  if (params.x_sso_enabled) return params.x_sso_enabled !== 'true';
  if (params.x_suppress_idp_session_cookie) return params.x_suppress_idp_session_cookie === 'true';
  return false;
}

export function ssoEnabled(params: Record<string, string>): boolean {
  return params.x_sso_enabled === 'true';
}
