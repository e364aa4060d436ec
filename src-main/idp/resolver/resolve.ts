import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { resolveRequestSession, type Credentials } from '../session/resolve';
import { userStatusClaims } from '../user/claims';

const CLAIM = 'https://authgear.com/claims/user/';

export type ResolverState = 'none' | 'invalid' | 'valid';

/**
 * The `X-Authgear-*` headers of spec oidc.md 10 for one set of credentials: none without
 * credentials, only `session-valid: false` for bad ones, all of them for a live session.
 */
export async function resolverHeaders(ctx: IdpContext, cred: Credentials): Promise<{ state: ResolverState; headers: Record<string, string> }> {
  const r = await resolveRequestSession(ctx, cred);
  const headers: Record<string, string> = {};
  if (r.state === 'invalid') headers['x-authgear-session-valid'] = 'false';
  if (r.state === 'valid') {
    const claims = userStatusClaims(ctx, r.user);
    const roles = claims[`${CLAIM}roles`] as string[];
    headers['x-authgear-session-valid'] = 'true';
    headers['x-authgear-user-id'] = r.user.id;
    headers['x-authgear-user-anonymous'] = String(claims[`${CLAIM}is_anonymous`]);
    headers['x-authgear-user-verified'] = String(claims[`${CLAIM}is_verified`]);
    headers['x-authgear-user-can-reauthenticate'] = String(claims[`${CLAIM}can_reauthenticate`]);
    if (roles.length) headers['x-authgear-user-roles'] = roles.join(',');
    headers['x-authgear-session-amr'] = r.session.amr.join(' ');
    headers['x-authgear-session-authenticated-at'] = String(Math.floor(r.session.authenticatedAt / 1000));
  }
  return { state: r.state, headers };
}

/**
 * `/_resolver/resolve` and `/resolve` (spec oidc.md 10), for nginx `auth_request` and Traefik
 * ForwardAuth: always 200 with no body; who is calling is told in `X-Authgear-*` headers.
 */
export async function handleResolve(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const { headers } = await resolverHeaders(ctx, { authorization: req.headers.authorization, cookies: req.cookies, ip: req.ip });
  return { status: 200, headers, body: '' };
}
