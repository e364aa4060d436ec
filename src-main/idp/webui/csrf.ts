import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IdpContext } from '../context';
import type { HttpRequest } from '../http/types';
import { plainCookie, cookieName } from '../session/cookies';

const COOKIE = 'x_csrf';

/**
 * CSRF protection for the built-in forms: a random cookie (SameSite=Strict, HttpOnly) and a form
 * field holding its HMAC under a per-launch secret. A forged form cannot know either.
 */
export function csrfToken(ctx: IdpContext, req: HttpRequest): { field: string; cookies: string[] } {
  let seed = req.cookies[cookieName(ctx, COOKIE)];
  const cookies: string[] = [];
  if (!seed || !/^[A-Za-z0-9]{32}$/.test(seed)) {
    seed = ctx.random.token();
    cookies.push(plainCookie(ctx, COOKIE, seed, { sameSite: 'strict' }));
  }
  return { field: sign(ctx, seed), cookies };
}

function sign(ctx: IdpContext, seed: string): string {
  return createHmac('sha256', ctx.csrfSecret).update(seed).digest('base64url');
}

export function csrfValid(ctx: IdpContext, req: HttpRequest, field: string | undefined): boolean {
  const seed = req.cookies[cookieName(ctx, COOKIE)];
  if (!seed || !field) return false;
  const a = Buffer.from(sign(ctx, seed));
  const b = Buffer.from(field);
  return a.length === b.length && timingSafeEqual(a, b);
}
