import { parse as parseCookies } from 'cookie';
import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { json } from '../http/types';
import { NO_STORE } from '../http/error-response';
import { resolverHeaders } from '../resolver/resolve';
import { cookieName } from '../session/cookies';
import { requireConsoleToken } from './console-auth';
import { jsonBody, sandboxAjv } from './json-body';

const MAX = 16 * 1024;
const validate = sandboxAjv.compile({
  type: 'object',
  additionalProperties: false,
  properties: { authorization: { type: 'string', maxLength: MAX }, cookie: { type: 'string', maxLength: MAX } },
});

/**
 * `POST /_sandbox/api/resolve {authorization?, cookie?}`: the `X-Authgear-*` headers the resolver
 * would answer to a request carrying these headers, through the same code path as
 * `/_resolver/resolve`. `cookie` is a Cookie header, or just the value of the session cookie.
 */
export async function handleSandboxResolve(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  requireConsoleToken(ctx, req);
  const body = jsonBody<{ authorization?: string; cookie?: string }>(req, validate);
  const cookie = body.cookie?.trim() ?? '';
  const cookies: Record<string, string | undefined> = !cookie
    ? {}
    : cookie.includes('=')
      ? parseCookies(cookie)
      : { [cookieName(ctx, 'session')]: cookie };
  const authorization = body.authorization?.trim() || undefined;
  const { state, headers } = await resolverHeaders(ctx, { authorization, cookies, ip: req.ip });
  return json(200, { state, headers, session_cookie_name: cookieName(ctx, 'session') }, NO_STORE);
}
