import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { json } from '../http/types';
import { ApiError } from '../errors';
import { jsonSchema, readJsonBody } from '../http/json-body';
import { sha256Hex } from '../random';
import { rfc3339 } from '../user/claims';
import { appSessionCookie } from '../session/cookies';
import { offlineGrantAlive, offlineGrantExpireAt } from '../session/expiry';
import { parseRefreshToken } from './parse-refresh-token';
import { FULL_ACCESS } from './scopes';

/** One-time app session token (spec 13.1), kept in memory by hash. */
export interface AppSessionToken {
  offlineGrantId: string;
  refreshTokenHash: string;
}

export const APP_SESSION_TOKEN_TTL = 300;

const validate = jsonSchema<{ refresh_token: string }>({
  type: 'object',
  additionalProperties: false,
  properties: { refresh_token: { type: 'string' } },
  required: ['refresh_token'],
});

/** `POST /oauth2/app_session_token`: refresh token → one-time app session token. */
export function handleAppSessionToken(ctx: IdpContext, req: HttpRequest): HttpResult {
  const body = readJsonBody(req, validate);
  const parsed = parseRefreshToken(ctx, body.refresh_token);
  // The SDK clears its session on reason InvalidGrant.
  if (!parsed) throw new ApiError('Forbidden', 'InvalidGrant', 'invalid refresh token');
  if (!parsed.authorization.scopes.includes(FULL_ACCESS)) {
    throw new ApiError('Forbidden', 'Forbidden', 'the client is not authorized to have full user access');
  }
  const token = ctx.random.token();
  ctx.ephemeral.appSessionTokens.set(sha256Hex(token), { offlineGrantId: parsed.grant.id, refreshTokenHash: parsed.refreshToken.initialHash }, APP_SESSION_TOKEN_TTL);
  const expireAt = ctx.clock.nowMs() + APP_SESSION_TOKEN_TTL * 1000;
  return json(200, { result: { app_session_token: token, expire_at: rfc3339(expireAt) } });
}

/**
 * Exchanges an app session token (single use) for an app session: returns the `app_session`
 * cookie, or undefined when the token is unknown, used, expired, or its grant is gone.
 */
export async function exchangeAppSessionToken(ctx: IdpContext, token: string): Promise<string | undefined> {
  const key = sha256Hex(token);
  const entry = ctx.ephemeral.appSessionTokens.get(key);
  if (!entry) return undefined;
  ctx.ephemeral.appSessionTokens.delete(key);
  const grant = ctx.store.offlineGrants.get(entry.offlineGrantId);
  if (!grant || !offlineGrantAlive(ctx, grant)) return undefined;
  const value = ctx.random.token();
  const now = ctx.clock.nowMs();
  await ctx.store.db.write(() => {
    ctx.store.appSessions.deleteExpired(now);
    ctx.store.appSessions.insert({
      tokenHash: sha256Hex(value),
      offlineGrantId: grant.id,
      refreshTokenHash: entry.refreshTokenHash,
      createdAt: now,
      expireAt: offlineGrantExpireAt(ctx, grant)!,
    });
  });
  return appSessionCookie(ctx, value);
}

