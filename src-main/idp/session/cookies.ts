import { serialize, type SerializeOptions } from 'cookie';
import type { IdpContext } from '../context';

/** Cookie names and attributes of spec oidc.md 9.3. */
export function cookieName(ctx: IdpContext, suffix: string): string {
  return ctx.config.app.http.cookie_prefix + suffix;
}

export function isHttps(ctx: IdpContext): boolean {
  return ctx.issuer.startsWith('https:');
}

function base(ctx: IdpContext, withDomain: boolean): SerializeOptions {
  const domain = ctx.config.app.http.cookie_domain;
  return { path: '/', httpOnly: true, secure: isHttps(ctx), ...(withDomain && domain ? { domain } : {}) };
}

export function sessionCookies(ctx: IdpContext, token: string): string[] {
  const s = ctx.config.app.session;
  const maxAge = s.use_session_cookie ? undefined : s.lifetime_seconds;
  return [
    serialize(cookieName(ctx, 'session'), token, { ...base(ctx, true), sameSite: 'lax', maxAge }),
    serialize(cookieName(ctx, 'same_site_strict'), 'true', { ...base(ctx, true), sameSite: 'strict', maxAge }),
  ];
}

/** `app_session` (spec 9.3): Lax, no Max-Age (ends with the browser), Domain when configured. */
export function appSessionCookie(ctx: IdpContext, token: string): string {
  return serialize(cookieName(ctx, 'app_session'), token, { ...base(ctx, true), sameSite: 'lax' });
}

export function sameSiteStrictCookie(ctx: IdpContext): string {
  const s = ctx.config.app.session;
  return serialize(cookieName(ctx, 'same_site_strict'), 'true', {
    ...base(ctx, true),
    sameSite: 'strict',
    maxAge: s.use_session_cookie ? undefined : s.lifetime_seconds,
  });
}

const EPOCH = new Date(0);

export function clearCookie(ctx: IdpContext, suffix: string, opts: { path?: string; withDomain?: boolean; sameSite?: 'lax' | 'strict' | 'none' } = {}): string {
  return serialize(cookieName(ctx, suffix), '', {
    ...base(ctx, opts.withDomain ?? true),
    path: opts.path ?? '/',
    sameSite: opts.sameSite ?? 'lax',
    expires: EPOCH,
  });
}

export function clearSessionCookies(ctx: IdpContext): string[] {
  return [clearCookie(ctx, 'session'), clearCookie(ctx, 'same_site_strict', { sameSite: 'strict' })];
}

export function plainCookie(ctx: IdpContext, suffix: string, value: string, opts: SerializeOptions): string {
  return serialize(cookieName(ctx, suffix), value, { ...base(ctx, false), ...opts });
}
