import type { IdpContext } from '../../context';
import { findClient } from '../../context';
import type { HttpRequest, HttpResult } from '../../http/types';
import { formParams, redirect } from '../../http/types';
import { pageResult } from '../page-context';
import { idpSessionAlive, offlineGrantAlive } from '../../session/expiry';
import { revokeIdpSession, revokeOfflineGrant } from '../../session/revoke';
import { sameSsoGroup, type AnySession } from '../../session/sso-group';
import { isFirstParty } from '../../oauth/clients';
import { deviceModel } from '../../user/device-info';
import { rfc3339 } from '../../user/claims';
import type { Translate } from '../texts';
import { csrfFailed, isResult, signedIn, viewOf, type SignedIn } from './common';
import { sessionsPage, type SessionRow } from './views';

const refOf = (s: AnySession) => `${s.kind}:${s.session.id}`;

function currentOf(who: SignedIn): AnySession {
  return who.session.kind === 'idp' ? { kind: 'idp', session: who.session.idpSession } : { kind: 'offline_grant', session: who.session.offlineGrant };
}

/**
 * The user's live sessions as upstream lists them: offline grants (minus those used only by
 * third-party apps), and IdP sessions, which take the name of an SSO-enabled grant of theirs.
 */
function listSessions(ctx: IdpContext, userId: string): { session: AnySession; title?: string; clients: string[] }[] {
  const out: { session: AnySession; title?: string; clients: string[] }[] = [];
  const idpTitles = new Map<string, string>();
  for (const g of ctx.store.offlineGrants.listByUser(userId)) {
    if (!offlineGrantAlive(ctx, g)) continue;
    const clients = [...new Set(ctx.store.offlineGrants.listRefreshTokens(g.id).map((t) => t.clientId))].map((id) => findClient(ctx, id));
    if (clients.length && clients.every((c) => c && !isFirstParty(c))) continue;
    const names = clients.map((c) => (c ? c.client_name || c.name : '?'));
    const title = deviceModel(g.deviceInfo) || names.join(', ');
    if (g.ssoEnabled && g.idpSessionId) {
      if (!idpTitles.has(g.idpSessionId)) idpTitles.set(g.idpSessionId, title);
      continue;
    }
    out.push({ session: { kind: 'offline_grant', session: g }, title, clients: names });
  }
  for (const s of ctx.store.idpSessions.listByUser(userId)) {
    if (!idpSessionAlive(ctx, s)) continue;
    out.push({ session: { kind: 'idp', session: s }, title: idpTitles.get(s.id), clients: [] });
  }
  return out.sort((a, b) => b.session.session.lastAccessAt - a.session.session.lastAccessAt);
}

function row(t: Translate, item: ReturnType<typeof listSessions>[number], current: AnySession): SessionRow {
  const s = item.session.session;
  const used = t('sessions.last-used', { time: rfc3339(s.lastAccessAt), ip: s.lastAccessIp ?? '?' });
  const agent = s.userAgent ? ` · ${s.userAgent.slice(0, 120)}` : '';
  return { ref: refOf(item.session), title: item.title || t('sessions.browser'), detail: `${used}${agent}`, current: sameSsoGroup(item.session, current) };
}

/** `GET /settings/sessions`: signed-in devices and browsers, each with a way to sign it out. */
export async function handleSessionsGet(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const who = await signedIn(ctx, req, true);
  if (isResult(who)) return who;
  const { v, cookies } = viewOf(ctx, req);
  const current = currentOf(who);
  return pageResult(200, sessionsPage(v, listSessions(ctx, who.user.id).map((i) => row(v.t, i, current))), cookies);
}

/** `POST /settings/sessions`: `revoke` one other session, or `revoke_all` but this one, with the cascade of spec 9.6. */
export async function handleSessionsPost(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const who = await signedIn(ctx, req, true);
  if (isResult(who)) return who;
  const bad = csrfFailed(ctx, req);
  if (bad) return bad;
  const form = formParams(req);
  const current = currentOf(who);
  const others = listSessions(ctx, who.user.id).filter((i) => !sameSsoGroup(i.session, current));
  const targets = form.x_action === 'revoke_all' ? others : others.filter((i) => refOf(i.session) === form.session);
  if (targets.length) {
    await ctx.store.db.write(() => {
      for (const { session } of targets) {
        if (session.kind === 'idp') revokeIdpSession(ctx, session.session.id);
        else revokeOfflineGrant(ctx, session.session.id);
      }
    });
  }
  return redirect('/settings/sessions');
}
