/**
 * Admin API tokens minted by the sandbox itself (console, CLI), exactly as Authgear's portal and
 * CLI mint them (spec admin-api.md 2.1): RS256 with the first `admin-api.auth` key, header
 * `kid` and `typ: JWT`, aud = [project ID], iat = now, exp = now + lifetime.
 */
import { importJWK, SignJWT, exportPKCS8, exportSPKI, type CryptoKey } from 'jose';
import type { StoredJwk } from '../config/types';

/** Authgear's own tokens live 5 minutes. */
export const DEFAULT_ADMIN_TOKEN_LIFETIME = 300;
/** The longest lifetime the sandbox mints on request ("dev token", sandbox only). */
export const MAX_ADMIN_TOKEN_LIFETIME = 30 * 86400;

export interface MintedAdminToken {
  token: string;
  kid: string;
  expiresIn: number;
  /** exp, in seconds since the epoch. */
  expiresAt: number;
}

function privateJwk(key: StoredJwk): Record<string, unknown> {
  const { created_at, use, key_ops, ...jwk } = key as Record<string, unknown>;
  void created_at, use, key_ops;
  return { ...jwk, alg: 'RS256' };
}

export async function mintAdminToken(keys: StoredJwk[], appId: string, nowSec: number, lifetime = DEFAULT_ADMIN_TOKEN_LIFETIME): Promise<MintedAdminToken> {
  const key = keys[0];
  if (!key || typeof key.d !== 'string') throw new Error('the project has no admin-api.auth private key');
  const privateKey = (await importJWK(privateJwk(key), 'RS256')) as CryptoKey;
  const token = await new SignJWT({ aud: [appId], iat: nowSec, exp: nowSec + lifetime })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .sign(privateKey);
  return { token, kid: key.kid, expiresIn: lifetime, expiresAt: nowSec + lifetime };
}

export interface AdminKeyMaterial {
  kid: string;
  created_at: number | null;
  /** The private JWK as stored in authgear.secrets.yaml. */
  jwk: Record<string, unknown>;
  public_jwk: Record<string, unknown>;
  /** PKCS#8, the form Authgear's portal downloads and its samples load. */
  private_key_pem: string;
  public_key_pem: string;
}

/** Every admin key of the project in the forms a developer may need to sign their own tokens. */
export async function adminKeyMaterial(keys: StoredJwk[]): Promise<AdminKeyMaterial[]> {
  return Promise.all(
    keys.map(async (k) => {
      const publicJwk = { kty: k.kty, kid: k.kid, use: 'sig', alg: 'RS256', n: String(k.n), e: String(k.e) };
      const priv = (await importJWK(privateJwk(k), 'RS256', { extractable: true })) as CryptoKey;
      const pub = (await importJWK({ ...publicJwk }, 'RS256', { extractable: true })) as CryptoKey;
      return {
        kid: k.kid,
        created_at: typeof k.created_at === 'number' ? k.created_at : null,
        jwk: { ...k },
        public_jwk: publicJwk,
        private_key_pem: await exportPKCS8(priv),
        public_key_pem: await exportSPKI(pub),
      };
    }),
  );
}
