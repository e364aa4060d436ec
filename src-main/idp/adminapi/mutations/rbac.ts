/** Roles and groups (spec admin-api.md 8.5): CRUD and the association mutations, all idempotent. */
import type { AdminRequest } from '../request';
import type { RbacEntity, RbacKind } from '../../store/repos/rbac';
import { ApiError } from '../../errors';
import { rawIdOf } from '../node-id';
import { roleNode, groupNode } from '../views';
import { rfc3339 } from '../../user/claims';
import { requireUser, reloadUser, mutationExecuted } from './common';

type Args = { input: Record<string, any> };

const KEY = /^[a-zA-Z_][a-zA-Z0-9:_]*$/;

function checkKey(key: string): void {
  const causes: unknown[] = [];
  if (key.length < 1) causes.push({ location: '/key', kind: 'minLength', details: { expected: 1, actual: key.length } });
  if (key.length > 40) causes.push({ location: '/key', kind: 'maxLength', details: { expected: 40, actual: key.length } });
  if (key.length && !KEY.test(key)) causes.push({ location: '/key', kind: 'pattern', details: { pattern: KEY.source } });
  if (key.startsWith('authgear:')) causes.push({ location: '/key', kind: 'format', details: { format: 'x_role_group_key', error: 'key is reserved' } });
  if (causes.length) throw new ApiError('Invalid', 'ValidationFailed', 'invalid value', { causes });
}

const label = (kind: RbacKind) => (kind === 'role' ? 'Role' : 'Group');
const notFound = (kind: RbacKind) => new ApiError('NotFound', `${label(kind)}NotFound`, `${kind} not found`);
const duplicate = (kind: RbacKind) => new ApiError('BadRequest', `${label(kind)}DuplicateKey`, `duplicate ${kind} key`);
const node = (kind: RbacKind, e: RbacEntity) => (kind === 'role' ? roleNode(e) : groupNode(e));

export function rbacModel(e: RbacEntity): Record<string, unknown> {
  return { id: e.id, created_at: rfc3339(e.createdAt), updated_at: rfc3339(e.updatedAt), key: e.key, name: e.name, description: e.description };
}

const emptyToNull = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

function create(kind: RbacKind) {
  return (_: unknown, { input }: Args, rc: AdminRequest) => {
    const key = String(input.key);
    checkKey(key);
    if (rc.ctx.store.rbac.getByKey(kind, key)) throw duplicate(kind);
    const now = rc.ctx.clock.nowMs();
    const e: RbacEntity = { id: rc.ctx.random.uuid(), key, name: emptyToNull(input.name), description: emptyToNull(input.description), createdAt: now, updatedAt: now };
    rc.ctx.store.rbac.insert(kind, e);
    mutationExecuted(rc, `create_${kind}`, { [kind]: rbacModel(e) });
    return { [kind]: node(kind, e) };
  };
}

function requireEntity(rc: AdminRequest, kind: RbacKind, nodeId: string): RbacEntity {
  const e = rc.ctx.store.rbac.get(kind, rawIdOf(label(kind), nodeId));
  if (!e) throw notFound(kind);
  return e;
}

function update(kind: RbacKind) {
  return (_: unknown, { input }: Args, rc: AdminRequest) => {
    const old = requireEntity(rc, kind, input.id);
    const next: RbacEntity = { ...old, updatedAt: rc.ctx.clock.nowMs() };
    if (input.key != null) {
      checkKey(input.key);
      const clash = rc.ctx.store.rbac.getByKey(kind, input.key);
      if (clash && clash.id !== old.id) throw duplicate(kind);
      next.key = input.key;
    }
    // null keeps, "" clears.
    if (input.name != null) next.name = emptyToNull(input.name);
    if (input.description != null) next.description = emptyToNull(input.description);
    rc.ctx.store.rbac.update(kind, next);
    mutationExecuted(rc, `update_${kind}`, { [`original_${kind}`]: rbacModel(old), [`new_${kind}`]: rbacModel(next) });
    return { [kind]: node(kind, next) };
  };
}

function remove(kind: RbacKind) {
  return (_: unknown, { input }: Args, rc: AdminRequest) => {
    const e = requireEntity(rc, kind, input.id);
    const { rbac } = rc.ctx.store;
    const userIds = rbac.userIdsOf(kind, e.id, -1, 0);
    const linked = (kind === 'role' ? rbac.groupsOfRole(e.id) : rbac.rolesOfGroup(e.id)).map((x) => x.id);
    rbac.delete(kind, e.id);
    const other = kind === 'role' ? 'group' : 'role';
    mutationExecuted(rc, `delete_${kind}`, { [kind]: rbacModel(e), [`${kind}_${other}_ids`]: linked, [`${kind}_user_ids`]: userIds });
    return { ok: true };
  };
}

function requireByKey(rc: AdminRequest, kind: RbacKind, key: string): RbacEntity {
  const e = rc.ctx.store.rbac.getByKey(kind, String(key));
  if (!e) throw notFound(kind);
  return e;
}

/** Entities for keys; unknown ones are reported with `reason` (GroupUnknownKeys doubles for roles upstream). */
/** The lists the schema leaves nullable are required all the same (upstream fails without them). */
function requiredList(v: unknown, name: string): unknown[] {
  if (!Array.isArray(v)) throw new ApiError('Invalid', 'Invalid', `${name} is required`);
  return v;
}

function byKeys(rc: AdminRequest, kind: RbacKind, keys: unknown, reason: 'RoleUnknownKeys' | 'GroupUnknownKeys'): RbacEntity[] {
  const list = requiredList(keys, `${kind}Keys`).map(String);
  const found = list.map((k) => rc.ctx.store.rbac.getByKey(kind, k));
  const missing = list.filter((_, i) => !found[i]);
  if (missing.length) throw new ApiError('NotFound', reason, `unknown ${kind} keys`, { keys: missing });
  return found as RbacEntity[];
}

function usersByIds(rc: AdminRequest, ids: unknown): string[] {
  const raw = requiredList(ids, 'userIDs').map((id) => rawIdOf('User', String(id)));
  const missing = raw.filter((id) => !rc.ctx.store.users.get(id));
  if (missing.length) throw new ApiError('NotFound', 'UserUnknownKeys', 'unknown user ids', { ids: missing });
  return raw;
}

/** addRoleToUsers / removeRoleFromUsers / addGroupToUsers / removeGroupFromUsers. */
function entityToUsers(kind: RbacKind, add: boolean) {
  return (_: unknown, { input }: Args, rc: AdminRequest) => {
    const key = kind === 'role' ? input.roleKey : input.groupKey;
    const e = requireByKey(rc, kind, key);
    const userIds = usersByIds(rc, input.userIDs);
    const now = rc.ctx.clock.nowMs();
    for (const id of userIds) {
      if (add) rc.ctx.store.rbac.linkUser(kind, id, e.id, now);
      else rc.ctx.store.rbac.unlinkUser(kind, id, e.id);
    }
    const name = `${add ? 'add' : 'remove'}_${kind}_${add ? 'to' : 'from'}_users`;
    mutationExecuted(rc, name, kind === 'role' ? { user_ids: userIds, role_key: e.key } : { user_ids: userIds, group_id: e.id });
    return { [kind]: node(kind, e) };
  };
}

/** addUserToRoles / removeUserFromRoles / addUserToGroups / removeUserFromGroups. */
function userToEntities(kind: RbacKind, add: boolean) {
  return (_: unknown, { input }: Args, rc: AdminRequest) => {
    const user = requireUser(rc, input.userID);
    const entities = byKeys(rc, kind, kind === 'role' ? input.roleKeys : input.groupKeys, kind === 'role' ? 'RoleUnknownKeys' : 'GroupUnknownKeys');
    const now = rc.ctx.clock.nowMs();
    for (const e of entities) {
      if (add) rc.ctx.store.rbac.linkUser(kind, user.id, e.id, now);
      else rc.ctx.store.rbac.unlinkUser(kind, user.id, e.id);
    }
    const name = `${add ? 'add' : 'remove'}_user_${add ? 'to' : 'from'}_${kind}s`;
    mutationExecuted(rc, name, { user_id: user.id, [`${kind}_ids`]: entities.map((e) => e.id) }, user.id);
    return { user: reloadUser(rc, user.id) };
  };
}

/** addRoleToGroups / removeRoleFromGroups. */
function roleToGroups(add: boolean) {
  return (_: unknown, { input }: Args, rc: AdminRequest) => {
    const role = requireByKey(rc, 'role', input.roleKey);
    const groups = byKeys(rc, 'group', input.groupKeys, 'GroupUnknownKeys');
    const now = rc.ctx.clock.nowMs();
    for (const g of groups) {
      if (add) rc.ctx.store.rbac.linkGroupRole(g.id, role.id, now);
      else rc.ctx.store.rbac.unlinkGroupRole(g.id, role.id);
    }
    mutationExecuted(rc, add ? 'add_role_to_groups' : 'remove_role_from_groups', { role_id: role.id, group_ids: groups.map((g) => g.id) });
    return { role: roleNode(role) };
  };
}

/** addGroupToRoles / removeGroupFromRoles (unknown role keys are GroupUnknownKeys, as upstream). */
function groupToRoles(add: boolean) {
  return (_: unknown, { input }: Args, rc: AdminRequest) => {
    const group = requireByKey(rc, 'group', input.groupKey);
    const roles = byKeys(rc, 'role', input.roleKeys, 'GroupUnknownKeys');
    const now = rc.ctx.clock.nowMs();
    for (const r of roles) {
      if (add) rc.ctx.store.rbac.linkGroupRole(group.id, r.id, now);
      else rc.ctx.store.rbac.unlinkGroupRole(group.id, r.id);
    }
    mutationExecuted(rc, add ? 'add_group_to_roles' : 'remove_group_from_roles', { group_id: group.id, role_ids: roles.map((r) => r.id) });
    return { group: groupNode(group) };
  };
}

export const RBAC_MUTATIONS = {
  createRole: create('role'),
  updateRole: update('role'),
  deleteRole: remove('role'),
  createGroup: create('group'),
  updateGroup: update('group'),
  deleteGroup: remove('group'),
  addRoleToUsers: entityToUsers('role', true),
  removeRoleFromUsers: entityToUsers('role', false),
  addGroupToUsers: entityToUsers('group', true),
  removeGroupFromUsers: entityToUsers('group', false),
  addUserToRoles: userToEntities('role', true),
  removeUserFromRoles: userToEntities('role', false),
  addUserToGroups: userToEntities('group', true),
  removeUserFromGroups: userToEntities('group', false),
  addRoleToGroups: roleToGroups(true),
  removeRoleFromGroups: roleToGroups(false),
  addGroupToRoles: groupToRoles(true),
  removeGroupFromRoles: groupToRoles(false),
};
