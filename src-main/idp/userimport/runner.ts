/**
 * Runs import jobs in the background, one chunk at a time, in order (spec import-export.md 9.4):
 * a chunk runs as one synchronous block inside one transaction (a savepoint per record, then the
 * chunk's result row), goes to the durable group-committed writer, and the loop yields to the
 * event loop before the next chunk, so sign-in and discovery keep answering. Several chunks may
 * wait for the same flush; progress counts a chunk only once its flush is done, so it never
 * claims work the database file lacks. A job left unfinished by a stop or crash is marked
 * interrupted at the next start.
 */
import type { IdpContext } from '../context';
import type { ImportJob } from '../store/repos/user-import-jobs';
import { goJson } from '../adminapi/go-json';
import { rfc3339 } from '../user/claims';
import { importRecord, type Detail } from './import-record';
import { chunkResultText, emptySummary, RECORDS_PER_CHUNK, type Summary } from './jobs';

/** Chunks allowed to wait for their flush before the loop waits too (bounds memory and loss). */
const MAX_UNFLUSHED_CHUNKS = 32;

export interface ImportProgress {
  id: string;
  status: 'pending' | 'running' | 'completed' | 'interrupted';
  total: number;
  processed: number;
  chunks_total: number;
  chunks_done: number;
  counts: { inserted: number; updated: number; skipped: number; failed: number };
  started_at: string | null;
  updated_at: string;
}

export const INTERRUPTED_REASON = 'UserImportInterrupted';

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/** Runs the records of one chunk and returns its summary and details (inside a transaction). */
export function runRecords(ctx: IdpContext, job: Pick<ImportJob, 'upsert' | 'identifier'>, records: unknown[], firstIndex: number): { summary: Summary; details: Detail[] } {
  const summary = emptySummary();
  const details: Detail[] = [];
  records.forEach((raw, i) => {
    const d = importRecord(ctx, { upsert: job.upsert, identifier: job.identifier }, raw, firstIndex + i);
    summary.total++;
    summary[d.outcome]++;
    details.push(d);
  });
  return { summary, details };
}

export class ImportRunner {
  private queue: string[] = [];
  private loop: Promise<void> | undefined;
  private stopped = false;
  /** Writes of each running job that have not reached the disk yet. */
  private unflushed = new Map<string, Set<Promise<unknown>>>();
  /** Durable progress of the job being run. */
  private live = new Map<string, ImportProgress>();
  /** Jobs whose last chunks still wait for their flush. */
  private draining = new Set<Promise<void>>();

  constructor(private readonly ctx: IdpContext) {}

  enqueue(jobId: string): void {
    if (this.stopped) return;
    this.queue.push(jobId);
    this.loop ??= this.drain().finally(() => (this.loop = undefined));
  }

  /** Resolves once every chunk of the job that has run is on disk. */
  async settled(jobId: string): Promise<void> {
    for (let set = this.unflushed.get(jobId); set && set.size; set = this.unflushed.get(jobId)) await Promise.allSettled([...set]);
  }

  /** Progress as the disk has it (in memory while running, from the chunks otherwise). */
  progress(job: ImportJob): ImportProgress {
    const live = this.live.get(job.id);
    if (live) return { ...live, counts: { ...live.counts } };
    return storedProgress(this.ctx, job);
  }

  /** Stops after the chunk in progress and waits for its flush. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    await this.loop;
    await Promise.all([...this.draining]);
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.queue.length) {
      const job = this.ctx.store.userImportJobs.get(this.queue.shift()!);
      if (job) await this.runJob(job);
    }
  }

  private async runJob(job: ImportJob): Promise<void> {
    const { ctx } = this;
    const repo = ctx.store.userImportJobs;
    const pending = new Set<Promise<unknown>>();
    this.unflushed.set(job.id, pending);
    const progress = storedProgress(ctx, job);
    progress.status = 'running';
    this.live.set(job.id, progress);
    while (!this.stopped) {
      const chunk = repo.nextChunk(job.id);
      if (!chunk) break;
      const write = ctx.store.db.write(() => {
        const records = JSON.parse(chunk.records ?? '[]') as unknown[];
        const r = runRecords(ctx, job, records, chunk.seq * RECORDS_PER_CHUNK);
        repo.completeChunk(job.id, chunk.seq, ctx.clock.nowMs(), chunkResultText(r.summary, r.details));
        return r.summary;
      });
      pending.add(write);
      write.then(
        (summary) => {
          pending.delete(write);
          progress.chunks_done++;
          progress.processed += summary.total;
          for (const k of ['inserted', 'updated', 'skipped', 'failed'] as const) progress.counts[k] += summary[k];
          const at = rfc3339(ctx.clock.nowMs());
          progress.started_at ??= at;
          progress.updated_at = at;
        },
        (e) => {
          pending.delete(write);
          console.error(`user import ${job.id}: a chunk could not be written`, e);
        },
      );
      if (pending.size >= MAX_UNFLUSHED_CHUNKS) await Promise.race(pending);
      await yieldToEventLoop();
    }
    // The next job starts at once; this one reads as running until its last chunks are on disk.
    const done = Promise.allSettled([...pending]).then(() => {
      this.live.delete(job.id);
      this.unflushed.delete(job.id);
    });
    this.draining.add(done);
    void done.finally(() => this.draining.delete(done));
  }
}

/** Progress computed from the stored chunks (after the job ran, or before it started). */
function storedProgress(ctx: IdpContext, job: ImportJob): ImportProgress {
  const chunks = ctx.store.userImportJobs.chunks(job.id);
  const counts = { inserted: 0, updated: 0, skipped: 0, failed: 0 };
  let processed = 0;
  let done = 0;
  let interrupted = false;
  for (const c of chunks) {
    if (c.completedAt === null) continue;
    done++;
    if (c.error) {
      interrupted ||= JSON.parse(c.error).reason === INTERRUPTED_REASON;
      continue;
    }
    const summary = JSON.parse(c.result!.slice(0, c.result!.indexOf('\n'))) as Summary;
    processed += summary.total;
    for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += summary[k];
  }
  const status = done < chunks.length ? 'pending' : interrupted ? 'interrupted' : 'completed';
  return {
    id: job.id,
    status,
    total: job.total,
    processed,
    chunks_total: job.chunksTotal,
    chunks_done: done,
    counts,
    started_at: job.startedAt === null ? null : rfc3339(job.startedAt),
    updated_at: rfc3339(job.updatedAt),
  };
}

/**
 * At start-up: a job whose chunks did not all run was cut short by a stop or a crash. Its
 * remaining chunks end with an error that says so, so the job reads as completed with `error`
 * (and the records that did run) instead of pending forever.
 */
export async function markInterruptedJobs(ctx: IdpContext): Promise<number> {
  const jobs = ctx.store.userImportJobs.unfinished();
  if (!jobs.length) return 0;
  const now = ctx.clock.nowMs();
  await ctx.store.db.write(() => {
    for (const job of jobs) {
      const next = ctx.store.userImportJobs.nextChunk(job.id)!;
      const from = next.seq * RECORDS_PER_CHUNK;
      const error = {
        name: 'InternalError',
        reason: INTERRUPTED_REASON,
        message: `import interrupted: the sandbox stopped before this import finished; records ${from} to ${job.total - 1} were not imported. Send them again (records already imported are skipped, or updated with upsert).`,
        code: 500,
      };
      ctx.store.userImportJobs.failUnfinishedChunks(job.id, now, goJson(error));
    }
  });
  return jobs.length;
}
