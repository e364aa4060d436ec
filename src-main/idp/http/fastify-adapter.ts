import type { FastifyReply, FastifyRequest } from 'fastify';
import { parse as parseCookies } from 'cookie';
import type { HttpRequest, HttpResult } from './types';

/** The seam between fastify and the handlers, which see only HttpRequest / HttpResult. */

export /** First value of each repeated parameter wins, as upstream reads them. */
function firstValues(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(s)) if (!(k in out)) out[k] = v;
  return out;
}

export function toHttpRequest(req: FastifyRequest): HttpRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v[0] : v;
  return {
    method: req.method,
    path: req.url.split('?')[0],
    query: (req.query as Record<string, string>) ?? {},
    body: req.body,
    headers,
    cookies: headers.cookie ? parseCookies(headers.cookie) : {},
    ip: req.ip,
  };
}

export function send(reply: FastifyReply, r: HttpResult): FastifyReply {
  reply.code(r.status);
  for (const [k, v] of Object.entries(r.headers)) reply.header(k, v);
  return reply.send(r.body);
}
