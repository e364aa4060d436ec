import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { json } from '../http/types';
import { NO_STORE } from '../http/error-response';
import { rfc3339 } from '../user/claims';
import { requireConsoleToken } from './console-auth';

/** Why a request was refused, as its answer told the client. */
export interface Rejection {
  /** OAuth `error`, the API error `reason`, or the first line of a plain-text error. */
  error: string;
  /** OAuth `error_description` or the API error `message`. */
  description: string | null;
}

export interface RequestLogEntry {
  id: number;
  /** Sandbox clock (RFC 3339) when the request arrived. */
  time: string;
  method: string;
  /** Path and query, secrets redacted. */
  path: string;
  status: number;
  duration_ms: number;
  rejection: Rejection | null;
}

export const REQUEST_LOG_CAPACITY = 2000;
export const REDACTED = '[redacted]';

/** Query parameters whose values are secrets (matched case-insensitively), beside the pattern below. */
const SECRET_PARAMS = new Set([
  'code', 'client_secret', 'refresh_token', 'access_token', 'id_token', 'id_token_hint', 'token', 'password',
  'new_password', 'code_verifier', 'x_state_token', 'state_token', 'app_session_token', 'x_app_session_token',
  'device_secret', 'client_assertion', 'subject_token', 'actor_token', 'assertion', 'otp', 'x_csrf_token',
  'channel', 'pre_authenticated_url_token', 'secret', 'key', 'jwt',
]);
const SECRET_PATTERN = /token|secret|passw|verifier|assertion|otp|credential/i;

function isSecretParam(name: string, value: string): boolean {
  const n = name.toLowerCase();
  if (SECRET_PARAMS.has(n) || SECRET_PATTERN.test(n)) return true;
  // login_hint may wrap an app session token (`...?type=app_session_token&app_session_token=...`).
  return n === 'login_hint' && /token/i.test(value);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** `path?query` with the values of secret parameters replaced; everything else as sent. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = decode(pair.slice(0, eq));
      return isSecretParam(name, decode(pair.slice(eq + 1))) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

function header(r: HttpResult, name: string): string {
  const v = r.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

function fromParams(params: URLSearchParams): Rejection | null {
  const error = params.get('error');
  return error ? { error, description: params.get('error_description') } : null;
}

const HIDDEN_INPUT = /<input type="hidden" name="([^"]*)" value="([^"]*)">/g;
const unescapeHtml = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/**
 * The refusal a result carries, read from what the client receives: an OAuth error (JSON, or
 * delivered to the redirect URI by query, fragment or form_post), an API error envelope, or a
 * plain-text error. Null for successes.
 */
export function rejectionOf(r: HttpResult): Rejection | null {
  const location = header(r, 'location');
  if (location) {
    try {
      const u = new URL(location, 'http://placeholder');
      const found = fromParams(u.searchParams) ?? fromParams(new URLSearchParams(u.hash.slice(1)));
      if (found) return found;
    } catch {
      // not a URL: nothing to read
    }
  }
  const type = header(r, 'content-type');
  const body = typeof r.body === 'string' ? r.body : '';
  if (r.status === 200 && type.startsWith('text/html') && body.includes('name="error"')) {
    const params = new URLSearchParams();
    for (const [, name, value] of body.matchAll(HIDDEN_INPUT)) params.set(unescapeHtml(name!), unescapeHtml(value!));
    return fromParams(params);
  }
  if (r.status < 400) return null;
  if (type.startsWith('application/json')) {
    try {
      const parsed = JSON.parse(body) as { error?: unknown; error_description?: unknown };
      if (typeof parsed.error === 'string') {
        return { error: parsed.error, description: typeof parsed.error_description === 'string' ? parsed.error_description : null };
      }
      const e = parsed.error as { reason?: unknown; message?: unknown } | undefined;
      if (e && typeof e.reason === 'string') return { error: e.reason, description: typeof e.message === 'string' ? e.message : null };
    } catch {
      // not JSON after all
    }
  }
  if (type.startsWith('text/plain')) {
    // The authorize endpoint's plain-text errors list `error: ...` and `error_description: ...` lines.
    const lines = body.split('\n').map((l) => l.trim());
    const field = (k: string) => lines.find((l) => l.startsWith(`${k}: `))?.slice(k.length + 2) ?? null;
    const error = field('error');
    if (error) return { error, description: field('error_description') };
    if (lines[0]) return { error: lines[0].slice(0, 200), description: null };
  }
  return null;
}

/** The in-memory ring buffer behind `/_sandbox/api/request-log`. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextId = 1;

  constructor(readonly capacity = REQUEST_LOG_CAPACITY) {}

  add(entry: Omit<RequestLogEntry, 'id'>): RequestLogEntry {
    const full = { id: this.nextId++, ...entry };
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return full;
  }

  /** The newest `limit` entries with an id above `after`, oldest first; `truncated` when some were skipped or dropped. */
  list(after: number, limit: number): { entries: RequestLogEntry[]; truncated: boolean; last_id: number } {
    const newer = this.entries.filter((e) => e.id > after);
    const entries = newer.slice(Math.max(0, newer.length - limit));
    const oldest = this.entries[0]?.id ?? this.nextId;
    const truncated = entries.length < newer.length || (after > 0 && after < oldest - 1);
    return { entries, truncated, last_id: this.nextId - 1 };
  }

  /** Empties the log; ids keep counting, so a reader's cursor stays valid. */
  clear(): number {
    const n = this.entries.length;
    this.entries = [];
    return n;
  }
}

/** Rejections noted by the handlers, read back when the response has been sent. */
const notes = new WeakMap<IncomingMessage, Rejection | null>();

/** Called where a route computes its result: remembers why the request was refused, if it was. */
export function noteResult(raw: IncomingMessage, result: HttpResult): void {
  notes.set(raw, rejectionOf(result));
}

export function noteRejection(raw: IncomingMessage, rejection: Rejection): void {
  notes.set(raw, rejection);
}

/** Logs every request but the console's own (`/_sandbox/`) once its answer is sent. */
export function registerRequestLog(app: FastifyInstance, ctx: IdpContext, log: RequestLog): void {
  app.addHook('onResponse', async (req, reply) => {
    const url = req.raw.url ?? '';
    if (url.startsWith('/_sandbox/') || url === '/_sandbox') return;
    const duration = reply.elapsedTime;
    log.add({
      time: rfc3339(Math.round(ctx.clock.nowMs() - duration)),
      method: req.method,
      path: redactUrl(url).slice(0, 4096),
      status: reply.statusCode,
      duration_ms: Math.round(duration * 10) / 10,
      rejection: notes.get(req.raw) ?? null,
    });
  });
}

/** `GET /_sandbox/api/request-log?after=<id>&limit=` (oldest first) and `DELETE` to clear. */
export function requestLogApi(log: RequestLog) {
  return {
    list(ctx: IdpContext, req: HttpRequest): HttpResult {
      requireConsoleToken(ctx, req);
      const after = Math.max(Number.parseInt(req.query.after ?? '0', 10) || 0, 0);
      const limit = Math.min(Math.max(Number.parseInt(req.query.limit ?? '500', 10) || 500, 1), log.capacity);
      return json(200, { ...log.list(after, limit), capacity: log.capacity }, NO_STORE);
    },
    clear(ctx: IdpContext, req: HttpRequest): HttpResult {
      requireConsoleToken(ctx, req);
      return json(200, { deleted: log.clear() }, NO_STORE);
    },
  };
}
