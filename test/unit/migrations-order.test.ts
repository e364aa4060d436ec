/**
 * The migration runner applies every version not yet applied, lowest first, whatever the order of
 * the list and whatever gaps it has (versions reserved by branches merged later).
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../src-main/idp/store/database';
import { MIGRATIONS } from '../../src-main/idp/store/migrations';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function dbPath(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'agsb-mig-'));
  dirs.push(d);
  return join(d, 'sandbox.db');
}

const log = (v: number) => ({ version: v, name: `v${v}`, sql: `CREATE TABLE IF NOT EXISTS applied (v INTEGER); INSERT INTO applied (v) VALUES (${v});` });

describe('migrations', () => {
  it('runs versions with gaps in ascending order, and a version that arrives later fills its gap', async () => {
    const path = await dbPath();
    const first = await Database.open(path, [log(6), log(1), log(3)]);
    expect(first.all<{ v: number }>('SELECT v FROM applied').map((r) => r.v)).toEqual([1, 3, 6]);
    await first.close();
    // A branch merged later brings version 4: it runs once, on the next start.
    const second = await Database.open(path, [log(1), log(3), log(4), log(6)]);
    expect(second.all<{ v: number }>('SELECT v FROM applied').map((r) => r.v)).toEqual([1, 3, 6, 4]);
    expect(second.all<{ version: number }>('SELECT version FROM schema_migration ORDER BY version').map((r) => r.version)).toEqual([1, 3, 4, 6]);
    await second.close();
  });

  it("the project's own list opens a fresh database", async () => {
    const db = await Database.open(await dbPath(), MIGRATIONS);
    const versions = db.all<{ version: number }>('SELECT version FROM schema_migration ORDER BY version').map((r) => r.version);
    expect(versions).toEqual([...MIGRATIONS.map((m) => m.version)].sort((a, b) => a - b));
    await db.close();
  });
});
