/** Root query fields (spec admin-api.md 5.1, 6, 12.3). */
import type { AdminRequest } from '../request';
import { ApiError } from '../../errors';
import { fromGlobalId, rawIdOf } from '../node-id';
import { offsetConnection, offsetPage, type ConnectionArgs } from '../pagination';
import { userNode, identityNode, authenticatorNode, authorizationNode, roleNode, groupNode, auditLogNode, sessionById } from '../views';
import { words } from '../../user/search-terms';
import type { RbacEntity, RbacKind } from '../../store/repos/rbac';
import type { UserListQuery } from '../../store/repos/user-search';
import { loginIdKey, normalizeLoginId } from '../../user/login-ids';
import { normalizeEmail, isValidEmail, normalizeUsername, isValidUsername } from '../../user/login-id';
import { isValidE164Phone } from '../../user/phone';
import { ACTIVITY_TYPES } from '../activity-types';

type Args = Record<string, any>;

/** Resolves any node ID; null for garbage, unknown types and missing objects (a Session quirk aside). */
export function resolveNode(rc: AdminRequest, id: string): unknown {
  const r = fromGlobalId(id);
  if (!r) return null;
  const { store } = rc.ctx;
  switch (r.type) {
    case 'User': {
      const u = store.users.get(r.id);
      return u ? userNode(u) : null;
    }
    case 'Identity': {
      const i = store.identities.get(r.id);
      return i ? identityNode(i) : null;
    }
    case 'Authenticator': {
      const a = store.authenticators.get(r.id);
      return a ? authenticatorNode(a) : null;
    }
    case 'Session': {
      const s = sessionById(rc.ctx, r.id);
      // Upstream's session lookup fails with a plain error: "unexpected error".
      if (!s) throw new Error(`session not found: ${r.id}`);
      return s;
    }
    case 'Authorization': {
      const z = store.authorizations.get(r.id);
      return z ? authorizationNode(z) : null;
    }
    case 'AuditLog': {
      if (!/^[0-9a-f]{1,16}$/.test(r.id)) return null;
      const e = store.auditLog.get(Number.parseInt(r.id, 16));
      return e ? auditLogNode(e) : null;
    }
    case 'Role':
    case 'Group': {
      const kind = r.type === 'Role' ? 'role' : 'group';
      const e = store.rbac.get(kind, r.id);
      return e ? (kind === 'role' ? roleNode(e) : groupNode(e)) : null;
    }
    default:
      return null;
  }
}

/** Roles or groups whose key equals the keyword or whose name has one of its words. */
function matchingEntities(all: RbacEntity[], keyword: string, kwWords: string[]): string[] {
  const kw = keyword.toLowerCase();
  return all.filter((e) => e.key.toLowerCase() === kw || (e.name !== null && words(e.name).some((w) => kwWords.includes(w)))).map((e) => e.id);
}

function users(_: unknown, a: Args & ConnectionArgs, rc: AdminRequest) {
  const page = offsetPage(a);
  const { store } = rc.ctx;
  const q: UserListQuery = {
    sortBy: a.sortBy === 'LAST_LOGIN_AT' ? 'last_login_at' : 'created_at',
    direction: a.sortDirection === 'ASC' ? 'ASC' : 'DESC',
  };
  const keyword: string | undefined = typeof a.searchKeyword === 'string' && a.searchKeyword !== '' ? a.searchKeyword : undefined;
  if (keyword !== undefined) {
    const kwWords = words(keyword);
    q.keyword = keyword;
    q.keywordWords = kwWords;
    q.keywordRoleIds = matchingEntities(store.rbac.all('role'), keyword, kwWords);
    q.keywordGroupIds = matchingEntities(store.rbac.all('group'), keyword, kwWords);
  }
  const idsOf = (kind: RbacKind, keys: unknown) =>
    Array.isArray(keys) && keys.length ? keys.map((k) => store.rbac.getByKey(kind, String(k))?.id).filter((id): id is string => id !== undefined) : undefined;
  q.roleIds = idsOf('role', a.roleKeys);
  q.groupIds = idsOf('group', a.groupKeys);
  const ids = store.userSearch.list(q, page.limit, page.offset);
  const rows = ids.map((id) => store.users.get(id)).filter((u) => u !== undefined).map(userNode);
  return offsetConnection(rows, page, store.userSearch.count(q));
}

function invalidArgument(message: string): ApiError {
  return new ApiError('Invalid', 'GetUsersInvalidArgument', message);
}

function getUserByLoginID(_: unknown, a: Args, rc: AdminRequest) {
  const cfg = loginIdKey(rc.ctx, a.loginIDKey);
  if (!cfg) throw invalidArgument('invalid Login ID key');
  const value = normalizeLoginId(cfg, a.loginIDValue);
  if (value === undefined) throw invalidArgument('invalid Login ID value');
  const identity = rc.ctx.store.identities.findByLoginId(cfg.key, value);
  const u = identity ? rc.ctx.store.users.get(identity.userId) : undefined;
  return u ? userNode(u) : null;
}

function getUsersByStandardAttribute(_: unknown, a: Args, rc: AdminRequest) {
  const name: string = a.attributeName;
  const raw: string = a.attributeValue;
  let value: string | undefined;
  if (name === 'email') value = isValidEmail(raw) ? normalizeEmail(raw) : undefined;
  else if (name === 'phone_number') value = isValidE164Phone(raw) ? raw : undefined;
  else if (name === 'preferred_username') value = isValidUsername(raw) ? normalizeUsername(raw) : undefined;
  else throw invalidArgument('attributeName must be email, phone_number or preferred_username');
  if (value === undefined) throw invalidArgument('invalid attributeValue');
  const ids = new Set(rc.ctx.store.identities.listByClaim(name, value).map((i) => i.userId));
  return [...ids].map((id) => rc.ctx.store.users.get(id)).filter((u) => u !== undefined).map(userNode);
}

function getUserByOAuth(_: unknown, a: Args, rc: AdminRequest) {
  const providers = ((rc.ctx.config.rawApp.identity as any)?.oauth?.providers ?? []) as { alias?: string }[];
  if (!providers.some((p) => p.alias === a.oauthProviderAlias)) throw invalidArgument('invalid OAuth provider alias');
  const hit = rc.ctx.store.identities
    .listByClaim('https://authgear.com/claims/oauth/subject_id', a.oauthProviderUserID)
    .find((i) => i.type === 'oauth' && i.claims['https://authgear.com/claims/oauth/provider_alias'] === a.oauthProviderAlias);
  const u = hit ? rc.ctx.store.users.get(hit.userId) : undefined;
  return u ? userNode(u) : null;
}

/** `roles` / `groups`: substring search on key or name, by key; totalCount ignores the filters (quirk). */
function rbacList(kind: RbacKind) {
  return (_: unknown, a: Args & ConnectionArgs, rc: AdminRequest) => {
    const page = offsetPage(a);
    const type = kind === 'role' ? 'Role' : 'Group';
    const excluded = new Set(((a.excludedIDs as string[] | null) ?? []).map((id) => rawIdOf(type, id)));
    const kw = typeof a.searchKeyword === 'string' ? a.searchKeyword.toLowerCase() : '';
    const all = rc.ctx.store.rbac.all(kind);
    const matching = all.filter((e) => !excluded.has(e.id) && (!kw || e.key.toLowerCase().includes(kw) || (e.name ?? '').toLowerCase().includes(kw)));
    const rows = matching.slice(page.offset, page.offset + page.limit).map((e) => (kind === 'role' ? roleNode(e) : groupNode(e)));
    return offsetConnection(rows, page, all.length);
  };
}

function auditLogs(_: unknown, a: Args & ConnectionArgs, rc: AdminRequest) {
  const page = offsetPage(a);
  let userIds: string[] = [];
  try {
    userIds = ((a.userIDs as string[] | null) ?? []).map((id) => rawIdOf('User', id));
  } catch {
    throw new ApiError('Invalid', 'Invalid', 'invalid user IDs');
  }
  const types: string[] = a.activityTypes?.length ? a.activityTypes : ACTIVITY_TYPES;
  const recipients = [...((a.emailAddresses as string[] | null) ?? []), ...((a.phoneNumbers as string[] | null) ?? [])];
  const filter = {
    activityTypes: types,
    rangeFrom: typeof a.rangeFrom === 'number' ? a.rangeFrom : undefined,
    rangeTo: typeof a.rangeTo === 'number' ? a.rangeTo : undefined,
    userIds,
    recipients,
    direction: a.sortDirection === 'ASC' ? ('ASC' as const) : ('DESC' as const),
  };
  const rows = rc.ctx.store.auditLog.list(filter, page.limit, page.offset).map(auditLogNode);
  return offsetConnection(rows, page, rc.ctx.store.auditLog.count(filter));
}

export const QUERY_RESOLVERS = {
  users,
  node: (_: unknown, a: Args, rc: AdminRequest) => resolveNode(rc, a.id),
  nodes: (_: unknown, a: Args, rc: AdminRequest) => (a.ids as string[]).map((id) => resolveNode(rc, id)),
  getUserByLoginID,
  getUsersByStandardAttribute,
  getUserByOAuth,
  roles: rbacList('role'),
  groups: rbacList('group'),
  auditLogs,
};
