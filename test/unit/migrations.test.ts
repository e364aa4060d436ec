import { describe, it, expect, afterEach } from 'vitest';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Database } from '../../src-main/idp/store/database';
import { MIGRATIONS } from '../../src-main/idp/store/migrations';
import { tempDir } from '../helpers/idp';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function dbPath(): Promise<string> {
  const d = await tempDir('agsb-migrate-');
  dirs.push(d);
  return join(d, 'sandbox.db');
}

const versions = (db: Database) => db.all<{ version: number }>('SELECT version FROM schema_migration ORDER BY version').map((r) => r.version);

describe('migrations run by version, filling gaps in ascending order', () => {
  it('a database that has 1 and 3 gets 2 then 4, whatever the order of the list', async () => {
    const path = await dbPath();
    const m1 = { version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER);' };
    const m2 = { version: 2, name: 'b', sql: 'CREATE TABLE b (x INTEGER);' };
    const m3 = { version: 3, name: 'c', sql: 'CREATE TABLE c (x INTEGER);' };
    const m4 = { version: 4, name: 'b gets y', sql: 'ALTER TABLE b ADD COLUMN y INTEGER;' };
    const first = await Database.open(path, [m3, m1]);
    expect(versions(first)).toEqual([1, 3]);
    await first.close();
    // Branches append their migrations independently: 4 may precede 2 in the list; 4 needs 2.
    const second = await Database.open(path, [m1, m4, m3, m2]);
    expect(versions(second)).toEqual([1, 2, 3, 4]);
    expect(second.all('SELECT name FROM pragma_table_info(\'b\') ORDER BY cid').map((r) => r.name)).toEqual(['x', 'y']);
    await second.close();
  });

  it("the project's own migrations have distinct versions and build a fresh database", async () => {
    expect(new Set(MIGRATIONS.map((m) => m.version)).size).toBe(MIGRATIONS.length);
    const db = await Database.open(await dbPath());
    expect(versions(db)).toEqual([...MIGRATIONS.map((m) => m.version)].sort((a, b) => a - b));
    expect(db.all("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('app_session', 'identity_key')").length).toBe(2);
    await db.close();
  });
});
