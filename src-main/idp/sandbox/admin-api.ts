/**
 * Console conveniences for the Admin API (console token required): mint a short-lived admin JWT
 * exactly as Authgear's portal does, and hand out the key pair so a developer can sign their own.
 */
import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { json } from '../http/types';
import { ApiError } from '../errors';
import { NO_STORE } from '../http/error-response';
import { requireConsoleToken } from './console-auth';
import { mintAdminToken, adminKeyMaterial, DEFAULT_ADMIN_TOKEN_LIFETIME, MAX_ADMIN_TOKEN_LIFETIME } from '../adminapi/token';

/**
 * `POST /_sandbox/api/admin-token` with an optional JSON body `{"lifetime_seconds": N}` (default
 * 300, at most 30 days): `{token, token_type, expires_in, expires_at, kid, app_id}`.
 */
export async function handleAdminToken(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  requireConsoleToken(ctx, req);
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const lifetime = body.lifetime_seconds ?? DEFAULT_ADMIN_TOKEN_LIFETIME;
  if (typeof lifetime !== 'number' || !Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_ADMIN_TOKEN_LIFETIME) {
    throw new ApiError('Invalid', 'ValidationFailed', `lifetime_seconds must be an integer from 1 to ${MAX_ADMIN_TOKEN_LIFETIME}`, {
      causes: [{ location: '/lifetime_seconds', kind: 'maximum', details: { maximum: MAX_ADMIN_TOKEN_LIFETIME } }],
    });
  }
  const minted = await mintAdminToken(ctx.config.secrets.adminApiKeys, ctx.config.app.id, ctx.clock.nowSec(), lifetime);
  return json(
    200,
    { token: minted.token, token_type: 'Bearer', expires_in: minted.expiresIn, expires_at: minted.expiresAt, kid: minted.kid, app_id: ctx.config.app.id, endpoint: `${ctx.issuer}/_api/admin/graphql` },
    NO_STORE,
  );
}

/** `GET /_sandbox/api/admin-api-keys`: the project ID (the `aud` to use) and each key as JWK and PEM. */
export async function handleAdminApiKeys(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  requireConsoleToken(ctx, req);
  return json(200, { app_id: ctx.config.app.id, endpoint: `${ctx.issuer}/_api/admin/graphql`, keys: await adminKeyMaterial(ctx.config.secrets.adminApiKeys) }, NO_STORE);
}
