import { h, raw, type Raw } from './html';
import { page } from './layout';
import type { Translate } from './texts';

/** What a flow page needs besides the state itself. */
export interface FlowView {
  t: Translate;
  lang: string;
  csrf: string;
  /** Path the form posts to, with the query to keep (x_ref, ui_locales, redirect_uri). */
  path: string;
  carry: string;
  token: string;
  clientName?: string;
  /** The flow type, for titles and links. */
  flowType: string;
  /** Password field on the sign-in form (password is a primary authenticator). */
  passwordOnLogin: boolean;
  email?: string;
  errors?: string[];
  nowMs: number;
  /** QR code of a TOTP secret being set up, as inline SVG rendered on this machine. */
  qrSvg?: string;
}

type ActionJson = { type: string; authentication?: string; data: Record<string, any> };

const withQuery = (path: string, carry: string) => (carry ? `${path}?${carry}` : path);

function errorBox(errors: string[] | undefined): Raw {
  if (!errors?.length) return h``;
  return h`<div class="error" role="alert" id="form-error">${errors.map((e) => h`<div>${e}</div>`)}</div>`;
}

function form(v: FlowView, body: Raw): Raw {
  return h`<form method="post" action="${withQuery(v.path, v.carry)}" novalidate>
${errorBox(v.errors)}
<input type="hidden" name="x_csrf_token" value="${v.csrf}">
<input type="hidden" name="x_state_token" value="${v.token}">
${body}
</form>`;
}

function header(v: FlowView, title: string, subtitle?: string): Raw {
  return h`<h1>${title}</h1>
<p class="sub">${subtitle ?? (v.clientName ? v.t('login.subtitle', { client: v.clientName }) : '')}</p>`;
}

function passwordHint(v: FlowView, policy: Record<string, any> | undefined): Raw {
  return h`<p class="hint" id="password-hint">${v.t('password.policy', { min: policy?.minimum_length ?? 8 })}</p>`;
}

function newPasswordField(v: FlowView, policy: Record<string, any> | undefined, label = v.t('field.new-password')): Raw {
  return h`<label for="password">${label}</label>
<input id="password" name="new_password" type="password" autocomplete="new-password" required minlength="${policy?.minimum_length ?? 8}" aria-describedby="password-hint" autofocus>
${passwordHint(v, policy)}`;
}

function otpEntry(v: FlowView, data: Record<string, any>, codeLabel = v.t('otp.field'), intro?: string): Raw {
  const wait = Math.max(0, Math.ceil((Date.parse(data.can_resend_at) - v.nowMs) / 1000));
  if (data.type === 'verify_oob_otp_data' && data.otp_form === 'link') {
    return h`<p>${v.t('link.sent', { target: data.masked_claim_value })}</p>
<button class="primary" type="submit" name="x_action" value="check">${v.t('link.continue')}</button>
<button class="secondary" type="submit" name="x_action" value="resend">${v.t('link.resend')}</button>
${wait > 0 ? h`<p class="hint" id="resend-hint">${v.t('otp.resend-in', { seconds: wait })}</p>` : ''}`;
  }
  const numeric = data.code_length === 6;
  return h`<p>${intro ?? v.t('otp.sent', { target: data.masked_claim_value ?? data.masked_display_name })}</p>
<label for="code">${codeLabel}</label>
<input id="code" name="code" type="text" ${numeric ? h`inputmode="numeric" pattern="[0-9]*"` : ''} autocomplete="one-time-code" maxlength="${data.code_length ?? 64}" required autofocus>
<button class="primary" type="submit" name="x_action" value="submit">${v.t('login.submit')}</button>
<button class="secondary" type="submit" name="x_action" value="resend" formnovalidate>${v.t('otp.resend')}</button>
${wait > 0 ? h`<p class="hint" id="resend-hint">${v.t('otp.resend-in', { seconds: wait })}</p>` : ''}`;
}

/** The login ID field: e-mail, phone, username, or a mix, as the flow's identify options allow. */
function loginIdField(v: FlowView, action: ActionJson, autofocus: boolean): Raw {
  const ids = ((action.data.options ?? []) as { identification: string }[]).map((o) => o.identification);
  const [email, phone, username] = ['email', 'phone', 'username'].map((id) => ids.includes(id));
  const focus = autofocus ? 'autofocus' : '';
  if (email && !phone && !username) {
    return h`<label for="email">${v.t('field.email')}</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${v.email ?? ''}" ${focus}>`;
  }
  if (phone && !email && !username) {
    return h`<label for="phone">${v.t('field.phone')}</label>
<input id="phone" name="login_id" type="tel" autocomplete="tel" placeholder="+85298765432" aria-describedby="phone-hint" required value="${v.email ?? ''}" ${focus}>
<p class="hint" id="phone-hint">${v.t('field.phone-hint')}</p>`;
  }
  const label = email && phone && username ? 'field.login-id-any' : email && phone ? 'field.email-or-phone' : phone ? 'field.phone-or-username' : email ? 'field.email-or-username' : 'field.username';
  return h`<label for="login_id">${v.t(label)}</label>
<input id="login_id" name="login_id" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${v.email ?? ''}" ${phone ? h`aria-describedby="phone-hint"` : ''} ${focus}>
${phone ? h`<p class="hint" id="phone-hint">${v.t('field.phone-hint')}</p>` : ''}`;
}

/** Asks which channel a code should go by (a phone number with SMS and WhatsApp). */
function channelPage(v: FlowView, action: ActionJson): Raw {
  const channels = action.data.channels as string[];
  return h`${header(v, v.t('otp.channel-title'), v.t('otp.channel-subtitle', { target: action.data.masked_claim_value }))}
${form(v, h`${channels.map((c, i) => h`<button class="${i === 0 ? 'primary' : 'secondary'}" type="submit" name="x_channel" value="${c}">${v.t(`otp.channel.${c as "sms" | "whatsapp" | "email"}`)}</button>`)}`)}`;
}

/** "Remember this device" on the second-factor forms, when the step allows it. */
function rememberDevice(v: FlowView, enabled: boolean): Raw {
  if (!enabled) return h``;
  return h`<label class="check"><input type="checkbox" name="x_remember_device" value="true"> ${v.t('device-token.remember')}</label>`;
}

function identifyPage(v: FlowView, action: ActionJson): Raw {
  const t = v.t;
  if (v.flowType === 'account_recovery') {
    const phone = (action.data.options ?? []).some((o: { identification: string }) => o.identification === 'phone');
    return h`${header(v, t('recovery.title'), t(phone ? 'recovery.subtitle-phone' : 'recovery.subtitle'))}
${form(v, h`${loginIdField(v, action, true)}
<button class="primary" type="submit">${t('recovery.submit')}</button>`)}
<p class="alt"><a href="${withQuery('/login', v.carry)}">${t('signup.to-login')}</a></p>`;
  }
  if (v.flowType === 'signup' || v.flowType === 'promote') {
    return h`${header(v, v.flowType === 'promote' ? t('promote.title') : t('signup.title'), v.flowType === 'promote' ? t('promote.subtitle') : undefined)}
${form(v, h`${loginIdField(v, action, true)}
<button class="primary" type="submit">${t('signup.submit')}</button>`)}
<p class="alt">${t('signup.have-account')} <a href="${withQuery('/login', v.carry)}">${t('signup.to-login')}</a></p>`;
  }
  return h`${header(v, t('login.title'))}
${form(v, h`${loginIdField(v, action, !v.email)}
${v.passwordOnLogin ? h`<label for="password">${t('field.password')}</label>
<input id="password" name="password" type="password" autocomplete="current-password" ${v.email ? 'autofocus' : ''}>` : ''}
<button class="primary" type="submit">${t('login.submit')}</button>`)}
${v.passwordOnLogin ? h`<p class="alt"><a href="${withQuery('/forgot_password', v.carry)}">${t('login.forgot')}</a></p>` : ''}
<p class="alt">${t('login.no-account')} <a href="${withQuery('/signup', v.carry)}">${t('login.to-signup')}</a></p>`;
}

function authenticatePage(v: FlowView, action: ActionJson): Raw {
  const t = v.t;
  if (action.data.type === 'select_oob_otp_channels_data') return channelPage(v, action);
  if (action.data.type === 'verify_oob_otp_data') return h`${header(v, t('otp.title'))}${form(v, otpEntry(v, action.data))}`;
  const title = v.flowType === 'reauth' ? t('reauth.title') : t('login.title');
  const remember = rememberDevice(v, action.data.device_token_enabled === true);
  const options = action.data.options as { authentication: string; masked_display_name?: string }[];
  const secondary = options.some((o) => o.authentication === 'secondary_totp');
  return h`${header(v, secondary ? t('totp.login-title') : title, v.flowType === 'reauth' ? t('reauth.subtitle') : undefined)}
${options.map((o, i) => {
  const choice = h`<input type="hidden" name="x_option" value="${i}">`;
  switch (o.authentication) {
    case 'primary_password':
    case 'secondary_password':
      return form(v, h`${choice}
<label for="password">${t('field.password')}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
<button class="primary" type="submit">${t('login.submit')}</button>`);
    case 'secondary_totp':
      return form(v, h`${choice}
<label for="totp">${t('totp.field')}</label>
<input id="totp" name="code" type="text" inputmode="numeric" pattern="[0-9]*" autocomplete="one-time-code" maxlength="6" required autofocus>
${remember}
<button class="primary" type="submit">${t('login.submit')}</button>`);
    case 'recovery_code':
      return h`<details><summary>${t('recovery-code.use')}</summary>${form(v, h`${choice}
<label for="recovery-code">${t('recovery-code.field')}</label>
<input id="recovery-code" name="recovery_code" type="text" autocomplete="off" required>
${remember}
<button class="secondary" type="submit">${t('login.submit')}</button>`)}</details>`;
    default:
      return form(v, h`${choice}
<button class="secondary" type="submit">${t(o.authentication.endsWith('_sms') ? 'otp.choose-sms' : 'otp.choose', { target: o.masked_display_name ?? '' })}</button>`);
  }
})}`;
}

function createAuthenticatorPage(v: FlowView, action: ActionJson): Raw {
  const t = v.t;
  if (action.data.type === 'select_oob_otp_channels_data') return channelPage(v, action);
  if (action.data.type === 'verify_oob_otp_data') return h`${header(v, t('otp.title'))}${form(v, otpEntry(v, action.data))}`;
  if (action.data.type === 'create_totp_data') {
    return h`${header(v, t('totp.setup-title'), t('totp.setup-subtitle'))}
<figure class="qr" aria-label="${t('totp.qr-label')}">${raw(v.qrSvg ?? '')}</figure>
<p class="hint">${t('totp.secret')} <code id="totp-secret">${action.data.secret}</code></p>
${form(v, h`<label for="totp">${t('totp.field')}</label>
<input id="totp" name="code" type="text" inputmode="numeric" pattern="[0-9]*" autocomplete="one-time-code" maxlength="6" required autofocus>
<button class="primary" type="submit">${t('login.submit')}</button>`)}`;
  }
  const options = action.data.options as { authentication: string; password_policy?: Record<string, any>; target?: { masked_display_name: string } }[];
  if (options.every((o) => o.authentication.startsWith('secondary_'))) {
    return h`${header(v, t('totp.setup-title'), t('totp.choose'))}
${options.map((o, i) => form(v, h`<input type="hidden" name="x_option" value="${i}">
<button class="primary" type="submit">${t('totp.setup-button')}</button>`))}`;
  }
  const title = options.some((o) => o.authentication.endsWith('password')) ? t('create-password.title') : t('create-otp.title');
  return h`${header(v, title)}
${options.map((o, i) =>
  o.authentication.endsWith('password')
    ? form(v, h`<input type="hidden" name="x_option" value="${i}">
${newPasswordField(v, o.password_policy)}
<button class="primary" type="submit">${t('create-password.submit')}</button>`)
    : form(v, h`<input type="hidden" name="x_option" value="${i}">
<button class="secondary" type="submit">${t(o.authentication.endsWith('_sms') ? 'create-otp.choose-sms' : 'create-otp.choose', { target: o.target?.masked_display_name ?? '' })}</button>`),
)}`;
}

/** The page for the state a built-in flow page is in. */
export function flowPage(v: FlowView, action: ActionJson): string {
  const t = v.t;
  let body: Raw;
  let title = t('login.title');
  switch (action.type) {
    case 'identify':
      title = v.flowType === 'signup' ? t('signup.title') : v.flowType === 'promote' ? t('promote.title') : v.flowType === 'account_recovery' ? t('recovery.title') : t('login.title');
      body = identifyPage(v, action);
      break;
    case 'authenticate':
      body = authenticatePage(v, action);
      break;
    case 'verify':
      title = t('otp.title');
      body = action.data.type === 'select_oob_otp_channels_data' ? channelPage(v, action) : h`${header(v, t('otp.title'))}${form(v, otpEntry(v, action.data))}`;
      break;
    case 'create_authenticator':
      title = (action.data.options ?? []).some((o: { authentication: string }) => o.authentication.endsWith('password')) ? t('create-password.title') : t('create-otp.title');
      body = createAuthenticatorPage(v, action);
      break;
    case 'select_destination':
      title = t('recovery.title');
      body = h`${header(v, t('recovery.title'))}
${(action.data.options as { masked_display_name: string }[]).map((o, i) => form(v, h`<input type="hidden" name="x_option" value="${i}">
<button class="primary" type="submit">${t('recovery.destination', { target: o.masked_display_name })}</button>`))}`;
      break;
    case 'verify_account_recovery_code':
      title = t('recovery.sent-title');
      body = h`${header(v, t('recovery.sent-title'), '')}${form(v, otpEntry(v, action.data, t('recovery.code-field'), t('recovery.sent', { target: action.data.masked_display_name })))}`;
      break;
    case 'view_recovery_code':
      title = t('recovery-code.title');
      body = h`${header(v, t('recovery-code.title'), t('recovery-code.subtitle'))}
<ul class="codes" id="recovery-codes">${(action.data.recovery_codes as string[]).map((c) => h`<li><code>${c}</code></li>`)}</ul>
${form(v, h`<button class="primary" type="submit" name="x_action" value="confirm">${t('recovery-code.confirm')}</button>`)}`;
      break;
    case 'reset_password':
    case 'change_password':
      title = action.type === 'reset_password' ? t('reset.title') : t('change-password.title');
      body = h`${header(v, title, action.type === 'change_password' ? t('change-password.policy') : '')}
${form(v, h`${newPasswordField(v, action.data.password_policy)}
<button class="primary" type="submit">${action.type === 'reset_password' ? t('reset.submit') : t('create-password.submit')}</button>`)}`;
      break;
    default:
      body = h`<h1>${t('login.title')}</h1><p>${t('error.generic')}</p>`;
  }
  return page(t, v.lang, title, body);
}
