import { importJWK, SignJWT, jwtVerify, decodeProtectedHeader, type JWTPayload, type CryptoKey, errors } from 'jose';
import type { StoredJwk } from '../config/types';

interface LoadedKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: Record<string, unknown>;
}

/**
 * The project's RS256 signing keys. The first key signs; every key verifies (spec oidc.md 4).
 */
export class SigningKeys {
  private constructor(private readonly keys: LoadedKey[]) {}

  static async load(jwks: StoredJwk[]): Promise<SigningKeys> {
    const keys: LoadedKey[] = [];
    for (const jwk of jwks) {
      const { d, p, q, dp, dq, qi, created_at, ...pub } = jwk as Record<string, any>;
      void d, p, q, dp, dq, qi, created_at;
      const publicJwk = { kty: pub.kty, kid: pub.kid, use: pub.use ?? 'sig', alg: 'RS256', n: pub.n, e: pub.e };
      keys.push({
        kid: jwk.kid,
        privateKey: (await importJWK({ ...jwk, alg: 'RS256' }, 'RS256')) as unknown as CryptoKey,
        publicKey: (await importJWK(publicJwk, 'RS256')) as unknown as CryptoKey,
        publicJwk,
      });
    }
    return new SigningKeys(keys);
  }

  /** `{"keys":[...]}` with public members only. */
  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  async sign(payload: JWTPayload, typ: 'JWT' | 'at+jwt'): Promise<string> {
    const key = this.keys[0];
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ, kid: key.kid }).sign(key.privateKey);
  }

  /**
   * Verifies the signature with the key named by `kid` (any key when absent). Only RS256 is
   * accepted, so `alg: none` and HMAC tricks fail. Time claims are checked only when asked.
   * Returns undefined when the token is not a valid JWT signed by one of our keys.
   */
  async verify(token: string, opts: { checkTime?: boolean; nowSec?: number } = {}): Promise<JWTPayload | undefined> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return undefined;
    }
    const candidates = kid ? this.keys.filter((k) => k.kid === kid) : this.keys;
    for (const k of candidates) {
      try {
        const { payload } = await jwtVerify(token, k.publicKey, {
          algorithms: ['RS256'],
          currentDate: opts.nowSec !== undefined ? new Date(opts.nowSec * 1000) : undefined,
          // jose checks exp/nbf itself; a large tolerance disables that when we only want the signature.
          clockTolerance: opts.checkTime ? 0 : Number.MAX_SAFE_INTEGER,
        });
        return payload;
      } catch (e) {
        if (e instanceof errors.JWTExpired || e instanceof errors.JWTClaimValidationFailed) return undefined;
      }
    }
    return undefined;
  }
}
