/**
 * User Export API (spec import-export.md 6, 7, 8, 9, 11 "Export"): request checks and echo,
 * NDJSON key order and omissions, CSV columns, cells and quoting (parsed back with a strict
 * RFC 4180 reader), the signed download, retention, and the export → import round trip.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { adminPost, adminGet, consoleCall, runImport, runExport, waitExport } from '../helpers/transfer';

const EXPORT = '/_api/admin/users/export';

function config(doc: any) {
  doc.identity = { login_id: { keys: [{ type: 'email', key: 'email' }, { type: 'phone', key: 'phone' }, { type: 'username', key: 'username' }] } };
  doc.user_profile = { custom_attributes: { attributes: [{ id: '1', pointer: '/score', type: 'number' }, { id: '2', pointer: '/note', type: 'string' }] } };
}

const DEFAULT_HEADER =
  'sub,preferred_username,email,phone_number,email_verified,phone_number_verified,name,given_name,middle_name,nickname,profile,picture,website,gender,birthdate,zoneinfo,locale,address.formatted,address.street_address,address.locality,address.region,address.postal_code,address.country,roles,groups,disabled,created_at,delete_at,last_login_at,is_anonymized,anonymize_at,temporarily_disabled_from,temporarily_disabled_until,account_valid_from,account_valid_until,identities,mfa.emails,mfa.phone_numbers,mfa.totps,biometric_count,passkey_count';

describe('export of an empty project', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ editConfig: config });
  });
  afterAll(() => idp.dispose());

  it('writes an empty NDJSON file and a CSV with only the header (defaults plus custom attributes)', async () => {
    const nd = await runExport(idp, { format: 'ndjson' });
    expect(nd.file).toBe('');
    expect(nd.headers.get('content-type')).toBe('application/x-ndjson');
    const csv = await runExport(idp, { format: 'csv' });
    expect(csv.file).toBe(`${DEFAULT_HEADER},custom_attributes.score,custom_attributes.note\n`);
    expect(csv.headers.get('content-type')).toBe('text/csv');
    const key = new URL(csv.task.download_url).pathname.split('/').pop();
    expect(key).toMatch(new RegExp(`^sandbox-${csv.task.id}-\\d{14}Z\\.csv$`));
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename=${key}`);
  });

  it('validates the request: schema, pointers, unique field names (also for ndjson), body limit', async () => {
    const causes = async (body: unknown) => (await adminPost(idp, EXPORT, body)).json;
    expect((await causes({ format: 'xml' })).error.info.causes).toEqual([{ location: '/format', kind: 'enum', details: { actual: 'xml', expected: ['ndjson', 'csv'] } }]);
    expect((await causes({ format: 'csv', csv: { fields: [] } })).error.info.causes).toEqual([{ location: '/csv/fields', kind: 'minItems', details: { actual: 0, expected: 1 } }]);
    expect((await causes({ format: 'csv', csv: { fields: [{ pointer: 'email' }] } })).error.info.causes).toEqual([
      { location: '/csv/fields/0/pointer', kind: 'format', details: { error: '0: expecting / but found: "e"', format: 'json-pointer' } },
    ]);
    expect((await causes({ format: 'csv', extra: 1 })).error.info.causes).toEqual([{ location: '/extra', kind: '' }]);
    const dup = { error: { name: 'Invalid', reason: 'UserExportNonUniqueFieldNames', message: 'field names are not unique', code: 400, info: { field_names: ['email', 'email.x', 'email'] } } };
    const fields = [{ pointer: '/email' }, { pointer: '/email/x' }, { pointer: '/sub', field_name: 'email' }];
    expect(await causes({ format: 'csv', csv: { fields } })).toEqual(dup);
    expect(await causes({ format: 'ndjson', csv: { fields } })).toEqual(dup);
    const big = await adminPost(idp, EXPORT, undefined, { raw: `{"format":"csv"${' '.repeat(1024 * 1024)}}` });
    expect(big.json).toEqual({ error: { name: 'RequestEntityTooLarge', reason: 'JSONTooLarge', message: 'request body too large', code: 413, info: { limit: 1048576 } } });
  });

  it('echoes the parsed request, drops unknown keys inside csv, and answers pending with the upstream keys', async () => {
    const r = await adminPost(idp, EXPORT, { format: 'csv', csv: { fields: [{ pointer: '/sub', field_name: 'user_id' }, { pointer: '/email' }], delimiter: ';' } });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json.result)).toEqual(['id', 'created_at', 'status', 'request']);
    expect(r.json.result.id).toMatch(/^userexport_[0-9ABCDEFGHJKMNPQRSTVWXYZ]{32}$/);
    expect(r.json.result.request).toEqual({ format: 'csv', csv: { fields: [{ pointer: '/sub', field_name: 'user_id' }, { pointer: '/email' }] } });
    const done = await waitExport(idp, r.json.result.id);
    expect(Object.keys(done)).toEqual(['id', 'created_at', 'completed_at', 'status', 'request', 'download_url']);
  });

  it('answers 500 UserExportDisabled while export storage is simulated away', async () => {
    await consoleCall(idp, 'PUT', '/_sandbox/api/transfers/simulation', { export_disabled: true });
    try {
      const r = await adminPost(idp, EXPORT, { format: 'csv' }, { contentType: 'text/plain' });
      expect(r.status).toBe(500);
      expect(r.json).toEqual({ error: { name: 'InternalError', reason: 'UserExportDisabled', message: 'User export disabled', code: 500 } });
    } finally {
      await consoleCall(idp, 'PUT', '/_sandbox/api/transfers/simulation', {});
    }
  });
});

describe('export of a populated project', () => {
  let idp: TestIdp;
  let ids: string[];
  beforeAll(async () => {
    idp = await startTestIdp({ editConfig: config });
    const { store, clock, random } = idp.ctx;
    await store.db.write(() => store.rbac.insert('role', { id: random.uuid(), key: 'editor', name: null, description: null, createdAt: clock.nowMs(), updatedAt: clock.nowMs() }));
    const r = await runImport(idp, {
      identifier: 'email',
      records: [
        { email: 'Mei@Example.org', email_verified: true, name: '林美', custom_attributes: { score: 1.5, note: 'a & b <c>' }, roles: ['editor'], mfa: { totp: { secret: 'JBSWY3DPEHPK3PXP' }, email: 'mfa@example.org' } },
        { email: 'quote@example.org', name: 'Lee, "Max"', address: { formatted: ' 2/F, 8 Main St', country: 'HK' }, custom_attributes: { score: 1e21 } },
        { email: 'lines@example.org', name: 'two\nlines', given_name: 'cr\r\nlf', family_name: '\u3000ideographic', nickname: '\\.', custom_attributes: { score: 0.1 } },
        { email: 'formula@example.org', name: '=1+2', nickname: '@SUM(A1)' },
        { email: 'plain@example.org' },
      ],
    });
    ids = r.details.map((d: any) => d.user_id);
    // Anonymized, disabled and scheduled-for-deletion users are exported too.
    await store.db.write(() => {
      store.accountStatus.put(ids[4], { ...store.accountStatus.get(ids[4]), deleteAt: Date.UTC(2030, 0, 1), isAnonymized: true, anonymizedAt: clock.nowMs() });
      store.users.setDisableFlags(ids[4], true, null, clock.nowMs());
    });
  });
  afterAll(() => idp.dispose());

  it('writes NDJSON in upstream key order, omitting empty values, escaping <>& and ordering by created_at', async () => {
    const { file } = await runExport(idp, { format: 'ndjson' });
    expect(file.endsWith('\n')).toBe(true);
    const lines = file.slice(0, -1).split('\n');
    expect(lines).toHaveLength(5);
    const recs = lines.map((l) => JSON.parse(l));
    expect(recs.map((r) => r.sub)).toEqual(ids);
    expect(Object.keys(recs[0])).toEqual(['sub', 'email', 'email_verified', 'phone_number_verified', 'name', 'address', 'custom_attributes', 'roles', 'created_at', 'disabled', 'is_anonymized', 'identities', 'mfa', 'biometric_count', 'passkey_count']);
    expect(lines[0]).toContain('"custom_attributes":{"note":"a \\u0026 b \\u003cc\\u003e","score":1.5}');
    expect(recs[0].identities).toEqual([{ type: 'login_id', login_id: { key: 'email', type: 'email', value: 'mei@example.org', original_value: 'Mei@Example.org' }, claims: { email: 'mei@example.org' } }]);
    expect(recs[0].email_verified).toBe(true);
    expect(recs[0].mfa).toEqual({
      emails: ['mfa@example.org'],
      totps: [{ secret: 'JBSWY3DPEHPK3PXP', uri: `otpauth://totp/mei@example.org?algorithm=SHA1&digits=6&issuer=${encodeURIComponent(idp.issuer)}&period=30&secret=JBSWY3DPEHPK3PXP` }],
    });
    expect(recs[4]).toMatchObject({ address: {}, mfa: {}, disabled: true, is_anonymized: true, delete_at: '2030-01-01T00:00:00Z', biometric_count: 0, passkey_count: 0 });
    expect(recs[4].roles).toBeUndefined();
    expect(lines[1]).toContain('"address":{"formatted":" 2/F, 8 Main St","country":"HK"}');
    expect(lines[1]).toContain('"score":1e+21');
  });

  it('writes CSV cells as upstream and quotes as Go encoding/csv does; a strict RFC 4180 reader reads them back', async () => {
    const fields = ['/sub', '/name', '/given_name', '/family_name', '/nickname', '/roles', '/address', '/address/formatted', '/email_verified', '/custom_attributes/score', '/custom_attributes/note', '/nonsense', '/identities/0/login_id/value'].map((pointer) => ({ pointer }));
    const { file } = await runExport(idp, { format: 'csv', csv: { fields } });
    expect(file.split('\n')[0]).toBe('sub,name,given_name,family_name,nickname,roles,address,address.formatted,email_verified,custom_attributes.score,custom_attributes.note,nonsense,identities.0.login_id.value');
    const rows = parseCsv(file, { relax_quotes: false, relax_column_count: false, record_delimiter: '\n' }) as string[][];
    expect(rows).toHaveLength(6);
    expect(rows[1]).toEqual([ids[0], '林美', '', '', '', '["editor"]', '{}', '', 'true', '1.5', 'a & b <c>', '', 'mei@example.org']);
    expect(rows[2]).toEqual([ids[1], 'Lee, "Max"', '', '', '', '', '{"country":"HK","formatted":" 2/F, 8 Main St"}', ' 2/F, 8 Main St', 'false', '1000000000000000000000', '', '', 'quote@example.org']);
    expect(rows[3].slice(1, 5)).toEqual(['two\nlines', 'cr\r\nlf', '\u3000ideographic', '\\.']);
    expect(rows[3][9]).toBe('0.1');
    // The raw bytes: quoted only where Go quotes, "" doubled, line breaks kept, \n line ends.
    expect(file).toContain(`${ids[0]},林美,,,,"[""editor""]",{},,true,1.5,a & b <c>,,mei@example.org\n`);
    expect(file).toContain(`${ids[1]},"Lee, ""Max""",,,,,"{""country"":""HK"",""formatted"":"" 2/F, 8 Main St""}"," 2/F, 8 Main St",false,1000000000000000000000,`);
    expect(file).toContain(`,"two\nlines","cr\r\nlf","\u3000ideographic","\\.",`);
    expect(file).not.toContain('\r\n' + ids[1]);
    expect(file.endsWith('\n')).toBe(true);
  });

  it('exports the whole record as JSON for the empty pointer, and neutralises formulas only on request', async () => {
    const whole = await runExport(idp, { format: 'csv', csv: { fields: [{ pointer: '' , field_name: 'record' }, { pointer: '/name' }] } });
    const rows = parseCsv(whole.file, { record_delimiter: '\n' }) as string[][];
    const first = JSON.parse(rows[1][0]);
    expect(first.sub).toBe(ids[0]);
    expect(Object.keys(first)).toEqual([...Object.keys(first)].sort());
    expect(rows[4][1]).toBe('=1+2');
    const safe = await runExport(idp, { format: 'csv', csv: { fields: [{ pointer: '/name' }, { pointer: '/nickname' }] }, neutralize_formulas: true }, true);
    const safeRows = parseCsv(safe.file, { record_delimiter: '\n' }) as string[][];
    expect(safeRows[4]).toEqual(["'=1+2", "'@SUM(A1)"]);
    expect(safeRows[1]).toEqual(['林美', '']);
  });

  it('signs a fresh download_url on every GET, valid 60 seconds without a token, then 403; the task goes after 24 hours', async () => {
    const { task } = await runExport(idp, { format: 'ndjson' });
    idp.ctx.clock.advance(1000);
    const again = (await adminGet(idp, `${EXPORT}/${task.id}`)).json.result;
    expect(again.download_url).not.toBe(task.download_url);
    const url = new URL(again.download_url);
    expect(url.origin).toBe(idp.issuer);
    expect((await fetch(again.download_url)).status).toBe(200);
    const tampered = again.download_url.replace(/sig=([0-9a-f])/, (_: string, c: string) => `sig=${c === '0' ? '1' : '0'}`);
    const bad = await fetch(tampered);
    expect(bad.status).toBe(403);
    expect(bad.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    idp.ctx.clock.advance(61_000);
    expect((await fetch(again.download_url)).status).toBe(403);
    idp.ctx.clock.advance(24 * 3600 * 1000);
    try {
      const gone = await adminGet(idp, `${EXPORT}/${task.id}`);
      expect(gone.json).toEqual({ error: { name: 'NotFound', reason: 'TaskNotFound', message: 'task not found', code: 404 } });
    } finally {
      idp.ctx.clock.advance(-(24 * 3600 * 1000 + 62_000));
    }
    expect((await adminGet(idp, `${EXPORT}/userexport_00000000000000000000000000000000`)).status).toBe(404);
  });

  it('reports export progress to the console', async () => {
    const created = await consoleCall(idp, 'POST', '/_sandbox/api/userexport', { format: 'ndjson' });
    await waitExport(idp, created.json.result.id);
    const p = await consoleCall(idp, 'GET', `/_sandbox/api/userexport/${created.json.result.id}/progress`);
    expect(p.json).toMatchObject({ id: created.json.result.id, status: 'completed', users_total: 5, users_written: 5 });
    expect(p.json.bytes_written).toBeGreaterThan(0);
  });
});

describe('round trip: export, wipe, import, export again', () => {
  it('gives the same NDJSON except sub, created_at, last_login_at and original_value', async () => {
    const source = await startTestIdp({ editConfig: config });
    const target = await startTestIdp({ editConfig: config });
    try {
      for (const idp of [source, target]) {
        const { store, clock, random } = idp.ctx;
        await store.db.write(() => {
          store.rbac.insert('role', { id: random.uuid(), key: 'editor', name: null, description: null, createdAt: clock.nowMs(), updatedAt: clock.nowMs() });
          store.rbac.insert('group', { id: random.uuid(), key: 'team', name: null, description: null, createdAt: clock.nowMs(), updatedAt: clock.nowMs() });
        });
      }
      const records = Array.from({ length: 130 }, (_, i) => ({
        email: `rt-${i}@example.org`,
        ...(i % 2 ? { email_verified: true, phone_number: `+8529876${String(5000 + i).padStart(4, '0')}`, phone_number_verified: true } : {}),
        ...(i % 3 === 0 ? { preferred_username: `rt_user_${i}`, name: `Name ${i} 林`, address: { locality: 'Town', country: 'HK' }, roles: ['editor'], groups: ['team'] } : {}),
        ...(i % 5 === 0 ? { custom_attributes: { score: i / 4, note: `<${i}>` }, mfa: { email: `m${i}@example.org`, totp: { secret: 'JBSWY3DPEHPK3PXP' } }, account_valid_until: '2099-01-01T00:00:00Z' } : {}),
        ...(i % 7 === 0 ? { disabled: true } : {}),
        password: { type: 'bcrypt', password_hash: '$2a$04$7tJv4J2qRfmrLnd1WwB0ouxJzIRz9sQlQc5Jr4Sw6kRvW8LR3qZ2K' },
      }));
      const imported = await runImport(source, { identifier: 'email', records });
      expect(imported.summary.failed).toBe(0);

      const first = await runExport(source, { format: 'ndjson' });
      const shaped = await runExport(source, { format: 'ndjson', shape: 'import', identifier: 'email', include_password_hash: true }, true);
      const importable = shaped.file.trim().split('\n').map((l) => JSON.parse(l));
      expect(importable[1].password.password_hash.startsWith('$2a$04$')).toBe(true);
      const back = await runImport(target, { identifier: 'email', records: importable });
      expect(back.summary).toEqual({ total: 130, inserted: 130, updated: 0, skipped: 0, failed: 0 });
      const second = await runExport(target, { format: 'ndjson' });

      const strip = (file: string) =>
        file
          .replace(/"sub":"[0-9a-f-]{36}"/g, '"sub":"-"')
          .replace(/"(created_at|last_login_at)":"[^"]+"/g, '"$1":"-"')
          .replace(/"original_value":"[^"]+"/g, '"original_value":"-"')
          .replace(/issuer=[^&]+/g, 'issuer=-');
      expect(strip(second.file)).toBe(strip(first.file));
      expect(first.file.split('\n')).toHaveLength(131);
    } finally {
      await source.dispose();
      await target.dispose();
    }
  });
});
