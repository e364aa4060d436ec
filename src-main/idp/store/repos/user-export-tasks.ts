import type { Database } from '../database';

/** A user export task: the echoed request, sandbox options, and how it ended. */
export interface ExportTask {
  id: string;
  createdAt: number;
  /** JSON of the parsed request (`format`, `csv.fields`). */
  request: string;
  /** JSON of sandbox-only options (shape, formula neutralisation...). */
  options: string;
  completedAt: number | null;
  failedAt: number | null;
  /** JSON APIError when the export failed. */
  error: string | null;
  /** Object key of the finished file under <dataDir>/exports. */
  fileKey: string | null;
  usersTotal: number | null;
  usersWritten: number;
  bytesWritten: number;
}

const toTask = (r: any): ExportTask => ({
  id: r.id,
  createdAt: r.created_at,
  request: r.request,
  options: r.options,
  completedAt: r.completed_at,
  failedAt: r.failed_at,
  error: r.error,
  fileKey: r.file_key,
  usersTotal: r.users_total,
  usersWritten: r.users_written,
  bytesWritten: r.bytes_written,
});

export class UserExportTaskRepo {
  constructor(private readonly db: Database) {}

  insert(t: Pick<ExportTask, 'id' | 'createdAt' | 'request' | 'options'>): void {
    this.db.run('INSERT INTO user_export_task (id, created_at, request, options) VALUES (?, ?, ?, ?)', [t.id, t.createdAt, t.request, t.options]);
  }

  get(id: string): ExportTask | undefined {
    const r = this.db.get('SELECT * FROM user_export_task WHERE id = ?', [id]);
    return r && toTask(r);
  }

  /** Tasks that have neither completed nor failed, oldest first. */
  unfinished(): ExportTask[] {
    return this.db.all('SELECT * FROM user_export_task WHERE completed_at IS NULL AND failed_at IS NULL ORDER BY created_at, rowid').map(toTask);
  }

  complete(id: string, at: number, fileKey: string, usersWritten: number, bytesWritten: number): void {
    this.db.run('UPDATE user_export_task SET completed_at = ?, file_key = ?, users_total = ?, users_written = ?, bytes_written = ? WHERE id = ?', [
      at,
      fileKey,
      usersWritten,
      usersWritten,
      bytesWritten,
      id,
    ]);
  }

  fail(id: string, at: number, error: string): void {
    this.db.run('UPDATE user_export_task SET failed_at = ?, error = ? WHERE id = ?', [at, error, id]);
  }

  /** Tasks past retention: never finished and created before `pendingBefore`, or finished before `finishedBefore`. */
  expired(pendingBefore: number, finishedBefore: number): ExportTask[] {
    return this.db
      .all(
        `SELECT * FROM user_export_task WHERE (completed_at IS NULL AND failed_at IS NULL AND created_at < ?)
           OR COALESCE(completed_at, failed_at) < ?`,
        [pendingBefore, finishedBefore],
      )
      .map(toTask);
  }

  delete(id: string): void {
    this.db.run('DELETE FROM user_export_task WHERE id = ?', [id]);
  }
}
