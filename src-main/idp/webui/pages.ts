import { h } from './html';
import { page } from './layout';
import type { Translate } from './texts';

/** A page that only says something, optionally with one way onwards. */
export function messagePage(t: Translate, lang: string, title: string, message: string, next?: { href: string; text: string }): string {
  const onwards = next ? h`<p class="alt"><a href="${next.href}">${next.text}</a></p>` : h``;
  return page(t, lang, title, h`<h1>${title}</h1><p class="sub" role="status">${message}</p>${onwards}`);
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
