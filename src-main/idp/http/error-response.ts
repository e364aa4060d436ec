import type { HttpResult } from './types';
import { json, text } from './types';
import { AdminApiAuthError, ApiError, OAuthError } from '../errors';
import { adminApiHeaders } from '../adminapi/headers';
import { tokenError } from '../oauth/token/response';

/** Which error envelope a route answers in (spec oidc.md 1.4). */
export type Surface = 'oauth' | 'api' | 'page';

export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

const MESSAGES: Record<number, string> = { 403: 'forbidden', 404: 'not found', 413: 'request body too large', 415: 'unsupported content type' };

/** Maps an error to the envelope of its surface; nothing else builds error bodies. */
export function errorResult(surface: Surface, e: unknown): HttpResult {
  if (e instanceof AdminApiAuthError) return text(403, 'Forbidden\n', adminApiHeaders());
  if (e instanceof ApiError) return json(e.status, e.toJSON(), NO_STORE);
  if (e instanceof OAuthError) return tokenError(e);
  const status = (e as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) {
    const message = MESSAGES[status] ?? 'malformed request';
    if (surface === 'oauth') return tokenError(new OAuthError('invalid_request', message, status));
    if (surface === 'api') {
      if (status === 413) return json(413, new ApiError('RequestEntityTooLarge', 'JSONTooLarge', message).toJSON(), NO_STORE);
      const name = status === 415 ? 'UnsupportedMediaType' : 'BadRequest';
      return json(status, new ApiError(name, name === 'BadRequest' ? 'InvalidJSON' : name, message).toJSON(), NO_STORE);
    }
    return text(status, `${message}\n`);
  }
  console.error('unexpected error', e);
  if (surface === 'oauth') return tokenError(new OAuthError('server_error', 'internal server error', 500));
  if (surface === 'api') return json(500, new ApiError('InternalError', 'UnexpectedError', 'unexpected error').toJSON(), NO_STORE);
  return text(500, 'internal error\n');
}

