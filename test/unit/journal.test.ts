import { describe, it, expect } from 'vitest';
import { appendFile, copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Database } from '../../src-main/idp/store/database';
import { encodeRecord, readJournal } from '../../src-main/idp/store/journal';
import { tempDir } from '../helpers/idp';

const MIGRATIONS = [{ version: 1, name: 'kv', sql: 'CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB)' }];

/** What a crash would leave: the files as they are now, copied before any close() runs. */
async function crashCopy(dir: string): Promise<string> {
  const copy = await tempDir();
  await copyFile(join(dir, 'db'), join(copy, 'db'));
  await copyFile(join(dir, 'db.journal'), join(copy, 'db.journal')).catch(() => {});
  return copy;
}

describe('the store journal', () => {
  it('acknowledged writes are in the journal, not yet in the snapshot, and a restart replays them', async () => {
    const dir = await tempDir();
    const db = await Database.open(join(dir, 'db'), MIGRATIONS);
    const snapshot = await readFile(join(dir, 'db'));
    await db.write(() => db.run('INSERT INTO kv (k, v) VALUES (?, ?)', ['a', 'one']));
    await db.write(() => db.run('INSERT INTO kv (k, v) VALUES (?, ?)', ['b', new Uint8Array([0, 1, 255])]));
    await db.write(() => db.run('UPDATE kv SET v = ? WHERE k = ?', ['uno', 'a']));
    // The snapshot file was not rewritten: each write cost one append.
    expect(Buffer.compare(await readFile(join(dir, 'db')), snapshot)).toBe(0);
    expect((await readJournal(join(dir, 'db.journal'))).records.map((r) => r.seq)).toEqual([1, 2, 3]);

    const copy = await crashCopy(dir);
    await db.close();
    const again = await Database.open(join(copy, 'db'), MIGRATIONS);
    expect(again.all('SELECT k, v FROM kv ORDER BY k')).toEqual([
      { k: 'a', v: 'uno' },
      { k: 'b', v: new Uint8Array([0, 1, 255]) },
    ]);
    // Opening folded the journal into a new snapshot.
    expect((await stat(join(copy, 'db.journal'))).size).toBe(0);
    await again.close();
  });

  it('a torn or damaged last record was never acknowledged: it is dropped, the rest replays', async () => {
    const dir = await tempDir();
    const db = await Database.open(join(dir, 'db'), MIGRATIONS);
    await db.write(() => db.run('INSERT INTO kv (k, v) VALUES (?, ?)', ['kept', 1]));
    const copy = await crashCopy(dir);
    await db.close();
    const torn = encodeRecord({ seq: 2, ops: [['INSERT INTO kv (k, v) VALUES (?, ?)', ['torn', 2]]] });
    await appendFile(join(copy, 'db.journal'), torn.slice(0, torn.length - 5));
    const reopened = await Database.open(join(copy, 'db'), MIGRATIONS);
    expect(reopened.all('SELECT k FROM kv')).toEqual([{ k: 'kept' }]);
    await reopened.close();

    const damaged = await tempDir();
    const good = encodeRecord({ seq: 1, ops: [['INSERT INTO kv (k, v) VALUES (?, ?)', ['x', 1]]] });
    const bad = encodeRecord({ seq: 2, ops: [['INSERT INTO kv (k, v) VALUES (?, ?)', ['y', 2]]] }).replace('"y"', '"z"');
    const fresh = await Database.open(join(damaged, 'db'), MIGRATIONS);
    await fresh.close();
    await writeFile(join(damaged, 'db.journal'), good + bad);
    const checked = await Database.open(join(damaged, 'db'), MIGRATIONS);
    expect(checked.all('SELECT k FROM kv')).toEqual([{ k: 'x' }]);
    await checked.close();
  });

  it('records the snapshot already holds are not applied twice (crash between snapshot and reset)', async () => {
    const dir = await tempDir();
    const db = await Database.open(join(dir, 'db'), MIGRATIONS);
    await db.write(() => db.run('INSERT INTO kv (k, v) VALUES (?, ?)', ['once', 1]));
    const journal = await readFile(join(dir, 'db.journal'));
    await db.close(); // snapshot holds seq 1, journal emptied
    await writeFile(join(dir, 'db.journal'), journal); // as if the reset had not happened
    const reopened = await Database.open(join(dir, 'db'), MIGRATIONS);
    expect(reopened.all('SELECT k FROM kv')).toEqual([{ k: 'once' }]);
    await reopened.write(() => reopened.run('INSERT INTO kv (k, v) VALUES (?, ?)', ['next', 2]));
    expect((await readJournal(join(dir, 'db.journal'))).records.map((r) => r.seq)).toEqual([2]);
    await reopened.close();
  });

  it('a failed transaction leaves nothing in the journal', async () => {
    const dir = await tempDir();
    const db = await Database.open(join(dir, 'db'), MIGRATIONS);
    await expect(
      db.write(() => {
        db.run('INSERT INTO kv (k, v) VALUES (?, ?)', ['dup', 1]);
        db.run('INSERT INTO kv (k, v) VALUES (?, ?)', ['dup', 2]);
      }),
    ).rejects.toThrow(/UNIQUE/);
    await db.write(() => db.run('INSERT INTO kv (k, v) VALUES (?, ?)', ['ok', 1]));
    const { records } = await readJournal(join(dir, 'db.journal'));
    expect(records.map((r) => r.ops.map((o) => o[1]))).toEqual([[['ok', 1]]]);
    await db.close();
  });
});
