import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { json } from '../http/types';
import { NO_STORE } from '../http/error-response';
import { ApiError } from '../errors';
import { requireConsoleToken } from './console-auth';
import { jsonBody, sandboxAjv } from './json-body';

/** Limits of a JWKS fetched for the token inspector. */
export const JWKS_FETCH_TIMEOUT_MS = 5000;
export const JWKS_MAX_BYTES = 256 * 1024;

const validate = sandboxAjv.compile({
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: { url: { type: 'string', minLength: 1, maxLength: 2048 } },
});

const failed = (message: string) => new ApiError('Invalid', 'JWKSFetchFailed', message);

async function readLimited(res: Response): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > JWKS_MAX_BYTES) throw failed(`the JWKS is larger than ${JWKS_MAX_BYTES} bytes`);
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > JWKS_MAX_BYTES) {
      await reader.cancel().catch(() => {});
      throw failed(`the JWKS is larger than ${JWKS_MAX_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `POST /_sandbox/api/fetch-jwks {url}`: fetches a JWK set for the token inspector, which cannot
 * fetch other origins itself (the console's CSP, and most JWKS endpoints send no CORS headers).
 * Only http(s), within a time and size limit; the answer must be a `{"keys":[...]}` document.
 */
export async function handleFetchJwks(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  requireConsoleToken(ctx, req);
  const { url } = jsonBody<{ url: string }>(req, validate);
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new ApiError('Invalid', 'ValidationFailed', '/url: must be an absolute http(s) URL', { causes: [{ location: '/url', kind: 'format' }] });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new ApiError('Invalid', 'ValidationFailed', '/url: must be an http or https URL', { causes: [{ location: '/url', kind: 'format' }] });
  }
  let text: string;
  let status: number;
  try {
    const res = await fetch(target, {
      headers: { accept: 'application/json, application/jwk-set+json' },
      redirect: 'follow',
      signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS),
    });
    status = res.status;
    text = await readLimited(res);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    const name = (e as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw failed(`no answer within ${JWKS_FETCH_TIMEOUT_MS / 1000} s`);
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw failed(`cannot fetch ${target.origin}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
  if (status !== 200) throw failed(`the server answered HTTP ${status}`);
  let jwks: unknown;
  try {
    jwks = JSON.parse(text);
  } catch {
    throw failed('the answer is not JSON');
  }
  const keys = (jwks as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || !keys.every((k) => k !== null && typeof k === 'object' && !Array.isArray(k))) {
    throw failed('the answer is not a JWK set ({"keys": [...]})');
  }
  return json(200, { jwks: { keys } }, NO_STORE);
}
