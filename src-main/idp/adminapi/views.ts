/**
 * The objects the schema's types resolve from: store rows tagged with their GraphQL type name
 * (graphql-js reads `__typename` to resolve the Node and Entity interfaces), plus the derived
 * values of spec admin-api.md 7.
 */
import type { IdpContext } from '../context';
import type { User } from '../store/repos/users';
import type { Identity } from '../store/repos/identities';
import type { Authenticator } from '../store/repos/authenticators';
import type { OAuthAuthorization } from '../store/repos/authorizations';
import type { RbacEntity } from '../store/repos/rbac';
import type { AuditLogEntry } from '../store/repos/audit-log';
import type { IdpSession } from '../store/repos/idp-sessions';
import type { OfflineGrant } from '../store/repos/offline-grants';
import { findClient } from '../context';
import { isFirstParty } from '../oauth/clients';
import { standardAttributeClaims } from '../user/claims';

export type UserNode = User & { __typename: 'User' };
export type IdentityNode = Identity & { __typename: 'Identity' };
export type AuthenticatorNode = Authenticator & { __typename: 'Authenticator' };
export type AuthorizationNode = OAuthAuthorization & { __typename: 'Authorization' };
export type RoleNode = RbacEntity & { __typename: 'Role' };
export type GroupNode = RbacEntity & { __typename: 'Group' };
export type AuditLogNode = AuditLogEntry & { __typename: 'AuditLog' };

export interface SessionNode {
  __typename: 'Session';
  kind: 'idp' | 'offline_grant';
  id: string;
  userId: string;
  amr: string[];
  createdAt: number;
  lastAccessAt: number;
  createdIp: string | null;
  lastAccessIp: string | null;
  userAgent: string | null;
  clientId: string | null;
  deviceInfo: Record<string, unknown> | null;
}

export const userNode = (u: User): UserNode => ({ ...u, __typename: 'User' });
export const identityNode = (i: Identity): IdentityNode => ({ ...i, __typename: 'Identity' });
export const authenticatorNode = (a: Authenticator): AuthenticatorNode => ({ ...a, __typename: 'Authenticator' });
export const authorizationNode = (a: OAuthAuthorization): AuthorizationNode => ({ ...a, __typename: 'Authorization' });
export const roleNode = (r: RbacEntity): RoleNode => ({ ...r, __typename: 'Role' });
export const groupNode = (g: RbacEntity): GroupNode => ({ ...g, __typename: 'Group' });
export const auditLogNode = (e: AuditLogEntry): AuditLogNode => ({ ...e, __typename: 'AuditLog' });

export function idpSessionNode(s: IdpSession): SessionNode {
  return { __typename: 'Session', kind: 'idp', id: s.id, userId: s.userId, amr: s.amr, createdAt: s.createdAt, lastAccessAt: s.lastAccessAt, createdIp: s.createdIp, lastAccessIp: s.lastAccessIp, userAgent: s.userAgent, clientId: null, deviceInfo: null };
}

export function offlineGrantNode(g: OfflineGrant): SessionNode {
  return {
    __typename: 'Session',
    kind: 'offline_grant',
    id: g.id,
    userId: g.userId,
    amr: g.amr,
    createdAt: g.createdAt,
    lastAccessAt: g.lastAccessAt,
    createdIp: g.createdIp,
    lastAccessIp: g.lastAccessIp,
    userAgent: g.userAgent,
    clientId: g.clientId,
    deviceInfo: g.deviceInfo,
  };
}

/** A session by ID: an IdP session or an offline grant. */
export function sessionById(ctx: IdpContext, id: string): SessionNode | undefined {
  const s = ctx.store.idpSessions.get(id);
  if (s) return idpSessionNode(s);
  const g = ctx.store.offlineGrants.get(id);
  return g ? offlineGrantNode(g) : undefined;
}

/** First-party sessions of a user, oldest first: browser sessions and first-party refresh tokens. */
export function sessionsOfUser(ctx: IdpContext, userId: string): SessionNode[] {
  const idp = ctx.store.idpSessions.listByUser(userId).map(idpSessionNode);
  const grants = ctx.store.offlineGrants
    .listByUser(userId)
    .filter((g) => {
      const c = findClient(ctx, g.clientId);
      return !c || isFirstParty(c);
    })
    .map(offlineGrantNode);
  return [...idp, ...grants].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

/** Standard attributes as the Admin API shows them: derived keys added, stored pictures as URLs. */
export function standardAttributesView(ctx: IdpContext, user: User): Record<string, unknown> {
  const attrs = standardAttributeClaims(ctx, user);
  if (typeof attrs.picture === 'string' && attrs.picture.startsWith('authgearimages:///')) {
    attrs.picture = `${ctx.issuer}/_images/${attrs.picture.slice('authgearimages:///'.length)}/profile`;
  }
  return attrs;
}

const LOGIN_ID = 'https://authgear.com/claims/login_id/';

/** Identity claims (spec 7): the standard claim plus the login ID's key, type and values. */
export function identityClaims(i: Identity): Record<string, unknown> {
  if (i.type !== 'login_id') return { ...i.claims };
  return {
    ...i.claims,
    [`${LOGIN_ID}key`]: i.loginIdKey,
    [`${LOGIN_ID}type`]: i.loginIdType,
    [`${LOGIN_ID}value`]: i.loginId,
    [`${LOGIN_ID}original_value`]: i.originalLoginId,
  };
}

export function authenticatorClaims(a: Authenticator): Record<string, unknown> {
  switch (a.type) {
    case 'totp':
      return { 'https://authgear.com/claims/totp/display_name': a.data.display_name ?? '' };
    case 'oob_otp_email':
      return { 'https://authgear.com/claims/oob_otp/email': a.data.email ?? '' };
    case 'oob_otp_sms':
      return { 'https://authgear.com/claims/oob_otp/phone': a.data.phone ?? '' };
    case 'passkey':
      return { 'https://authgear.com/claims/passkey/credential_id': a.data.credential_id ?? '' };
    default:
      return {};
  }
}

/** Keeps only `names` when given (the `claims(names:)` argument). */
export function pickClaims(claims: Record<string, unknown>, names: string[] | null | undefined): Record<string, unknown> {
  if (!names) return claims;
  return Object.fromEntries(Object.entries(claims).filter(([k]) => names.includes(k)));
}
