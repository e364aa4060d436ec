import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import initSqlJs, { type Database as SqlJsDatabase, type SqlValue } from 'sql.js';
import { writeFileDurably, removeStaleTempFiles } from './durable-file';
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
 * The SQLite database, held in memory by sql.js and persisted to one file.
 *
 * Reads are synchronous. `write(fn)` runs `fn` in a transaction at once (so later reads see it)
 * and resolves only when a flush has made it durable. Writes that arrive while a flush is running
 * are committed together by the next flush (group commit).
 */
export class Database {
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  private statements = new Map<string, ReturnType<SqlJsDatabase['prepare']>>();
  /** Number of flushes done; exposed for tests and the console's health view. */
  flushCount = 0;

  private constructor(
    private readonly db: SqlJsDatabase,
    readonly path: string,
  ) {}

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
    const applied = database.migrate(migrations);
    if (fresh || applied > 0) await database.flush();
    return database;
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
    return this.db.getRowsModified();
  }

  private transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (e) {
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

  private async flush(): Promise<void> {
    const bytes = this.db.export();
    await writeFileDurably(this.path, bytes);
    this.flushCount++;
  }

  /** Waits for pending writes to reach the disk, then closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.flushing) await this.flushing;
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
