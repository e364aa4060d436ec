import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isProcessRunning } from './process-alive';

/** The temporary file a process writes before renaming it over `path`. */
function tempName(path: string, pid: number): string {
  return `${path}.tmp-${pid}`;
}

/**
 * Replaces `path` with `data` so that a crash at any instant leaves either the old or the new
 * file, never a mix: write a temporary file, fsync it, rename it over the old one, fsync the
 * directory so the rename itself is durable. `mode` applies to a newly written file.
 */
export async function writeFileDurably(path: string, data: Uint8Array, mode = 0o600): Promise<void> {
  const tmp = tempName(path, process.pid);
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic there.
  } finally {
    await dir.close();
  }
}

/**
 * Deletes the temporary files that writers killed in the middle of `writeFileDurably` left next
 * to `path` (each a full copy of the database). Files of a process still running are kept.
 */
export async function removeStaleTempFiles(path: string): Promise<void> {
  const prefix = `${basename(path)}.tmp-`;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (!Number.isSafeInteger(pid) || pid <= 0 || tempName(basename(path), pid) !== name) continue;
    if (pid !== process.pid && isProcessRunning(pid)) continue;
    await unlink(join(dirname(path), name)).catch(() => {});
  }
}
