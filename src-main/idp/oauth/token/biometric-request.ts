import { isUserDisabled } from '../../user/account-status';
import type { JWK } from 'jose';
import type { IdpContext } from '../../context';
import type { OAuthClientConfig } from '../../config/types';
import type { HttpRequest } from '../../http/types';
import { OAuthError } from '../../errors';
import { allowsFullAccess } from '../clients';
import { FULL_ACCESS, parseScope, validateScopes } from '../scopes';
import { grantAuthorization } from '../authorizations';
import { consumeChallenge } from '../challenge';
import { readRequestJwt, verifyRequestJwt, publicJwk } from '../../crypto/request-jwt';
import { resolveRequestSession } from '../../session/resolve';
import { revokeOfflineGrant } from '../../session/revoke';
import { anonymousIdentityOf } from '../../user/anonymous';
import { deviceModel } from '../../user/device-info';
import { issueWithOfflineGrant } from './issue-session-tokens';
import { parseDeviceInfo } from './device-info';

export const BIOMETRIC_REQUEST_TYP = 'vnd.authgear.biometric-request';
const DEFAULT_SCOPES = ['openid', 'offline_access', FULL_ACCESS];
const invalidCredentials = () => new OAuthError('invalid_grant', 'InvalidCredentials');

/** Marks a grant whose success is a 200 with an empty body (biometric setup). */
export const EMPTY_BODY = null;

/** `grant_type=urn:authgear:params:oauth:grant-type:biometric-request` (spec 6.9): setup or authenticate. */
export async function biometricRequestGrant(ctx: IdpContext, client: OAuthClientConfig, p: Record<string, string>, req: HttpRequest): Promise<Record<string, unknown> | null> {
  if (!allowsFullAccess(client)) throw new OAuthError('unauthorized_client', 'this client may not use biometric authentication');
  let action: unknown;
  try {
    action = JSON.parse(Buffer.from(p.jwt.split('.')[1] ?? '', 'base64url').toString('utf8')).action;
  } catch {
    throw new OAuthError('invalid_request', 'invalid JWT');
  }
  if (action === 'setup') return setup(ctx, p, req);
  if (action === 'authenticate') return authenticate(ctx, client, p, req);
  throw new OAuthError('invalid_request', `invalid action: ${typeof action === 'string' ? action : String(action)}`);
}

function enabled(ctx: IdpContext): void {
  if (!ctx.config.app.authentication.identities.includes('biometric')) throw new OAuthError('unauthorized_client', 'BiometricDisallowed');
}

/** Setup: the signed-in user (Bearer) adds a biometric identity holding the device's public key. */
async function setup(ctx: IdpContext, p: Record<string, string>, req: HttpRequest): Promise<null> {
  const session = await resolveRequestSession(ctx, { authorization: req.headers.authorization, cookies: req.cookies, ip: req.ip });
  if (session.state !== 'valid') throw new OAuthError('invalid_grant', 'biometric setup requires authenticated user', 401);
  enabled(ctx);
  const now = ctx.clock.nowSec();
  const r = readRequestJwt(p.jwt, BIOMETRIC_REQUEST_TYP, now);
  if (!r || !consumeChallenge(ctx, r.payload.challenge, 'biometric_request')) throw invalidCredentials();
  const deviceInfo = r.payload.device_info as Record<string, unknown> | undefined;
  if (!r.jwk || !deviceModel(deviceInfo) || !(await verifyRequestJwt(p.jwt, r.jwk, now))) throw invalidCredentials();
  if (anonymousIdentityOf(ctx, session.user.id)) throw new OAuthError('unauthorized_client', 'AnonymousUserAddIdentity');
  if (ctx.store.identityKeys.findByKeyId('biometric', r.keyId)) throw new OAuthError('invalid_request', 'identity already exists');
  const at = ctx.clock.nowMs();
  const userId = session.user.id;
  await ctx.store.db.write(() => {
    const identityId = ctx.random.uuid();
    ctx.store.identities.insert({ id: identityId, userId, type: 'biometric', loginIdKey: null, loginIdType: null, loginId: null, originalLoginId: null, claims: {}, createdAt: at, updatedAt: at });
    ctx.store.identityKeys.insert({ identityId, type: 'biometric', keyId: r.keyId, jwk: publicJwk(r.jwk!) as Record<string, unknown>, deviceInfo: deviceInfo ?? null });
  });
  return EMPTY_BODY;
}

/** Authenticate: a JWT signed by a registered device key signs its user in (amr x_biometric). */
async function authenticate(ctx: IdpContext, client: OAuthClientConfig, p: Record<string, string>, req: HttpRequest): Promise<Record<string, unknown>> {
  const deviceInfo = parseDeviceInfo(p.x_device_info);
  enabled(ctx);
  const now = ctx.clock.nowSec();
  const r = readRequestJwt(p.jwt, BIOMETRIC_REQUEST_TYP, now);
  if (!r || !consumeChallenge(ctx, r.payload.challenge, 'biometric_request')) throw invalidCredentials();
  const key = ctx.store.identityKeys.findByKeyId('biometric', r.keyId);
  const identity = key && ctx.store.identities.get(key.identityId);
  if (!key?.jwk || !identity || !(await verifyRequestJwt(p.jwt, key.jwk as JWK, now))) throw invalidCredentials();
  const user = ctx.store.users.get(identity.userId);
  if (!user) throw invalidCredentials();
  if (isUserDisabled(ctx.store, user, ctx.clock.nowMs())) throw new OAuthError('invalid_request', 'user is disabled');

  let scopes = DEFAULT_SCOPES;
  const requested = parseScope(p.scope);
  if (requested.length) {
    validateScopes(client, requested);
    scopes = requested;
  }
  if (!scopes.includes('offline_access') || !scopes.includes(FULL_ACCESS)) throw new OAuthError('invalid_scope', 'offline_access and full-access must be requested');
  const authz = await ctx.store.db.write(() => {
    // A new biometric sign-in replaces the grants of the same biometric identity.
    for (const g of ctx.store.offlineGrants.listByIdentity(identity.id)) revokeOfflineGrant(ctx, g.id);
    return grantAuthorization(ctx, client.client_id, user.id, scopes);
  });
  const issued = await issueWithOfflineGrant(ctx, {
    client,
    user,
    scopes,
    authorizationId: authz.id,
    authenticatedAt: ctx.clock.nowMs(),
    amr: ['x_biometric'],
    idpSessionId: null,
    ssoEnabled: false,
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
    returnRefreshToken: true,
    deviceInfo,
    identityId: identity.id,
  });
  return issued.body;
}
