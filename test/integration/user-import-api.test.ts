/**
 * User Import API, request level (spec import-export.md 2, 3, 5.7, 11 "Import, request level"):
 * the admin JWT first, then content type, body size, JSON syntax and schema, the job envelope
 * and ID format, GET of unknown, legacy and expired IDs, and the usage quota.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { adminPost, adminGet, adminToken, consoleCall, runImport } from '../helpers/transfer';
import { mintAdminToken } from '../../src-main/idp/adminapi/token';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(() => idp.dispose());

const IMPORT = '/_api/admin/users/import';

describe('POST /_api/admin/users/import: checks in order', () => {
  it('answers 403 plain Forbidden for a missing, malformed, foreign or expired token, before any body check', async () => {
    const { ctx } = idp;
    const wrongAud = (await mintAdminToken(ctx.config.secrets.adminApiKeys, 'other-app', ctx.clock.nowSec())).token;
    // Expired 6 minutes ago: beyond the 5 minutes of skew.
    const expired = (await mintAdminToken(ctx.config.secrets.adminApiKeys, ctx.config.app.id, ctx.clock.nowSec() - 660, 300)).token;
    const huge = 'x'.repeat(600_000);
    const auths: Record<string, string>[] = [{}, { authorization: 'Bearer' }, { authorization: 'bearer x' }, { authorization: `Bearer ${wrongAud}` }, { authorization: `Bearer ${expired}` }];
    for (const headers of auths) {
      const res = await fetch(`${idp.issuer}${IMPORT}`, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: huge });
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text()).toBe('Forbidden\n');
    }
    // Within the skew, an expired token still works.
    const recent = (await mintAdminToken(ctx.config.secrets.adminApiKeys, ctx.config.app.id, ctx.clock.nowSec() - 500, 300)).token;
    expect((await adminPost(idp, IMPORT, {}, { token: recent })).status).toBe(400);
  });

  it('refuses other media types with 415 and other parameters with 400 request content type is invalid', async () => {
    const plain = await adminPost(idp, IMPORT, {}, { contentType: 'text/plain' });
    expect(plain.status).toBe(415);
    expect(plain.text).toBe('invalid content type: text/plain\n');
    const latin1 = await adminPost(idp, IMPORT, {}, { contentType: 'application/json; charset=latin1' });
    expect(latin1.status).toBe(415);
    expect(latin1.text).toBe('invalid content type: application/json\n');
    const utf8 = await adminPost(idp, IMPORT, {}, { contentType: 'application/json; charset=utf8' });
    expect(utf8.status).toBe(400);
    expect(utf8.json).toEqual({ error: { name: 'BadRequest', reason: 'BadRequest', message: 'request content type is invalid', code: 400 } });
    const graphql = await adminPost(idp, IMPORT, {}, { contentType: 'application/graphql' });
    expect(graphql.json.error.message).toBe('request content type is invalid');
    const upper = await adminPost(idp, IMPORT, {}, { contentType: 'application/json; charset=UTF-8' });
    expect(upper.json.error.reason).toBe('ValidationFailed');
  });

  it('reports JSON syntax errors as InvalidJSON with Go messages and byte offsets', async () => {
    const cases: [string, string, number][] = [
      ['', 'unexpected end of JSON input', 0],
      ['   ', 'unexpected end of JSON input', 0],
      ['{"identifier":', 'unexpected end of JSON input', 14],
      ['{"a":}', "invalid character '}' looking for beginning of value", 6],
      ['{"a" 1}', "invalid character '1' after object key", 6],
      ['{"a":1 "b"}', "invalid character '\"' after object key:value pair", 8],
      ['[1 2]', "invalid character '2' after array element", 4],
      ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')", 9],
    ];
    for (const [raw, message, offset] of cases) {
      const r = await adminPost(idp, IMPORT, undefined, { raw });
      expect(r.status, raw).toBe(400);
      expect(r.json, raw).toEqual({ error: { name: 'BadRequest', reason: 'InvalidJSON', message, code: 400, info: { byte_offset: offset } } });
    }
  });

  it('accepts a body of exactly 500,000 bytes and refuses 500,001 with 413 JSONTooLarge', async () => {
    const body = (n: number) => {
      const head = '{"identifier":"email","records":[{"email":"limit@example.com"}]}';
      return head + ' '.repeat(n - head.length);
    };
    const ok = await adminPost(idp, IMPORT, undefined, { raw: body(500_000) });
    expect(ok.status).toBe(200);
    const tooBig = await adminPost(idp, IMPORT, undefined, { raw: body(500_001) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.json).toEqual({ error: { name: 'RequestEntityTooLarge', reason: 'JSONTooLarge', message: 'request body too large', code: 413, info: { limit: 500000 } } });
  });

  it('validates the request schema with upstream-shaped causes', async () => {
    const invalid = (causes: unknown[]) => ({ error: { name: 'Invalid', reason: 'ValidationFailed', message: 'invalid request body', code: 400, info: { causes } } });
    expect((await adminPost(idp, IMPORT, {})).json).toEqual(
      invalid([{ location: '', kind: 'required', details: { actual: null, expected: ['identifier', 'records'], missing: ['identifier', 'records'] } }]),
    );
    expect((await adminPost(idp, IMPORT, { identifier: 'email', records: [] })).json).toEqual(invalid([{ location: '/records', kind: 'minItems', details: { actual: 0, expected: 1 } }]));
    expect((await adminPost(idp, IMPORT, { identifier: 'username', records: [{}] })).json).toEqual(
      invalid([{ location: '/identifier', kind: 'enum', details: { actual: 'username', expected: ['preferred_username', 'email', 'phone_number'] } }]),
    );
    expect((await adminPost(idp, IMPORT, { identifier: 'email', users: [{ email: 'a@b.co' }] })).json).toEqual(
      invalid([
        { location: '', kind: 'required', details: { actual: ['identifier', 'users'], expected: ['identifier', 'records'], missing: ['records'] } },
        { location: '/users', kind: '' },
      ]),
    );
    expect((await adminPost(idp, IMPORT, { identifier: 'email', upsert: 'yes', records: [1] })).json).toEqual(
      invalid([
        { location: '/records/0', kind: 'type', details: { actual: ['integer', 'number'], expected: ['object'] } },
        { location: '/upsert', kind: 'type', details: { actual: ['string'], expected: ['boolean'] } },
      ]),
    );
    expect((await adminPost(idp, IMPORT, [1])).json.error.info.causes).toEqual([{ location: '', kind: 'type', details: { actual: ['array'], expected: ['object'] } }]);
  });

  it('rejects trailing data after the JSON value, after the schema passed', async () => {
    const r = await adminPost(idp, IMPORT, undefined, { raw: '{"identifier":"email","records":[{}]} x' });
    expect(r.json.error).toMatchObject({ reason: 'InvalidJSON', message: "invalid character 'x' after top-level value", info: { byte_offset: 39 } });
  });
});

describe('the job', () => {
  it('is created pending with a userimport_ ID of 32 Crockford base32 characters, then completes', async () => {
    const created = await adminPost(idp, IMPORT, { identifier: 'email', records: [{ email: 'job@example.com' }] });
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(created.headers.get('cache-control')).toBe('no-store');
    const r = created.json.result;
    expect(Object.keys(r)).toEqual(['id', 'created_at', 'status']);
    expect(r.id).toMatch(/^userimport_[0-9ABCDEFGHJKMNPQRSTVWXYZ]{32}$/);
    expect(r.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/);
    expect(r.status).toBe('pending');
    let got = await adminGet(idp, `${IMPORT}/${r.id}`);
    while (got.json.result.status === 'pending') {
      expect(Object.keys(got.json.result)).toEqual(['id', 'created_at', 'status']);
      got = await adminGet(idp, `${IMPORT}/${r.id}`);
    }
    expect(Object.keys(got.json.result)).toEqual(['id', 'created_at', 'completed_at', 'status', 'summary', 'details']);
    expect(got.json.result.summary).toEqual({ total: 1, inserted: 1, updated: 0, skipped: 0, failed: 0 });
    expect(Object.keys(got.json.result.details[0])).toEqual(['index', 'record', 'outcome', 'user_id']);
  });

  it('gives a new ID for every POST of the same payload (no idempotency)', async () => {
    const body = { identifier: 'email', records: [{ email: 'twice@example.com' }] };
    const a = await adminPost(idp, IMPORT, body);
    const b = await adminPost(idp, IMPORT, body);
    expect(a.json.result.id).not.toBe(b.json.result.id);
  });

  it('answers 404 TaskNotFound for unknown and legacy task_ IDs, and 24 hours after creation', async () => {
    const notFound = { error: { name: 'NotFound', reason: 'TaskNotFound', message: 'task not found', code: 404 } };
    expect((await adminGet(idp, `${IMPORT}/userimport_00000000000000000000000000000000`)).json).toEqual(notFound);
    expect((await adminGet(idp, `${IMPORT}/task_00000000000000000000000000000000`)).json).toEqual(notFound);
    const done = await runImport(idp, { identifier: 'email', records: [{ email: 'ttl@example.com' }] });
    expect((await adminGet(idp, `${IMPORT}/${done.id}`)).status).toBe(200);
    idp.ctx.clock.advance(24 * 3600 * 1000);
    try {
      const token = await adminToken(idp);
      const gone = await adminGet(idp, `${IMPORT}/${done.id}`, token);
      expect(gone.status).toBe(404);
      expect(gone.json).toEqual(notFound);
    } finally {
      idp.ctx.clock.advance(-24 * 3600 * 1000);
    }
  });

  it('refuses with 429 UsageLimitExceeded when a blocking quota is below len(records), creating no job', async () => {
    const set = await consoleCall(idp, 'PUT', '/_sandbox/api/transfers/simulation', { user_import: { quota: 2, period: 'day', action: 'block' } });
    expect(set.status).toBe(200);
    try {
      const before = idp.ctx.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM user_import_job')!.n;
      const r = await adminPost(idp, IMPORT, { identifier: 'email', records: [{ email: 'q1@example.com' }, { email: 'q2@example.com' }, { email: 'q3@example.com' }] });
      expect(r.status).toBe(429);
      expect(r.json).toEqual({
        error: { name: 'TooManyRequest', reason: 'UsageLimitExceeded', message: 'usage limit exceeded', code: 429, info: { name: 'UserImport', period: 'day', usage_name: 'user_import' } },
      });
      expect(idp.ctx.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM user_import_job')!.n).toBe(before);
      // Two records fit the quota.
      expect((await adminPost(idp, IMPORT, { identifier: 'email', records: [{ email: 'q1@example.com' }, { email: 'q2@example.com' }] })).status).toBe(200);
    } finally {
      await consoleCall(idp, 'PUT', '/_sandbox/api/transfers/simulation', {});
    }
  });

  it('reports progress to the console (token required) and counts only finished chunks', async () => {
    const created = await adminPost(idp, IMPORT, { identifier: 'email', records: Array.from({ length: 250 }, (_, i) => ({ email: `progress-${i}@example.com` })) });
    const id = created.json.result.id;
    const noToken = await fetch(`${idp.issuer}/_sandbox/api/userimport/${id}/progress`);
    expect(noToken.status).toBe(401);
    let p = await consoleCall(idp, 'GET', `/_sandbox/api/userimport/${id}/progress`);
    expect(Object.keys(p.json)).toEqual(['id', 'status', 'total', 'processed', 'chunks_total', 'chunks_done', 'counts', 'started_at', 'updated_at']);
    while (p.json.status !== 'completed') {
      expect(p.json.processed).toBe(Math.min(250, p.json.chunks_done * 100));
      p = await consoleCall(idp, 'GET', `/_sandbox/api/userimport/${id}/progress`);
    }
    expect(p.json).toMatchObject({ id, total: 250, processed: 250, chunks_total: 3, chunks_done: 3, counts: { inserted: 250, updated: 0, skipped: 0, failed: 0 } });
  });
});
