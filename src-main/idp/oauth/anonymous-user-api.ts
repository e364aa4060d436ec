import type { IdpContext } from '../context';
import { findClient } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { json, withCookies } from '../http/types';
import { ApiError } from '../errors';
import { jsonSchema, readJsonBody } from '../http/json-body';
import { resolveRequestSession } from '../session/resolve';
import { establishSession } from '../session/establish';
import { grantAuthorization } from './authorizations';
import { allowsFullAccess } from './clients';
import { parseRefreshToken } from './parse-refresh-token';
import { FULL_ACCESS } from './scopes';
import { prepareAccessToken } from './tokens';
import { issueWithOfflineGrant } from './token/issue-session-tokens';
import { rfc3339 } from '../user/claims';
import { anonymousIdentityOf, anonymousUsersEnabled, insertAnonymousUser, issuePromotionCode } from '../user/anonymous';

/** Scopes of every anonymous sign-up (upstream does not let the caller choose). */
const ANONYMOUS_SCOPES = ['openid', 'offline_access', FULL_ACCESS];

const loggedInAsNormalUser = () => new ApiError('Invalid', 'Invalid', 'user logged in as normal user');
const unauthenticated = () => new ApiError('Unauthorized', 'Unauthorized', 'authentication required');

const validateSignup = jsonSchema<{ client_id?: string; session_type: 'cookie' | 'refresh_token'; refresh_token?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: { client_id: { type: 'string' }, session_type: { type: 'string', enum: ['cookie', 'refresh_token'] }, refresh_token: { type: 'string' } },
  required: ['session_type'],
  allOf: [{ if: { properties: { session_type: { const: 'refresh_token' } } }, then: { required: ['client_id'] } }],
});

const validatePromotion = jsonSchema<{ session_type: 'cookie' | 'refresh_token'; refresh_token?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: { session_type: { type: 'string', enum: ['cookie', 'refresh_token'] }, refresh_token: { type: 'string' } },
  required: ['session_type'],
});

function requireAnonymousUsers(ctx: IdpContext): void {
  if (!anonymousUsersEnabled(ctx)) throw new ApiError('Invalid', 'Invalid', 'anonymous user disallowed');
}

/** The browser's IdP session, if the request carries one (cookie mode). */
async function idpSessionUser(ctx: IdpContext, req: HttpRequest): Promise<string | undefined> {
  const r = await resolveRequestSession(ctx, { authorization: req.headers.authorization, cookies: req.cookies, ip: req.ip });
  return r.state === 'valid' && r.session.kind === 'idp' ? r.user.id : undefined;
}

/**
 * `POST /api/anonymous_user/signup` (spec 13.3), what `authenticateAnonymously()` of the web SDK
 * calls. Cookie mode: an IdP session cookie, `{"result":{}}`. Refresh-token mode: tokens.
 * An anonymous caller keeps its user; a signed-in normal user is refused.
 */
export async function handleAnonymousSignup(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const body = readJsonBody(req, validateSignup);
  if (body.session_type === 'cookie') {
    const current = await idpSessionUser(ctx, req);
    if (current) {
      if (anonymousIdentityOf(ctx, current)) return json(200, { result: {} });
      throw loggedInAsNormalUser();
    }
    requireAnonymousUsers(ctx);
    const { userId } = await ctx.store.db.write(() => insertAnonymousUser(ctx));
    const { cookies } = await establishSession(ctx, req, { userId, amr: [], suppress: false, signedUp: false });
    return withCookies(json(200, { result: {} }), cookies);
  }

  const client = findClient(ctx, body.client_id);
  if (!client) throw new ApiError('Invalid', 'Invalid', 'invalid client ID');
  if (!allowsFullAccess(client)) {
    throw new ApiError('Invalid', 'Invalid', 'Anonymous user is not supported by the client application type. Try using SPA, Traditional Web App, or Native App client types if applicable.');
  }
  if (body.refresh_token) {
    const parsed = parseRefreshToken(ctx, body.refresh_token);
    if (!parsed) throw new ApiError('Invalid', 'Invalid', 'invalid refresh token');
    if (!anonymousIdentityOf(ctx, parsed.user.id)) throw loggedInAsNormalUser();
    const { grant, refreshToken, user } = parsed;
    const at = await prepareAccessToken(
      ctx,
      client,
      user,
      { kind: 'offline_grant', id: grant.id, authenticatedAt: grant.authenticatedAt, amr: grant.amr, refreshTokenHash: refreshToken.initialHash },
      ANONYMOUS_SCOPES,
      parsed.authorization.id,
    );
    await ctx.store.db.write(() => ctx.store.accessGrants.insert(at.grant));
    return json(200, { result: { token_type: 'Bearer', access_token: at.token, expires_in: at.expiresIn } });
  }

  requireAnonymousUsers(ctx);
  const now = ctx.clock.nowMs();
  const { userId, authorizationId } = await ctx.store.db.write(() => {
    const created = insertAnonymousUser(ctx);
    return { userId: created.userId, authorizationId: grantAuthorization(ctx, client.client_id, created.userId, ANONYMOUS_SCOPES).id };
  });
  const issued = await issueWithOfflineGrant(ctx, {
    client,
    user: ctx.store.users.get(userId)!,
    scopes: ANONYMOUS_SCOPES,
    authorizationId,
    authenticatedAt: now,
    amr: [],
    idpSessionId: null,
    ssoEnabled: false,
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
    returnRefreshToken: true,
  });
  // Upstream answers the access and refresh tokens only (no ID token).
  const { access_token, token_type, expires_in, refresh_token } = issued.body;
  return json(200, { result: { token_type, access_token, refresh_token, expires_in } });
}

/**
 * `POST /api/anonymous_user/promotion_code` (spec 13.3): a 300 s code for
 * `login_hint=https://authgear.com/login_hint?type=anonymous&promotion_code=<code>`.
 */
export async function handleAnonymousPromotionCode(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const body = readJsonBody(req, validatePromotion);
  let userId: string;
  if (body.session_type === 'refresh_token') {
    if (!body.refresh_token) throw unauthenticated();
    const parsed = parseRefreshToken(ctx, body.refresh_token);
    if (!parsed) throw new ApiError('Forbidden', 'Forbidden', 'invalid refresh token');
    if (!parsed.authorization.scopes.includes(FULL_ACCESS)) {
      throw new ApiError('Forbidden', 'Forbidden', 'the client is not authorized to have full user access');
    }
    userId = parsed.user.id;
  } else {
    const current = await idpSessionUser(ctx, req);
    if (!current) throw unauthenticated();
    userId = current;
  }
  const identity = anonymousIdentityOf(ctx, userId);
  if (!identity) throw loggedInAsNormalUser();
  const { code, expireAt } = issuePromotionCode(ctx, userId, identity.id);
  return json(200, { result: { promotion_code: code, expire_at: rfc3339(expireAt) } });
}
