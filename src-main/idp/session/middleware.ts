import type { IdpContext } from '../context';
import type { HttpRequest } from '../http/types';
import { cookieName, clearSessionCookies } from './cookies';
import { resolveIdpSessionToken } from './resolve';

/**
 * Spec 9.3: a response to a request whose `session` cookie does not resolve clears that cookie,
 * on every route, as upstream's session middleware does. Returns the Set-Cookie values to add.
 */
export function clearStaleSessionCookie(ctx: IdpContext, req: HttpRequest, setCookies: string[]): string[] {
  const name = cookieName(ctx, 'session');
  const value = req.cookies[name];
  if (!value) return [];
  if (setCookies.some((c) => c.startsWith(`${name}=`))) return [];
  return resolveIdpSessionToken(ctx, value) ? [] : clearSessionCookies(ctx);
}
