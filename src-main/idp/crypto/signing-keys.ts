import { importJWK, SignJWT, jwtVerify, decodeProtectedHeader, type JWTPayload, type CryptoKey, errors } from 'jose';
import type { StoredJwk } from '../config/types';

interface LoadedKey {
  kid: string;
  /** Unix seconds, from the JWK's `created_at`; undefined for keys imported without one. */
  createdAt?: number;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: Record<string, unknown>;
}

export interface KeyStatus {
  kid: string;
  created_at?: number;
  /** `signing` (the first key), `retired` (still published for verification), `expired` (no longer published). */
  status: 'signing' | 'retired' | 'expired';
  /** Unix seconds until which a retired key stays published. */
  published_until?: number;
}

/**
 * The project's RS256 signing keys (spec oidc.md 4). The first key signs; a key that was
 * replaced stays published in JWKS and accepted for verification while tokens it signed can
 * still be alive (`retainSeconds` after its successor was created), then it is dropped.
 */
/** Verified tokens kept (by their full text): a resolver sees the same access token on every API call. */
const VERIFIED_CACHE_SIZE = 10_000;

export class SigningKeys {
  private readonly verified = new Map<string, { kid: string; payload: JWTPayload }>();

  private constructor(
    private readonly keys: LoadedKey[],
    private readonly nowSec: () => number,
    private readonly retainSeconds: number,
  ) {}

  /**
   * `retainSeconds`: the longest a token signed by a retired key may live (the longest access
   * token lifetime of the project, at least the ID token's 300 s).
   */
  static async load(jwks: StoredJwk[], opts: { nowSec: () => number; retainSeconds: number }): Promise<SigningKeys> {
    const keys: LoadedKey[] = [];
    for (const jwk of jwks) {
      const pub = jwk as Record<string, any>;
      const publicJwk = { kty: pub.kty, kid: pub.kid, use: pub.use ?? 'sig', alg: 'RS256', n: pub.n, e: pub.e };
      keys.push({
        kid: jwk.kid,
        createdAt: typeof jwk.created_at === 'number' ? jwk.created_at : undefined,
        privateKey: (await importJWK({ ...jwk, alg: 'RS256' }, 'RS256')) as unknown as CryptoKey,
        publicKey: (await importJWK(publicJwk, 'RS256')) as unknown as CryptoKey,
        publicJwk,
      });
    }
    return new SigningKeys(keys, opts.nowSec, opts.retainSeconds);
  }

  /** Until when (unix seconds) key `i` is published; Infinity when that cannot be known. */
  private publishedUntil(i: number): number {
    if (i === 0) return Infinity;
    const successor = this.keys[i - 1].createdAt;
    return successor === undefined ? Infinity : successor + this.retainSeconds;
  }

  /** The keys JWKS shows and verification accepts right now, signing key first. */
  private published(): LoadedKey[] {
    const now = this.nowSec();
    const out: LoadedKey[] = [];
    for (let i = 0; i < this.keys.length; i++) {
      // Keys are newest first: once one has expired, every older one has too.
      if (now >= this.publishedUntil(i)) break;
      out.push(this.keys[i]);
    }
    return out;
  }

  /** `{"keys":[...]}` with public members only. */
  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: this.published().map((k) => k.publicJwk) };
  }

  /** Every configured key and whether it still counts. */
  status(): KeyStatus[] {
    const live = new Set(this.published().map((k) => k.kid));
    return this.keys.map((k, i) => {
      const until = this.publishedUntil(i);
      return {
        kid: k.kid,
        ...(k.createdAt !== undefined ? { created_at: k.createdAt } : {}),
        status: i === 0 ? 'signing' : live.has(k.kid) ? 'retired' : 'expired',
        ...(i > 0 && Number.isFinite(until) ? { published_until: until } : {}),
      };
    });
  }

  get signingKid(): string {
    return this.keys[0].kid;
  }

  async sign(payload: JWTPayload, typ: 'JWT' | 'at+jwt'): Promise<string> {
    const key = this.keys[0];
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ, kid: key.kid }).sign(key.privateKey);
  }

  /**
   * Verifies the signature with the published key named by `kid` (any published key when
   * absent). Only RS256 is accepted, so `alg: none` and HMAC tricks fail. Time claims are
   * checked only when asked. Undefined when the token is not a valid JWT signed by one of our keys.
   */
  async verify(token: string, opts: { checkTime?: boolean; nowSec?: number } = {}): Promise<JWTPayload | undefined> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return undefined;
    }
    const published = this.published();
    const cached = this.verified.get(token);
    if (cached) {
      // Only while the key that verified it is still published; times are checked again each use.
      if (!published.some((k) => k.kid === cached.kid)) return undefined;
      return !opts.checkTime || inTime(cached.payload, opts.nowSec ?? this.nowSec()) ? cached.payload : undefined;
    }
    const candidates = kid ? published.filter((k) => k.kid === kid) : published;
    for (const k of candidates) {
      let payload: JWTPayload;
      try {
        // Signature (and RS256) only; time claims are checked below, so a cached token is judged alike.
        ({ payload } = await jwtVerify(token, k.publicKey, { algorithms: ['RS256'], clockTolerance: Number.MAX_SAFE_INTEGER }));
      } catch (e) {
        if (e instanceof errors.JWTClaimValidationFailed) return undefined;
        continue;
      }
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { kid: k.kid, payload });
      return !opts.checkTime || inTime(payload, opts.nowSec ?? this.nowSec()) ? payload : undefined;
    }
    return undefined;
  }
}

/** `exp` and `nbf` against `nowSec`, without tolerance (as jose checks them). */
function inTime(p: JWTPayload, nowSec: number): boolean {
  if (typeof p.exp === 'number' && nowSec >= p.exp) return false;
  if (typeof p.nbf === 'number' && nowSec < p.nbf) return false;
  return true;
}

/** How long a replaced key must stay published: the longest token it may have signed. */
export function retentionSeconds(clients: { access_token_lifetime_seconds: number }[]): number {
  return Math.max(300, ...clients.map((c) => c.access_token_lifetime_seconds));
}
