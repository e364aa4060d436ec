import { open, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StartupError } from '../errors';
import { isProcessRunning } from './process-alive';

const LOCK = 'sandbox.lock';

/**
 * One sandbox per data directory: two processes flushing the same sandbox.db would silently
 * overwrite each other's writes. A lock left by a process that died is taken over.
 * Returns the function that releases the lock.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => unlink(path).catch(() => {});
    } catch (e: any) {
      if (e.code !== 'EEXIST') throw new StartupError(`cannot lock data directory ${dataDir}: ${e.code ?? e.message}`);
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isSafeInteger(pid) && pid > 0 && isProcessRunning(pid)) {
        throw new StartupError(`data directory ${dataDir} is in use by another Authgear Sandbox (pid ${pid})`);
      }
      await unlink(path).catch(() => {});
    }
  }
  await writeFile(path, String(process.pid));
  return () => unlink(path).catch(() => {});
}
