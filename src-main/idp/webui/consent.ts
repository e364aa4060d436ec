import type { IdpContext } from '../context';
import { findClient } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { formParams } from '../http/types';
import { csrfToken, csrfValid } from './csrf';
import { consentPage, messagePage } from './pages';
import { isFirstParty } from '../oauth/clients';
import { finishAuthorization } from '../oauth/authorize/finish';
import { deliver } from '../oauth/response-mode';
import { finishSettingsAction } from '../oauth/settings-action';
import { pageContext, pageResult } from './page-context';

/**
 * `/oauth2/consent`: turns the UI's hand-off (`code` = authentication info) into the authorization
 * response. First-party clients are authorized at once; a third-party client the user has not
 * yet authorized for these scopes gets a consent page (spec oidc.md 5.4, 5.7).
 */
export async function handleConsent(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const info = req.query.code ? ctx.ephemeral.authInfo.get(req.query.code) : undefined;
  // The hand-off names its OAuth session; x_ref in the URL is only a fallback.
  const pc = pageContext(ctx, info ? { ...req, query: { ...req.query, x_ref: info.oauthSessionId } } : req);
  const s = pc.session;
  const client = s && findClient(ctx, s.clientId);
  if (!s || !info || !client) return pageResult(400, messagePage(pc.t, pc.lang, pc.t('login.title'), pc.t('error.oauth-session-expired')));
  if (s.settingsActionId) {
    // A settings page finished its action: back to the app with a settings-action code (spec 5.10).
    ctx.ephemeral.authInfo.delete(req.query.code);
    return finishSettingsAction(ctx, s, info.userId);
  }

  if (!isFirstParty(client)) {
    const existing = ctx.store.authorizations.find(client.client_id, info.userId);
    const covered = existing && s.scopes.every((x) => existing.scopes.includes(x));
    if (!covered) {
      if (req.method === 'GET') {
        const csrf = csrfToken(ctx, req);
        const action = `/oauth2/consent?${new URLSearchParams({ code: req.query.code })}`;
        return pageResult(200, consentPage(pc.t, pc.lang, csrf.field, action, client.client_name || client.name, s.scopes), csrf.cookies);
      }
      const form = formParams(req);
      if (!csrfValid(ctx, req, form.x_csrf_token)) return pageResult(403, messagePage(pc.t, pc.lang, pc.t('consent.title'), pc.t('error.csrf')));
      if (form.x_action !== 'consent') {
        ctx.ephemeral.authInfo.delete(req.query.code);
        ctx.ephemeral.oauthSessions.delete(s.id);
        const response = { error: 'access_denied', error_description: 'authorization denied', ...(s.params.state ? { state: s.params.state } : {}) };
        return deliver(s.redirectUri, s.params.response_mode, response, Boolean(client.x_custom_ui_uri));
      }
    }
  }
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
