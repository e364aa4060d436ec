import { copyFile, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { Database } from '../../src-main/idp/store/database';
import { tempDir } from './idp';

let sql: Awaited<ReturnType<typeof initSqlJs>> | undefined;

/**
 * A data directory's database as the next start would see it (the snapshot plus the journal's
 * intact records), read from a copy so a running server is not disturbed. `integrity` is SQLite's
 * integrity check of the snapshot file exactly as it lies on disk.
 */
export async function readDatabase<T>(dbPath: string, read: (db: Database) => T): Promise<{ integrity: string; value: T }> {
  const wasm = createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');
  sql ??= await initSqlJs({ locateFile: () => wasm });
  const bytes = await readFile(dbPath);
  let integrity: string;
  try {
    const raw = new sql.Database(bytes);
    try {
      integrity = String(raw.exec('PRAGMA integrity_check')[0].values.map((r) => r[0]).join('; '));
    } finally {
      raw.close();
    }
  } catch (e: any) {
    throw new Error(`unreadable snapshot (${bytes.length} bytes): ${e.message}`);
  }
  const copy = join(await tempDir('agsb-dbcopy-'), 'sandbox.db');
  await copyFile(dbPath, copy);
  await copyFile(`${dbPath}.journal`, `${copy}.journal`).catch((e) => {
    if (e.code !== 'ENOENT') throw e;
  });
  const db = await Database.open(copy);
  try {
    return { integrity, value: read(db) };
  } finally {
    await db.close();
  }
}

/** The login IDs of a data directory's database (see readDatabase). */
export async function loginIdsOf(dbPath: string): Promise<{ integrity: string; emails: Set<string> }> {
  const { integrity, value } = await readDatabase(dbPath, (db) => db.all<{ login_id: string }>("SELECT login_id FROM identity WHERE type = 'login_id'"));
  return { integrity, emails: new Set(value.map((r) => r.login_id)) };
}
