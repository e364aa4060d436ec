/**
 * Reference for the token endpoint: how fast this machine signs RS256 JWTs with jose and a
 * 2048-bit key, i.e. exactly what the IdP does per token (WebCrypto CryptoKey, as importJWK gives).
 */
import { generateKeyPair, SignJWT } from 'jose';
import { performance } from 'node:perf_hooks';

export interface SignRate {
  /** Signatures/s with one signature in flight (a tight `await` loop). */
  sequential: number;
  /** Signatures/s with `concurrency` in flight: WebCrypto signs on libuv's pool, so this can use several cores. */
  parallel: number;
  concurrency: number;
}

function payload(i: number) {
  // Shaped like the IdP's access token, so encoding work is comparable.
  return { iss: 'http://localhost:3100', aud: ['http://localhost:3100'], sub: '3b5cf4b0-58a5-4e8e-9d7f-6f1d2d0b9a11', client_id: 'sandbox-spa', scope: 'openid offline_access', jti: String(i).padStart(64, '0') };
}

async function loop(privateKey: CryptoKey, ms: number, concurrency: number): Promise<number> {
  let count = 0;
  const end = performance.now() + ms;
  const worker = async () => {
    while (performance.now() < end) {
      await new SignJWT(payload(count)).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'bench' }).setIssuedAt().setExpirationTime('30m').sign(privateKey);
      count++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return count / ((performance.now() - t0) / 1000);
}

export async function measureSignRate({ ms = 3000, concurrency = 10 } = {}): Promise<SignRate> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  await loop(privateKey, 200, 1); // warm up JIT and the key's native state
  const sequential = await loop(privateKey, ms, 1);
  const parallel = await loop(privateKey, ms / 2, concurrency);
  return { sequential, parallel, concurrency };
}
