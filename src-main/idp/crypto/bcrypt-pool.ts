import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';

/**
 * bcrypt (hash-wasm) is synchronous WebAssembly: ~70 ms of a blocked event loop per password at
 * cost 10. It runs here in worker threads instead, so sign-ins never stall discovery, tokens
 * or the console. The worker is inline CommonJS and loads hash-wasm by absolute path, so it
 * works the same from TypeScript sources, a bundle, or a packaged app.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { bcrypt, bcryptVerify } = require(workerData.hashWasm);
parentPort.on('message', async ({ id, op, password, salt, costFactor, hash }) => {
  try {
    const result = op === 'hash'
      ? await bcrypt({ password: Buffer.from(password), salt: Buffer.from(salt), costFactor, outputType: 'encoded' })
      : await bcryptVerify({ password: Buffer.from(password), hash });
    parentPort.postMessage({ id, result });
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.message) || e) });
  }
});
`;

type Job = { id: number; resolve: (v: any) => void; reject: (e: Error) => void };

interface PooledWorker {
  worker: Worker;
  pending: Map<number, Job>;
}

let pool: PooledWorker[] | undefined;
let nextId = 0;

function workers(): PooledWorker[] {
  if (pool) return pool;
  const hashWasm = createRequire(import.meta.url).resolve('hash-wasm');
  const size = Math.max(1, Math.min(4, availableParallelism()));
  pool = Array.from({ length: size }, () => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { hashWasm } });
    const entry: PooledWorker = { worker, pending: new Map() };
    worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const job = entry.pending.get(m.id);
      entry.pending.delete(m.id);
      if (!job) return;
      if (m.error !== undefined) job.reject(new Error(m.error));
      else job.resolve(m.result);
      if (entry.pending.size === 0) worker.unref();
    });
    worker.on('error', (e) => {
      for (const job of entry.pending.values()) job.reject(e);
      entry.pending.clear();
    });
    worker.unref(); // an idle pool never keeps the process alive
    return entry;
  });
  return pool;
}

function run<T>(message: Record<string, unknown>): Promise<T> {
  const least = workers().reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    least.pending.set(id, { id, resolve, reject });
    least.worker.ref();
    least.worker.postMessage({ id, ...message });
  });
}

export function bcryptHash(password: Uint8Array, salt: Uint8Array, costFactor: number): Promise<string> {
  return run<string>({ op: 'hash', password, salt, costFactor });
}

export function bcryptCompare(password: Uint8Array, hash: string): Promise<boolean> {
  return run<boolean>({ op: 'verify', password, hash });
}
