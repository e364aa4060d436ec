import { h, type Raw } from './html';
import { page } from './layout';
import type { Translate } from './texts';
import type { PasswordPolicyConfig } from '../config/types';

export interface FormView {
  t: Translate;
  lang: string;
  csrf: string;
  /** Query string to keep on links and the form action (x_ref, ui_locales...). */
  carry: string;
  clientName?: string;
  email?: string;
  errors?: string[];
}

function errorBox(errors: string[] | undefined): Raw {
  if (!errors?.length) return h``;
  return h`<div class="error" role="alert" id="form-error">${errors.map((e) => h`<div>${e}</div>`)}</div>`;
}

const withQuery = (path: string, carry: string) => (carry ? `${path}?${carry}` : path);

export function loginPage(v: FormView): string {
  const { t } = v;
  return page(
    t,
    v.lang,
    t('login.title'),
    h`<h1>${t('login.title')}</h1>
<p class="sub">${v.clientName ? t('login.subtitle', { client: v.clientName }) : ''}</p>
<form method="post" action="${withQuery('/login', v.carry)}" novalidate>
${errorBox(v.errors)}
<input type="hidden" name="x_csrf_token" value="${v.csrf}">
<label for="email">${t('field.email')}</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${v.email ?? ''}" ${v.email ? '' : 'autofocus'} aria-describedby="${v.errors?.length ? 'form-error' : ''}">
<label for="password">${t('field.password')}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required ${v.email ? 'autofocus' : ''}>
<button class="primary" type="submit">${t('login.submit')}</button>
</form>
<p class="alt">${t('login.no-account')} <a href="${withQuery('/signup', v.carry)}">${t('login.to-signup')}</a></p>`,
  );
}

export function signupPage(v: FormView & { policy: PasswordPolicyConfig }): string {
  const { t } = v;
  return page(
    t,
    v.lang,
    t('signup.title'),
    h`<h1>${t('signup.title')}</h1>
<p class="sub">${v.clientName ? t('signup.subtitle', { client: v.clientName }) : ''}</p>
<form method="post" action="${withQuery('/signup', v.carry)}" novalidate>
${errorBox(v.errors)}
<input type="hidden" name="x_csrf_token" value="${v.csrf}">
<label for="email">${t('field.email')}</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${v.email ?? ''}" autofocus>
<label for="password">${t('field.new-password')}</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${v.policy.min_length}" aria-describedby="password-hint">
<p class="hint" id="password-hint">${t('password.policy', { min: v.policy.min_length })}</p>
<button class="primary" type="submit">${t('signup.submit')}</button>
</form>
<p class="alt">${t('signup.have-account')} <a href="${withQuery('/login', v.carry)}">${t('signup.to-login')}</a></p>`,
  );
}

export function messagePage(t: Translate, lang: string, title: string, message: string): string {
  return page(t, lang, title, h`<h1>${title}</h1><p class="sub" role="status">${message}</p>`);
}

export function logoutPage(t: Translate, lang: string, csrf: string, redirectUri: string, project: string): string {
  return page(
    t,
    lang,
    t('logout.title'),
    h`<h1>${t('logout.title')}</h1>
<p class="sub">${t('logout.question', { project })}</p>
<form method="post" action="/logout">
<input type="hidden" name="x_csrf_token" value="${csrf}">
<input type="hidden" name="redirect_uri" value="${redirectUri}">
<button class="primary" type="submit" name="x_action" value="logout">${t('logout.submit')}</button>
</form>`,
  );
}

export function signedInPage(t: Translate, lang: string, csrf: string, email: string): string {
  return page(
    t,
    lang,
    t('signed-in.title'),
    h`<h1>${t('signed-in.title')}</h1>
<p class="sub" id="signed-in-as">${t('signed-in.as', { email })}</p>
<form method="post" action="/logout">
<input type="hidden" name="x_csrf_token" value="${csrf}">
<input type="hidden" name="redirect_uri" value="/">
<button class="primary" type="submit" name="x_action" value="logout">${t('logout.submit')}</button>
</form>`,
  );
}

export function consentPage(t: Translate, lang: string, csrf: string, action: string, client: string, scopes: string[]): string {
  const known = ['openid', 'offline_access', 'profile', 'email', 'phone', 'address'];
  const items = scopes.map((s) =>
    known.includes(s) ? t(`consent.scope.${s}` as Parameters<Translate>[0]) : t('consent.scope.other', { scope: s }),
  );
  return page(
    t,
    lang,
    t('consent.title'),
    h`<h1>${t('consent.title')}</h1>
<p class="sub">${t('consent.question', { client })}</p>
<p>${t('consent.permissions')}</p>
<ul id="permissions">${items.map((i) => h`<li>${i}</li>`)}</ul>
<form method="post" action="${action}">
<input type="hidden" name="x_csrf_token" value="${csrf}">
<button class="primary" type="submit" name="x_action" value="consent">${t('consent.allow')}</button>
<button class="secondary" type="submit" name="x_action" value="cancel">${t('consent.cancel')}</button>
</form>`,
  );
}
