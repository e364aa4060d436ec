/**
 * Field resolvers of the object types (spec admin-api.md 7). Parents are the tagged rows of
 * views.ts; every list connection here is an in-memory array connection except `Role.users` and
 * `Group.users`, which are database-paged.
 */
import type { AdminRequest } from '../request';
import type { AccountState } from '../../user/account-status';
import { accountStateOf, isDisabledAt } from '../../user/account-status';
import { toGlobalId } from '../node-id';
import { arrayConnection, offsetConnection, offsetPage, type ConnectionArgs } from '../pagination';
import { findClient } from '../../context';
import {
  type UserNode,
  type IdentityNode,
  type AuthenticatorNode,
  type SessionNode,
  type AuthorizationNode,
  type RoleNode,
  type GroupNode,
  type AuditLogNode,
  identityNode,
  authenticatorNode,
  authorizationNode,
  roleNode,
  groupNode,
  userNode,
  sessionsOfUser,
  standardAttributesView,
  identityClaims,
  authenticatorClaims,
  pickClaims,
} from '../views';
import { formattedName } from '../../user/formatted-name';
import { isFirstParty } from '../../oauth/clients';

type Resolver<P> = (parent: P, args: any, rc: AdminRequest) => unknown;
export type TypeResolvers = Record<string, Record<string, Resolver<any>>>;

const upper = (s: string) => s.toUpperCase();

/** Account state per user object, computed once per request. */
const states = new WeakMap<object, AccountState>();
function stateOf(u: UserNode, rc: AdminRequest): AccountState {
  let s = states.get(u);
  if (!s) {
    s = accountStateOf(rc.ctx.store, u);
    states.set(u, s);
  }
  return s;
}

const identitiesOf = (u: UserNode, rc: AdminRequest) => rc.ctx.store.identities.listByUser(u.id).map(identityNode);
const authenticatorsOf = (u: UserNode, rc: AdminRequest) => rc.ctx.store.authenticators.listByUser(u.id).map(authenticatorNode);
const authenticatorsWhere = (u: UserNode, rc: AdminRequest, type: string, kind: string) => authenticatorsOf(u, rc).filter((a) => a.type === type && a.kind === kind);

function accountLockout(u: UserNode, rc: AdminRequest) {
  const cfg = rc.ctx.config.app.authentication.lockout;
  const locks = rc.ctx.ephemeral.lockout.locksOf(rc.ctx, u.id);
  const lockoutType = cfg?.lockout_type ?? 'per_user';
  if (lockoutType === 'per_user_per_ip') {
    const ips = locks.filter((l) => l.ip !== null).sort((a, b) => b.until - a.until);
    return { lockoutType, isLocked: ips.length > 0, lockedUntil: null, lockedIPs: ips.map((l) => ({ ipAddress: l.ip, lockedUntil: l.until })) };
  }
  const lock = locks.find((l) => l.ip === null);
  return { lockoutType, isLocked: Boolean(lock), lockedUntil: lock?.until ?? null, lockedIPs: [] };
}

const User: Record<string, Resolver<UserNode>> = {
  id: (u) => toGlobalId('User', u.id),
  createdAt: (u) => u.createdAt,
  updatedAt: (u) => u.updatedAt,
  lastLoginAt: (u) => u.lastLoginAt,
  standardAttributes: (u, _a, rc) => standardAttributesView(rc.ctx, u),
  customAttributes: (u) => u.customAttributes,
  formattedName: (u) => formattedName(u.standardAttributes),
  endUserAccountID: (u) => {
    const a = u.standardAttributes;
    for (const k of ['email', 'preferred_username', 'phone_number']) if (typeof a[k] === 'string' && a[k] !== '') return a[k];
    return null;
  },
  isAnonymous: (u, _a, rc) => rc.ctx.store.identities.listByUser(u.id).some((i) => i.type === 'anonymous'),
  isDisabled: (u, _a, rc) => isDisabledAt(stateOf(u, rc), rc.ctx.clock.nowMs()),
  disableReason: (u, _a, rc) => stateOf(u, rc).disableReason,
  isDeactivated: (u, _a, rc) => stateOf(u, rc).isDeactivated,
  deleteAt: (u, _a, rc) => stateOf(u, rc).deleteAt,
  deleteReason: (u, _a, rc) => stateOf(u, rc).deleteReason,
  anonymizeAt: (u, _a, rc) => stateOf(u, rc).anonymizeAt,
  isAnonymized: (u, _a, rc) => stateOf(u, rc).isAnonymized,
  temporarilyDisabledFrom: (u, _a, rc) => stateOf(u, rc).temporarilyDisabledFrom,
  temporarilyDisabledUntil: (u, _a, rc) => stateOf(u, rc).temporarilyDisabledUntil,
  accountValidFrom: (u, _a, rc) => stateOf(u, rc).accountValidFrom,
  accountValidUntil: (u, _a, rc) => stateOf(u, rc).accountValidUntil,
  mfaGracePeriodEndAt: (u, _a, rc) => stateOf(u, rc).mfaGracePeriodEndAt,
  web3: () => ({}),
  verifiedClaims: (u, _a, rc) => rc.ctx.store.verifiedClaims.listByUser(u.id).map((c) => ({ name: c.name, value: c.value })),
  identities: (u, a: ConnectionArgs & { identityType?: string }, rc) =>
    arrayConnection(
      identitiesOf(u, rc).filter((i) => !a.identityType || upper(i.type) === a.identityType),
      a,
    ),
  loginIDs: (u, _a, rc) => identitiesOf(u, rc).filter((i) => i.type === 'login_id'),
  oauthConnections: (u, _a, rc) => identitiesOf(u, rc).filter((i) => i.type === 'oauth'),
  biometricRegistrations: (u, _a, rc) => identitiesOf(u, rc).filter((i) => i.type === 'biometric'),
  passkeys: (u, _a, rc) => identitiesOf(u, rc).filter((i) => i.type === 'passkey'),
  authenticators: (u, a: ConnectionArgs & { authenticatorType?: string; authenticatorKind?: string }, rc) =>
    arrayConnection(
      authenticatorsOf(u, rc).filter((x) => (!a.authenticatorType || upper(x.type) === a.authenticatorType) && (!a.authenticatorKind || upper(x.kind) === a.authenticatorKind)),
      a,
    ),
  primaryPassword: (u, _a, rc) => authenticatorsWhere(u, rc, 'password', 'primary')[0] ?? null,
  primaryOOBOTPEmailAuthenticator: (u, _a, rc) => authenticatorsWhere(u, rc, 'oob_otp_email', 'primary')[0] ?? null,
  primaryOOBOTPSMSAuthenticator: (u, _a, rc) => authenticatorsWhere(u, rc, 'oob_otp_sms', 'primary')[0] ?? null,
  secondaryPassword: (u, _a, rc) => authenticatorsWhere(u, rc, 'password', 'secondary')[0] ?? null,
  secondaryTOTPAuthenticators: (u, _a, rc) => authenticatorsWhere(u, rc, 'totp', 'secondary'),
  secondaryOOBOTPEmailAuthenticators: (u, _a, rc) => authenticatorsWhere(u, rc, 'oob_otp_email', 'secondary'),
  secondaryOOBOTPSMSAuthenticators: (u, _a, rc) => authenticatorsWhere(u, rc, 'oob_otp_sms', 'secondary'),
  sessions: (u, a: ConnectionArgs, rc) => arrayConnection(sessionsOfUser(rc.ctx, u.id), a),
  authorizations: (u, a: ConnectionArgs, rc) =>
    arrayConnection(
      rc.ctx.store.authorizations
        .listByUser(u.id)
        .filter((z) => {
          const c = findClient(rc.ctx, z.clientId);
          return c !== undefined && !isFirstParty(c);
        })
        .map(authorizationNode),
      a,
    ),
  roles: (u, a: ConnectionArgs, rc) => arrayConnection(rc.ctx.store.rbac.rolesOfUser(u.id).map(roleNode), a),
  groups: (u, a: ConnectionArgs, rc) => arrayConnection(rc.ctx.store.rbac.groupsOfUser(u.id).map(groupNode), a),
  effectiveRoles: (u, a: ConnectionArgs, rc) => arrayConnection(rc.ctx.store.rbac.effectiveRolesOfUser(u.id).map(roleNode), a),
  accountLockout,
};

const Identity: Record<string, Resolver<IdentityNode>> = {
  id: (i) => toGlobalId('Identity', i.id),
  type: (i) => upper(i.type),
  claims: (i, a: { names?: string[] }) => pickClaims(identityClaims(i), a.names),
  createdAt: (i) => i.createdAt,
  updatedAt: (i) => i.updatedAt,
};

const Authenticator: Record<string, Resolver<AuthenticatorNode>> = {
  id: (x) => toGlobalId('Authenticator', x.id),
  type: (x) => upper(x.type),
  kind: (x) => upper(x.kind),
  isDefault: (x) => x.isDefault,
  expireAfter: (x) => (x.type === 'password' && typeof x.data.expire_after === 'number' ? x.data.expire_after : null),
  claims: (x, a: { names?: string[] }) => pickClaims(authenticatorClaims(x), a.names),
  createdAt: (x) => x.createdAt,
  updatedAt: (x) => x.updatedAt,
};

function applicationName(s: SessionNode, rc: AdminRequest): string | null {
  if (!s.clientId) return null;
  const c = findClient(rc.ctx, s.clientId);
  return c ? (c.client_name ?? c.name) : null;
}

/** What a person would call the device: the device name an app sent, else the browser's user agent. */
function displayName(s: SessionNode, rc: AdminRequest): string {
  const info = s.deviceInfo as { ios?: { uname?: { machine?: string } }; android?: { Build?: { MODEL?: string } } } | null;
  const device = info?.ios?.uname?.machine ?? info?.android?.Build?.MODEL;
  const app = applicationName(s, rc);
  if (device) return app ? `${device}, ${app}` : device;
  return s.userAgent ?? app ?? '';
}

const Session: Record<string, Resolver<SessionNode>> = {
  id: (s) => toGlobalId('Session', s.id),
  type: (s) => (s.kind === 'idp' ? 'IDP' : 'OFFLINE_GRANT'),
  amr: (s) => s.amr,
  acr: () => null,
  clientID: (s) => s.clientId,
  applicationName: (s, _a, rc) => applicationName(s, rc),
  displayName: (s, _a, rc) => displayName(s, rc),
  userAgent: (s) => s.userAgent,
  createdAt: (s) => s.createdAt,
  updatedAt: (s) => s.lastAccessAt,
  createdByIP: (s) => s.createdIp ?? '',
  lastAccessedAt: (s) => s.lastAccessAt,
  lastAccessedByIP: (s) => s.lastAccessIp ?? '',
  lastAccessedByIPCountryCode: () => '',
  lastAccessedByIPEnglishCountryName: () => '',
};

const Authorization: Record<string, Resolver<AuthorizationNode>> = {
  id: (z) => toGlobalId('Authorization', z.id),
  clientID: (z) => z.clientId,
  scopes: (z) => z.scopes,
  createdAt: (z) => z.createdAt,
  updatedAt: (z) => z.updatedAt,
};

function membersConnection(kind: 'role' | 'group', id: string, args: ConnectionArgs, rc: AdminRequest) {
  const page = offsetPage(args);
  const ids = rc.ctx.store.rbac.userIdsOf(kind, id, page.limit, page.offset);
  const users = ids.map((uid) => rc.ctx.store.users.get(uid)).filter((u) => u !== undefined).map(userNode);
  return offsetConnection(users, page, rc.ctx.store.rbac.countUsersOf(kind, id));
}

const Role: Record<string, Resolver<RoleNode>> = {
  id: (r) => toGlobalId('Role', r.id),
  key: (r) => r.key,
  name: (r) => r.name,
  description: (r) => r.description,
  createdAt: (r) => r.createdAt,
  updatedAt: (r) => r.updatedAt,
  users: (r, a: ConnectionArgs, rc) => membersConnection('role', r.id, a, rc),
  groups: (r, a: ConnectionArgs, rc) => arrayConnection(rc.ctx.store.rbac.groupsOfRole(r.id).map(groupNode), a),
};

const Group: Record<string, Resolver<GroupNode>> = {
  id: (g) => toGlobalId('Group', g.id),
  key: (g) => g.key,
  name: (g) => g.name,
  description: (g) => g.description,
  createdAt: (g) => g.createdAt,
  updatedAt: (g) => g.updatedAt,
  users: (g, a: ConnectionArgs, rc) => membersConnection('group', g.id, a, rc),
  roles: (g, a: ConnectionArgs, rc) => arrayConnection(rc.ctx.store.rbac.rolesOfGroup(g.id).map(roleNode), a),
};

/** Audit entries are named by their sequence number as 16 lower-case hex digits. */
export function auditLogRawId(seq: number): string {
  return seq.toString(16).padStart(16, '0');
}

const AuditLog: Record<string, Resolver<AuditLogNode>> = {
  id: (e) => toGlobalId('AuditLog', auditLogRawId(e.seq)),
  createdAt: (e) => e.createdAt,
  activityType: (e) => e.activityType,
  user: (e, _a, rc) => {
    const u = e.userId ? rc.ctx.store.users.get(e.userId) : undefined;
    return u ? userNode(u) : null;
  },
  ipAddress: (e) => e.ipAddress,
  userAgent: (e) => e.userAgent,
  clientID: (e) => e.clientId,
  data: (e) => ({ id: e.eventId, seq: e.seq, ...e.data }),
};

export const TYPE_RESOLVERS: TypeResolvers = { User, Identity, Authenticator, Session, Authorization, Role, Group, AuditLog };
