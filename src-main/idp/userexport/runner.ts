/**
 * Runs export tasks in the background (spec import-export.md 8, 9.5): each reads a snapshot of
 * the database taken when it starts (no user skipped or repeated while writes go on), writes
 * pages of 1000 users to a temporary file, yielding to the event loop between pages, and
 * renames the file into place when done. Tasks left unfinished by a stop run again at the next
 * start. Finished tasks and their files go 24 hours after completion, unfinished ones 24 hours
 * after creation.
 */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { IdpContext } from '../context';
import type { ExportTask } from '../store/repos/user-export-tasks';
import type { Database } from '../store/database';
import { goJson } from '../adminapi/go-json';
import { apiErrorObject } from '../adminapi/api-error';
import { importSettings } from '../userimport/settings';
import { exportOrder, readPage, exportRecord, primaryPasswordHash } from './record';
import { csvLines, cellValue, neutralizeFormula, DEFAULT_CSV_POINTERS } from './csv';
import { fieldNames, type ExportRequest, type FieldPointer } from './request';
import { parsePointer } from './pointer';
import { ExportFiles, exportFileKey } from './files';
import { exportRecordToImportRecord } from './to-import';

const PAGE_SIZE = 1000;
export const EXPORT_TTL_MS = 24 * 3600 * 1000;

/** Sandbox-only options of a task (POST /_sandbox/api/userexport). */
export interface ExportOptions {
  shape?: 'import';
  include_password_hash?: boolean;
  neutralize_formulas?: boolean;
}

export interface ExportProgress {
  id: string;
  status: 'pending' | 'running' | 'completed' | 'failed';
  users_total: number | null;
  users_written: number;
  bytes_written: number;
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

export class ExportRunner {
  readonly files: ExportFiles;
  private queue: string[] = [];
  private loop: Promise<void> | undefined;
  private stopped = false;
  private live = new Map<string, ExportProgress>();

  constructor(
    private readonly ctx: IdpContext,
    dataDir: string,
  ) {
    this.files = new ExportFiles(dataDir);
  }

  /** Sweeps expired tasks and queues the unfinished ones again. */
  async start(): Promise<void> {
    await mkdir(this.files.dir, { recursive: true });
    await this.sweep();
    for (const t of this.ctx.store.userExportTasks.unfinished()) this.enqueue(t.id);
  }

  enqueue(id: string): void {
    if (this.stopped) return;
    this.queue.push(id);
    this.loop ??= this.drain().finally(() => (this.loop = undefined));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    await this.loop;
  }

  progress(task: ExportTask): ExportProgress {
    const live = this.live.get(task.id);
    // Once the task row says how it ended, that is the answer (as the compatible GET gives it).
    if (live && task.completedAt === null && task.failedAt === null) return { ...live };
    const status = task.completedAt !== null ? 'completed' : task.failedAt !== null ? 'failed' : 'pending';
    return { id: task.id, status, users_total: task.usersTotal, users_written: task.usersWritten, bytes_written: task.bytesWritten };
  }

  /** Deletes tasks past their retention, with their files. */
  async sweep(): Promise<void> {
    const now = this.ctx.clock.nowMs();
    const expired = this.ctx.store.userExportTasks.expired(now - EXPORT_TTL_MS, now - EXPORT_TTL_MS);
    if (!expired.length) return;
    await this.ctx.store.db.write(() => expired.forEach((t) => this.ctx.store.userExportTasks.delete(t.id)));
    await Promise.all(expired.filter((t) => t.fileKey).map((t) => rm(this.files.path(t.fileKey!), { force: true })));
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.queue.length) {
      const task = this.ctx.store.userExportTasks.get(this.queue.shift()!);
      if (task && task.completedAt === null && task.failedAt === null) await this.run(task);
    }
  }

  private async run(task: ExportTask): Promise<void> {
    const { ctx } = this;
    const progress: ExportProgress = { id: task.id, status: 'running', users_total: null, users_written: 0, bytes_written: 0 };
    this.live.set(task.id, progress);
    const tmp = this.files.path(`.tmp-${task.id}`);
    let snapshot: Database | undefined;
    try {
      snapshot = await ctx.store.db.snapshot();
      const request = JSON.parse(task.request) as ExportRequest;
      const options = JSON.parse(task.options) as ExportOptions;
      const ids = exportOrder(snapshot);
      progress.users_total = ids.length;
      const file = await open(tmp, 'w');
      try {
        const write = async (text: string) => {
          const bytes = Buffer.from(text, 'utf8');
          await file.write(bytes);
          progress.bytes_written += bytes.length;
        };
        const csv = request.format === 'csv' ? this.csvFields(request) : undefined;
        if (csv) await write(csvLines([csv.names]));
        for (let i = 0; i < ids.length && !this.stopped; i += PAGE_SIZE) {
          const page = readPage(snapshot, ids.slice(i, i + PAGE_SIZE));
          const now = ctx.clock.nowMs();
          const out: string[] = [];
          const rows: string[][] = [];
          for (const u of page.users) {
            const record = exportRecord(page, u, ctx.issuer, now);
            if (csv) {
              const row = csv.tokens.map((t) => cellValue(record, t));
              rows.push(options.neutralize_formulas ? row.map(neutralizeFormula) : row);
            } else if (options.shape === 'import') {
              out.push(goJson(exportRecordToImportRecord(record, options.include_password_hash ? primaryPasswordHash(page, u.id) : undefined)), '\n');
            } else out.push(goJson(record), '\n');
          }
          await write(csv ? csvLines(rows) : out.join(''));
          progress.users_written += page.users.length;
          await yieldToEventLoop();
        }
      } finally {
        await file.close();
      }
      if (this.stopped) return;
      const finishedAt = ctx.clock.nowMs();
      const key = exportFileKey(ctx.config.app.id, task.id, finishedAt, request.format);
      await rename(tmp, this.files.path(key));
      await ctx.store.db.write(() => ctx.store.userExportTasks.complete(task.id, ctx.clock.nowMs(), key, progress.users_written, progress.bytes_written));
    } catch (e) {
      console.error(`user export ${task.id} failed`, e);
      await rm(tmp, { force: true });
      await ctx.store.db.write(() => ctx.store.userExportTasks.fail(task.id, ctx.clock.nowMs(), goJson(apiErrorObject(e)))).catch(() => undefined);
    } finally {
      snapshot?.closeSnapshot();
      this.live.delete(task.id);
    }
  }

  /** The CSV columns: the request's fields, or the defaults plus one per configured custom attribute. */
  private csvFields(request: ExportRequest): { names: string[]; tokens: string[][] } {
    let fields: FieldPointer[] | undefined = request.csv?.fields;
    if (!fields?.length) {
      fields = [...DEFAULT_CSV_POINTERS, ...importSettings(this.ctx).customAttributes.map((a) => `/custom_attributes${a.pointer}`)].map((pointer) => ({ pointer }));
    }
    return { names: fieldNames(fields), tokens: fields.map((f) => parsePointer(f.pointer) as string[]) };
  }
}
