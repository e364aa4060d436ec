/**
 * The `users` query and lookups (spec admin-api.md 3, 4, 6): node IDs, listing and keyword search,
 * role and group filters, sort, upstream's offset cursors and pageInfo quirks, and pagination
 * over a few hundred users that stays complete and ordered while users are added.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { AdminClient, nodeId, rawId } from '../helpers/admin';

const cursor = (n: number) => Buffer.from(`offset:${n}`).toString('base64url');

describe('Admin API users', () => {
  let idp: TestIdp;
  let admin: AdminClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    idp = await startTestIdp({ editConfig: (doc) => (doc.identity.login_id.keys = [{ type: 'email', key: 'email' }, { type: 'phone', key: 'phone' }, { type: 'username', key: 'username' }]) });
    admin = await AdminClient.create(idp);
    const people: [string, string, string, Record<string, unknown>][] = [
      ['ada', 'email', 'ada@example.org', { given_name: 'Ada', family_name: 'Lovelace', gender: 'female', address: { country: 'GB', locality: 'London' } }],
      ['alan', 'email', 'alan.turing@bletchley.example', { name: 'Alan Mathison Turing', locale: 'en-GB' }],
      ['grace', 'phone', '+85298765432', { nickname: 'Amazing Grace' }],
      ['linus', 'username', 'torvalds', {}],
      ['emmy', 'email', 'emmy@example.org', { given_name: 'Emmy', family_name: 'Noether' }],
    ];
    for (const [name, key, value, attrs] of people) {
      idp.ctx.clock.advance(1000);
      const d = await admin.ok(`mutation ($i: CreateUserInput!) { createUser(input: $i) { user { id standardAttributes } } }`, { i: { definition: { loginID: { key, value } } } });
      ids[name] = d.createUser.user.id;
      await admin.ok(`mutation ($id: ID!, $a: UserStandardAttributes!) { updateUser(input: {userID: $id, standardAttributes: $a}) { user { id } } }`, { id: ids[name], a: { ...d.createUser.user.standardAttributes, ...attrs } });
    }
    await admin.ok(`mutation { createRole(input: {key: "admin", name: "Site Administrators"}) { role { id } } createGroup(input: {key: "staff", name: "Office Staff"}) { group { id } } }`);
    await admin.ok(`mutation ($a: ID!, $b: ID!) { addRoleToUsers(input: {roleKey: "admin", userIDs: [$a]}) { role { id } } addGroupToUsers(input: {groupKey: "staff", userIDs: [$b]}) { group { id } } addRoleToGroups(input: {roleKey: "admin", groupKeys: ["staff"]}) { role { id } } }`, { a: ids.ada, b: ids.emmy });
  });
  afterAll(() => idp.dispose());

  const search = async (kw: string, extra = '') => {
    const d = await admin.ok(`query ($kw: String) { users(searchKeyword: $kw ${extra}) { totalCount edges { node { id } } } }`, { kw });
    return { total: d.users.totalCount as number, ids: d.users.edges.map((e: any) => e.node.id) as string[] };
  };
  const names = (list: string[]) => list.map((id) => Object.keys(ids).find((k) => ids[k] === id)).sort();

  it('node IDs are base64url of "User:<uuid>", without padding, and round-trip through node and nodes', async () => {
    const raw = rawId(ids.ada);
    expect(raw).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids.ada).toBe(nodeId('User', raw));
    expect(ids.ada).not.toContain('=');
    const d = await admin.ok(`query ($id: ID!, $ids: [ID!]!) { node(id: $id) { id ... on User { standardAttributes } } nodes(ids: $ids) { id } }`, { id: ids.ada, ids: [ids.alan, 'garbage', `${ids.ada}=`, nodeId('User', 'missing'), nodeId('Nope', raw), ids.ada] });
    expect(d.node.standardAttributes.given_name).toBe('Ada');
    expect(d.nodes).toEqual([{ id: ids.alan }, null, null, null, null, { id: ids.ada }]);
  });

  it('lists all users newest first by default, with offset cursors and upstream pageInfo', async () => {
    const d = await admin.ok(`{ users(first: 3) { totalCount edges { cursor node { id } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } }`);
    expect(d.users.totalCount).toBe(5);
    expect(d.users.edges.map((e: any) => e.cursor)).toEqual([cursor(0), cursor(1), cursor(2)]);
    expect(d.users.edges.map((e: any) => e.node.id)).toEqual([ids.emmy, ids.linus, ids.grace]);
    // Upstream's quirk: hasPreviousPage is true on the first page.
    expect(d.users.pageInfo).toEqual({ startCursor: cursor(0), endCursor: cursor(2), hasNextPage: true, hasPreviousPage: true });
    const next = await admin.ok(`query ($after: String) { users(first: 3, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`, { after: cursor(2) });
    expect(next.users.edges.map((e: any) => e.node.id)).toEqual([ids.alan, ids.ada]);
    expect(next.users.pageInfo.hasNextPage).toBe(false);
    const asc = await admin.ok(`{ users(sortDirection: ASC, first: 2) { edges { node { id } } } }`);
    expect(asc.users.edges.map((e: any) => e.node.id)).toEqual([ids.ada, ids.alan]);
    const empty = await admin.ok(`query ($after: String) { users(after: $after) { edges { cursor } pageInfo { startCursor endCursor } } }`, { after: cursor(10) });
    expect(empty.users).toEqual({ edges: [], pageInfo: { startCursor: '', endCursor: '' } });
  });

  it('refuses unsupported argument combinations and malformed cursors as upstream', async () => {
    for (const args of ['last: 3', 'before: "b2Zmc2V0OjQ"', 'first: 1, last: 1']) {
      const e = await admin.fails(`{ users(${args}) { totalCount } }`);
      expect(e).toMatchObject({ errorName: 'BadRequest', reason: 'InvalidQuery', message: 'unsupported pagination', data: { users: null } });
    }
    for (const bad of ['!!!', Buffer.from('offset:x').toString('base64url'), Buffer.from('page:1').toString('base64url'), `${cursor(1)}=`]) {
      const e = await admin.fails(`query ($c: String) { users(after: $c) { totalCount } }`, { c: bad });
      expect(e).toMatchObject({ errorName: 'Invalid', reason: 'InvalidCursor', message: 'invalid pagination cursor' });
    }
    const window = await admin.ok(`query ($a: String, $b: String) { users(after: $a, before: $b, last: 1) { edges { cursor } } }`, { a: cursor(0), b: cursor(4) });
    expect(window.users.edges.map((e: any) => e.cursor)).toEqual([cursor(3)]);
  });

  it('clamps page size to 100', async () => {
    const d = await admin.ok(`{ users(first: 1000) { edges { cursor } pageInfo { hasNextPage } } }`);
    expect(d.users.edges).toHaveLength(5);
    expect(d.users.pageInfo.hasNextPage).toBe(false);
  });

  it('finds users by e-mail, its local part and domain, prefixes of 3+ characters, phone parts, username and raw ID', async () => {
    expect(names((await search('ADA@example.org')).ids)).toEqual(['ada']);
    expect(names((await search('alan.turing')).ids)).toEqual(['alan']);
    expect(names((await search('example.org')).ids)).toEqual(['ada', 'emmy']);
    expect(names((await search('bletch')).ids)).toEqual(['alan']);
    expect((await search('em')).total).toBe(0);
    expect(names((await search('emm')).ids)).toEqual(['emmy']);
    expect(names((await search('+85298765432')).ids)).toEqual(['grace']);
    expect(names((await search('98765432')).ids)).toEqual(['grace']);
    expect(names((await search('852')).ids)).toEqual(['grace']);
    expect(names((await search('TORVALDS')).ids)).toEqual(['linus']);
    expect(names((await search(rawId(ids.linus))).ids)).toEqual(['linus']);
    expect((await search(rawId(ids.linus).toUpperCase())).total).toBe(0);
  });

  it('matches whole words of names and addresses, exact gender, locale and country, role and group keys and names', async () => {
    expect(names((await search('lovelace')).ids)).toEqual(['ada']);
    expect(names((await search('Mathison')).ids)).toEqual(['alan']);
    expect(names((await search('grace')).ids)).toEqual(['grace']);
    expect(names((await search('london')).ids)).toEqual(['ada']);
    expect(names((await search('Female')).ids)).toEqual(['ada']);
    expect(names((await search('en-gb')).ids)).toEqual(['alan']);
    expect(names((await search('gb')).ids)).toEqual(['ada']);
    expect((await search('Lovel')).total).toBe(0);
    // admin: Ada directly, Emmy through the staff group (effective roles).
    expect(names((await search('admin')).ids)).toEqual(['ada', 'emmy']);
    expect(names((await search('administrators')).ids)).toEqual(['ada', 'emmy']);
    expect(names((await search('staff')).ids)).toEqual(['emmy']);
  });

  it('filters by effective roles and by groups, alone and with a keyword', async () => {
    const by = async (args: string) => names((await admin.ok(`{ users(${args}) { totalCount edges { node { id } } } }`)).users.edges.map((e: any) => e.node.id));
    expect(await by('roleKeys: ["admin"]')).toEqual(['ada', 'emmy']);
    expect(await by('groupKeys: ["staff"]')).toEqual(['emmy']);
    expect(await by('roleKeys: ["admin"], groupKeys: ["staff"]')).toEqual(['emmy']);
    expect(await by('roleKeys: ["admin", "nope"]')).toEqual(['ada', 'emmy']);
    expect(await by('roleKeys: ["nope"]')).toEqual([]);
    expect(await by('roleKeys: ["admin"], searchKeyword: "lovelace"')).toEqual(['ada']);
  });

  it('sorts by last login, never-signed-in users last in both directions', async () => {
    const now = idp.ctx.clock.nowMs();
    await idp.ctx.store.db.write(() => {
      idp.ctx.store.users.setLastLogin(rawId(ids.alan), now - 1000);
      idp.ctx.store.users.setLastLogin(rawId(ids.grace), now - 5000);
    });
    const order = async (dir: string) => (await admin.ok(`{ users(sortBy: LAST_LOGIN_AT, sortDirection: ${dir}) { edges { node { id } } } }`)).users.edges.map((e: any) => e.node.id);
    expect((await order('DESC')).slice(0, 2)).toEqual([ids.alan, ids.grace]);
    expect((await order('ASC')).slice(0, 2)).toEqual([ids.grace, ids.alan]);
  });

  it('exact lookups: getUserByLoginID, getUsersByStandardAttribute, getUserByOAuth', async () => {
    const d = await admin.ok(`{ a: getUserByLoginID(loginIDKey: "email", loginIDValue: "Ada@Example.org") { id } b: getUserByLoginID(loginIDKey: "email", loginIDValue: "nobody@example.org") { id } c: getUsersByStandardAttribute(attributeName: "phone_number", attributeValue: "+85298765432") { id } d: getUsersByStandardAttribute(attributeName: "email", attributeValue: "nobody@example.org") { id } }`);
    expect(d).toEqual({ a: { id: ids.ada }, b: null, c: [{ id: ids.grace }], d: [] });
    expect(await admin.fails(`{ getUserByLoginID(loginIDKey: "nick", loginIDValue: "x") { id } }`)).toMatchObject({ errorName: 'Invalid', reason: 'GetUsersInvalidArgument', message: 'invalid Login ID key' });
    expect(await admin.fails(`{ getUserByLoginID(loginIDKey: "email", loginIDValue: "not an email") { id } }`)).toMatchObject({ reason: 'GetUsersInvalidArgument', message: 'invalid Login ID value' });
    expect(await admin.fails(`{ getUsersByStandardAttribute(attributeName: "name", attributeValue: "x") { id } }`)).toMatchObject({ message: 'attributeName must be email, phone_number or preferred_username' });
    expect(await admin.fails(`{ getUsersByStandardAttribute(attributeName: "phone_number", attributeValue: "12345") { id } }`)).toMatchObject({ message: 'invalid attributeValue' });
    expect(await admin.fails(`{ getUserByOAuth(oauthProviderAlias: "google", oauthProviderUserID: "1") { id } }`)).toMatchObject({ reason: 'GetUsersInvalidArgument', message: 'invalid OAuth provider alias' });
  });
});

describe('Admin API pagination over a few hundred users', () => {
  let idp: TestIdp;
  let admin: AdminClient;

  beforeAll(async () => {
    idp = await startTestIdp();
    admin = await AdminClient.create(idp);
  });
  afterAll(() => idp.dispose());

  it('pages through 300 users completely, in order, with no repeats, while users are being added', async () => {
    for (let batch = 0; batch < 6; batch++) {
      // Five mutations per document: the upstream limit.
      const fields = Array.from({ length: 5 }, (_, i) => `u${i}: createUser(input: {definition: {loginID: {key: "email", value: "p${batch}-${i}@example.com"}}}) { user { id } }`);
      for (let round = 0; round < 10; round++) {
        await admin.ok(`mutation { ${fields.map((f) => f.replace(/p\d+-(\d)@/, `p${batch}-${round}-$1@`)).join(' ')} }`);
      }
    }
    const before = (await admin.ok(`{ users(first: 0) { totalCount } }`)).users.totalCount;
    expect(before).toBe(300);
    const seen: string[] = [];
    const created: number[] = [];
    let after: string | null = null;
    let added = 0;
    for (;;) {
      const d: any = await admin.ok(`query ($after: String) { users(first: 40, after: $after, sortDirection: ASC) { totalCount edges { cursor node { id createdAt } } pageInfo { hasNextPage endCursor } } }`, { after });
      for (const e of d.users.edges) {
        seen.push(e.node.id);
        created.push(Date.parse(e.node.createdAt));
      }
      if (d.users.edges.length < 40) break;
      after = d.users.pageInfo.endCursor;
      // Someone signs up between two pages (later in time, so after everyone already listed).
      idp.ctx.clock.advance(1000);
      await admin.createUser(`late-${added++}@example.com`);
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(before + added);
    expect(created).toEqual([...created].sort((a, b) => a - b));
    const all = new Set(seen);
    const listed = (await admin.ok(`{ users(first: 100) { totalCount } }`)).users.totalCount;
    expect(listed).toBe(all.size);
  });
});
