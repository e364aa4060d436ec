/**
 * Import jobs (spec import-export.md 3.2, 5.7): a request becomes one job of chunks of 100
 * records, stored durably before POST answers; GET aggregates the chunk results as upstream's
 * job manager does (pending until every chunk is done, then summary and details by index).
 */
import type { IdpContext } from '../context';
import type { ImportChunk, ImportJob } from '../store/repos/user-import-jobs';
import { ApiError } from '../errors';
import { rfc3339 } from '../user/claims';
import { goJson } from '../adminapi/go-json';
import type { Detail } from './import-record';
import type { Identifier } from './schema';

export const RECORDS_PER_CHUNK = 100;
export const JOB_ID_PREFIX = 'userimport_';
/** Jobs expire 24 hours after creation (upstream's Redis TTL). */
export const JOB_TTL_MS = 24 * 3600 * 1000;

export interface ImportRequest {
  upsert?: boolean;
  identifier: Identifier;
  records: unknown[];
}

export interface Summary {
  total: number;
  inserted: number;
  updated: number;
  skipped: number;
  failed: number;
}

/**
 * What a chunk stores as its result: the summary as JSON, a newline, then the details as the
 * inside of a JSON array (already in Go's encoding, so they are spliced, never re-encoded).
 */
export function chunkResultText(summary: Summary, details: Detail[]): string {
  return `${goJson(summary)}\n${goJson(details).slice(1, -1)}`;
}

function readChunkResult(text: string): { summary: Summary; details: string } {
  const nl = text.indexOf('\n');
  return { summary: JSON.parse(text.slice(0, nl)), details: text.slice(nl + 1) };
}

/** The job as GET answers it, without `details`; key order is upstream's. */
interface JobHead {
  id: string;
  created_at: string;
  completed_at?: string;
  status: 'pending' | 'completed';
  error?: unknown;
  summary?: Summary;
}

export const emptySummary = (): Summary => ({ total: 0, inserted: 0, updated: 0, skipped: 0, failed: 0 });

export function taskNotFound(): ApiError {
  return new ApiError('NotFound', 'TaskNotFound', 'task not found');
}

/** Stores a new job and its chunks (durably); returns the job. */
export async function createJob(ctx: IdpContext, req: ImportRequest): Promise<ImportJob> {
  const now = ctx.clock.nowMs();
  const chunks: string[] = [];
  const counts: number[] = [];
  for (let i = 0; i < req.records.length; i += RECORDS_PER_CHUNK) {
    const slice = req.records.slice(i, i + RECORDS_PER_CHUNK);
    chunks.push(JSON.stringify(slice));
    counts.push(slice.length);
  }
  const job: ImportJob = {
    id: JOB_ID_PREFIX + ctx.random.base32(),
    createdAt: now,
    upsert: req.upsert ?? false,
    identifier: req.identifier,
    total: req.records.length,
    chunksTotal: chunks.length,
    startedAt: null,
    updatedAt: now,
  };
  await ctx.store.db.write(() => ctx.store.userImportJobs.insert(job, chunks, counts));
  return job;
}

/** The live job, or TaskNotFound (unknown, legacy `task_` IDs, or past its 24 hours). */
export function findJob(ctx: IdpContext, id: string): ImportJob {
  if (!id.startsWith(JOB_ID_PREFIX)) throw taskNotFound();
  const job = ctx.store.userImportJobs.get(id);
  if (!job || ctx.clock.nowMs() >= job.createdAt + JOB_TTL_MS) throw taskNotFound();
  return job;
}

/** Aggregates the chunks as upstream's AggregateTaskResult does; returns the JSON text of the job. */
export function jobResponseJson(job: ImportJob, chunks: ImportChunk[], extra: Record<string, unknown> = {}): string {
  const head: JobHead = { id: job.id, created_at: rfc3339(job.createdAt), status: 'pending' };
  if (chunks.some((c) => c.completedAt === null)) return goJson({ ...head, ...extra });
  let completedAt = job.createdAt;
  let error: unknown;
  const summary = emptySummary();
  const details: string[] = [];
  for (const c of chunks) {
    completedAt = Math.max(completedAt, c.completedAt!);
    if (c.error) error = JSON.parse(c.error);
    if (c.result) {
      const r = readChunkResult(c.result);
      for (const k of Object.keys(summary) as (keyof Summary)[]) summary[k] += r.summary[k];
      if (r.details) details.push(r.details);
    }
  }
  const text = goJson({ id: head.id, created_at: head.created_at, completed_at: rfc3339(completedAt), status: 'completed', error, summary, ...extra });
  return details.length ? `${text.slice(0, -1)},"details":[${details.join(',')}]}` : text;
}
