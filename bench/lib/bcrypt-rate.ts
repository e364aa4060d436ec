/**
 * Reference for password login: how fast this machine verifies a password with exactly the IdP's
 * code and hash format (`verifyPassword` on a `$bcrypt-sha512$` hash of cost 10, hash-wasm).
 */
import { performance } from 'node:perf_hooks';
import { hashPassword, verifyPassword, BCRYPT_COST } from '../../src-main/idp/crypto/password';

export interface BcryptRate {
  cost: number;
  /** Verifications/s with one in flight (a tight `await` loop). */
  sequential: number;
  /**
   * Event-loop utilization during the sequential loop. hash-wasm computes bcrypt in WASM on the
   * calling thread (no worker), so this is ~1.0: the IdP's event loop is blocked for every
   * verification, and more verifications in flight cannot go faster.
   */
  eventLoopUtilization: number;
  /** Whether verification left the event loop free (it would then run elsewhere, e.g. a worker). */
  offMainThread: boolean;
  /** Verifications/s with `concurrency` in flight; measured only when `offMainThread`. */
  parallel: number | null;
  concurrency: number;
}

async function loop(password: string, hash: string, ms: number, concurrency: number): Promise<number> {
  let count = 0;
  const end = performance.now() + ms;
  const worker = async () => {
    while (performance.now() < end) {
      if (!(await verifyPassword(password, hash))) throw new Error('bcrypt reference: verifyPassword returned false');
      count++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return count / ((performance.now() - t0) / 1000);
}

export async function measureBcryptRate(password: string, { ms = 3000, concurrency = 10 } = {}): Promise<BcryptRate> {
  const hash = await hashPassword(password);
  if (!hash.startsWith('$bcrypt-sha512$')) throw new Error(`unexpected hash format: ${hash.slice(0, 20)}`);
  await loop(password, hash, 300, 1); // warm up: instantiates the WASM module, JIT
  const elu0 = performance.eventLoopUtilization();
  const sequential = await loop(password, hash, ms, 1);
  const eventLoopUtilization = performance.eventLoopUtilization(elu0).utilization;
  const offMainThread = eventLoopUtilization < 0.5;
  const parallel = offMainThread ? await loop(password, hash, ms / 2, concurrency) : null;
  return { cost: BCRYPT_COST, sequential, eventLoopUtilization, offMainThread, parallel, concurrency };
}
