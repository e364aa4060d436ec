import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { redirect } from '../http/types';
import { OAuthError } from '../errors';
import { sha256Hex } from '../random';
import { deliver } from './response-mode';
import { findClient } from '../context';
import type { AuthzRequest } from './authorize/request';
import { OAUTH_SESSION_TTL, type OAuthSession } from './authorize/oauth-session';
import { parseLoginHint } from './authorize/login-hint';
import { exchangeAppSessionToken } from './app-session';

/** `x_settings_action` values (upstream pkg/lib/settingsaction). */
export const SETTINGS_ACTIONS = [
  'change_password',
  'delete_account',
  'add_email',
  'add_phone',
  'add_username',
  'change_email',
  'change_phone',
  'change_username',
  'link_oauth',
  'unlink_oauth',
] as const;

/** What a settings-action code stands for; kept in memory by hash, 300 s, single use (spec 6.6). */
export interface SettingsActionGrant {
  clientId: string;
  userId: string;
  redirectUri: string;
  codeChallenge?: string;
}

export const SETTINGS_ACTION_CODE_TTL = 300;

const invalid = (msg: string) => new OAuthError('invalid_request', msg);

/** The first login ID key of a type, as upstream picks the page's `q_login_id_key`. */
function loginIdKey(ctx: IdpContext, type: 'email' | 'phone' | 'username', verb: 'creatable' | 'updatable'): string {
  const key = ctx.config.app.identity.login_id.keys.find((k) => k.type === type);
  if (!key) throw invalid(`${type} login id is not configured to be ${verb}`);
  return key.key;
}

/**
 * The settings page of an action (upstream's BuildSettingsActionURL), with its own query.
 * Upstream answers an impossible action as server_error; the sandbox names it (invalid_request).
 */
function settingsPage(ctx: IdpContext, params: Record<string, string>): { path: string; query: Record<string, string> } {
  const action = params.x_settings_action ?? '';
  const kind = /^(add|change)_(email|phone|username)$/.exec(action);
  if (kind) {
    const verb = kind[1] === 'add' ? 'creatable' : 'updatable';
    return { path: `/settings/identity/${action}`, query: { q_login_id_key: loginIdKey(ctx, kind[2] as 'email', verb) } };
  }
  switch (action) {
    case 'change_password':
      return { path: '/settings/change_password', query: {} };
    case 'delete_account':
      return { path: '/settings/delete_account', query: {} };
    case 'link_oauth':
    case 'unlink_oauth': {
      if (!params.x_oauth_provider_alias) throw invalid(`oauthProviderAlias is required for ${action}`);
      const query: Record<string, string> = { x_provider_alias: params.x_oauth_provider_alias };
      if (action === 'unlink_oauth') query.x_settings_action = action;
      return { path: '/settings/identity/oauth', query };
    }
    default:
      throw invalid('invalid settings action');
  }
}

/**
 * `response_type=urn:authgear:params:oauth:response-type:settings-action` (spec 5.10): the app
 * session token of `login_hint` becomes the `app_session` cookie and the browser goes to the
 * settings page, which ends at /oauth2/consent and so back at the app with a settings-action code.
 */
export async function startSettingsAction(ctx: IdpContext, ar: AuthzRequest): Promise<HttpResult> {
  const params = ar.params;
  const page = settingsPage(ctx, params);
  if (!params.login_hint) throw invalid('login_hint must be provided when using settings action');
  const hint = parseLoginHint(params.login_hint);
  if (hint.type !== 'app_session_token') throw invalid('login_hint must be app_session_token when using settings action');
  const session: OAuthSession = {
    id: ctx.random.token(),
    params,
    clientId: ar.client!.client_id,
    redirectUri: ar.redirectUri!,
    scopes: ar.scopes,
    prompt: [],
    settingsActionId: ctx.random.base32(),
  };
  const cookie = await exchangeAppSessionToken(ctx, hint.appSessionToken ?? '');
  if (!cookie) throw invalid('oauth grant not found');
  ctx.ephemeral.oauthSessions.set(session.id, session, OAUTH_SESSION_TTL);

  const url = new URL(page.path, ctx.issuer);
  const q = url.searchParams;
  for (const [k, v] of Object.entries(page.query)) q.set(k, v);
  q.set('x_ref', session.id);
  q.set('client_id', session.clientId);
  q.set('redirect_uri', params.redirect_uri ?? session.redirectUri);
  for (const k of ['x_color_scheme', 'ui_locales', 'state', 'x_state']) if (params[k]) q.set(k, params[k]);
  try {
    for (const [k, v] of new URLSearchParams(params.x_settings_action_query ?? '')) q.append(k, v);
  } catch {
    // An unreadable query is ignored, as upstream does.
  }
  q.set('x_settings_action_id', session.settingsActionId!);
  return redirect(url.toString(), 302, [cookie]);
}

/**
 * The OAuth session of a settings action a settings page is serving: named by `x_ref` and
 * matching `x_settings_action_id`. Undefined for a plain visit of the page.
 */
export function settingsActionOf(ctx: IdpContext, req: HttpRequest): OAuthSession | undefined {
  const s = req.query.x_ref ? ctx.ephemeral.oauthSessions.get(req.query.x_ref) : undefined;
  if (!s?.settingsActionId || s.settingsActionId !== req.query.x_settings_action_id) return undefined;
  return s;
}

/** Back to the app with a settings-action code once the page did its job (upstream's finishSettingsAction). */
export function finishSettingsAction(ctx: IdpContext, session: OAuthSession, userId: string): HttpResult {
  const client = findClient(ctx, session.clientId);
  const code = ctx.random.token();
  ctx.ephemeral.settingsActionCodes.set(
    sha256Hex(code),
    { clientId: session.clientId, userId, redirectUri: session.redirectUri, codeChallenge: session.params.code_challenge || undefined },
    SETTINGS_ACTION_CODE_TTL,
  );
  ctx.ephemeral.oauthSessions.delete(session.id);
  const response: Record<string, string> = { code };
  if (session.params.state) response.state = session.params.state;
  return deliver(session.redirectUri, session.params.response_mode, response, Boolean(client?.x_custom_ui_uri));
}
