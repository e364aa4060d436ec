import type { IdpContext } from '../../context';
import type { HttpRequest, HttpResult } from '../../http/types';
import { formParams, redirect } from '../../http/types';
import { AuthzPlainError, OAuthError } from '../../errors';
import { deliver, plainAuthzError } from '../response-mode';
import { resolveRequestSession } from '../../session/resolve';
import { plainCookie } from '../../session/cookies';
import { PRE_AUTHENTICATED_URL } from '../scopes';
import { isFirstParty } from '../clients';
import { type AuthzRequest, splitSpaces, responseTypeIs, RESPONSE_TYPE_SETTINGS_ACTION } from './request';
import { startSettingsAction } from '../settings-action';
import { exchangeAppSessionToken } from '../app-session';
import { checkClient } from './check-client';
import { checkRedirectUri } from './check-redirect-uri';
import { checkResponseType } from './check-response-type';
import { checkPrompt } from './check-prompt';
import { checkParameters } from './check-parameters';
import { checkSso } from './check-sso';
import { checkScope } from './check-scope';
import { parseLoginHint } from './login-hint';
import { verifyIdTokenHint } from './id-token-hint';
import { effectivePrompt } from './prompt';
import { finishAuthorization } from './finish';
import { OAUTH_SESSION_TTL, type OAuthSession } from './oauth-session';

/**
 * Where the browser signs in (spec oidc.md 5.4): the built-in UI's entry point, or the client's
 * custom UI, which also receives login_hint and id_token_hint (spec authflow.md 5.1).
 */
function authenticationUrl(issuer: string, customUi: string | undefined, session: OAuthSession, params: Record<string, string>): string {
  const url = new URL(customUi ?? `${issuer}/_internals/oauth_entrypoint`);
  const q = url.searchParams;
  q.set('x_ref', session.id);
  q.set('client_id', session.clientId);
  q.set('redirect_uri', session.redirectUri);
  for (const k of ['ui_locales', 'state', 'x_state', 'x_color_scheme']) if (params[k]) q.set(k, params[k]);
  if (customUi) {
    q.set('x_settings_action_id', '');
    for (const k of ['login_hint', 'id_token_hint']) if (params[k]) q.set(k, params[k]);
  }
  return url.toString();
}

/** Parameters of GET (query) or POST (form); for repeated parameters the first value wins. */
function requestParams(req: HttpRequest): Record<string, string> {
  return req.method === 'POST' ? { ...req.query, ...formParams(req) } : req.query;
}

/**
 * `/oauth2/authorize`, checks in the order of spec oidc.md 5.3. The first two steps answer
 * plain text (nothing may be redirected to an unverified URI); everything after is redirected.
 */
export async function handleAuthorize(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const params = requestParams(req);
  const ar: AuthzRequest = {
    params,
    responseType: splitSpaces(params.response_type),
    scopes: splitSpaces(params.scope),
    prompt: splitSpaces(params.prompt),
  };
  try {
    checkClient(ctx, ar);
    checkRedirectUri(ctx, ar);
  } catch (e) {
    if (e instanceof AuthzPlainError) return plainAuthzError({ error: e.error, error_description: e.description });
    throw e;
  }
  const redirectUri = ar.redirectUri!;
  const client = ar.client!;
  try {
    checkResponseType(ar);
    checkPrompt(ar);
    checkParameters(ctx, ar);
    checkSso(ar);
    checkScope(ar);
    if (responseTypeIs(ar.responseType, RESPONSE_TYPE_SETTINGS_ACTION)) return await startSettingsAction(ctx, ar);
    const loginHint = params.login_hint ? parseLoginHint(params.login_hint) : undefined;
    if (loginHint?.type === 'app_session_token') {
      // Spec 5.6: the app session cookie, and straight back to the redirect URI (no code).
      const cookie = await exchangeAppSessionToken(ctx, loginHint.appSessionToken ?? '');
      if (!cookie) throw new OAuthError('invalid_request', 'oauth grant not found');
      return redirect(redirectUri, 302, [cookie]);
    }
    let hint: Awaited<ReturnType<typeof verifyIdTokenHint>>;
    if (params.id_token_hint) {
      hint = await verifyIdTokenHint(ctx, params.id_token_hint);
      // Upstream answers a forged hint as server_error; we name the problem (spec rule 2).
      if (!hint) throw new OAuthError('invalid_request', 'invalid id_token_hint');
    }
    const prompt = effectivePrompt(ctx, ar.prompt, params, hint?.sid);

    if (!prompt.includes('none')) {
      const session: OAuthSession = {
        id: ctx.random.token(),
        params,
        clientId: client.client_id,
        redirectUri,
        scopes: ar.scopes,
        prompt,
        loginHint,
        idTokenHint: hint && { sub: hint.sub, sid: hint.sid },
      };
      ctx.ephemeral.oauthSessions.set(session.id, session, OAUTH_SESSION_TTL);
      const cookie = plainCookie(ctx, 'oauth_ui', session.id, { sameSite: 'none', secure: true });
      return { status: 302, headers: { location: authenticationUrl(ctx.issuer, client.x_custom_ui_uri, session, params), 'set-cookie': [cookie] }, body: '' };
    }

    // prompt=none: only a session the request already carries can satisfy it (spec 5.5).
    const resolved = await resolveRequestSession(ctx, { authorization: req.headers.authorization, cookies: req.cookies, ip: req.ip });
    const usable =
      resolved.state === 'valid' && (resolved.scopes === 'all' || resolved.scopes.includes(PRE_AUTHENTICATED_URL)) ? resolved : undefined;
    if (!usable || (hint && hint.sub !== usable.user.id)) throw new OAuthError('login_required', 'authentication required');
    const s = usable.session;
    if (!isFirstParty(client)) {
      // Third-party clients need an authorization the user granted earlier (spec 5.5).
      const existing = ctx.store.authorizations.find(client.client_id, usable.user.id);
      if (!existing) throw new OAuthError('access_denied', 'authorization required');
      if (!ar.scopes.every((x) => existing.scopes.includes(x))) throw new OAuthError('access_denied', 'requested scopes are not granted');
    }
    return await finishAuthorization(ctx, {
      client,
      redirectUri,
      params,
      userId: usable.user.id,
      amr: s.amr,
      authenticatedAt: s.authenticatedAt,
      idpSessionId: s.kind === 'idp' ? s.id : s.offlineGrant.idpSessionId,
      satisfiedBy: { kind: s.kind, id: s.id },
      idTokenHintSid: hint?.sid,
    });
  } catch (e) {
    const error = e instanceof OAuthError ? { error: e.error, error_description: e.description } : { error: 'server_error', error_description: 'internal server error' };
    if (!(e instanceof OAuthError)) console.error('authorize: unexpected error', e);
    const response: Record<string, string> = { ...error, ...(params.state ? { state: params.state } : {}) };
    return deliver(redirectUri, params.response_mode, response, Boolean(client.x_custom_ui_uri));
  }
}
