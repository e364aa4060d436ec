import { it, expect } from 'vitest';
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startIdp } from '../../src-main/idp/index';
import { StartupError } from '../../src-main/idp/errors';
import { tempDir } from '../helpers/idp';

it('refuses a second sandbox on the same data directory, and frees it on close', async () => {
  const dataDir = await tempDir();
  const first = await startIdp({ dataDir, port: 0, onNotice: () => {} });
  try {
    expect((await readFile(join(dataDir, 'sandbox.lock'), 'utf8')).trim()).toBe(String(process.pid));
    const second = startIdp({ dataDir, port: 0, onNotice: () => {} });
    await expect(second).rejects.toBeInstanceOf(StartupError);
    await expect(second).rejects.toThrow(`data directory ${dataDir} is in use by another Authgear Sandbox (pid ${process.pid})`);
  } finally {
    await first.close();
  }
  const third = await startIdp({ dataDir, port: 0, onNotice: () => {} });
  await third.close();
});

it('takes over a lock left by a process that died', async () => {
  const dataDir = await tempDir();
  await writeFile(join(dataDir, 'sandbox.lock'), '999999999');
  const idp = await startIdp({ dataDir, port: 0, onNotice: () => {} });
  await idp.close();
});
