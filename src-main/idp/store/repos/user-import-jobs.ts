import type { Database } from '../database';

/** A user import request as stored: its options and how it was cut into chunks. */
export interface ImportJob {
  id: string;
  createdAt: number;
  upsert: boolean;
  identifier: 'preferred_username' | 'email' | 'phone_number';
  total: number;
  chunksTotal: number;
  startedAt: number | null;
  updatedAt: number;
}

/** One chunk of at most 100 records: input until it ran, then result (or a whole-chunk error). */
export interface ImportChunk {
  jobId: string;
  seq: number;
  /** JSON array of the chunk's records; null once the chunk ran. */
  records: string | null;
  recordCount: number;
  completedAt: number | null;
  /** JSON `{summary, details}` of the chunk. */
  result: string | null;
  /** JSON APIError when the chunk did not run (crash, interruption). */
  error: string | null;
}

const toJob = (r: any): ImportJob => ({
  id: r.id,
  createdAt: r.created_at,
  upsert: r.upsert === 1,
  identifier: r.identifier,
  total: r.total,
  chunksTotal: r.chunks_total,
  startedAt: r.started_at,
  updatedAt: r.updated_at,
});

const toChunk = (r: any): ImportChunk => ({
  jobId: r.job_id,
  seq: r.seq,
  records: r.records,
  recordCount: r.record_count,
  completedAt: r.completed_at,
  result: r.result,
  error: r.error,
});

export class UserImportJobRepo {
  constructor(private readonly db: Database) {}

  insert(job: ImportJob, chunks: string[], counts: number[]): void {
    this.db.run('INSERT INTO user_import_job (id, created_at, upsert, identifier, total, chunks_total, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      job.id,
      job.createdAt,
      job.upsert ? 1 : 0,
      job.identifier,
      job.total,
      job.chunksTotal,
      job.startedAt,
      job.updatedAt,
    ]);
    chunks.forEach((records, seq) => this.db.run('INSERT INTO user_import_chunk (job_id, seq, records, record_count) VALUES (?, ?, ?, ?)', [job.id, seq, records, counts[seq]]));
  }

  get(id: string): ImportJob | undefined {
    const r = this.db.get('SELECT * FROM user_import_job WHERE id = ?', [id]);
    return r && toJob(r);
  }

  /** Jobs with a chunk that has not run, oldest first. */
  unfinished(): ImportJob[] {
    return this.db
      .all('SELECT * FROM user_import_job WHERE id IN (SELECT job_id FROM user_import_chunk WHERE completed_at IS NULL) ORDER BY created_at, rowid')
      .map(toJob);
  }

  chunks(jobId: string): ImportChunk[] {
    return this.db.all('SELECT job_id, seq, NULL AS records, record_count, completed_at, result, error FROM user_import_chunk WHERE job_id = ? ORDER BY seq', [jobId]).map(toChunk);
  }

  /** The next chunk to run, with its records. */
  nextChunk(jobId: string): ImportChunk | undefined {
    const r = this.db.get('SELECT * FROM user_import_chunk WHERE job_id = ? AND completed_at IS NULL ORDER BY seq LIMIT 1', [jobId]);
    return r && toChunk(r);
  }

  completeChunk(jobId: string, seq: number, at: number, result: string): void {
    this.db.run('UPDATE user_import_chunk SET completed_at = ?, result = ?, records = NULL WHERE job_id = ? AND seq = ?', [at, result, jobId, seq]);
    this.db.run('UPDATE user_import_job SET updated_at = ?, started_at = COALESCE(started_at, ?) WHERE id = ?', [at, at, jobId]);
  }

  /** Ends every chunk that has not run with an error (the job then reads as completed with `error`). */
  failUnfinishedChunks(jobId: string, at: number, error: string): number {
    this.db.run('UPDATE user_import_job SET updated_at = ? WHERE id = ?', [at, jobId]);
    return this.db.run('UPDATE user_import_chunk SET completed_at = ?, error = ?, records = NULL WHERE job_id = ? AND completed_at IS NULL', [at, error, jobId]);
  }

  hasCreatedBefore(before: number): boolean {
    return this.db.get('SELECT 1 AS x FROM user_import_job WHERE created_at < ? LIMIT 1', [before]) !== undefined;
  }

  /** Deletes jobs created before `before` (their chunks go with them). */
  deleteCreatedBefore(before: number): number {
    return this.db.run('DELETE FROM user_import_job WHERE created_at < ?', [before]);
  }
}
