import type { IdpContext } from '../context';
import { findClient } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { formParams, redirect, text, withCookies } from '../http/types';
import { resolveRequestSession, type ResolvedSession } from '../session/resolve';
import { cookieName, clearSessionCookies, plainCookie } from '../session/cookies';
import { revokeIdpSession, revokeOfflineGrant } from '../session/revoke';
import { verifyIdTokenHint } from './authorize/id-token-hint';
import { decodeSid } from './sid';
import { isFirstParty } from './clients';
import { deliver } from './response-mode';
import { audit, sessionModel, sourceOf } from '../audit/record';

const STASH_TTL = 300;
const MAX_PARAM_LENGTH = 8192;
const PARAMS = ['id_token_hint', 'post_logout_redirect_uri', 'state', 'ui_locales'];

/** Ends `session` with its cascade (spec 9.6) and records `user.signed_out`. Call inside `db.write`. */
export function logOut(ctx: IdpContext, session: ResolvedSession, req: HttpRequest): void {
  const ended = session.kind === 'idp' ? sessionModel({ kind: 'idp', session: session.idpSession }) : sessionModel({ kind: 'offline_grant', session: session.offlineGrant });
  audit.signedOut(ctx, sourceOf(req, 'user', session.kind === 'offline_grant' ? session.offlineGrant.clientId : null), session.userId, [ended]);
  if (session.kind === 'idp') revokeIdpSession(ctx, session.id);
  else revokeOfflineGrant(ctx, session.id);
}

function sameSsoGroup(ctx: IdpContext, current: ResolvedSession, hinted: { kind: string; id: string }): boolean {
  if (hinted.kind === current.kind && hinted.id === current.id) return true;
  if (current.kind === 'idp' && hinted.kind === 'offline_grant') {
    return ctx.store.offlineGrants.get(hinted.id)?.idpSessionId === current.id;
  }
  return false;
}

/** `/oauth2/end_session`, RP-initiated logout (spec oidc.md 12). */
export async function handleEndSession(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const form = formParams(req);
  // 1. POST keeps id_token_hint out of URLs: stash the parameters and come back with GET.
  if (req.method === 'POST' && !req.query.x_end_session_ref) {
    const ref = ctx.random.token();
    const key = ctx.random.token();
    // Only the known parameters, each of a sane size, are kept (memory is shared with everyone).
    const params = Object.fromEntries(
      PARAMS.map((k) => [k, form[k] ?? req.query[k]] as const).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length > 0 && e[1].length <= MAX_PARAM_LENGTH),
    );
    ctx.ephemeral.endSessionStash.set(ref, { key, params }, STASH_TTL);
    const cookie = plainCookie(ctx, 'end_session_ref_key', key, { path: '/oauth2/end_session', sameSite: 'lax', maxAge: STASH_TTL });
    return redirect(`${ctx.issuer}/oauth2/end_session?x_end_session_ref=${ref}`, 302, [cookie]);
  }
  let params: Record<string, string> = req.query;
  if (req.query.x_end_session_ref) {
    const stash = ctx.ephemeral.endSessionStash.get(req.query.x_end_session_ref);
    params = stash && req.cookies[cookieName(ctx, 'end_session_ref_key')] === stash.key ? stash.params : {};
  }

  let hint: Awaited<ReturnType<typeof verifyIdTokenHint>>;
  if (params.id_token_hint) {
    hint = await verifyIdTokenHint(ctx, params.id_token_hint);
    if (!hint) return text(400, 'Invalid end session request:\nerror: invalid_request\nerror_description: invalid id_token_hint\n');
  }

  const cookies: string[] = [];
  const r = await resolveRequestSession(ctx, { cookies: req.cookies, ip: req.ip });
  let session = r.state === 'valid' ? r.session : undefined;

  if (session) {
    let direct = false;
    if (!hint) {
      direct = req.cookies[cookieName(ctx, 'same_site_strict')] === 'true';
    } else {
      const sid = decodeSid(hint.sid);
      const client = hint.aud.length === 1 ? findClient(ctx, hint.aud[0]) : undefined;
      direct = Boolean(sid && client && isFirstParty(client) && sameSsoGroup(ctx, session, sid));
    }
    if (direct) {
      const s = session;
      await ctx.store.db.write(() => logOut(ctx, s, req));
      cookies.push(...clearSessionCookies(ctx));
      session = undefined;
    }
  }
  if (session) {
    const back = new URLSearchParams(Object.entries(params).filter(([k]) => k !== 'id_token_hint'));
    const target = `${ctx.issuer}/oauth2/end_session${back.size ? `?${back}` : ''}`;
    return redirect(`${ctx.issuer}/logout?${new URLSearchParams({ redirect_uri: target })}`, 302, cookies);
  }
  const uri = params.post_logout_redirect_uri;
  const owner = uri ? ctx.config.app.oauth.clients.find((c) => c.post_logout_redirect_uris.includes(uri)) : undefined;
  if (uri && owner) {
    return withCookies(deliver(uri, 'query', params.state ? { state: params.state } : {}, Boolean(owner.x_custom_ui_uri)), cookies);
  }
  return redirect(`${ctx.issuer}/settings`, 302, cookies);
}
