import { decodeProtectedHeader, decodeJwt, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';

/** Signature algorithms a device key may use; `none` and HMAC are never accepted. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** Upstream's tolerated clock skew for device request JWTs. */
const CLOCK_SKEW_SEC = 300;
const KEY_ID = /^[-\w]{8,64}$/;

/** A device request JWT (anonymous or biometric) read before its signature is checked. */
export interface UnverifiedRequest {
  /** The key id: the embedded JWK's `kid`, or the header's `kid`. */
  keyId: string;
  /** The public key embedded in the header (first use of a key). */
  jwk?: JWK;
  payload: JWTPayload & { challenge?: unknown; action?: unknown; device_info?: unknown };
}

/**
 * Reads a request JWT of type `typ` (`vnd.authgear.anonymous-request` / `...biometric-request`)
 * without verifying it: header `typ`, a key (`jwk` or `kid`) whose id matches upstream's format,
 * and `iat`/`exp`/`nbf` within 5 minutes of `nowSec`. Undefined for anything malformed.
 */
export function readRequestJwt(token: string, typ: string, nowSec: number): UnverifiedRequest | undefined {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token);
  } catch {
    return undefined;
  }
  if (header.typ !== typ || typeof header.alg !== 'string' || !ALGORITHMS.includes(header.alg)) return undefined;
  let keyId: unknown;
  let jwk: JWK | undefined;
  if (header.jwk && typeof header.jwk === 'object') {
    jwk = header.jwk as JWK;
    keyId = jwk.kid;
  } else {
    keyId = header.kid;
  }
  if (typeof keyId !== 'string' || !KEY_ID.test(keyId)) return undefined;
  if (typeof payload.exp === 'number' && nowSec > payload.exp + CLOCK_SKEW_SEC) return undefined;
  if (typeof payload.iat === 'number' && nowSec < payload.iat - CLOCK_SKEW_SEC) return undefined;
  if (typeof payload.nbf === 'number' && nowSec < payload.nbf - CLOCK_SKEW_SEC) return undefined;
  return { keyId, jwk, payload };
}

/** Verifies the signature of `token` with the device's public `jwk`; false for any failure. */
export async function verifyRequestJwt(token: string, jwk: JWK, nowSec: number): Promise<boolean> {
  try {
    const alg = decodeProtectedHeader(token).alg;
    if (typeof alg !== 'string' || !ALGORITHMS.includes(alg)) return false;
    if (jwk.kty === 'oct') return false;
    const pub = publicJwk(jwk);
    const key = await importJWK({ ...pub, alg: pub.alg ?? alg }, alg);
    await jwtVerify(token, key, { algorithms: [alg], currentDate: new Date(nowSec * 1000), clockTolerance: CLOCK_SKEW_SEC });
    return true;
  } catch {
    return false;
  }
}

/** The public members of a JWK, as kept for an identity. */
const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']);
export function publicJwk(jwk: JWK): JWK {
  return Object.fromEntries(Object.entries(jwk).filter(([k]) => !PRIVATE_MEMBERS.has(k))) as JWK;
}
