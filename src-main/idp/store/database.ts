import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import initSqlJs, { type Database as SqlJsDatabase, type SqlValue } from 'sql.js';
import { writeFileDurably, removeStaleTempFiles } from './durable-file';
import { Journal, readJournal, encodeRecord, type JournalOp } from './journal';
import { MIGRATIONS, type Migration } from './migrations';
import { StartupError } from '../errors';

export type Params = SqlValue[] | Record<string, SqlValue>;
export type Row = Record<string, SqlValue>;

let sqlJs: Promise<Awaited<ReturnType<typeof initSqlJs>>> | undefined;
function loadSqlJs() {
  const require = createRequire(import.meta.url);
  const wasm = require.resolve('sql.js/dist/sql-wasm.wasm');
  sqlJs ??= initSqlJs({ locateFile: () => wasm });
  return sqlJs;
}

/**
 * A snapshot is taken (and the journal emptied) once the journal passes this size. Tests lower it
 * with AUTHGEAR_SANDBOX_CHECKPOINT_BYTES to make snapshots frequent.
 */
export const CHECKPOINT_BYTES = Number(process.env.AUTHGEAR_SANDBOX_CHECKPOINT_BYTES) || 16 * 1024 * 1024;

/**
 * The SQLite database, held in memory by sql.js and persisted as a snapshot file plus a journal.
 *
 * Reads are synchronous. `write(fn)` runs `fn` in a transaction at once (so later reads see it)
 * and resolves only when the transaction is durable: its statements are appended to
 * `<path>.journal` and fdatasync'd, which costs the same at 100 users as at 1M. Writes that arrive
 * while an append is running are committed together by the next one (group commit). When the
 * journal grows past CHECKPOINT_BYTES, and on close, the whole database is written as a new
 * snapshot (temp file, fsync, rename) and the journal starts over; at open the journal's records
 * newer than the snapshot are replayed. A crash therefore loses nothing acknowledged, and neither
 * file is ever half-trusted: a torn journal tail fails its checksum and is dropped.
 */
export class Database {
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  private statements = new Map<string, ReturnType<SqlJsDatabase['prepare']>>();
  /** Statements of the transaction being run; undefined outside `transaction`. */
  private txOps: JournalOp[] | undefined;
  /** Encoded records of committed transactions not yet appended to the journal. */
  private pendingRecords: string[] = [];
  /** Sequence number of the last committed transaction (the snapshot records the one it holds). */
  private seq = 0;
  private journal!: Journal;
  /** Statements are recorded for the journal only once the database is open (not while replaying). */
  private journaling = false;
  /** Number of durable appends and snapshots; exposed for tests and the console's health view. */
  flushCount = 0;
  /** Snapshots written (checkpoints); exposed for tests. */
  snapshotCount = 0;

  private constructor(
    private readonly db: SqlJsDatabase,
    readonly path: string,
  ) {}

  get journalPath(): string {
    return `${this.path}.journal`;
  }

  static async open(path: string, migrations: Migration[] = MIGRATIONS): Promise<Database> {
    const SQL = await loadSqlJs();
    let bytes: Uint8Array | undefined;
    try {
      bytes = await readFile(path);
    } catch (e: any) {
      if (e.code !== 'ENOENT') throw new StartupError(`cannot read ${path}: ${e.message}`);
    }
    let db: SqlJsDatabase;
    try {
      db = new SQL.Database(bytes);
      db.exec('PRAGMA foreign_keys = ON');
      // Durability comes from replacing the whole file atomically, not from SQLite's journal,
      // so keep the rollback journal in memory: much cheaper writes and exports in sql.js.
      db.exec('PRAGMA journal_mode = MEMORY');
      db.exec('PRAGMA locking_mode = EXCLUSIVE');
      const check = db.exec('PRAGMA quick_check')[0]?.values[0]?.[0];
      if (check !== 'ok') throw new Error(String(check));
    } catch (e: any) {
      throw new StartupError(`${path} is not a readable SQLite database: ${e.message}`);
    }
    await removeStaleTempFiles(path);
    const database = new Database(db, path);
    const fresh = !bytes;
    const replayed = await database.replayJournal();
    const applied = database.migrate(migrations);
    database.journal = await Journal.open(database.journalPath);
    // Start from a snapshot that holds everything, with an empty journal.
    if (fresh || applied > 0 || replayed > 0 || database.journal.size > 0) await database.checkpoint();
    database.journaling = true;
    return database;
  }

  /** Applies the journal's records newer than the snapshot; returns how many. */
  private async replayJournal(): Promise<number> {
    this.db.exec('CREATE TABLE IF NOT EXISTS journal_meta (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL)');
    this.seq = this.get<{ seq: number }>('SELECT seq FROM journal_meta WHERE id = 1')?.seq ?? 0;
    let records;
    try {
      ({ records } = await readJournal(this.journalPath));
    } catch (e: any) {
      throw new StartupError(`cannot read ${this.journalPath}: ${e.message}`);
    }
    let count = 0;
    for (const r of records) {
      if (r.seq <= this.seq) continue; // already in the snapshot (a crash came between snapshot and reset)
      try {
        this.transaction(() => r.ops.forEach(([sql, params]) => this.run(sql, params)));
      } catch (e: any) {
        throw new StartupError(`${this.journalPath}: record ${r.seq} cannot be replayed: ${e.message}`);
      }
      this.seq = r.seq;
      count++;
    }
    return count;
  }

  /** Applies pending migrations; returns how many ran. */
  private migrate(migrations: Migration[]): number {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const done = new Set(this.all<{ version: number }>('SELECT version FROM schema_migration').map((r) => r.version));
    const newest = Math.max(0, ...done);
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (newest > known) {
      throw new StartupError(`${this.path} was written by a newer Authgear Sandbox (schema ${newest} > ${known})`);
    }
    let count = 0;
    // Versions may have gaps (numbers reserved by branches merged later): run every one not yet
    // applied, lowest first, whatever the order of the list.
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      this.transaction(() => {
        this.db.exec(m.sql);
        this.run('INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, Date.now()]);
      });
      count++;
    }
    return count;
  }

  private stmt(sql: string) {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  all<T = Row>(sql: string, params: Params = []): T[] {
    const s = this.stmt(sql);
    try {
      s.bind(params);
      const rows: T[] = [];
      while (s.step()) rows.push(s.getAsObject() as T);
      return rows;
    } finally {
      s.reset();
    }
  }

  get<T = Row>(sql: string, params: Params = []): T | undefined {
    const s = this.stmt(sql);
    try {
      s.bind(params);
      return s.step() ? (s.getAsObject() as T) : undefined;
    } finally {
      s.reset();
    }
  }

  /** Runs a statement; returns the number of changed rows. Use inside `write`. */
  run(sql: string, params: Params = []): number {
    const s = this.stmt(sql);
    try {
      s.run(params);
    } finally {
      s.reset();
    }
    const changed = this.db.getRowsModified();
    if (this.journaling) {
      // Params are copied: callers may reuse their arrays.
      const op: JournalOp = [sql, Array.isArray(params) ? [...params] : { ...params }];
      if (this.txOps) this.txOps.push(op);
      // A statement outside `write` commits on its own; it still reaches the journal, in order.
      else this.commitRecord([op]);
    }
    return changed;
  }

  private commitRecord(ops: JournalOp[]): void {
    if (ops.length === 0) return;
    this.seq++;
    this.pendingRecords.push(encodeRecord({ seq: this.seq, ops }));
  }

  private transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN');
    this.txOps = [];
    try {
      const result = fn();
      this.db.exec('COMMIT');
      const ops = this.txOps;
      this.txOps = undefined;
      this.commitRecord(ops);
      return result;
    } catch (e) {
      this.txOps = undefined;
      this.db.exec('ROLLBACK');
      throw e;
    }
  }

  /**
   * Runs `fn` (synchronous) in a transaction, then waits until the change is on disk.
   * If `fn` throws, nothing is changed and the error propagates.
   */
  async write<T>(fn: () => T): Promise<T> {
    if (this.closed) throw new Error('database is closed');
    const result = this.transaction(fn);
    await new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.scheduleFlush();
    });
    return result;
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = (async () => {
      // Let writes issued in the same tick join this flush.
      await new Promise((r) => setImmediate(r));
      while (this.waiters.length > 0) {
        const batch = this.waiters.splice(0);
        try {
          await this.flush();
          batch.forEach((w) => w.resolve());
        } catch (e) {
          batch.forEach((w) => w.reject(e));
        }
      }
      this.flushing = undefined;
    })();
  }

  /** Makes every committed transaction durable: an append to the journal, or a new snapshot. */
  private async flush(): Promise<void> {
    if (this.journal.size + this.pendingRecords.reduce((n, r) => n + r.length, 0) > CHECKPOINT_BYTES) {
      await this.checkpoint();
      return;
    }
    const records = this.pendingRecords.splice(0);
    if (records.length === 0) return;
    try {
      await this.journal.append(records);
    } catch (e) {
      // Not durable: keep them for the next attempt (a snapshot also covers them).
      this.pendingRecords.unshift(...records);
      throw e;
    }
    this.flushCount++;
  }

  /**
   * Writes the whole database as the new snapshot, then empties the journal. The snapshot
   * records the last sequence number it holds, so a crash between the two steps replays nothing twice.
   */
  private async checkpoint(): Promise<void> {
    // Straight to sql.js (not `this.run`): the snapshot's own bookkeeping is never journaled.
    this.db.run('INSERT OR REPLACE INTO journal_meta (id, seq) VALUES (1, ?)', [this.seq]);
    const covered = this.pendingRecords.length;
    const bytes = this.db.export();
    await writeFileDurably(this.path, bytes);
    // Records committed while the file was written are not in it: they stay pending.
    this.pendingRecords.splice(0, covered);
    await this.journal.reset();
    this.flushCount++;
    this.snapshotCount++;
  }

  /** Waits for pending writes to reach the disk, snapshots, then closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.flushing) await this.flushing;
    // The next start then needs no replay.
    if (this.journal.size > 0 || this.pendingRecords.length > 0) await this.checkpoint();
    await this.journal.close();
    this.closed = true;
    for (const s of this.statements.values()) s.free();
    this.statements.clear();
    this.db.close();
  }

  /**
   * A read-only copy of the committed database at this instant, in memory (exports read from it
   * while writes go on). Never flushed; close it when done.
   */
  async snapshot(): Promise<Database> {
    const SQL = await loadSqlJs();
    return new Database(new SQL.Database(this.db.export()), '');
  }

  /** Closes a snapshot (no flush: it has no file). */
  closeSnapshot(): void {
    for (const s of this.statements.values()) s.free();
    this.statements.clear();
    this.db.close();
  }

  /** Size of the database in bytes, as SQLite reports it. */
  sizeBytes(): number {
    const pageCount = this.db.exec('PRAGMA page_count')[0].values[0][0] as number;
    const pageSize = this.db.exec('PRAGMA page_size')[0].values[0][0] as number;
    return pageCount * pageSize;
  }
}
