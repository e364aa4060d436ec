/**
 * Roles and groups (spec admin-api.md 8.5) and where they show: effective roles in the access
 * token claim `https://authgear.com/claims/user/roles`, in userinfo and in the resolver's
 * `x-authgear-user-roles` header.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { AdminClient, appTokens, refresh, nodeId } from '../helpers/admin';

const PASSWORD = 'correct-horse-1';
const ROLES = 'https://authgear.com/claims/user/roles';
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

describe('Admin API roles and groups', () => {
  let idp: TestIdp;
  let admin: AdminClient;

  beforeAll(async () => {
    idp = await startTestIdp();
    admin = await AdminClient.create(idp);
  });
  afterAll(() => idp.dispose());

  it('creates, lists (substring search, by key, totalCount of all), updates and deletes roles', async () => {
    for (const [key, name] of [['reader', 'Readers'], ['writer', 'Writers'], ['auditor', null]]) {
      await admin.ok(`mutation ($k: String!, $n: String) { createRole(input: {key: $k, name: $n, description: "d"}) { role { id key } } }`, { k: key, n: name });
    }
    const list = await admin.ok(`{ roles(searchKeyword: "ER") { totalCount edges { node { key name description } } } }`);
    expect(list.roles.totalCount).toBe(3);
    expect(list.roles.edges.map((e: any) => e.node.key)).toEqual(['reader', 'writer']);
    const all = await admin.ok(`{ roles { edges { node { id key } } } }`);
    expect(all.roles.edges.map((e: any) => e.node.key)).toEqual(['auditor', 'reader', 'writer']);
    const auditorId = all.roles.edges[0].node.id;
    const excluded = await admin.ok(`query ($x: [ID!]) { roles(excludedIDs: $x) { edges { node { key } } } }`, { x: [auditorId] });
    expect(excluded.roles.edges.map((e: any) => e.node.key)).toEqual(['reader', 'writer']);
    const u = await admin.ok(`mutation ($id: ID!) { updateRole(input: {id: $id, key: "auditors", name: "Auditors", description: ""}) { role { key name description } } }`, { id: auditorId });
    expect(u.updateRole.role).toEqual({ key: 'auditors', name: 'Auditors', description: null });
    const keep = await admin.ok(`mutation ($id: ID!) { updateRole(input: {id: $id}) { role { key name } } }`, { id: auditorId });
    expect(keep.updateRole.role).toEqual({ key: 'auditors', name: 'Auditors' });
    expect(await admin.fails(`mutation { createRole(input: {key: "reader"}) { role { id } } }`)).toMatchObject({ errorName: 'BadRequest', reason: 'RoleDuplicateKey' });
    for (const key of ['authgear:x', '1abc', 'a'.repeat(41), 'has space']) {
      expect(await admin.fails(`mutation ($k: String!) { createRole(input: {key: $k}) { role { id } } }`, { k: key })).toMatchObject({ errorName: 'Invalid', reason: 'ValidationFailed' });
    }
    expect((await admin.ok(`mutation ($id: ID!) { deleteRole(input: {id: $id}) { ok } }`, { id: auditorId })).deleteRole.ok).toBe(true);
    expect(await admin.fails(`mutation ($id: ID!) { deleteRole(input: {id: $id}) { ok } }`, { id: auditorId })).toMatchObject({ errorName: 'NotFound', reason: 'RoleNotFound' });
    expect(await admin.fails(`mutation { deleteGroup(input: {id: "${nodeId('Group', 'x')}"}) { ok } }`)).toMatchObject({ reason: 'GroupNotFound' });
    expect(await admin.fails(`mutation { updateGroup(input: {id: "bad"}) { group { id } } }`)).toMatchObject({ reason: 'Invalid', message: 'invalid group ID' });
  });

  it('links users, roles and groups idempotently, reports unknown keys and IDs, and derives effective roles', async () => {
    await admin.ok(`mutation { createGroup(input: {key: "editors", name: "Editors"}) { group { id } } createRole(input: {key: "publisher"}) { role { id } } }`);
    const alice = await admin.createUser('alice@example.com');
    const bob = await admin.createUser('bob@example.com');
    await admin.ok(`mutation ($a: ID!) { addUserToRoles(input: {userID: $a, roleKeys: ["reader"]}) { user { id } } }`, { a: alice });
    await admin.ok(`mutation ($a: ID!) { addUserToRoles(input: {userID: $a, roleKeys: ["reader"]}) { user { id } } }`, { a: alice });
    await admin.ok(`mutation ($a: ID!, $b: ID!) { addGroupToUsers(input: {groupKey: "editors", userIDs: [$a, $b]}) { group { users { totalCount } } } }`, { a: alice, b: bob });
    await admin.ok(`mutation { addRoleToGroups(input: {roleKey: "writer", groupKeys: ["editors"]}) { role { groups { totalCount } } } addGroupToRoles(input: {groupKey: "editors", roleKeys: ["publisher"]}) { group { roles { edges { node { key } } } } } }`);
    const u = await admin.ok(`query ($a: ID!) { node(id: $a) { ... on User { roles { edges { node { key } } } groups { edges { node { key } } } effectiveRoles { totalCount edges { node { key } } } } } }`, { a: alice });
    expect(u.node.roles.edges.map((e: any) => e.node.key)).toEqual(['reader']);
    expect(u.node.groups.edges.map((e: any) => e.node.key)).toEqual(['editors']);
    expect(u.node.effectiveRoles.edges.map((e: any) => e.node.key).sort()).toEqual(['publisher', 'reader', 'writer']);
    const g = await admin.ok(`{ groups(searchKeyword: "edit") { edges { node { key users(first: 1) { totalCount edges { cursor } pageInfo { hasNextPage } } roles { totalCount } } } } }`);
    expect(g.groups.edges[0].node).toMatchObject({ key: 'editors', users: { totalCount: 2, edges: [{ cursor: Buffer.from('offset:0').toString('base64url') }], pageInfo: { hasNextPage: true } }, roles: { totalCount: 2 } });
    const ghost = nodeId('User', '00000000-0000-4000-8000-000000000000');
    expect(await admin.fails(`mutation ($a: ID!) { addUserToRoles(input: {userID: $a, roleKeys: ["reader", "nope"]}) { user { id } } }`, { a: alice })).toMatchObject({ errorName: 'NotFound', reason: 'RoleUnknownKeys', info: { keys: ['nope'] } });
    expect(await admin.fails(`mutation ($a: ID!) { addUserToGroups(input: {userID: $a, groupKeys: ["nope"]}) { user { id } } }`, { a: alice })).toMatchObject({ reason: 'GroupUnknownKeys', info: { keys: ['nope'] } });
    expect(await admin.fails(`mutation ($g: ID!) { addRoleToUsers(input: {roleKey: "reader", userIDs: [$g]}) { role { id } } }`, { g: ghost })).toMatchObject({ reason: 'UserUnknownKeys', info: { ids: ['00000000-0000-4000-8000-000000000000'] } });
    expect(await admin.fails(`mutation { addGroupToRoles(input: {groupKey: "editors", roleKeys: ["nope"]}) { group { id } } }`)).toMatchObject({ reason: 'GroupUnknownKeys', info: { keys: ['nope'] } });
    expect(await admin.fails(`mutation { addRoleToGroups(input: {roleKey: "nope", groupKeys: ["editors"]}) { role { id } } }`)).toMatchObject({ reason: 'RoleNotFound' });
    expect(await admin.fails(`mutation { addGroupToUsers(input: {groupKey: "nope", userIDs: []}) { group { id } } }`)).toMatchObject({ reason: 'GroupNotFound' });
    await admin.ok(`mutation ($b: ID!) { removeUserFromGroups(input: {userID: $b, groupKeys: ["editors"]}) { user { id } } removeGroupFromUsers(input: {groupKey: "editors", userIDs: [$b]}) { group { id } } }`, { b: bob });
    const b = await admin.ok(`query ($b: ID!) { node(id: $b) { ... on User { effectiveRoles { totalCount } } } }`, { b: bob });
    expect(b.node.effectiveRoles.totalCount).toBe(0);
  });

  it('role and group changes show in new access tokens, userinfo and the resolver header', async () => {
    const id = await admin.createUser('token-roles@example.com', PASSWORD);
    const t = await appTokens(idp, 'token-roles@example.com', PASSWORD);
    expect(claims(t.access_token)[ROLES]).toEqual([]);
    await admin.ok(`mutation ($id: ID!) { addUserToRoles(input: {userID: $id, roleKeys: ["reader"]}) { user { id } } addUserToGroups(input: {userID: $id, groupKeys: ["editors"]}) { user { id } } }`, { id });
    const r = await refresh(idp, t.refresh_token);
    expect(claims(r.access_token)[ROLES].sort()).toEqual(['publisher', 'reader', 'writer']);
    const info = await (await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${r.access_token}` } })).json();
    expect(info[ROLES].sort()).toEqual(['publisher', 'reader', 'writer']);
    const resolved = await fetch(`${idp.issuer}/_resolver/resolve`, { headers: { authorization: `Bearer ${r.access_token}` } });
    expect(resolved.headers.get('x-authgear-user-roles')!.split(',').sort()).toEqual(['publisher', 'reader', 'writer']);
    await admin.ok(`mutation ($id: ID!) { removeUserFromRoles(input: {userID: $id, roleKeys: ["reader"]}) { user { id } } removeRoleFromGroups(input: {roleKey: "writer", groupKeys: ["editors"]}) { role { id } } removeGroupFromRoles(input: {groupKey: "editors", roleKeys: ["publisher"]}) { group { id } } }`, { id });
    const after = await fetch(`${idp.issuer}/_resolver/resolve`, { headers: { authorization: `Bearer ${r.access_token}` } });
    expect(after.headers.get('x-authgear-user-roles')).toBeNull();
    expect(claims((await refresh(idp, t.refresh_token)).access_token)[ROLES]).toEqual([]);
  });
});
