import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { formParams, redirect } from '../http/types';
import { csrfToken, csrfValid } from './csrf';
import { logoutPage, messagePage } from './pages';
import { clearCookie, clearSessionCookies } from '../session/cookies';
import { resolveRequestSession } from '../session/resolve';
import { logOut } from '../oauth/end-session';
import { pageContext, pageResult, sameOrigin } from './page-context';

/** `/logout`: GET asks for confirmation, POST signs out and returns to a same-origin URL. */
export async function handleLogoutGet(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const pc = pageContext(ctx, req);
  const r = await resolveRequestSession(ctx, { cookies: req.cookies, ip: req.ip });
  if (r.state !== 'valid') return redirect(sameOrigin(ctx, req.query.redirect_uri, '/'));
  const csrf = csrfToken(ctx, req);
  return pageResult(200, logoutPage(pc.t, pc.lang, csrf.field, sameOrigin(ctx, req.query.redirect_uri, '/'), ctx.config.app.id), csrf.cookies);
}

export async function handleLogoutPost(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const pc = pageContext(ctx, req);
  const form = formParams(req);
  if (!csrfValid(ctx, req, form.x_csrf_token)) return pageResult(403, messagePage(pc.t, pc.lang, pc.t('logout.title'), pc.t('error.csrf')));
  const r = await resolveRequestSession(ctx, { cookies: req.cookies, ip: req.ip });
  if (r.state === 'valid') {
    const session = r.session;
    await ctx.store.db.write(() => logOut(ctx, session, req));
  }
  // The app session cookie of `open(Page.Settings)` goes too: its grant is revoked above.
  return redirect(sameOrigin(ctx, form.redirect_uri, '/'), 302, [...clearSessionCookies(ctx), clearCookie(ctx, 'app_session')]);
}

