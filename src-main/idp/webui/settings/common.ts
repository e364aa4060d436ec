import type { IdpContext } from '../../context';
import type { HttpRequest, HttpResult } from '../../http/types';
import { formParams, redirect } from '../../http/types';
import type { User } from '../../store/repos/users';
import { resolveRequestSession, type ResolvedSession } from '../../session/resolve';
import { anonymousIdentityOf } from '../../user/anonymous';
import { handOff } from '../../session/establish';
import { settingsActionOf } from '../../oauth/settings-action';
import { csrfToken, csrfValid } from '../csrf';
import { pageContext, pageResult } from '../page-context';
import { messagePage } from '../pages';
import type { View } from './views';

export interface SignedIn {
  user: User;
  session: ResolvedSession;
  anonymous: boolean;
}

/** The path and query of this request, for form actions and `redirect_uri` (query keys first-value). */
export function selfUrl(req: HttpRequest): string {
  const q = new URLSearchParams(req.query).toString();
  return `${req.path}${q ? `?${q}` : ''}`;
}

/**
 * The signed-in user of a settings page (spec 13.5): any session of spec 9.4 counts, so the
 * `app_session` cookie of the SDK's `open(Page.Settings)` works. No session → 302
 * `/?redirect_uri=<this page>`; an anonymous user is sent from sub-pages back to /settings.
 */
export async function signedIn(ctx: IdpContext, req: HttpRequest, subPage: boolean): Promise<SignedIn | HttpResult> {
  const r = await resolveRequestSession(ctx, { authorization: req.headers.authorization, cookies: req.cookies, ip: req.ip });
  if (r.state !== 'valid') return redirect(`/?${new URLSearchParams({ redirect_uri: selfUrl(req) })}`);
  const anonymous = Boolean(anonymousIdentityOf(ctx, r.user.id));
  if (anonymous && subPage) return redirect('/settings');
  return { user: r.user, session: r.session, anonymous };
}

export function isResult(x: SignedIn | HttpResult): x is HttpResult {
  return 'status' in x;
}

/**
 * After a settings page did its job: back to the app through /oauth2/consent when the page serves
 * a settings action (spec 5.10), else to `fallback`.
 */
export function done(ctx: IdpContext, req: HttpRequest, who: SignedIn, fallback: string, cookies: string[] = []): HttpResult {
  const action = settingsActionOf(ctx, req);
  if (!action) return redirect(fallback, 302, cookies);
  const s = who.session;
  const code = handOff(ctx, {
    userId: who.user.id,
    amr: s.amr,
    authenticatedAt: s.authenticatedAt,
    idpSessionId: s.kind === 'idp' ? s.id : s.offlineGrant.idpSessionId,
    oauthSessionId: action.id,
  });
  return redirect(`/oauth2/consent?${new URLSearchParams({ client_id: action.clientId, redirect_uri: action.redirectUri, code })}`, 302, cookies);
}

/** Translator, language and a CSRF token for a settings view; `cookies` must go on the response. */
export function viewOf(ctx: IdpContext, req: HttpRequest): { v: View; cookies: string[] } {
  const pc = pageContext(ctx, req);
  const csrf = csrfToken(ctx, req);
  return { v: { t: pc.t, lang: pc.lang, csrf: csrf.field }, cookies: csrf.cookies };
}

/** A POST whose CSRF field does not match: 403 page, nothing changed. */
export function csrfFailed(ctx: IdpContext, req: HttpRequest): HttpResult | undefined {
  if (csrfValid(ctx, req, formParams(req).x_csrf_token)) return undefined;
  const pc = pageContext(ctx, req);
  return pageResult(403, messagePage(pc.t, pc.lang, pc.t('settings.title'), pc.t('error.csrf')));
}
