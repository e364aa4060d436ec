import { h, type Raw } from '../html';
import { page } from '../layout';
import type { Translate } from '../texts';

/** What every settings view needs. */
export interface View {
  t: Translate;
  lang: string;
  csrf: string;
}

function errorBox(errors: string[] | undefined): Raw {
  if (!errors?.length) return h``;
  return h`<div class="error" role="alert" id="form-error">${errors.map((e) => h`<div>${e}</div>`)}</div>`;
}

const back = (v: View) => h`<p class="alt"><a href="/settings">${v.t('settings.back')}</a></p>`;
const csrfField = (v: View) => h`<input type="hidden" name="x_csrf_token" value="${v.csrf}">`;

export interface MainData {
  /** E-mail, username or the user id. */
  who: string;
  anonymous: boolean;
  name?: string;
  loginIds: { key: string; type: 'email' | 'username'; value: string }[];
  canAdd: { email?: string; username?: string };
  hasPassword: boolean;
  deletionEnabled: boolean;
}

export function mainPage(v: View, d: MainData): string {
  const { t } = v;
  const signOut = h`<form method="post" action="/logout">
${csrfField(v)}
<input type="hidden" name="redirect_uri" value="/">
<button class="secondary" type="submit" name="x_action" value="logout" id="sign-out">${t('logout.submit')}</button>
</form>`;
  if (d.anonymous) {
    return page(t, v.lang, t('settings.title'), h`<h1>${t('settings.title')}</h1><p class="sub" id="anonymous">${t('settings.anonymous')}</p>${signOut}`);
  }
  const ids = d.loginIds.map(
    (i) => h`<li><span><span class="meta">${t(i.type === 'email' ? 'settings.email' : 'settings.username')}</span><br><span class="login-id">${i.value}</span></span>
<a href="/settings/identity/change_${i.type}?${new URLSearchParams({ q_login_id_key: i.key, q_login_id: i.value }).toString()}">${t('settings.change')}</a></li>`,
  );
  const adds = [
    d.canAdd.email ? h`<li><a href="/settings/identity/add_email?${new URLSearchParams({ q_login_id_key: d.canAdd.email }).toString()}">${t('settings.add-email')}</a></li>` : '',
    d.canAdd.username ? h`<li><a href="/settings/identity/add_username?${new URLSearchParams({ q_login_id_key: d.canAdd.username }).toString()}">${t('settings.add-username')}</a></li>` : '',
  ];
  return page(
    t,
    v.lang,
    t('settings.title'),
    h`<h1>${t('settings.title')}</h1>
<p class="sub" id="signed-in-as">${t('signed-in.as', { email: d.who })}</p>
<div class="section"><h2>${t('settings.profile')}</h2>
<ul class="rows"><li><span id="profile-name">${d.name ?? t('settings.no-name')}</span><a href="/settings/profile">${t('settings.profile-edit')}</a></li></ul></div>
<div class="section"><h2>${t('settings.sign-in-methods')}</h2><ul class="rows" id="login-ids">${ids}${adds}</ul></div>
<div class="section"><h2>${t('settings.security')}</h2><ul class="rows">
${d.hasPassword ? h`<li><a href="/settings/change_password">${t('settings.change-password')}</a></li>` : ''}
<li><a href="/settings/sessions">${t('settings.sessions')}</a></li>
${d.deletionEnabled ? h`<li><a href="/settings/delete_account">${t('settings.delete-account')}</a></li>` : ''}
</ul></div>
${signOut}`,
  );
}

export const PROFILE_TEXT = ['name', 'given_name', 'family_name', 'middle_name', 'nickname'] as const;
export const PROFILE_URL = ['picture', 'profile', 'website'] as const;

export function profilePage(v: View, action: string, attrs: Record<string, unknown>, errors?: string[], saved = false): string {
  const { t } = v;
  const val = (k: string) => (typeof attrs[k] === 'string' ? (attrs[k] as string) : '');
  const text = (k: string, type = 'text') => h`<label for="${k}">${t(`profile.${k}` as Parameters<Translate>[0])}</label>
<input id="${k}" name="${k}" type="${type}" value="${val(k)}" autocomplete="off">`;
  const gender = val('gender');
  const option = (value: string, label: string) => h`<option value="${value}" ${gender === value ? h`selected` : ''}>${label}</option>`;
  const custom = gender && gender !== 'male' && gender !== 'female' ? option(gender, gender) : '';
  return page(
    t,
    v.lang,
    t('profile.title'),
    h`<h1>${t('profile.title')}</h1>
${saved ? h`<p class="notice" role="status" id="saved">${t('settings.saved')}</p>` : ''}
<form method="post" action="${action}" novalidate>
${errorBox(errors)}
${csrfField(v)}
${PROFILE_TEXT.map((k) => text(k))}
${PROFILE_URL.map((k) => text(k, 'url'))}
<label for="gender">${t('profile.gender')}</label>
<select id="gender" name="gender">${option('', t('profile.gender-unset'))}${option('male', t('profile.gender-male'))}${option('female', t('profile.gender-female'))}${custom}</select>
${text('birthdate', 'date')}
${text('locale')}
${text('zoneinfo')}
<button class="primary" type="submit">${t('profile.submit')}</button>
</form>
${back(v)}`,
  );
}

export function passwordPage(v: View, action: string, minLength: number, errors?: string[]): string {
  const { t } = v;
  return page(
    t,
    v.lang,
    t('settings.change-password'),
    h`<h1>${t('settings.change-password')}</h1>
<form method="post" action="${action}" novalidate>
${errorBox(errors)}
${csrfField(v)}
<label for="old_password">${t('password-change.current')}</label>
<input id="old_password" name="old_password" type="password" autocomplete="current-password" required autofocus>
<label for="new_password">${t('password-change.new')}</label>
<input id="new_password" name="new_password" type="password" autocomplete="new-password" required minlength="${minLength}" aria-describedby="password-hint">
<p class="hint" id="password-hint">${t('password.policy', { min: minLength })}</p>
<button class="primary" type="submit">${t('password-change.submit')}</button>
</form>
${back(v)}`,
  );
}

export interface SessionRow {
  /** `idp:<id>` or `offline_grant:<id>`. */
  ref: string;
  title: string;
  detail: string;
  current: boolean;
}

export function sessionsPage(v: View, rows: SessionRow[]): string {
  const { t } = v;
  const others = rows.filter((r) => !r.current).length;
  const items = rows.map(
    (r) => h`<li class="session" data-ref="${r.ref}"><span><span class="session-title">${r.title}</span>${r.current ? h` <strong>(${t('sessions.current')})</strong>` : ''}<br><span class="meta">${r.detail}</span></span>
${r.current ? '' : h`<form method="post" action="/settings/sessions">${csrfField(v)}<input type="hidden" name="session" value="${r.ref}"><button class="link" type="submit" name="x_action" value="revoke">${t('sessions.revoke')}</button></form>`}</li>`,
  );
  return page(
    t,
    v.lang,
    t('sessions.title'),
    h`<h1>${t('sessions.title')}</h1>
<ul class="rows" id="sessions">${items}</ul>
${others ? h`<form method="post" action="/settings/sessions">${csrfField(v)}<button class="secondary" type="submit" name="x_action" value="revoke_all">${t('sessions.revoke-all')}</button></form>` : h`<p class="meta">${t('sessions.none')}</p>`}
${back(v)}`,
  );
}

export function deletePage(v: View, action: string, errors?: string[]): string {
  const { t } = v;
  return page(
    t,
    v.lang,
    t('delete.title'),
    h`<h1>${t('delete.title')}</h1>
<p class="sub">${t('delete.warning')}</p>
<form method="post" action="${action}" novalidate>
${errorBox(errors)}
${csrfField(v)}
<label for="confirm">${t('delete.confirm-label')}</label>
<input id="confirm" name="confirm" type="text" autocomplete="off" required>
<button class="primary" type="submit" name="x_action" value="delete">${t('delete.submit')}</button>
</form>
${back(v)}`,
  );
}

export interface IdentityForm {
  title: string;
  type: 'email' | 'username';
  action: string;
  /** `enter`: the new value; `verify`: the code sent to it. */
  step: 'enter' | 'verify';
  value?: string;
  errors?: string[];
}

export function identityPage(v: View, f: IdentityForm): string {
  const { t } = v;
  const body =
    f.step === 'enter'
      ? h`<label for="login_id">${t(f.type === 'email' ? 'field.email' : 'field.username')}</label>
<input id="login_id" name="login_id" type="${f.type === 'email' ? 'email' : 'text'}" value="${f.value ?? ''}" autocomplete="${f.type === 'email' ? 'email' : 'username'}" required autofocus>
<button class="primary" type="submit" name="x_action" value="${f.type === 'email' ? 'send' : 'save'}">${t(f.type === 'email' ? 'identity.send-code' : 'identity.save')}</button>`
      : h`<p>${t('identity.code-sent', { target: f.value ?? '' })}</p>
<input type="hidden" name="login_id" value="${f.value ?? ''}">
<label for="code">${t('otp.field')}</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required autofocus>
<button class="primary" type="submit" name="x_action" value="verify">${t('identity.verify')}</button>`;
  return page(
    t,
    v.lang,
    f.title,
    h`<h1>${f.title}</h1>
<form method="post" action="${f.action}" novalidate>
${errorBox(f.errors)}
${csrfField(v)}
${body}
</form>
${back(v)}`,
  );
}
