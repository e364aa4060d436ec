import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import { existsSync } from 'node:fs';
import type { IdpContext } from './context';
import type { HttpRequest, HttpResult } from './http/types';
import { json, text, withCookies } from './http/types';
import { firstValues, toHttpRequest, send } from './http/fastify-adapter';
import { errorResult, NO_STORE, type Surface } from './http/error-response';
import { clearStaleSessionCookie } from './session/middleware';
import { corsHeaders, type CorsPolicy } from './http/cors';
import { discoveryDocument } from './oauth/discovery';
import { handleAuthorize } from './oauth/authorize/index';
import { handleToken } from './oauth/token/index';
import { handleUserinfo } from './oauth/userinfo';
import { handleRevoke } from './oauth/revoke';
import { handleEndSession } from './oauth/end-session';
import { handleConsent } from './webui/consent';
import { handleEntrypoint } from './webui/entrypoint';
import { flowGet, flowPost, handleResetLink, FLOW_PATHS } from './webui/flow-routes';
import { handleLoginLinkGet, handleLoginLinkPost } from './webui/login-link';
import { handleLogoutGet, handleLogoutPost } from './webui/logout';
import { SETTINGS_ROUTES, handleRoot } from './webui/settings';
import { handleAppSessionToken } from './oauth/app-session';
import { handleChallenge } from './oauth/challenge';
import { handleAnonymousSignup, handleAnonymousPromotionCode } from './oauth/anonymous-user-api';
import { requireConsoleToken } from './sandbox/console-auth';
import { overview } from './sandbox/overview';
import * as authflow from './authflow/api';
import { registerFlowWebsocket } from './authflow/websocket-route';
import { handleResolve } from './resolver/resolve';
import { listOutbox, latestOutbox, clearOutbox } from './sandbox/outbox-api';
import { keysApi } from './sandbox/keys-api';
import { handleAdminGraphQL } from './adminapi/http';
import { handlePresignImageUpload, handleImages, MAX_IMAGE_BYTES } from './adminapi/images';
import { handleAdminToken, handleAdminApiKeys } from './sandbox/admin-api';
import { handleSandboxResolve } from './sandbox/resolve-api';
import { handleFetchJwks } from './sandbox/jwks-fetch-api';
import { getClock, moveClock, resetClock } from './sandbox/clock-api';
import { RequestLog, registerRequestLog, requestLogApi, noteResult, noteRejection } from './sandbox/request-log';
import { clientsApi } from './sandbox/clients-api';
import { registerUserImportExport } from './adminapi/rest-routes';


export interface ServerOptions {
  dataDir: string;
  consoleDir: string;
  allowedHosts: Set<string>;
  bodyLimit?: number;
  /** Registers `GET /_sandbox/bench/hello` (204): the bench's reference route through the same pipeline. */
  benchRoutes?: boolean;
}


export async function buildServer(ctx: IdpContext, opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // A JSON `__proto__` / `constructor.prototype` key is dropped, never merged into objects; the
    // rest of the body is read as usual (Go's decoder, upstream's, ignores such keys too).
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    routerOptions: { ignoreTrailingSlash: false, querystringParser: firstValues },
    // Malformed URLs and the like: plain text, never the framework's own JSON.
    frameworkErrors: (_err, _req, reply) => {
      void send(reply, text(400, 'malformed request\n'));
    },
    // Errors before a request exists (oversized headers, bad bytes): a bare HTTP answer, then close.
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return socket.destroy();
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nmalformed request\n`);
    },
  });

  // The Admin API accepts a bare GraphQL document as the body.
  app.addContentTypeParser('application/graphql', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  // Picture uploads: the raw multipart body, parsed by the handler.
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, firstValues(body as string)));
  // Unknown body types are read (within the limit) and ignored: handlers see no parameters.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, undefined));

  // First, so that its hooks see every request: a WebSocket upgrade refused by a later check
  // (e.g. the Host check) still gets its socket closed.
  await app.register(fastifyWebsocket, { options: { maxPayload: 4096 } });

  const requestLog = new RequestLog();
  registerRequestLog(app, ctx, requestLog);

  app.addHook('onRequest', async (req, reply) => {
    // Exactly one Host naming this server (DNS rebinding), and an origin-form target.
    const hosts = req.raw.rawHeaders.filter((_, i) => i % 2 === 0 && req.raw.rawHeaders[i].toLowerCase() === 'host').length;
    const host = req.headers.host ?? '';
    if (hosts !== 1 || !opts.allowedHosts.has(host.toLowerCase())) {
      noteRejection(req.raw, { error: 'invalid Host header', description: host.slice(0, 100) });
      return send(reply, text(400, `invalid Host header: ${host.slice(0, 100)}\n`));
    }
    if (!req.raw.url?.startsWith('/')) return send(reply, text(400, 'malformed request\n'));
  });

  app.setErrorHandler((err, req, reply) => {
    const surface = ((req.routeOptions.config as { surface?: Surface }) ?? {}).surface ?? 'page';
    return send(reply, errorResult(surface, err));
  });
  app.setNotFoundHandler((_req, reply) => send(reply, text(404, '404 page not found\n')));

  type Handler = (ctx: IdpContext, req: HttpRequest) => HttpResult | Promise<HttpResult>;
  const route = (methods: string[], url: string, surface: Surface, handler: Handler, cors?: CorsPolicy, bodyLimit?: number) => {
    const all = cors ? [...methods, 'OPTIONS'] : methods;
    app.route({
      method: all,
      url,
      bodyLimit,
      config: { surface },
      handler: async (req, reply) => {
        const request = toHttpRequest(req);
        const extra = cors ? corsHeaders(ctx, cors, request.headers) : {};
        if (req.method === 'OPTIONS') return send(reply, { status: 200, headers: extra, body: '' });
        let result: HttpResult;
        try {
          result = await handler(ctx, request);
        } catch (e) {
          result = errorResult(surface, e);
        }
        const cache = url.startsWith('/oauth2/') || url.startsWith('/api/') ? NO_STORE : {};
        result = withCookies(result, clearStaleSessionCookie(ctx, request, setCookiesOf(result)));
        noteResult(req.raw, result);
        return send(reply, { ...result, headers: { ...cache, ...extra, ...result.headers } });
      },
    });
  };

  const discovery: Handler = (c) => json(200, discoveryDocument(c.issuer));
  route(['GET'], '/.well-known/openid-configuration', 'oauth', discovery, 'star');
  route(['GET'], '/.well-known/oauth-authorization-server', 'oauth', discovery, 'star');
  route(['GET'], '/oauth2/jwks', 'oauth', (c) => json(200, c.keys.jwks()), 'star');
  route(['GET', 'POST'], '/oauth2/authorize', 'page', handleAuthorize, 'matcher');
  route(['POST'], '/oauth2/token', 'oauth', handleToken, 'matcher');
  route(['GET', 'POST'], '/oauth2/userinfo', 'oauth', handleUserinfo, 'matcher');
  route(['POST'], '/oauth2/revoke', 'oauth', handleRevoke, 'matcher');
  route(['GET', 'POST'], '/oauth2/end_session', 'page', handleEndSession, 'matcher');
  route(['GET', 'POST'], '/oauth2/consent', 'page', handleConsent);
  route(['GET'], '/_internals/oauth_entrypoint', 'page', handleEntrypoint);
  route(['GET'], '/', 'page', handleRoot);
  for (const [type, path] of Object.entries(FLOW_PATHS) as [keyof typeof FLOW_PATHS, string][]) {
    route(['GET'], path, 'page', flowGet(type));
    route(['POST'], path, 'page', flowPost(type));
  }
  route(['GET'], '/authflow/v2/reset_password', 'page', handleResetLink);
  route(['GET'], '/authflow/v2/verify_login_link', 'page', handleLoginLinkGet);
  route(['POST'], '/authflow/v2/verify_login_link', 'page', handleLoginLinkPost);
  route(['GET'], '/logout', 'page', handleLogoutGet);
  route(['POST'], '/logout', 'page', handleLogoutPost);
  for (const [method, path, handler] of SETTINGS_ROUTES) route([method], path, 'page', handler);
  // SDK helpers (spec 13).
  route(['POST'], '/oauth2/app_session_token', 'api', handleAppSessionToken, 'matcher');
  route(['POST'], '/oauth2/challenge', 'api', handleChallenge, 'matcher');
  route(['POST'], '/api/anonymous_user/signup', 'api', handleAnonymousSignup, 'matcher');
  route(['POST'], '/api/anonymous_user/promotion_code', 'api', handleAnonymousPromotionCode, 'matcher');

  const TEN_MIB = 10 * 1024 * 1024;
  route(['POST'], '/api/v1/authentication_flows', 'api', authflow.handleCreate, 'matcher', TEN_MIB);
  route(['POST'], '/api/v1/authentication_flows/states/input', 'api', authflow.handleInput, 'matcher', TEN_MIB);
  route(['POST'], '/api/v1/authentication_flows/states', 'api', authflow.handleGet, 'matcher', TEN_MIB);
  registerFlowWebsocket(app, ctx);
  route(['GET'], '/_sandbox/api/outbox', 'api', listOutbox);
  route(['DELETE'], '/_sandbox/api/outbox', 'api', clearOutbox);
  route(['GET'], '/_sandbox/api/outbox/latest', 'api', latestOutbox);
  const keys = keysApi(opts.dataDir);
  route(['GET'], '/_sandbox/api/keys', 'api', keys.list);
  route(['POST'], '/_sandbox/api/keys/rotate', 'api', keys.rotate);

  // Admin API (spec admin-api.md); the bare /graphql path too, as self-hosted Authgear serves it.
  route(['GET', 'POST'], '/_api/admin/graphql', 'api', handleAdminGraphQL);
  route(['GET', 'POST'], '/graphql', 'api', handleAdminGraphQL);
  route(['GET', 'POST'], '/_api/admin/images/upload', 'api', handlePresignImageUpload);
  route(['GET', 'POST'], '/_images/*', 'api', handleImages, undefined, MAX_IMAGE_BYTES + 64 * 1024);
  route(['POST'], '/_sandbox/api/admin-token', 'api', handleAdminToken);
  route(['GET'], '/_sandbox/api/admin-api-keys', 'api', handleAdminApiKeys);

  // User Import and Export API (Admin API JWT) and their console companions, in their own context.
  await registerUserImportExport(app, ctx, opts.dataDir);

  // GET also answers HEAD (fastify exposes HEAD for GET routes).
  route(['GET'], '/_resolver/resolve', 'page', handleResolve);
  route(['GET'], '/resolve', 'page', handleResolve);

  route(['GET'], '/_sandbox/api/overview', 'api', (c, req) => {
    requireConsoleToken(c, req);
    return json(200, overview(c, opts.dataDir), NO_STORE);
  });
  route(['POST'], '/_sandbox/api/resolve', 'api', handleSandboxResolve);
  route(['POST'], '/_sandbox/api/fetch-jwks', 'api', handleFetchJwks);
  route(['GET'], '/_sandbox/api/clock', 'api', getClock);
  route(['POST'], '/_sandbox/api/clock', 'api', moveClock);
  route(['DELETE'], '/_sandbox/api/clock', 'api', resetClock);
  const log = requestLogApi(requestLog);
  route(['GET'], '/_sandbox/api/request-log', 'api', log.list);
  route(['DELETE'], '/_sandbox/api/request-log', 'api', log.clear);
  const clients = clientsApi(opts.dataDir);
  route(['GET'], '/_sandbox/api/clients', 'api', clients.list);
  route(['POST'], '/_sandbox/api/clients', 'api', clients.create);
  route(['PATCH'], '/_sandbox/api/clients/:client_id', 'api', clients.update);
  route(['DELETE'], '/_sandbox/api/clients/:client_id', 'api', clients.remove);
  route(['GET'], '/_sandbox/api/health', 'api', (c, req) => {
    requireConsoleToken(c, req);
    return json(200, { ok: true, users: c.store.users.count(), db_bytes: c.store.db.sizeBytes(), flushes: c.store.db.flushCount }, NO_STORE);
  });

  if (opts.benchRoutes) route(['GET'], '/_sandbox/bench/hello', 'api', () => ({ status: 204, headers: {}, body: '' }));

  if (existsSync(opts.consoleDir)) {
    await app.register(fastifyStatic, {
      root: opts.consoleDir,
      prefix: '/_sandbox/',
      index: ['index.html'],
      wildcard: true,
      decorateReply: false,
      setHeaders: (res) => {
        res.setHeader('x-frame-options', 'DENY');
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('content-security-policy', "frame-ancestors 'none'");
      },
    });
  } else {
    route(['GET'], '/_sandbox/', 'page', () => text(503, 'The console is not built. Run `npm run build` (npm start does it for you).\n'));
  }
  return app;
}


function setCookiesOf(r: HttpResult): string[] {
  const v = r.headers['set-cookie'];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
