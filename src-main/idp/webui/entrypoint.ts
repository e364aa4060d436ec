import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { redirect } from '../http/types';
import { messagePage } from './pages';
import { cookieName } from '../session/cookies';
import { resolveRequestSession } from '../session/resolve';
import { pageContext, pageResult } from './page-context';
import { handOff } from '../session/establish';

/** `/_internals/oauth_entrypoint`: reuse a live IdP session (SSO) unless prompt=login, else show the login UI. */
export async function handleEntrypoint(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const pc = pageContext(ctx, req);
  if (!pc.session) return pageResult(400, messagePage(pc.t, pc.lang, pc.t('login.title'), pc.t('error.oauth-session-expired')));
  const s = pc.session;
  // Anonymous user promotion (login_hint type anonymous): the promote flow's page, never SSO.
  if (s.loginHint?.type === 'anonymous') {
    const q = new URLSearchParams({ x_ref: s.id });
    if (s.params.ui_locales) q.set('ui_locales', s.params.ui_locales);
    return redirect(`/flows/promote_user?${q}`);
  }
  if (!s.prompt.includes('login')) {
    const r = await resolveRequestSession(ctx, { cookies: req.cookies, ip: req.ip });
    if (r.state === 'valid' && r.session.kind === 'idp' && (!s.idTokenHint || s.idTokenHint.sub === r.user.id)) {
      const code = handOff(ctx, { userId: r.user.id, amr: r.session.amr, authenticatedAt: r.session.authenticatedAt, idpSessionId: r.session.id, oauthSessionId: s.id });
      return redirect(`/oauth2/consent?${new URLSearchParams({ x_ref: s.id, code })}`);
    }
  }
  const q = new URLSearchParams({ x_ref: s.id });
  if (s.params.ui_locales) q.set('ui_locales', s.params.ui_locales);
  // Re-authentication of the user named by id_token_hint.
  if (s.idTokenHint && ctx.store.users.get(s.idTokenHint.sub)) return redirect(`/reauth?${q}`);
  const signup =
    !ctx.config.app.authentication.public_signup_disabled &&
    s.params.x_page !== 'login' &&
    !s.loginHint?.email &&
    (s.params.x_page === 'signup' || req.cookies[cookieName(ctx, 'signed_up')] !== 'true');
  return redirect(`/${signup ? 'signup' : 'login'}?${q}`);
}

