import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdir never returns for some paths (e.g.
 * under /proc), and a data directory named by a user must fail with a clear error instead.
 */
export async function ensureDir(path: string): Promise<void> {
  const missing: string[] = [];
  let at = resolve(path);
  for (;;) {
    try {
      const s = await stat(at);
      if (!s.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, '${at}'`), { code: 'ENOTDIR' });
      break;
    } catch (e: any) {
      if (e.code !== 'ENOENT') throw e;
      const parent = dirname(at);
      if (parent === at) throw e;
      missing.unshift(at);
      at = parent;
    }
  }
  for (const dir of missing) {
    try {
      await mkdir(dir);
    } catch (e: any) {
      if (e.code !== 'EEXIST') throw e;
    }
  }
}
