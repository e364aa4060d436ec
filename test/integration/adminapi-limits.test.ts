/**
 * What the Admin API answers outside the happy path (spec admin-api.md 1, 11.3 and the sandbox's
 * own caps): the mutation fan-out limit, parse and JSON errors, depth, alias and body-size caps,
 * response headers, and error extensions.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { AdminClient } from '../helpers/admin';

describe('Admin API limits and error shapes', () => {
  let idp: TestIdp;
  let admin: AdminClient;

  beforeAll(async () => {
    idp = await startTestIdp();
    admin = await AdminClient.create(idp);
  });
  afterAll(() => idp.dispose());

  it('answers 200 JSON with upstream security headers; errors omitted when there are none', async () => {
    const res = await admin.raw({ query: '{ users { totalCount } }' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    for (const [h, v] of [['cache-control', 'no-store'], ['pragma', 'no-cache'], ['x-content-type-options', 'nosniff'], ['x-robots-tag', 'noindex, nofollow'], ['x-frame-options', 'DENY']]) {
      expect(res.headers.get(h)).toBe(v);
    }
    expect(res.headers.get('content-security-policy')).toBe("script-src 'self' https: 'strict-dynamic'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
    expect(await res.json()).toEqual({ data: { users: { totalCount: 0 } } });
  });

  it('refuses more than 5 mutation fields (fragments counted) with HTTP 400 before running any', async () => {
    const field = (i: number) => `r${i}: createRole(input: {key: "k${i}"}) { role { id } }`;
    const six = `mutation { ${[0, 1, 2, 3, 4, 5].map(field).join(' ')} }`;
    const res = await admin.raw({ query: six });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ name: 'BadRequest', reason: 'BadRequest', message: 'too many mutation fields in one request: got 6, limit is 5', code: 400 });
    const viaFragments = `mutation { ...A ... on Mutation { ${field(5)} } } fragment A on Mutation { ${[0, 1, 2, 3, 4].map(field).join(' ')} }`;
    expect((await admin.raw({ query: viaFragments })).status).toBe(400);
    const cycle = `mutation { ...A } fragment A on Mutation { ...B } fragment B on Mutation { ...A }`;
    expect((await (await admin.raw({ query: cycle })).json()).error.message).toBe('graphql fragment cycle detected at "A"');
    expect((await admin.ok(`{ roles { totalCount } }`)).roles.totalCount).toBe(0);
    expect((await admin.raw({ query: `mutation { ${[0, 1, 2, 3, 4].map(field).join(' ')} }` })).status).toBe(200);
  });

  it('a query that does not parse (or is empty) is HTTP 500 UnexpectedError; a body that is not JSON is 400', async () => {
    for (const query of ['{ users {', '']) {
      const res = await admin.raw({ query });
      expect(res.status).toBe(500);
      expect((await res.json()).error).toMatchObject({ name: 'InternalError', reason: 'UnexpectedError', message: 'unexpected error occurred', code: 500 });
    }
    const bad = await admin.raw('{"query": ');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ name: 'BadRequest', reason: 'InvalidJSON' });
  });

  it('validation errors come with data null and no extensions', async () => {
    const r = await admin.gql('{ users { nope } }');
    expect(r.status).toBe(200);
    expect(r.data).toBeNull();
    expect(r.errors![0].message).toBe('Cannot query field "nope" on type "UserConnection".');
    expect(r.errors![0].extensions).toBeUndefined();
  });

  it('caps selection depth and aliases with clear GraphQL errors; introspection fits under the cap', async () => {
    const tooDeep = await admin.gql(`{ users { edges { node { roles { edges { node { users { edges { node { groups { edges { node { users { edges { node { groups { edges { node { users { edges { node { id } } } } } } } } } } } } } } } } } } } } } }`);
    expect(tooDeep.data).toBeNull();
    expect(tooDeep.errors![0]).toMatchObject({ message: 'query is too deep: the limit is 20 levels of selections', extensions: { errorName: 'BadRequest', reason: 'QueryDepthLimitExceeded' } });
    const aliases = `{ ${Array.from({ length: 51 }, (_, i) => `a${i}: users { totalCount }`).join(' ')} }`;
    const tooMany = await admin.gql(aliases);
    expect(tooMany.errors![0]).toMatchObject({ message: 'query has too many aliases: the limit is 50', extensions: { reason: 'QueryAliasLimitExceeded' } });
    const bomb = `{ ...F0 } ${Array.from({ length: 20 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F20 on Query { users { totalCount } }`;
    expect((await admin.gql(bomb)).errors![0].extensions).toMatchObject({ reason: 'QuerySizeLimitExceeded' });
    const intro = await admin.gql(`{ __schema { types { name fields { name type { name kind ofType { name kind ofType { name kind ofType { name kind ofType { name } } } } } } } } }`);
    expect(intro.errors).toBeUndefined();
  });

  it('refuses a body over 1 MiB with 413 before reading it as GraphQL', async () => {
    const res = await admin.raw({ query: `{ users { totalCount } } # ${'x'.repeat(1024 * 1024)}` });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({ name: 'RequestEntityTooLarge' });
  });

  it('API errors carry extensions {errorName, reason, info} and the failing field path; the field is null', async () => {
    const r = await admin.gql(`mutation { createUser(input: {definition: {loginID: {key: "email", value: "bad"}}}) { user { id } } }`);
    expect(r.data).toEqual({ createUser: null });
    expect(r.errors).toEqual([
      {
        message: 'invalid login ID',
        locations: [{ line: 1, column: 12 }],
        path: ['createUser'],
        extensions: { errorName: 'Invalid', reason: 'ValidationFailed', info: { causes: [{ location: '/login_id', kind: 'format', details: { format: 'email' } }] } },
      },
    ]);
  });
});
