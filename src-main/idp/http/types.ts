/** The request as handlers see it: parsed once by the server, independent of the framework. */
export interface HttpRequest {
  method: string;
  path: string;
  /** Query parameters, first value wins. */
  query: Record<string, string>;
  /** Form or JSON body (form: first value wins); undefined when there is none. */
  body: unknown;
  headers: Record<string, string | undefined>;
  cookies: Record<string, string | undefined>;
  ip: string;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | Buffer;
}

export function redirect(location: string, status = 302, cookies: string[] = []): HttpResult {
  return { status, headers: { location, ...(cookies.length ? { 'set-cookie': cookies } : {}) }, body: '' };
}

export function json(status: number, value: unknown, headers: Record<string, string | string[]> = {}): HttpResult {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) };
}

export function html(status: number, body: string, headers: Record<string, string | string[]> = {}): HttpResult {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', ...headers }, body };
}

export function text(status: number, body: string, headers: Record<string, string | string[]> = {}): HttpResult {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers }, body };
}

/** Appends Set-Cookie values to a result. */
export function withCookies(r: HttpResult, cookies: string[]): HttpResult {
  if (!cookies.length) return r;
  const existing = r.headers['set-cookie'];
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  return { ...r, headers: { ...r.headers, 'set-cookie': [...list, ...cookies] } };
}

/** Form body (or query for GET) as a flat string map. */
export function formParams(req: HttpRequest): Record<string, string> {
  if (req.body && typeof req.body === 'object' && !Array.isArray(req.body)) {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
    return out;
  }
  return {};
}
