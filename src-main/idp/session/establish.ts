import type { IdpContext } from '../context';
import type { HttpRequest } from '../http/types';
import { createIdpSession } from './idp-session';
import { cookieName, sessionCookies, sameSiteStrictCookie, plainCookie } from './cookies';

const SIGNED_UP_MAX_AGE = 7776000;
/** How long the hand-off from a UI to /oauth2/consent lives (upstream: 300 s). */
export const AUTH_INFO_TTL = 300;

/**
 * What every successful interactive authentication does, whichever UI ran it (built-in pages or
 * the Authentication Flow API): the IdP session cookie unless suppressed (spec oidc.md 5.4),
 * the same_site_strict cookie always, the signed_up cookie after a sign-up.
 */
export async function establishSession(
  ctx: IdpContext,
  req: HttpRequest,
  input: { userId: string; amr: string[]; suppress: boolean; signedUp: boolean },
): Promise<{ cookies: string[]; idpSessionId: string | null }> {
  const cookies = [sameSiteStrictCookie(ctx)];
  let idpSessionId: string | null = null;
  if (!input.suppress) {
    const { session, token } = await ctx.store.db.write(() =>
      createIdpSession(ctx, {
        userId: input.userId,
        amr: input.amr,
        ip: req.ip,
        userAgent: req.headers['user-agent'] ?? null,
        previousToken: req.cookies[cookieName(ctx, 'session')],
      }),
    );
    idpSessionId = session.id;
    cookies.push(...sessionCookies(ctx, token));
  }
  if (input.signedUp) cookies.push(plainCookie(ctx, 'signed_up', 'true', { sameSite: 'lax', maxAge: SIGNED_UP_MAX_AGE }));
  return { cookies, idpSessionId };
}

/** Stores the authentication for /oauth2/consent; returns the one-time `code` for its URL. */
export function handOff(
  ctx: IdpContext,
  info: { userId: string; amr: string[]; authenticatedAt: number; idpSessionId: string | null; oauthSessionId: string },
): string {
  const code = ctx.random.token();
  ctx.ephemeral.authInfo.set(code, info, AUTH_INFO_TTL);
  return code;
}
