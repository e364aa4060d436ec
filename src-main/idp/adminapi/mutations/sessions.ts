/** Session and authorization mutations (spec admin-api.md 8.4). */
import type { AdminRequest } from '../request';
import { ApiError } from '../../errors';
import { findClient } from '../../context';
import { rawIdOf } from '../node-id';
import { sessionById, type SessionNode } from '../views';
import { isFirstParty } from '../../oauth/clients';
import { prepareAccessToken, newRefreshToken } from '../../oauth/tokens';
import { revokeIdpSession, revokeOfflineGrant } from '../../session/revoke';
import { sessionModel } from '../../audit/record';
import { requireUser, reloadUser, mutationExecuted, adminEvent, currentUserModel, terminateAllSessions } from './common';

type Args = { input: Record<string, any> };

const CREATE_SESSION_SCOPES = ['openid', 'offline_access', 'https://authgear.com/scopes/full-access'];

function modelOf(rc: AdminRequest, s: SessionNode): Record<string, unknown> {
  if (s.kind === 'idp') return sessionModel({ kind: 'idp', session: rc.ctx.store.idpSessions.get(s.id)! });
  return sessionModel({ kind: 'offline_grant', session: rc.ctx.store.offlineGrants.get(s.id)! });
}

function revokeSession(_: unknown, { input }: Args, rc: AdminRequest) {
  const s = sessionById(rc.ctx, rawIdOf('Session', input.sessionID));
  // Upstream's lookup fails with a plain error here: "unexpected error".
  if (!s) throw new Error('session not found');
  const model = modelOf(rc, s);
  if (s.kind === 'idp') revokeIdpSession(rc.ctx, s.id);
  else revokeOfflineGrant(rc.ctx, s.id);
  adminEvent(rc, 'user.session.terminated', { user: currentUserModel(rc, s.userId), sessions: [model], termination_type: 'specific' }, s.userId);
  mutationExecuted(rc, 'revoke_session', { user: currentUserModel(rc, s.userId), session: model }, s.userId);
  return { user: reloadUser(rc, s.userId) };
}

function revokeAllSessions(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  const ended = terminateAllSessions(rc, user.id);
  if (ended.length) adminEvent(rc, 'user.session.terminated', { user: currentUserModel(rc, user.id), sessions: ended, termination_type: 'all' }, user.id);
  mutationExecuted(rc, 'revoke_all_sessions', { user: currentUserModel(rc, user.id) }, user.id);
  return { user: reloadUser(rc, user.id) };
}

function parseDeviceInfo(raw: unknown): Record<string, unknown> | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  const invalid = new ApiError('Invalid', 'Invalid', 'invalid device info');
  if (typeof raw !== 'string' || !/^[A-Za-z0-9_-]*={0,2}$/.test(raw)) throw invalid;
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid;
    return v;
  } catch {
    throw invalid;
  }
}

/** Tokens for a user without a login (an offline grant of a first-party client). Enabled in the sandbox. */
function createSession(_: unknown, { input }: Args, rc: AdminRequest) {
  const { ctx } = rc;
  const user = requireUser(rc, input.userID);
  const client = findClient(ctx, input.clientID);
  if (!client) throw new ApiError('Invalid', 'Invalid', 'invalid client ID');
  if (!isFirstParty(client)) throw new ApiError('Forbidden', 'Forbidden', 'cannot create session for non-first party client');
  const deviceInfo = parseDeviceInfo(input.deviceInfo);
  // Signing is async: done once before the (re)run, with the IDs it needs fixed then.
  const prepared = rc.prepared.get(rc.prepared.nextKey('create-session'), async () => {
    const grantId = ctx.random.uuid();
    const rt = newRefreshToken(ctx, grantId);
    const authorizationId = ctx.store.authorizations.find(client.client_id, user.id)?.id ?? ctx.random.uuid();
    const now = ctx.clock.nowMs();
    const at = await prepareAccessToken(ctx, client, user, { kind: 'offline_grant', id: grantId, authenticatedAt: now, amr: [], refreshTokenHash: rt.hash }, CREATE_SESSION_SCOPES, authorizationId);
    return { grantId, rt, authorizationId, at, now };
  });
  const { grantId, rt, authorizationId, at, now } = prepared;
  const { store } = ctx;
  if (!store.authorizations.get(authorizationId)) {
    store.authorizations.insert({ id: authorizationId, clientId: client.client_id, userId: user.id, scopes: CREATE_SESSION_SCOPES, createdAt: now, updatedAt: now });
  }
  store.offlineGrants.insert({
    id: grantId,
    userId: user.id,
    clientId: client.client_id,
    idpSessionId: null,
    ssoEnabled: false,
    amr: [],
    createdAt: now,
    authenticatedAt: now,
    lastAccessAt: now,
    createdIp: rc.req.ip,
    lastAccessIp: rc.req.ip,
    userAgent: rc.req.headers['user-agent'] ?? null,
    deviceInfo: deviceInfo ?? null,
  });
  store.offlineGrants.insertRefreshToken({ grantId, initialHash: rt.hash, currentHash: rt.hash, clientId: client.client_id, scopes: CREATE_SESSION_SCOPES, authorizationId, createdAt: now, lastAccessAt: now });
  store.accessGrants.insert(at.grant);
  const session = sessionModel({ kind: 'offline_grant', session: store.offlineGrants.get(grantId)! });
  adminEvent(rc, 'user.authenticated', { user: currentUserModel(rc, user.id), session }, user.id);
  mutationExecuted(rc, 'create_session', { user: currentUserModel(rc, user.id), session }, user.id);
  return { accessToken: at.token, refreshToken: rt.token, tokenType: 'Bearer', expiresIn: at.expiresIn };
}

/** Withdraws a third-party app's consent; its refresh tokens die with it. */
function deleteAuthorization(_: unknown, { input }: Args, rc: AdminRequest) {
  const { store } = rc.ctx;
  const z = store.authorizations.get(rawIdOf('Authorization', input.authorizationID));
  if (!z) throw new ApiError('NotFound', 'AuthorizationNotFound', 'authorization not found');
  for (const g of store.offlineGrants.listByClientUser(z.clientId, z.userId)) revokeOfflineGrant(rc.ctx, g.id);
  store.authorizations.delete(z.id);
  mutationExecuted(rc, 'delete_authorization', { authorization: { id: z.id, app_id: rc.ctx.config.app.id, client_id: z.clientId, user_id: z.userId, scopes: z.scopes } }, z.userId);
  return { user: reloadUser(rc, z.userId) };
}

export const SESSION_MUTATIONS = { revokeSession, revokeAllSessions, createSession, deleteAuthorization };
