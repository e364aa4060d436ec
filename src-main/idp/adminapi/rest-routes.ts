/**
 * The Admin API's REST endpoints (user import and export) and their sandbox companions, in their
 * own fastify context: bodies arrive as raw bytes, so the checks run in upstream's order — admin
 * JWT (403), content type (415, 400), body size (413), JSON syntax (400), schema (400) — before
 * anything is parsed. Registered by server.ts with one call.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { text } from '../http/types';
import { toHttpRequest, send } from '../http/fastify-adapter';
import { AdminApiAuthError } from '../errors';
import { requireConsoleToken } from '../sandbox/console-auth';
import { authenticateAdminRequest } from './auth';
import { adminApiHeaders } from './headers';
import { checkJsonContentType, bodyTooLarge, parseJsonBody } from './json-body';
import { errorEnvelope, goJsonResult } from './api-error';
import { setSimulation, simulation, type TransferSimulation } from './usage-limits';
import { ImportRunner, markInterruptedJobs } from '../userimport/runner';
import { createImport, getImport, importProgress, dryRunImport, IMPORT_BODY_LIMIT } from '../userimport/http';
import { ExportRunner } from '../userexport/runner';
import { createExport, getExport, exportProgress, createSandboxExport, downloadExport, checkExportEnabled, EXPORT_BODY_LIMIT } from '../userexport/http';

type Guard = 'admin' | 'console' | 'none';

interface RestRoute {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  guard: Guard;
  /** POST bodies: the byte limit (413 beyond it). */
  bodyLimit?: number;
  /** Runs after the guard, before the content type is looked at (export enabled). */
  precheck?: () => void;
  handler: (req: HttpRequest & { raw: Uint8Array }, params: Record<string, string>) => HttpResult | Promise<HttpResult>;
}

function register(app: FastifyInstance, ctx: IdpContext, r: RestRoute): void {
  app.route({
    method: r.method,
    url: r.url,
    bodyLimit: r.bodyLimit ?? 1024 * 1024,
    onRequest: async (req: FastifyRequest, reply: FastifyReply) => {
      try {
        if (r.guard === 'admin') await authenticateAdminRequest(ctx, { headers: req.headers as Record<string, string | undefined> });
        if (r.guard === 'console') requireConsoleToken(ctx, toHttpRequest(req));
        r.precheck?.();
        if (r.method !== 'GET') {
          const refused = checkJsonContentType(req.headers['content-type']);
          if (refused) return send(reply, refused);
        }
      } catch (e) {
        if (e instanceof AdminApiAuthError) return send(reply, text(403, 'Forbidden\n', adminApiHeaders()));
        return send(reply, errorEnvelope(e));
      }
    },
    errorHandler: (err: Error & { statusCode?: number }, _req, reply) => {
      if (err.statusCode === 413) return send(reply, errorEnvelope(bodyTooLarge(r.bodyLimit ?? 1024 * 1024)));
      return send(reply, errorEnvelope(err));
    },
    handler: async (req, reply) => {
      const request = { ...toHttpRequest(req), raw: (req.body as Buffer | undefined) ?? new Uint8Array(0) };
      let result: HttpResult;
      try {
        result = await r.handler(request, (req.params ?? {}) as Record<string, string>);
      } catch (e) {
        result = errorEnvelope(e);
      }
      return send(reply, result);
    },
  });
}

/**
 * Mounts the import and export endpoints, marks imports cut short by a previous run as
 * interrupted, resumes unfinished exports, and stops both runners when the server closes.
 */
export async function registerUserImportExport(app: FastifyInstance, ctx: IdpContext, dataDir: string): Promise<void> {
  const imports = new ImportRunner(ctx);
  const exports = new ExportRunner(ctx, dataDir);
  await markInterruptedJobs(ctx);
  await exports.start();
  app.addHook('onClose', async () => {
    await Promise.all([imports.stop(), exports.stop()]);
  });

  const exportEnabled = () => checkExportEnabled(ctx);
  await app.register(async (child) => {
    child.removeAllContentTypeParsers();
    child.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    const routes: RestRoute[] = [
      { method: 'POST', url: '/_api/admin/users/import', guard: 'admin', bodyLimit: IMPORT_BODY_LIMIT, handler: (req) => createImport(ctx, imports, req.raw) },
      { method: 'GET', url: '/_api/admin/users/import/:id', guard: 'admin', handler: (_req, p) => getImport(ctx, imports, p.id) },
      { method: 'POST', url: '/_api/admin/users/export', guard: 'admin', bodyLimit: EXPORT_BODY_LIMIT, precheck: exportEnabled, handler: (req) => createExport(ctx, exports, req.raw) },
      { method: 'GET', url: '/_api/admin/users/export/:id', guard: 'admin', precheck: exportEnabled, handler: (_req, p) => getExport(ctx, exports, p.id) },
      { method: 'GET', url: '/_sandbox/api/userimport/:id/progress', guard: 'console', handler: (_req, p) => importProgress(ctx, imports, p.id) },
      { method: 'POST', url: '/_sandbox/api/userimport/dry-run', guard: 'console', bodyLimit: IMPORT_BODY_LIMIT, handler: (req) => dryRunImport(ctx, req.raw) },
      { method: 'POST', url: '/_sandbox/api/userexport', guard: 'console', bodyLimit: EXPORT_BODY_LIMIT, handler: (req) => createSandboxExport(ctx, exports, req.raw) },
      { method: 'GET', url: '/_sandbox/api/userexport/:id/progress', guard: 'console', handler: (_req, p) => exportProgress(ctx, exports, p.id) },
      { method: 'GET', url: '/_sandbox/api/transfers/simulation', guard: 'console', handler: () => goJsonResult(200, simulation(ctx)) },
      {
        method: 'PUT',
        url: '/_sandbox/api/transfers/simulation',
        guard: 'console',
        handler: (req) => {
          setSimulation(ctx, parseJsonBody(req.raw, (v) => v as TransferSimulation));
          return goJsonResult(200, simulation(ctx));
        },
      },
      { method: 'GET', url: '/_sandbox/files/userexport/*', guard: 'none', handler: (req) => downloadExport(ctx, exports, req) },
    ];
    for (const r of routes) register(child, ctx, r);
  });
}
