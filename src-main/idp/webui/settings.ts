import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { redirect } from '../http/types';
import { csrfToken } from './csrf';
import { signedInPage } from './pages';
import { cookieName } from '../session/cookies';
import { resolveRequestSession } from '../session/resolve';
import { pageContext, pageResult } from './page-context';

/** `/settings` (minimal until the account pages land): who is signed in, and a way out. */
export async function handleSettings(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const pc = pageContext(ctx, req);
  const r = await resolveRequestSession(ctx, { authorization: req.headers.authorization, cookies: req.cookies, ip: req.ip });
  if (r.state !== 'valid') {
    const q = new URLSearchParams(req.query).toString();
    return redirect(`/?${new URLSearchParams({ redirect_uri: `/settings${q ? `?${q}` : ''}` })}`);
  }
  const csrf = csrfToken(ctx, req);
  const email = String(r.user.standardAttributes.email ?? r.user.id);
  const body = signedInPage(pc.t, pc.lang, csrf.field, email);
  return pageResult(200, body, csrf.cookies);
}

/** `/`: to sign-up, or sign-in when public sign-up is off or the browser signed up before (spec 13.5). */
export function handleRoot(ctx: IdpContext, req: HttpRequest): HttpResult {
  const q = new URLSearchParams(req.query).toString();
  const login = ctx.config.app.authentication.public_signup_disabled || req.cookies[cookieName(ctx, 'signed_up')] === 'true';
  return redirect(`/${login ? 'login' : 'signup'}${q ? `?${q}` : ''}`);
}

