/**
 * Admin API authentication (spec admin-api.md 2): `Authorization: Bearer <JWT>` signed with one of
 * the project's `admin-api.auth` keys. Shared by every route under /_api/admin/ (GraphQL, user
 * import and export): call `authenticateAdminRequest` first; it returns who is calling or throws
 * AdminApiAuthError, which every surface answers with the same 403 `Forbidden\n`.
 */
import { compactVerify, decodeProtectedHeader, importJWK, type CryptoKey } from 'jose';
import type { IdpContext } from '../context';
import type { HttpRequest } from '../http/types';
import type { StoredJwk } from '../config/types';
import { AdminApiAuthError } from '../errors';

/** Clock skew upstream tolerates on exp, iat and nbf (duration.ClockSkew). */
export const CLOCK_SKEW_SECONDS = 300;

/** Upstream matches the header with `^Bearer (.*)$`: exact scheme, one space. */
const BEARER = /^Bearer (.*)$/;

export interface AdminAuth {
  /** Key that verified the token. */
  kid: string;
  /** `audit_context` claim when it is a JSON object: copied into the audit log entries of the request. */
  auditContext?: Record<string, unknown>;
}

interface PublicKey {
  kid: string;
  key: CryptoKey;
}

/** Public keys by the identity of the key list they came from (rotation replaces the list). */
const keyCache = new WeakMap<StoredJwk[], Promise<PublicKey[]>>();

function publicKeysOf(jwks: StoredJwk[]): Promise<PublicKey[]> {
  let keys = keyCache.get(jwks);
  if (!keys) {
    keys = Promise.all(
      jwks
        .filter((k) => k.kty === 'RSA' && typeof k.kid === 'string' && typeof k.n === 'string' && typeof k.e === 'string')
        .map(async (k) => ({ kid: k.kid, key: (await importJWK({ kty: 'RSA', n: k.n as string, e: k.e as string, alg: 'RS256' }, 'RS256')) as CryptoKey })),
    );
    keyCache.set(jwks, keys);
  }
  return keys;
}

function reject(reason: string): never {
  throw new AdminApiAuthError(reason);
}

function audiences(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) return aud;
  return [];
}

/**
 * Checks the bearer JWT of an Admin API request: RS256 only, `kid` naming a project key, a valid
 * signature, `aud` containing the project ID, and exp / iat / nbf (each only when present, with
 * 5 minutes of skew, on the sandbox clock). Throws AdminApiAuthError with the precise reason.
 */
export async function authenticateAdminRequest(ctx: IdpContext, req: Pick<HttpRequest, 'headers'>): Promise<AdminAuth> {
  const m = BEARER.exec(req.headers.authorization ?? '');
  if (!m) reject('missing or malformed Authorization header (expected "Bearer <jwt>")');
  const token = m[1];
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    reject('token is not a compact JWS');
  }
  if (header.alg !== 'RS256') reject(`alg must be RS256, got ${String(header.alg)}`);
  if (typeof header.kid !== 'string' || header.kid === '') reject('token has no kid header');
  const key = (await publicKeysOf(ctx.config.secrets.adminApiKeys)).find((k) => k.kid === header.kid);
  if (!key) reject(`kid not found: ${header.kid}`);

  let payload: Record<string, unknown>;
  try {
    const verified = await compactVerify(token, key.key, { algorithms: ['RS256'] });
    payload = JSON.parse(new TextDecoder().decode(verified.payload));
  } catch {
    reject('signature verification failed');
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) reject('payload is not a JSON object');

  const appId = ctx.config.app.id;
  const aud = audiences(payload.aud);
  if (!aud.includes(appId)) reject(`aud mismatch: expected ${appId}, got ${JSON.stringify(payload.aud ?? null)}`);

  const now = ctx.clock.nowSec();
  for (const claim of ['exp', 'iat', 'nbf'] as const) {
    if (payload[claim] !== undefined && typeof payload[claim] !== 'number') reject(`${claim} is not a number`);
  }
  const { exp, iat, nbf } = payload as { exp?: number; iat?: number; nbf?: number };
  if (exp !== undefined && now >= exp + CLOCK_SKEW_SECONDS) reject(`expired ${now - exp}s ago`);
  if (iat !== undefined && iat > now + CLOCK_SKEW_SECONDS) reject(`iat is ${iat - now}s in the future`);
  if (nbf !== undefined && now < nbf - CLOCK_SKEW_SECONDS) reject(`not valid before ${nbf} (now ${now})`);

  const ac = payload.audit_context;
  const auditContext = ac !== null && typeof ac === 'object' && !Array.isArray(ac) ? (ac as Record<string, unknown>) : undefined;
  return { kid: key.kid, ...(auditContext ? { auditContext } : {}) };
}
