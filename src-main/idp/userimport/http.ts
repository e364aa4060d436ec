/**
 * HTTP of the user import: the two compatible Admin API endpoints (spec import-export.md 3, 5.7)
 * and the sandbox's own progress and dry run (9.1, 9.2). The admin JWT and content type were
 * checked before the body was read (see adminapi/rest-routes.ts).
 */
import type { IdpContext } from '../context';
import type { HttpResult } from '../http/types';
import { ApiError } from '../errors';
import { parseJsonBody } from '../adminapi/json-body';
import { goJsonResult } from '../adminapi/api-error';
import { reserveUsage } from '../adminapi/usage-limits';
import { validateRequest } from './schema';
import { createJob, findJob, jobResponseJson, chunkResultText, JOB_TTL_MS, RECORDS_PER_CHUNK, type ImportRequest } from './jobs';
import { runRecords, type ImportRunner } from './runner';
import type { ImportChunk } from '../store/repos/user-import-jobs';

/** The body limit of the import request: 500 kB, decimal, as upstream. */
export const IMPORT_BODY_LIMIT = 500 * 1000;

function readRequest(body: Uint8Array): ImportRequest {
  return parseJsonBody(body, (value) => {
    const causes = validateRequest(value);
    if (causes.length) throw new ApiError('Invalid', 'ValidationFailed', 'invalid request body', { causes });
    return value as ImportRequest;
  });
}

/** `{"result": <job>}` around a job already in JSON. */
const resultEnvelope = (json: string): HttpResult => ({ ...goJsonResult(200, null), body: `{"result":${json}}` });

/** `POST /_api/admin/users/import` */
export async function createImport(ctx: IdpContext, runner: ImportRunner, body: Uint8Array): Promise<HttpResult> {
  const req = readRequest(body);
  reserveUsage(ctx, 'user_import', req.records.length);
  // Expired jobs go when new ones come.
  const expiredBefore = ctx.clock.nowMs() - JOB_TTL_MS;
  if (ctx.store.userImportJobs.hasCreatedBefore(expiredBefore)) await ctx.store.db.write(() => ctx.store.userImportJobs.deleteCreatedBefore(expiredBefore));
  const job = await createJob(ctx, req);
  const json = jobResponseJson(job, ctx.store.userImportJobs.chunks(job.id));
  // Work starts after the answer is written, as upstream's queue does.
  setImmediate(() => runner.enqueue(job.id));
  return resultEnvelope(json);
}

/** `GET /_api/admin/users/import/{id}` */
export async function getImport(ctx: IdpContext, runner: ImportRunner, id: string): Promise<HttpResult> {
  let job = findJob(ctx, id);
  let chunks = ctx.store.userImportJobs.chunks(id);
  // A job with a chunk still to run is pending whatever is on disk; a finished one is reported
  // only once its last chunks are on disk.
  if (chunks.every((c) => c.completedAt !== null)) {
    await runner.settled(id);
    job = findJob(ctx, id);
    chunks = ctx.store.userImportJobs.chunks(id);
  }
  return resultEnvelope(jobResponseJson(job, chunks));
}

/** `GET /_sandbox/api/userimport/{id}/progress` */
export async function importProgress(ctx: IdpContext, runner: ImportRunner, id: string): Promise<HttpResult> {
  const job = findJob(ctx, id);
  return goJsonResult(200, runner.progress(job));
}

class DryRunRollback {}

/**
 * `POST /_sandbox/api/userimport/dry-run`: the real pipeline over every record, inside one
 * transaction that is always rolled back; answers the job result a real run would give now,
 * with `dry_run: true` and no `user_id` for would-be inserts.
 */
export async function dryRunImport(ctx: IdpContext, body: Uint8Array): Promise<HttpResult> {
  const req = readRequest(body);
  const now = ctx.clock.nowMs();
  const job = { upsert: req.upsert ?? false, identifier: req.identifier };
  const chunks: ImportChunk[] = [];
  try {
    await ctx.store.db.write(() => {
      for (let i = 0; i < req.records.length; i += RECORDS_PER_CHUNK) {
        const r = runRecords(ctx, job, req.records.slice(i, i + RECORDS_PER_CHUNK), i);
        for (const d of r.details) if (d.outcome === 'inserted') delete d.user_id;
        chunks.push({ jobId: '', seq: i / RECORDS_PER_CHUNK, records: null, recordCount: r.summary.total, completedAt: now, result: chunkResultText(r.summary, r.details), error: null });
      }
      throw new DryRunRollback();
    });
  } catch (e) {
    if (!(e instanceof DryRunRollback)) throw e;
  }
  const fake = { id: `userimport_${ctx.random.base32()}`, createdAt: now, upsert: job.upsert, identifier: job.identifier, total: req.records.length, chunksTotal: chunks.length, startedAt: now, updatedAt: now };
  return resultEnvelope(jobResponseJson(fake, chunks, { dry_run: true }));
}
