import type { IdpContext } from '../context';
import { findClient } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { json } from '../http/types';
import { resolveRequestSession } from '../session/resolve';
import { userStatusClaims, standardAttributeClaims, rfc3339 } from '../user/claims';
import { isFirstParty } from './clients';
import { FULL_ACCESS, FULL_USERINFO } from './scopes';

const CLAIM = 'https://authgear.com/claims/user/';
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** `/oauth2/userinfo` (spec oidc.md 8). */
export async function handleUserinfo(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const r = await resolveRequestSession(ctx, { authorization: req.headers.authorization, cookies: req.cookies, ip: req.ip });
  if (r.state !== 'valid') {
    return json(
      401,
      { error: 'invalid_grant', error_description: 'invalid session' },
      {
        ...NO_STORE,
        'www-authenticate': 'Bearer error="invalid_grant", error_description="invalid session"',
      },
    );
  }
  const { user, session, scopes } = r;
  const clientId = session.accessGrant?.clientId ?? (session.kind === 'offline_grant' ? session.refreshToken.clientId : undefined);
  const client = clientId ? findClient(ctx, clientId) : undefined;
  const firstParty = session.kind === 'idp' || !client || isFirstParty(client);
  const full = scopes === 'all' || scopes.includes(FULL_ACCESS) || scopes.includes(FULL_USERINFO);

  const body: Record<string, unknown> = { sub: user.id };
  if (firstParty) {
    Object.assign(body, standardAttributeClaims(ctx, user));
    body.custom_attributes = user.customAttributes;
    body.x_web3 = {};
  } else {
    Object.assign(body, standardAttributeClaims(ctx, user, scopes as string[]));
  }
  Object.assign(body, userStatusClaims(ctx, user));
  if (full) {
    const enabled = new Set([...ctx.config.app.authentication.primary_authenticators, ...ctx.config.app.authentication.secondary_authenticators]);
    const authenticators = ctx.store.authenticators.listByUser(user.id);
    body[`${CLAIM}recovery_code_enabled`] = ctx.store.recoveryCodes.countUnused(user.id) > 0;
    body[`${CLAIM}authenticators`] = authenticators
      .filter((a) => enabled.has(a.type))
      .map((a) => ({ created_at: rfc3339(a.createdAt), updated_at: rfc3339(a.updatedAt), type: a.type, kind: a.kind }));
    body[`${CLAIM}identities`] = ctx.store.identities.listByUser(user.id).map((i) => ({
      created_at: rfc3339(i.createdAt),
      updated_at: rfc3339(i.updatedAt),
      type: i.type,
      ...(i.type === 'login_id' ? { login_id_key: i.loginIdKey, login_id_type: i.loginIdType } : {}),
    }));
  }
  return json(200, body, NO_STORE);
}
