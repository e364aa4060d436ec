/**
 * HTTP of the user export: the two compatible Admin API endpoints (spec import-export.md 6, 7),
 * the signed download, and the sandbox's own export with options and its progress (8.5, 9).
 */
import { readFile } from 'node:fs/promises';
import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { text } from '../http/types';
import { ApiError } from '../errors';
import { parseJsonBody } from '../adminapi/json-body';
import { goJsonResult } from '../adminapi/api-error';
import { reserveUsage, simulation } from '../adminapi/usage-limits';
import { rfc3339 } from '../user/claims';
import { IDENTIFIERS } from '../userimport/schema';
import type { ExportTask } from '../store/repos/user-export-tasks';
import { readExportRequest, type ExportRequest } from './request';
import { DOWNLOAD_PREFIX } from './files';
import { EXPORT_TTL_MS, type ExportOptions, type ExportRunner } from './runner';

/** Export request bodies may hold 1 MiB. */
export const EXPORT_BODY_LIMIT = 1024 * 1024;
const TASK_ID_PREFIX = 'userexport_';
const SANDBOX_KEYS = ['shape', 'identifier', 'include_password_hash', 'neutralize_formulas'];

function taskNotFound(): ApiError {
  return new ApiError('NotFound', 'TaskNotFound', 'task not found');
}

/** 500 UserExportDisabled while the console simulates a project without export storage. */
export function checkExportEnabled(ctx: IdpContext): void {
  if (simulation(ctx).export_disabled) throw new ApiError('InternalError', 'UserExportDisabled', 'User export disabled');
}

function findTask(ctx: IdpContext, id: string): ExportTask {
  const task = id.startsWith(TASK_ID_PREFIX) ? ctx.store.userExportTasks.get(id) : undefined;
  if (!task) throw taskNotFound();
  const now = ctx.clock.nowMs();
  const finished = task.completedAt ?? task.failedAt;
  if (now >= (finished ?? task.createdAt) + EXPORT_TTL_MS) throw taskNotFound();
  return task;
}

/** The task as upstream answers it: id, created_at, completed_at, failed_at, status, request, download_url, error. */
function taskResponse(ctx: IdpContext, runner: ExportRunner, task: ExportTask): HttpResult {
  const request = JSON.parse(task.request) as ExportRequest;
  const done = task.completedAt !== null || task.failedAt !== null;
  return goJsonResult(200, {
    result: {
      id: task.id,
      created_at: rfc3339(task.createdAt),
      completed_at: task.completedAt !== null ? rfc3339(task.completedAt) : undefined,
      failed_at: task.failedAt !== null ? rfc3339(task.failedAt) : undefined,
      status: done ? 'completed' : 'pending',
      request,
      download_url: task.completedAt !== null && task.fileKey ? runner.files.url(ctx.issuer, task.fileKey, ctx.clock.nowSec()) : undefined,
      error: task.error ? JSON.parse(task.error) : undefined,
    },
  });
}

async function enqueueTask(ctx: IdpContext, runner: ExportRunner, request: ExportRequest, options: ExportOptions): Promise<HttpResult> {
  reserveUsage(ctx, 'user_export', 1);
  await runner.sweep();
  const id = TASK_ID_PREFIX + ctx.random.base32();
  await ctx.store.db.write(() => ctx.store.userExportTasks.insert({ id, createdAt: ctx.clock.nowMs(), request: JSON.stringify(request), options: JSON.stringify(options) }));
  const response = taskResponse(ctx, runner, ctx.store.userExportTasks.get(id)!);
  setImmediate(() => runner.enqueue(id));
  return response;
}

/** `POST /_api/admin/users/export` */
export async function createExport(ctx: IdpContext, runner: ExportRunner, body: Uint8Array): Promise<HttpResult> {
  const request = parseJsonBody(body, (v) => readExportRequest(v));
  return enqueueTask(ctx, runner, request, {});
}

/** `GET /_api/admin/users/export/{id}`: a freshly signed download_url on every call. */
export function getExport(ctx: IdpContext, runner: ExportRunner, id: string): HttpResult {
  return taskResponse(ctx, runner, findTask(ctx, id));
}

/**
 * `POST /_sandbox/api/userexport`: the compatible body plus sandbox options — `shape: "import"`
 * (NDJSON records the import accepts, with `identifier`), `include_password_hash`, and
 * `neutralize_formulas` for CSV opened in spreadsheets (off by default).
 */
export async function createSandboxExport(ctx: IdpContext, runner: ExportRunner, body: Uint8Array): Promise<HttpResult> {
  const { request, options } = parseJsonBody(body, (v) => {
    const request = readExportRequest(v, SANDBOX_KEYS);
    const o = v as Record<string, unknown>;
    const causes: { location: string; kind: string }[] = [];
    if (o.shape !== undefined && o.shape !== 'import') causes.push({ location: '/shape', kind: 'enum' });
    if (o.shape === 'import' && request.format !== 'ndjson') causes.push({ location: '/format', kind: 'const' });
    if (o.identifier !== undefined && !IDENTIFIERS.includes(o.identifier as never)) causes.push({ location: '/identifier', kind: 'enum' });
    for (const k of ['include_password_hash', 'neutralize_formulas']) if (o[k] !== undefined && typeof o[k] !== 'boolean') causes.push({ location: `/${k}`, kind: 'type' });
    if (causes.length) throw new ApiError('Invalid', 'ValidationFailed', 'invalid request body', { causes });
    const options: ExportOptions = {};
    if (o.shape === 'import') options.shape = 'import';
    if (o.include_password_hash === true) options.include_password_hash = true;
    if (o.neutralize_formulas === true) options.neutralize_formulas = true;
    return { request, options };
  });
  return enqueueTask(ctx, runner, request, options);
}

/** `GET /_sandbox/api/userexport/{id}/progress` */
export function exportProgress(ctx: IdpContext, runner: ExportRunner, id: string): HttpResult {
  return goJsonResult(200, runner.progress(findTask(ctx, id)));
}

/** `GET /_sandbox/files/userexport/<key>?expires=&sig=`: the file, for whoever holds a live link. */
export async function downloadExport(ctx: IdpContext, runner: ExportRunner, req: HttpRequest): Promise<HttpResult> {
  const key = req.path.slice(DOWNLOAD_PREFIX.length);
  const why = runner.files.check(key, req.query.expires, req.query.sig, ctx.clock.nowSec());
  if (why) return text(403, `Forbidden: ${why}\n`);
  let body: Buffer;
  try {
    if (key.includes('/') || key.startsWith('.')) throw new Error('bad key');
    body = await readFile(runner.files.path(key));
  } catch {
    return text(404, 'Not Found\n');
  }
  const csv = key.endsWith('.csv');
  return { status: 200, headers: { 'content-type': csv ? 'text/csv' : 'application/x-ndjson', 'content-disposition': `attachment; filename=${key}`, 'cache-control': 'no-store' }, body };
}
