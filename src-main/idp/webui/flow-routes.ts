import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { formParams, redirect, withCookies } from '../http/types';
import { ApiError } from '../errors';
import type { FlowType } from '../authflow/types';
import { flowNameForBuiltinUi } from '../authflow/allowlist';
import { createFlow, feedInputs, describe, load, recoverByCode, type FlowResult } from '../authflow/engine';
import QRCode from 'qrcode';
import { csrfToken, csrfValid } from './csrf';
import { flowPage } from './flow-views';
import { messagePage } from './pages';
import { errorMessages } from './error-messages';
import { carryQuery, clientName, pageContext, pageResult, sameOrigin, type PageContext } from './page-context';

/** The built-in pages are the HTML face of the flow engine: one page path per flow type. */
export const FLOW_PATHS: Record<'login' | 'signup' | 'account_recovery' | 'reauth' | 'promote', string> = {
  login: '/login',
  signup: '/signup',
  account_recovery: '/forgot_password',
  reauth: '/reauth',
  promote: '/flows/promote_user',
};

type Action = { type: string; authentication?: string; data: Record<string, any> };

const TITLES = { login: 'login.title', signup: 'signup.title', account_recovery: 'recovery.title', reauth: 'reauth.title' } as const;

function actionOf(ctx: IdpContext, req: HttpRequest, r: FlowResult): Action {
  return describe(ctx, req, r).action as Action;
}

/** Steps a person would only click through (one e-mail OTP option, one destination) are taken for them. */
async function autoAdvance(ctx: IdpContext, req: HttpRequest, r: FlowResult, cookies: string[]): Promise<FlowResult> {
  for (let i = 0; i < 3 && !r.state.finished; i++) {
    const a = actionOf(ctx, req, r);
    const only = a.data.options?.length === 1 ? a.data.options[0] : undefined;
    if (a.type === 'authenticate' && a.data.type === 'authentication_data' && /^primary_oob_otp_/.test(only?.authentication ?? '')) {
      r = await feedInputs(ctx, req, r.token, [{ authentication: only.authentication, index: 0 }], cookies);
    } else if (a.type === 'create_authenticator' && a.data.type === 'create_authenticator_data' && /^primary_oob_otp_/.test(only?.authentication ?? '') && only.target?.verification_required === false) {
      // Passwordless sign-up: the address was just verified, there is nothing to ask.
      r = await feedInputs(ctx, req, r.token, [{ authentication: only.authentication }], cookies);
    } else if (a.type === 'select_destination' && only) {
      r = await feedInputs(ctx, req, r.token, [{ index: 0 }], cookies);
    } else break;
  }
  return r;
}

/**
 * Which identification one login-ID field means, as upstream's UI decides: a leading + is a phone
 * number, an @ an e-mail address, anything else a username (when those are offered).
 */
function identificationOf(ids: string[], value: string): string {
  const v = value.trim();
  if (ids.includes('phone') && (v.startsWith('+') || ids.length === 1)) return 'phone';
  if (ids.includes('email') && (v.includes('@') || !ids.includes('username'))) return 'email';
  if (ids.includes('username')) return 'username';
  return ids[0] ?? 'email';
}

/** The engine inputs a submitted form stands for. */
function inputsFrom(type: FlowType, action: Action, form: Record<string, string>): Record<string, unknown>[] {
  if (action.data.type === 'select_oob_otp_channels_data') return [{ channel: form.x_channel ?? '' }];
  const remember = form.x_remember_device === 'true' ? { request_device_token: true } : {};
  const otp = action.data.type === 'verify_oob_otp_data' || action.data.type === 'account_recovery_verify_code_data';
  if (otp) {
    if (form.x_action === 'resend') return [{ resend: true }];
    if (form.x_action === 'check') return [{ check: true }];
    return [action.type === 'verify_account_recovery_code' ? { account_recovery_code: form.code ?? '' } : { code: form.code ?? '' }];
  }
  const option = action.data.options?.[Number(form.x_option ?? 0)];
  switch (action.type) {
    case 'identify': {
      const ids = ((action.data.options ?? []) as { identification: string }[]).map((o) => o.identification);
      const value = form.login_id ?? form.email ?? '';
      const identify = { identification: identificationOf(ids, value), login_id: value };
      return type === 'login' && form.password ? [identify, { authentication: 'primary_password', password: form.password }] : [identify];
    }
    case 'authenticate':
      if (option?.authentication?.endsWith('password')) return [{ authentication: option.authentication, password: form.password ?? '' }];
      if (option?.authentication === 'secondary_totp') return [{ authentication: option.authentication, code: form.code ?? '', ...remember }];
      if (option?.authentication === 'recovery_code') return [{ authentication: option.authentication, recovery_code: form.recovery_code ?? '', ...remember }];
      return [{ authentication: option?.authentication, index: Number(form.x_option ?? 0) }];
    case 'create_authenticator':
      if (action.data.type === 'create_totp_data') return [{ code: form.code ?? '' }];
      if (option?.authentication?.endsWith('password')) return [{ authentication: option.authentication, new_password: form.new_password ?? '' }];
      return [{ authentication: option?.authentication }];
    case 'view_recovery_code':
      return [{ confirm_recovery_code: true }];
    case 'select_destination':
      return [{ index: Number(form.x_option ?? 0) }];
    default:
      return [{ new_password: form.new_password ?? '' }];
  }
}

async function render(ctx: IdpContext, req: HttpRequest, pc: PageContext, type: FlowType, r: FlowResult, extra: { status?: number; errors?: string[]; email?: string; cookies?: string[] } = {}): Promise<HttpResult> {
  const csrf = csrfToken(ctx, req);
  const action = actionOf(ctx, req, r);
  // The QR code is drawn here, on this machine: a TOTP secret never leaves for a QR service.
  const qrSvg = action.data.type === 'create_totp_data' ? await QRCode.toString(action.data.otpauth_uri, { type: 'svg', margin: 0 }) : undefined;
  const view = {
    t: pc.t,
    lang: pc.lang,
    csrf: csrf.field,
    path: FLOW_PATHS[type as keyof typeof FLOW_PATHS],
    carry: carryQuery(req),
    token: r.token,
    clientName: clientName(ctx, pc.session),
    flowType: type,
    passwordOnLogin: ctx.config.app.authentication.primary_authenticators.includes('password'),
    email: extra.email,
    errors: extra.errors,
    nowMs: ctx.clock.nowMs(),
    qrSvg,
  };
  return pageResult(extra.status ?? 200, flowPage(view, action), [...(extra.cookies ?? []), ...csrf.cookies]);
}

/** A finished flow: back to the app (OAuth), or to the page the user came from. */
function finished(ctx: IdpContext, req: HttpRequest, pc: PageContext, r: FlowResult, cookies: string[]): HttpResult {
  const uri = r.state.finished!.redirectUri;
  if (uri) return redirect(uri, 302, cookies);
  if (r.state.type === 'account_recovery') {
    return withCookies(pageResult(200, messagePage(pc.t, pc.lang, pc.t('reset.done-title'), pc.t('reset.done'))), cookies);
  }
  return redirect(sameOrigin(ctx, req.query.redirect_uri, '/settings'), 302, cookies);
}

function signupDisabled(ctx: IdpContext, type: FlowType): boolean {
  return type === 'signup' && ctx.config.app.authentication.public_signup_disabled;
}

/** GET of a flow page: starts a flow (tied to the authorization request when x_ref is given). */
export function flowGet(type: FlowType) {
  return async (ctx: IdpContext, req: HttpRequest): Promise<HttpResult> => {
    const pc = pageContext(ctx, req);
    if (signupDisabled(ctx, type)) return pageResult(403, messagePage(pc.t, pc.lang, pc.t('signup.title'), pc.t('signup.disabled')));
    const cookies: string[] = [];
    let created: FlowResult;
    try {
      const name = flowNameForBuiltinUi(ctx, pc.session?.clientId, type, pc.session?.params.x_authentication_flow_group);
      created = await createFlow(ctx, req, { type, name, xRef: pc.session?.id }, cookies);
    } catch (e) {
      // A flow that cannot start (not allowed, a stale promotion code...) says why on a page.
      if (!(e instanceof ApiError)) throw e;
      const message = e.reason === 'AuthenticationFlowNotAllowed' ? pc.t('error.flow-not-allowed') : errorMessages(pc.t, e).join(' ');
      return pageResult(e.status, messagePage(pc.t, pc.lang, pc.t('login.title'), message));
    }
    const r = await autoAdvance(ctx, req, created, cookies);
    const errors = pc.expired ? [pc.t('error.oauth-session-expired')] : undefined;
    if (r.state.finished) return finished(ctx, req, pc, r, cookies);
    return render(ctx, req, pc, type, r, { errors, email: pc.session?.loginHint?.email || undefined, cookies });
  };
}

/** POST of a flow page: the form becomes engine input; errors re-render the same state. */
export function flowPost(type: FlowType) {
  return async (ctx: IdpContext, req: HttpRequest): Promise<HttpResult> => {
    const pc = pageContext(ctx, req);
    const form = formParams(req);
    let current: FlowResult;
    try {
      current = { token: form.x_state_token ?? '', state: load(ctx, form.x_state_token) };
    } catch {
      // A dead end helps nobody: offer the same page afresh (with the app's query, if any).
      const path = FLOW_PATHS[type as keyof typeof FLOW_PATHS];
      const carry = carryQuery(req);
      return pageResult(400, messagePage(pc.t, pc.lang, pc.t(TITLES[type as keyof typeof TITLES] ?? 'login.title'), pc.t('error.flow-expired'), { href: carry ? `${path}?${carry}` : path, text: pc.t('error.start-again') }));
    }
    if (!csrfValid(ctx, req, form.x_csrf_token)) return render(ctx, req, pc, type, current, { status: 403, errors: [pc.t('error.csrf')], email: form.login_id ?? form.email });
    if (pc.expired) return render(ctx, req, pc, type, current, { status: 400, errors: [pc.t('error.oauth-session-expired')], email: form.login_id ?? form.email });
    const cookies: string[] = [];
    let r: FlowResult;
    try {
      r = await feedInputs(ctx, req, current.token, inputsFrom(type, actionOf(ctx, req, current), form), cookies);
      r = await autoAdvance(ctx, req, r, cookies);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      // Fresh state of the same token: a resend or an error may have changed what is shown (cooldown).
      const again = { token: current.token, state: load(ctx, current.token) };
      // With e-mail and password on one form, an unknown address reads like a wrong password.
      if (e.reason === 'UserNotFound' && form.password) {
        return render(ctx, req, pc, type, again, { status: 401, errors: [pc.t('error.invalid-credentials')], email: form.login_id ?? form.email, cookies });
      }
      return render(ctx, req, pc, type, again, { status: e.status, errors: errorMessages(pc.t, e), email: form.login_id ?? form.email, cookies });
    }
    if (r.state.finished) return finished(ctx, req, pc, r, cookies);
    return render(ctx, req, pc, type, r, { cookies });
  };
}

/** The link in a password-reset message: the code alone resumes account recovery. */
export async function handleResetLink(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const pc = pageContext(ctx, req);
  const cookies: string[] = [];
  try {
    const r = await recoverByCode(ctx, req, req.query.code ?? '', cookies);
    return render(ctx, req, pc, 'account_recovery', r, { cookies });
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return pageResult(e.status, messagePage(pc.t, pc.lang, pc.t('recovery.title'), pc.t('error.invalid-code')));
  }
}
