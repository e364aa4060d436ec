import type { IdpContext } from '../context';
import type { OAuthClientConfig } from '../config/types';
import type { User } from '../store/repos/users';
import type { AccessGrant, SessionKind } from '../store/repos/access-grants';
import { sha256Hex } from '../random';
import { userStatusClaims, standardAttributeClaims } from '../user/claims';
import { allowsPiiInTokens } from './clients';
import { encodeSid } from './sid';

export const ID_TOKEN_LIFETIME = 300;

export interface SessionRef {
  kind: SessionKind;
  id: string;
  authenticatedAt: number;
  amr: string[];
  /** For offline grants: the refresh token the access token belongs to. */
  refreshTokenHash?: string | null;
}

export interface PreparedAccessToken {
  token: string;
  expiresIn: number;
  grant: AccessGrant;
}

/**
 * Makes an access token (JWT when the client issues them, else opaque) and the access grant
 * behind it. Insert `grant` inside the same write that issues the token.
 */
export async function prepareAccessToken(
  ctx: IdpContext,
  client: OAuthClientConfig,
  user: User,
  session: SessionRef,
  scopes: string[],
  authorizationId: string,
): Promise<PreparedAccessToken> {
  const opaque = ctx.random.token();
  const hash = sha256Hex(opaque);
  const iat = ctx.clock.nowSec();
  const lifetime = client.access_token_lifetime_seconds;
  const grant: AccessGrant = {
    tokenHash: hash,
    clientId: client.client_id,
    userId: user.id,
    sessionKind: session.kind,
    sessionId: session.id,
    refreshTokenHash: session.refreshTokenHash ?? null,
    authorizationId,
    scopes,
    createdAt: iat * 1000,
    expireAt: (iat + lifetime) * 1000,
  };
  if (!client.issue_jwt_access_token) return { token: opaque, expiresIn: lifetime, grant };
  const payload: Record<string, unknown> = {
    iss: ctx.issuer,
    aud: [ctx.issuer],
    sub: user.id,
    client_id: client.client_id,
    scope: scopes.join(' '),
    iat,
    exp: iat + lifetime,
    auth_time: Math.floor(session.authenticatedAt / 1000),
    ...(session.amr.length ? { amr: session.amr } : {}),
    jti: hash,
    ...userStatusClaims(ctx, user),
    ...(allowsPiiInTokens(client) ? standardAttributeClaims(ctx, user, scopes) : {}),
  };
  return { token: await ctx.keys.sign(payload, 'at+jwt'), expiresIn: lifetime, grant };
}

export async function makeIdToken(
  ctx: IdpContext,
  client: OAuthClientConfig,
  user: User,
  session: SessionRef,
  scopes: string[],
  nonce?: string,
): Promise<string> {
  const iat = ctx.clock.nowSec();
  const payload: Record<string, unknown> = {
    iss: ctx.issuer,
    aud: [client.client_id],
    iat,
    exp: iat + ID_TOKEN_LIFETIME,
    auth_time: Math.floor(session.authenticatedAt / 1000),
    sid: encodeSid(session.kind, session.id),
    ...(session.amr.length ? { amr: session.amr } : {}),
    ...(nonce ? { nonce } : {}),
    sub: user.id,
    ...userStatusClaims(ctx, user),
    ...(allowsPiiInTokens(client) ? standardAttributeClaims(ctx, user, scopes) : {}),
  };
  return ctx.keys.sign(payload, 'JWT');
}

/** A new refresh token value for an offline grant: `<grant id>.<32 chars>`. */
export function newRefreshToken(ctx: IdpContext, grantId: string): { token: string; hash: string } {
  const token = `${grantId}.${ctx.random.token()}`;
  return { token, hash: sha256Hex(token) };
}
