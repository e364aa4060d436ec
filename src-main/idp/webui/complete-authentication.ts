import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { redirect } from '../http/types';
import type { User } from '../store/repos/users';
import { AMR_PRIMARY_PASSWORD } from '../user/accounts';
import { suppressIdpSession } from '../oauth/authorize/request';
import { createIdpSession } from '../session/idp-session';
import { cookieName, sessionCookies, sameSiteStrictCookie, plainCookie } from '../session/cookies';
import { AUTH_INFO_TTL, sameOrigin, type PageContext } from './page-context';

const SIGNED_UP_MAX_AGE = 7776000;

/** After a successful sign-in or sign-up: session cookie (unless suppressed), then back to OAuth. */
export async function completeAuthentication(ctx: IdpContext, req: HttpRequest, pc: PageContext, user: User, isSignup: boolean): Promise<HttpResult> {
  const suppress = pc.session ? suppressIdpSession(pc.session.params) : false;
  const cookies = [sameSiteStrictCookie(ctx)];
  let idpSessionId: string | null = null;
  const now = ctx.clock.nowMs();
  if (!suppress) {
    const { session, token } = await ctx.store.db.write(() =>
      createIdpSession(ctx, {
        userId: user.id,
        amr: AMR_PRIMARY_PASSWORD,
        ip: req.ip,
        userAgent: req.headers['user-agent'] ?? null,
        previousToken: req.cookies[cookieName(ctx, 'session')],
      }),
    );
    idpSessionId = session.id;
    cookies.push(...sessionCookies(ctx, token));
  }
  if (isSignup) cookies.push(plainCookie(ctx, 'signed_up', 'true', { sameSite: 'lax', maxAge: SIGNED_UP_MAX_AGE }));
  if (!pc.session) return redirect(sameOrigin(ctx, req.query.redirect_uri, '/settings'), 302, cookies);
  const info = ctx.random.token();
  ctx.ephemeral.authInfo.set(info, { userId: user.id, amr: AMR_PRIMARY_PASSWORD, authenticatedAt: now, idpSessionId }, AUTH_INFO_TTL);
  return redirect(`/oauth2/consent?${new URLSearchParams({ x_ref: pc.session.id, code: info })}`, 302, cookies);
}

