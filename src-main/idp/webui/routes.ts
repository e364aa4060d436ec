import type { IdpContext } from '../context';
import { findClient } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { formParams, html, redirect, withCookies } from '../http/types';
import { ApiError } from '../errors';
import { csrfToken, csrfValid } from './csrf';
import { pickLanguage, translator, type Translate } from './texts';
import { loginPage, signupPage, messagePage, logoutPage, signedInPage } from './pages';
import { PAGE_HEADERS } from './layout';
import { signUpWithEmailPassword, authenticateWithEmailPassword, AMR_PRIMARY_PASSWORD } from '../user/accounts';
import { describeViolation, type PolicyViolation } from '../user/password-policy';
import type { User } from '../store/repos/users';
import type { OAuthSession } from '../oauth/authorize/oauth-session';
import { suppressIdpSession } from '../oauth/authorize/request';
import { createIdpSession } from '../session/idp-session';
import { cookieName, sessionCookies, sameSiteStrictCookie, plainCookie, clearSessionCookies } from '../session/cookies';
import { resolveRequestSession } from '../session/resolve';
import { finishAuthorization } from '../oauth/authorize/finish';
import { logOut } from '../oauth/end-session';

const AUTH_INFO_TTL = 300;
const SIGNED_UP_MAX_AGE = 7776000;

function pageResult(status: number, body: string, cookies: string[] = []): HttpResult {
  return withCookies(html(status, body, PAGE_HEADERS), cookies);
}

/** Query kept across the login pages: the OAuth session reference and UI hints. */
function carryQuery(req: HttpRequest): string {
  const q = new URLSearchParams();
  for (const k of ['x_ref', 'ui_locales', 'redirect_uri']) if (req.query[k]) q.set(k, req.query[k]);
  return q.toString();
}

interface PageContext {
  t: Translate;
  lang: string;
  session?: OAuthSession;
  /** x_ref was given but its OAuth session is gone. */
  expired: boolean;
}

function pageContext(ctx: IdpContext, req: HttpRequest): PageContext {
  const ref = req.query.x_ref;
  const session = ref ? ctx.ephemeral.oauthSessions.get(ref) : undefined;
  const lang = pickLanguage(req.query.ui_locales ?? session?.params.ui_locales);
  return { t: translator(lang), lang, session, expired: Boolean(ref && !session) };
}

/** Same-origin path to return to after a standalone sign-in. */
function localReturn(ctx: IdpContext, uri: string | undefined): string {
  if (uri && uri.startsWith('/') && !uri.startsWith('//')) return uri;
  if (uri && uri.startsWith(`${ctx.issuer}/`)) return uri;
  return '/settings';
}

/** `/_internals/oauth_entrypoint`: reuse a live IdP session (SSO) unless prompt=login, else show the login UI. */
export async function handleEntrypoint(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const pc = pageContext(ctx, req);
  if (!pc.session) return pageResult(400, messagePage(pc.t, pc.lang, pc.t('login.title'), pc.t('error.oauth-session-expired')));
  const s = pc.session;
  if (!s.prompt.includes('login')) {
    const r = await resolveRequestSession(ctx, { cookies: req.cookies, ip: req.ip });
    if (r.state === 'valid' && r.session.kind === 'idp' && (!s.idTokenHint || s.idTokenHint.sub === r.user.id)) {
      const info = ctx.random.token();
      ctx.ephemeral.authInfo.set(info, { userId: r.user.id, amr: r.session.amr, authenticatedAt: r.session.authenticatedAt, idpSessionId: r.session.id }, AUTH_INFO_TTL);
      return redirect(`/oauth2/consent?${new URLSearchParams({ x_ref: s.id, code: info })}`);
    }
  }
  const q = new URLSearchParams({ x_ref: s.id });
  if (s.params.ui_locales) q.set('ui_locales', s.params.ui_locales);
  const signup =
    !ctx.config.app.authentication.public_signup_disabled &&
    s.params.x_page !== 'login' &&
    !s.loginHint?.email &&
    (s.params.x_page === 'signup' || req.cookies[cookieName(ctx, 'signed_up')] !== 'true');
  return redirect(`/${signup ? 'signup' : 'login'}?${q}`);
}

/** After a successful sign-in or sign-up: session cookie (unless suppressed), then back to OAuth. */
async function completeAuthentication(ctx: IdpContext, req: HttpRequest, pc: PageContext, user: User, isSignup: boolean): Promise<HttpResult> {
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
  if (!pc.session) return redirect(localReturn(ctx, req.query.redirect_uri), 302, cookies);
  const info = ctx.random.token();
  ctx.ephemeral.authInfo.set(info, { userId: user.id, amr: AMR_PRIMARY_PASSWORD, authenticatedAt: now, idpSessionId }, AUTH_INFO_TTL);
  return redirect(`/oauth2/consent?${new URLSearchParams({ x_ref: pc.session.id, code: info })}`, 302, cookies);
}

function clientName(ctx: IdpContext, s?: OAuthSession): string | undefined {
  const c = s && findClient(ctx, s.clientId);
  return c ? c.client_name || c.name : undefined;
}

function errorMessages(t: Translate, e: unknown): string[] {
  if (!(e instanceof ApiError)) return [t('error.generic')];
  switch (e.reason) {
    case 'InvalidCredentials':
      return [t('error.invalid-credentials')];
    case 'UserDisabled':
      return [t('error.disabled')];
    case 'DuplicatedIdentity':
      return [t('error.duplicated')];
    case 'ValidationFailed':
      return [t('error.invalid-email')];
    case 'PasswordPolicyViolated':
      return ((e.info?.causes as PolicyViolation[]) ?? []).map(describeViolation);
    default:
      return [t('error.generic')];
  }
}

export function handleLoginGet(ctx: IdpContext, req: HttpRequest): HttpResult {
  const pc = pageContext(ctx, req);
  const csrf = csrfToken(ctx, req);
  const email = pc.session?.loginHint?.email || undefined;
  const errors = pc.expired ? [pc.t('error.oauth-session-expired')] : undefined;
  return pageResult(200, loginPage({ t: pc.t, lang: pc.lang, csrf: csrf.field, carry: carryQuery(req), clientName: clientName(ctx, pc.session), email, errors }), csrf.cookies);
}

export async function handleLoginPost(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const pc = pageContext(ctx, req);
  const form = formParams(req);
  const csrf = csrfToken(ctx, req);
  const view = { t: pc.t, lang: pc.lang, csrf: csrf.field, carry: carryQuery(req), clientName: clientName(ctx, pc.session), email: form.email };
  if (!csrfValid(ctx, req, form.x_csrf_token)) return pageResult(403, loginPage({ ...view, errors: [pc.t('error.csrf')] }), csrf.cookies);
  if (pc.expired) return pageResult(400, loginPage({ ...view, errors: [pc.t('error.oauth-session-expired')] }), csrf.cookies);
  if (!form.password) return pageResult(400, loginPage({ ...view, errors: [pc.t('error.password-required')] }), csrf.cookies);
  try {
    const user = await authenticateWithEmailPassword(ctx, form.email ?? '', form.password);
    return await completeAuthentication(ctx, req, pc, user, false);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return pageResult(e.status, loginPage({ ...view, errors: errorMessages(pc.t, e) }), csrf.cookies);
  }
}

export function handleSignupGet(ctx: IdpContext, req: HttpRequest): HttpResult {
  const pc = pageContext(ctx, req);
  if (ctx.config.app.authentication.public_signup_disabled) {
    return pageResult(403, messagePage(pc.t, pc.lang, pc.t('signup.title'), pc.t('signup.disabled')));
  }
  const csrf = csrfToken(ctx, req);
  const errors = pc.expired ? [pc.t('error.oauth-session-expired')] : undefined;
  return pageResult(
    200,
    signupPage({ t: pc.t, lang: pc.lang, csrf: csrf.field, carry: carryQuery(req), clientName: clientName(ctx, pc.session), errors, policy: ctx.config.app.authenticator.password.policy }),
    csrf.cookies,
  );
}

export async function handleSignupPost(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const pc = pageContext(ctx, req);
  if (ctx.config.app.authentication.public_signup_disabled) {
    return pageResult(403, messagePage(pc.t, pc.lang, pc.t('signup.title'), pc.t('signup.disabled')));
  }
  const form = formParams(req);
  const csrf = csrfToken(ctx, req);
  const policy = ctx.config.app.authenticator.password.policy;
  const view = { t: pc.t, lang: pc.lang, csrf: csrf.field, carry: carryQuery(req), clientName: clientName(ctx, pc.session), email: form.email, policy };
  if (!csrfValid(ctx, req, form.x_csrf_token)) return pageResult(403, signupPage({ ...view, errors: [pc.t('error.csrf')] }), csrf.cookies);
  if (pc.expired) return pageResult(400, signupPage({ ...view, errors: [pc.t('error.oauth-session-expired')] }), csrf.cookies);
  try {
    const user = await signUpWithEmailPassword(ctx, form.email ?? '', form.password ?? '');
    return await completeAuthentication(ctx, req, pc, user, true);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return pageResult(e.status, signupPage({ ...view, errors: errorMessages(pc.t, e) }), csrf.cookies);
  }
}

/** `/oauth2/consent`: turns the hand-off from the UI into the authorization response. */
export async function handleConsent(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const pc = pageContext(ctx, req);
  const info = req.query.code ? ctx.ephemeral.authInfo.get(req.query.code) : undefined;
  const s = pc.session;
  const client = s && findClient(ctx, s.clientId);
  if (!s || !info || !client) return pageResult(400, messagePage(pc.t, pc.lang, pc.t('login.title'), pc.t('error.oauth-session-expired')));
  ctx.ephemeral.authInfo.delete(req.query.code);
  ctx.ephemeral.oauthSessions.delete(s.id);
  return finishAuthorization(ctx, {
    client,
    redirectUri: s.redirectUri,
    params: s.params,
    userId: info.userId,
    amr: info.amr,
    authenticatedAt: info.authenticatedAt,
    idpSessionId: info.idpSessionId,
    idTokenHintSid: s.idTokenHint?.sid,
  });
}

/** `/`: to sign-up, or sign-in when public sign-up is off or the browser signed up before (spec 13.5). */
export function handleRoot(ctx: IdpContext, req: HttpRequest): HttpResult {
  const q = new URLSearchParams(req.query).toString();
  const login = ctx.config.app.authentication.public_signup_disabled || req.cookies[cookieName(ctx, 'signed_up')] === 'true';
  return redirect(`/${login ? 'login' : 'signup'}${q ? `?${q}` : ''}`);
}

/** Post-logout target: same-origin only, never an open redirect. */
function logoutTarget(ctx: IdpContext, uri: string | undefined): string {
  if (uri && (uri.startsWith(`${ctx.issuer}/`) || (uri.startsWith('/') && !uri.startsWith('//')))) return uri;
  return '/';
}

export async function handleLogoutGet(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const pc = pageContext(ctx, req);
  const r = await resolveRequestSession(ctx, { cookies: req.cookies, ip: req.ip });
  if (r.state !== 'valid') return redirect(logoutTarget(ctx, req.query.redirect_uri));
  const csrf = csrfToken(ctx, req);
  return pageResult(200, logoutPage(pc.t, pc.lang, csrf.field, logoutTarget(ctx, req.query.redirect_uri), ctx.config.app.id), csrf.cookies);
}

export async function handleLogoutPost(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const pc = pageContext(ctx, req);
  const form = formParams(req);
  if (!csrfValid(ctx, req, form.x_csrf_token)) return pageResult(403, messagePage(pc.t, pc.lang, pc.t('logout.title'), pc.t('error.csrf')));
  const r = await resolveRequestSession(ctx, { cookies: req.cookies, ip: req.ip });
  if (r.state === 'valid') {
    const session = r.session;
    await ctx.store.db.write(() => logOut(ctx, session));
  }
  return redirect(logoutTarget(ctx, form.redirect_uri), 302, clearSessionCookies(ctx));
}

/** `/settings` (minimal until the account pages land): who is signed in, and a way out. */
export async function handleSettings(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const pc = pageContext(ctx, req);
  const r = await resolveRequestSession(ctx, { authorization: req.headers.authorization, cookies: req.cookies, ip: req.ip });
  if (r.state !== 'valid') {
    const q = new URLSearchParams(req.query).toString();
    return redirect(`/?${new URLSearchParams({ redirect_uri: `/settings${q ? `?${q}` : ''}` })}`, 302, r.state === 'invalid' && r.clearSessionCookie ? clearSessionCookies(ctx) : []);
  }
  const csrf = csrfToken(ctx, req);
  const email = String(r.user.standardAttributes.email ?? r.user.id);
  const body = signedInPage(pc.t, pc.lang, csrf.field, email);
  return pageResult(200, body, csrf.cookies);
}
