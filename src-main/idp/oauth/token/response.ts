import type { HttpResult } from '../../http/types';
import { OAuthError } from '../../errors';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** Token endpoint JSON, success or error, always with no-store (spec 6.1). */
export function tokenResponse(body: Record<string, unknown>, status = 200): HttpResult {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...NO_STORE }, body: JSON.stringify(body) };
}

export function tokenError(e: OAuthError): HttpResult {
  const r = tokenResponse({ error: e.error, error_description: e.description }, e.status);
  return { ...r, headers: { ...r.headers, ...e.headers } };
}
