/**
 * User Import API, record level (spec import-export.md 4, 5, 11 "Import, records" and "upsert
 * and re-import"): Unicode, case, phone rules, password hashes (then sign-in through the
 * Authentication Flow API), TOTP secrets, mixed outcomes, redaction, roles and groups, account
 * status, warnings, upsert semantics, chunk borders and the dry run.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes, createHash } from 'node:crypto';
import { bcrypt } from 'hash-wasm';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { FlowClient } from '../helpers/authflow';
import { adminPost, consoleCall, runImport } from '../helpers/transfer';

const ALL_KEYS = [
  { type: 'email', key: 'email' },
  { type: 'phone', key: 'phone' },
  { type: 'username', key: 'username' },
];

function projectConfig(extra: (doc: any) => void = () => {}) {
  return (doc: any) => {
    doc.identity = { login_id: { keys: ALL_KEYS } };
    doc.user_profile = { custom_attributes: { attributes: [{ id: '1', pointer: '/tier', type: 'string' }, { id: '2', pointer: '/score', type: 'number' }, { id: '3', pointer: '/a', type: 'string' }] } };
    extra(doc);
  };
}

const failedWith = (d: any) => d.errors?.[0];

async function seedRbac(idp: TestIdp, roles: string[], groups: string[]): Promise<void> {
  const { store, clock, random } = idp.ctx;
  await store.db.write(() => {
    for (const key of roles) store.rbac.insert('role', { id: random.uuid(), key, name: null, description: null, createdAt: clock.nowMs(), updatedAt: clock.nowMs() });
    for (const key of groups) store.rbac.insert('group', { id: random.uuid(), key, name: null, description: null, createdAt: clock.nowMs(), updatedAt: clock.nowMs() });
  });
}

function userByLoginId(idp: TestIdp, key: string, value: string) {
  const i = idp.ctx.store.identities.findByLoginId(key, value);
  return i ? idp.ctx.store.users.get(i.userId) : undefined;
}

describe('records in the default project (case-insensitive, isValidNumber, ascii usernames)', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ editConfig: projectConfig() });
    await seedRbac(idp, ['admin', 'editor'], ['staff']);
  });
  afterAll(() => idp.dispose());

  it('keeps Unicode in attributes and login IDs, and refuses a non-ASCII username', async () => {
    const r = await runImport(idp, {
      identifier: 'email',
      records: [
        { email: 'josé@example.org', name: '林美', given_name: 'Zoë', nickname: '🦊 fox', family_name: 'שָׁלוֹם' },
        { email: 'user@例え.jp' },
        { email: 'mei2@example.org', preferred_username: '美美' },
      ],
    });
    expect(r.details.map((d: any) => d.outcome)).toEqual(['inserted', 'inserted', 'failed']);
    const u = idp.ctx.store.users.get(r.details[0].user_id)!;
    expect(u.standardAttributes).toMatchObject({ email: 'josé@example.org', name: '林美', given_name: 'Zoë', nickname: '🦊 fox', family_name: 'שָׁלוֹם' });
    expect(userByLoginId(idp, 'email', 'user@例え.jp')?.id).toBe(r.details[1].user_id);
    expect(failedWith(r.details[2])).toEqual({
      name: 'Invalid',
      reason: 'ValidationFailed',
      message: 'invalid login ID',
      code: 400,
      info: { causes: [{ location: '/login_id', kind: 'format', details: { format: 'username' } }] },
    });
    // The failed record left no user behind.
    expect(userByLoginId(idp, 'email', 'mei2@example.org')).toBeUndefined();
  });

  it('stores a mixed-case e-mail lowercase; re-importing it misses the lookup and fails DuplicatedIdentity', async () => {
    const first = await runImport(idp, { identifier: 'email', records: [{ email: 'Ann@Example.com' }] });
    expect(first.details[0].outcome).toBe('inserted');
    const u = idp.ctx.store.users.get(first.details[0].user_id)!;
    expect(u.standardAttributes.email).toBe('ann@example.com');
    const again = await runImport(idp, { identifier: 'email', upsert: true, records: [{ email: 'Ann@Example.com' }] });
    expect(again.details[0].outcome).toBe('failed');
    expect(failedWith(again.details[0])).toEqual({
      name: 'Invalid',
      reason: 'InvariantViolated',
      message: 'identity already exists',
      code: 400,
      info: { IdentityTypeExisting: 'login_id', IdentityTypeIncoming: 'login_id', LoginIDTypeExisting: 'email', LoginIDTypeIncoming: 'email', cause: { kind: 'DuplicatedIdentity' } },
    });
    // The lowercase form finds the user.
    const lower = await runImport(idp, { identifier: 'email', records: [{ email: 'ann@example.com' }] });
    expect(lower.details[0]).toMatchObject({ outcome: 'skipped', user_id: u.id });
  });

  it('refuses a phone number not written in E.164 under isValidNumber', async () => {
    const r = await runImport(idp, { identifier: 'phone_number', records: [{ phone_number: '+852 9876 5432' }, { phone_number: '+85298765432' }] });
    expect(failedWith(r.details[0]).info.causes).toEqual([{ location: '/phone_number', kind: 'format', details: { error: 'not in E.164 format', format: 'phone' } }]);
    expect(r.details[1].outcome).toBe('inserted');
    expect(idp.ctx.store.users.get(r.details[1].user_id)!.standardAttributes.phone_number).toBe('+85298765432');
  });

  it('reports schema failures as ValidationFailed with every cause, sorted by location', async () => {
    const r = await runImport(idp, {
      identifier: 'email',
      records: [
        { email: 'bad-fields@example.com', birthdate: '1990/01/01', middle_name: '', zoneinfo: 'UTC', locale: 'en_US', website: 'mailto:x@y.z', sub: 'x', temporarily_disabled_from: '2025-01-01T00:00:00Z' },
        { email: 'bad-types@example.com', disabled: 'yes', roles: ['', 1], password: { type: 'argon2', password_hash: 'x' } },
        { email: 'ok-formats@example.com', birthdate: '--02-29', zoneinfo: 'Etc/UTC', locale: 'zh-Hant-HK', picture: 'authgearimages:///app/1.png', profile: 'https://example.com/a/b' },
      ],
    });
    expect(failedWith(r.details[0])).toEqual({
      name: 'Invalid',
      reason: 'ValidationFailed',
      message: 'invalid value',
      code: 400,
      info: {
        causes: [
          { location: '/birthdate', kind: 'format', details: { error: 'invalid birthdate: "1990/01/01"', format: 'birthdate' } },
          { location: '/locale', kind: 'format', details: { error: 'invalid BCP 47 tag: language: tag is not well-formed', format: 'bcp47' } },
          { location: '/middle_name', kind: 'minLength', details: { actual: 0, expected: 1 } },
          { location: '/sub', kind: '' },
          { location: '/temporarily_disabled_from', kind: '' },
          { location: '/website', kind: 'format', details: { error: 'input URL must be absolute', format: 'uri' } },
          { location: '/zoneinfo', kind: 'format', details: { error: 'valid timezone name has at least 1 slash: "UTC"', format: 'timezone' } },
        ],
      },
    });
    expect(failedWith(r.details[1]).info.causes).toEqual([
      { location: '/disabled', kind: 'type', details: { actual: ['string'], expected: ['boolean'] } },
      { location: '/password/type', kind: 'enum', details: { actual: 'argon2', expected: ['bcrypt'] } },
      { location: '/roles/0', kind: 'minLength', details: { actual: 0, expected: 1 } },
      { location: '/roles/1', kind: 'type', details: { actual: ['integer', 'number'], expected: ['string'] } },
    ]);
    expect(r.details[2].outcome).toBe('inserted');
  });

  it('checks TOTP secrets as unpadded upper-case base32', async () => {
    const secrets = ['JBSWY3DPEHPK3PXP', 'jbswy3dpehpk3pxp', 'JBSWY3DPEHPK3PXP=', 'secret', 'A'];
    const r = await runImport(idp, { identifier: 'email', records: secrets.map((secret, i) => ({ email: `totp-${i}@example.com`, mfa: { totp: { secret } } })) });
    expect(r.details[0].outcome).toBe('inserted');
    const totp = idp.ctx.store.authenticators.listByUser(r.details[0].user_id).find((a) => a.type === 'totp')!;
    expect(totp).toMatchObject({ kind: 'secondary', data: { secret: 'JBSWY3DPEHPK3PXP', display_name: 'Imported' } });
    expect(r.details.slice(1).map((d: any) => failedWith(d))).toEqual(
      [0, 16, 0, 0].map((at) => ({ name: 'Invalid', reason: 'InvalidTOTPSecret', message: `illegal base32 data at input byte ${at}`, code: 400 })),
    );
    expect(r.details[1].record.mfa.totp.secret).toBe('REDACTED');
  });

  it('mixes valid and invalid records: summary, index order, only failures rolled back, warnings kept, no user_id on failures', async () => {
    const r = await runImport(idp, {
      identifier: 'email',
      records: [
        { email: 'mix-0@example.com', phone_number: null },
        { email: 'mix-1@example.com', phone_number: null, roles: ['nope'] },
        { email: 'mix-2@example.com', groups: ['staff', 'ghost', 'ghost2'] },
        { email: 'mix-3@example.com', roles: ['editor', 'admin'], groups: ['staff'] },
      ],
    });
    expect(r.summary).toEqual({ total: 4, inserted: 2, updated: 0, skipped: 0, failed: 2 });
    expect(r.details.map((d: any) => d.index)).toEqual([0, 1, 2, 3]);
    expect(r.details[0]).toEqual({ index: 0, record: { email: 'mix-0@example.com', phone_number: null }, outcome: 'inserted', user_id: r.details[0].user_id, warnings: [{ message: 'phone_number = null has no effect in insert.' }] });
    expect(r.details[1]).toEqual({
      index: 1,
      record: { email: 'mix-1@example.com', phone_number: null, roles: ['nope'] },
      outcome: 'failed',
      warnings: [{ message: 'phone_number = null has no effect in insert.' }],
      errors: [{ name: 'NotFound', reason: 'RoleUnknownKeys', message: 'unknown role keys', code: 404, info: { keys: ['nope'] } }],
    });
    expect(failedWith(r.details[2])).toEqual({ name: 'NotFound', reason: 'GroupUnknownKeys', message: 'unknown group keys', code: 404, info: { keys: ['ghost', 'ghost2'] } });
    expect(userByLoginId(idp, 'email', 'mix-1@example.com')).toBeUndefined();
    expect(userByLoginId(idp, 'email', 'mix-2@example.com')).toBeUndefined();
    const id = r.details[3].user_id;
    expect(idp.ctx.store.rbac.rolesOfUser(id).map((x) => x.key)).toEqual(['editor', 'admin']);
    expect(idp.ctx.store.rbac.groupsOfUser(id).map((x) => x.key)).toEqual(['staff']);
  });

  it('redacts hashes and secrets in the echoed record, and odd values whole; null is echoed as is', async () => {
    const r = await runImport(idp, {
      identifier: 'email',
      records: [
        { email: 'red-0@example.com', password: 'plain-text' },
        { email: 'red-1@example.com', password: {} },
        { email: 'red-2@example.com', mfa: { totp: 5, password: { type: 'bcrypt', password_hash: '$2a$10$x' } } },
        { email: 'red-3@example.com', password: null },
        { email: 'red-4@example.com', mfa: 'x' },
      ],
    });
    expect(r.details.map((d: any) => d.record)).toEqual([
      { email: 'red-0@example.com', password: 'REDACTED' },
      { email: 'red-1@example.com', password: { password_hash: 'REDACTED' } },
      { email: 'red-2@example.com', mfa: { password: { password_hash: 'REDACTED', type: 'bcrypt' }, totp: 'REDACTED' } },
      { email: 'red-3@example.com', password: null },
      { email: 'red-4@example.com', mfa: 'REDACTED' },
    ]);
    expect(r.details.every((d: any) => d.outcome === 'failed' && d.errors[0].reason === 'ValidationFailed')).toBe(true);
    const text = JSON.stringify(r);
    expect(text).not.toContain('$2a$10$x');
  });

  it('sets the valid period, refusing from >= until; a period already over disables the user', async () => {
    const r = await runImport(idp, {
      identifier: 'email',
      records: [
        { email: 'period-0@example.com', account_valid_from: '2099-01-01T00:00:00Z', account_valid_until: '2025-01-01T00:00:00Z' },
        { email: 'period-1@example.com', account_valid_until: '2001-01-01T08:00:00+08:00' },
        { email: 'period-2@example.com', disabled: true, account_valid_from: '2000-01-01T00:00:00.5Z' },
      ],
    });
    expect(failedWith(r.details[0])).toMatchObject({
      name: 'Invalid',
      reason: 'InvalidAccountStatusTransition',
      message: 'the start timestamp of account valid period must be less than the end timestamp of the account valid period',
    });
    const s1 = idp.ctx.store.accountStatus.get(r.details[1].user_id);
    expect(s1.accountValidUntil).toBe(Date.UTC(2001, 0, 1));
    const { isUserDisabled } = await import('../../src-main/idp/user/account-status');
    expect(isUserDisabled(idp.ctx.store, idp.ctx.store.users.get(r.details[1].user_id)!, idp.ctx.clock.nowMs())).toBe(true);
    const u2 = idp.ctx.store.users.get(r.details[2].user_id)!;
    expect(u2.isDisabled).toBe(true);
    expect(idp.ctx.store.accountStatus.get(u2.id).accountValidFrom).toBe(Date.UTC(2000, 0, 1, 0, 0, 0, 500));
  });

  it('warns about fields without effect on insert', async () => {
    const r = await runImport(idp, {
      identifier: 'email',
      records: [{ email: 'warn@example.com', preferred_username: null, email_verified: false, phone_number_verified: true, disabled: false, mfa: { email: null, phone_number: null } }],
    });
    expect(r.details[0].outcome).toBe('inserted');
    expect(r.details[0].warnings.map((w: any) => w.message)).toEqual([
      'preferred_username = null has no effect in insert.',
      'email_verified = false has no effect in insert.',
      'phone_number_verified = true has no effect when phone_number is absent.',
      'disabled = false has no effect in insert.',
      'mfa.email = null has no effect in insert.',
      'mfa.phone_number = null has no effect in insert.',
    ]);
  });

  it('fails with UnexpectedError when two identities hold the identifier (login ID and an OAuth profile)', async () => {
    const first = await runImport(idp, { identifier: 'email', records: [{ email: 'shared@example.com' }] });
    const { store, clock, random } = idp.ctx;
    await store.db.write(() =>
      store.identities.insert({ id: random.uuid(), userId: first.details[0].user_id, type: 'oauth', loginIdKey: null, loginIdType: null, loginId: null, originalLoginId: null, claims: { email: 'shared@example.com' }, createdAt: clock.nowMs(), updatedAt: clock.nowMs() }),
    );
    const again = await runImport(idp, { identifier: 'email', records: [{ email: 'shared@example.com' }] });
    expect(again.details[0]).toEqual({
      index: 0,
      record: { email: 'shared@example.com' },
      outcome: 'failed',
      errors: [{ name: 'InternalError', reason: 'UnexpectedError', message: 'unexpected error occurred', code: 500 }],
    });
  });

  describe('re-import and upsert', () => {
    const payload = {
      identifier: 'email',
      records: [
        { email: 'up-0@example.com', name: 'Zero', address: { formatted: '1 Main St', locality: 'Town' }, custom_attributes: { a: 'x', tier: 'gold', unknown: 1 }, roles: ['admin'], phone_number: '+85298765001', email_verified: true },
        { email: 'up-1@example.com', mfa: { email: 'mfa-1@example.com' }, password: { type: 'bcrypt', password_hash: '$2a$04$abcdefghijklmnopqrstuu5M2Q9.ZuMZm3aXRnYUFmJm0qXz6e7C' } },
      ],
    };

    it('skips existing users without upsert, updates them with it; disabled:false on a normal user warns', async () => {
      const first = await runImport(idp, payload);
      expect(first.summary).toEqual({ total: 2, inserted: 2, updated: 0, skipped: 0, failed: 0 });
      const u0 = first.details[0].user_id;
      expect(idp.ctx.store.users.get(u0)!.customAttributes).toEqual({ a: 'x', tier: 'gold' });
      expect(idp.ctx.store.verifiedClaims.listByUser(u0).map((c) => [c.name, c.value])).toEqual([['email', 'up-0@example.com']]);

      const skipped = await runImport(idp, payload);
      expect(skipped.summary).toEqual({ total: 2, inserted: 0, updated: 0, skipped: 2, failed: 0 });
      expect(skipped.details[0]).toMatchObject({ outcome: 'skipped', user_id: u0, warnings: [{ message: 'skipping because upsert = false and user exists' }] });

      const updated = await runImport(idp, { ...payload, upsert: true, records: [{ ...payload.records[0], disabled: false }, payload.records[1]] });
      expect(updated.summary).toEqual({ total: 2, inserted: 0, updated: 2, skipped: 0, failed: 0 });
      expect(updated.details[0].warnings).toEqual([{ message: 'invalid account status transition: normal -> normal' }]);
      expect(idp.ctx.store.authenticators.listByUser(first.details[1].user_id).filter((a) => a.type === 'password')).toHaveLength(1);
    });

    it('applies each field as upstream: address replaced whole, custom key null removed, roles [] cleared, phone null removes the login ID, email_verified false unverifies, password ignored', async () => {
      const u0 = userByLoginId(idp, 'email', 'up-0@example.com')!.id;
      const u1 = userByLoginId(idp, 'email', 'up-1@example.com')!.id;
      const hashBefore = idp.ctx.store.authenticators.findPassword(u1, 'primary')!.passwordHash;
      const r = await runImport(idp, {
        identifier: 'email',
        upsert: true,
        records: [
          { email: 'up-0@example.com', address: { country: 'HK' }, custom_attributes: { a: null }, roles: [], phone_number: null, email_verified: false, name: null },
          { email: 'up-1@example.com', password: { type: 'bcrypt', password_hash: '$2a$04$zzzzzzzzzzzzzzzzzzzzzu5M2Q9.ZuMZm3aXRnYUFmJm0qXz6e7C' }, mfa: { email: 'mfa-2@example.com' }, disabled: true },
        ],
      });
      expect(r.details.map((d: any) => d.outcome)).toEqual(['updated', 'updated']);
      const user0 = idp.ctx.store.users.get(u0)!;
      expect(user0.standardAttributes).toEqual({ email: 'up-0@example.com', address: { country: 'HK' } });
      expect(user0.customAttributes).toEqual({ tier: 'gold' });
      expect(idp.ctx.store.rbac.rolesOfUser(u0)).toEqual([]);
      expect(idp.ctx.store.identities.listByUser(u0).map((i) => i.loginIdKey)).toEqual(['email']);
      expect(idp.ctx.store.verifiedClaims.listByUser(u0)).toEqual([]);
      expect(idp.ctx.store.authenticators.findPassword(u1, 'primary')!.passwordHash).toBe(hashBefore);
      const oob = idp.ctx.store.authenticators.listByUser(u1).filter((a) => a.type === 'oob_otp_email');
      expect(oob.map((a) => a.data.email)).toEqual(['mfa-2@example.com']);
      expect(idp.ctx.store.users.get(u1)!.isDisabled).toBe(true);
      // A disabled user asked to be disabled again: a warning, not a failure.
      const again = await runImport(idp, { identifier: 'email', upsert: true, records: [{ email: 'up-1@example.com', disabled: true }] });
      expect(again.details[0]).toMatchObject({ outcome: 'updated', warnings: [{ message: 'invalid account status transition: disabled -> disabled' }] });
    });

    it('handles the same identifier twice in one chunk and across the chunk border, in order', async () => {
      const records = Array.from({ length: 101 }, (_, i) => ({ email: `border-${i}@example.com` }));
      records[1] = { email: 'border-0@example.com' };
      records[100] = { email: 'border-99@example.com' };
      const plain = await runImport(idp, { identifier: 'email', records });
      expect([0, 1, 99, 100].map((i) => plain.details[i].outcome)).toEqual(['inserted', 'skipped', 'inserted', 'skipped']);
      expect(plain.details[1].user_id).toBe(plain.details[0].user_id);
      expect(plain.details[100].user_id).toBe(plain.details[99].user_id);
      const fresh = records.map((r) => ({ email: r.email.replace('border', 'border2') }));
      const upsert = await runImport(idp, { identifier: 'email', upsert: true, records: fresh });
      expect([0, 1, 99, 100].map((i) => upsert.details[i].outcome)).toEqual(['inserted', 'updated', 'inserted', 'updated']);
    });

    it('cannot swap e-mails between two users: both records fail DuplicatedIdentity', async () => {
      await runImport(idp, { identifier: 'preferred_username', records: [{ preferred_username: 'swap_a', email: 'swap-a@example.com' }, { preferred_username: 'swap_b', email: 'swap-b@example.com' }] });
      const r = await runImport(idp, {
        identifier: 'preferred_username',
        upsert: true,
        records: [{ preferred_username: 'swap_a', email: 'swap-b@example.com' }, { preferred_username: 'swap_b', email: 'swap-a@example.com' }],
      });
      expect(r.details.map((d: any) => failedWith(d)?.info?.cause)).toEqual([{ kind: 'DuplicatedIdentity' }, { kind: 'DuplicatedIdentity' }]);
    });
  });

  it('runs 4,000 records of one request as 40 chunks, details indexed 0…3999 in order', async () => {
    const records = Array.from({ length: 4000 }, (_, i) => ({ email: `bulk-${String(i).padStart(4, '0')}@example.com`, name: `Bulk ${i}` }));
    const created = await adminPost(idp, '/_api/admin/users/import', { identifier: 'email', records });
    expect(idp.ctx.store.userImportJobs.chunks(created.json.result.id)).toHaveLength(40);
    const { waitImport } = await import('../helpers/transfer');
    const r = await waitImport(idp, created.json.result.id);
    expect(r.summary).toEqual({ total: 4000, inserted: 4000, updated: 0, skipped: 0, failed: 0 });
    expect(r.details.map((d: any) => d.index)).toEqual(records.map((_, i) => i));
    expect(r.details[3999].record).toEqual({ email: 'bulk-3999@example.com', name: 'Bulk 3999' });
  });

  it('dry-runs with the real pipeline and writes nothing', async () => {
    const before = idp.ctx.store.users.count();
    const flushes = idp.ctx.store.db.flushCount;
    const r = await consoleCall(idp, 'POST', '/_sandbox/api/userimport/dry-run', {
      identifier: 'email',
      records: [{ email: 'dry-new@example.com' }, { email: 'ann@example.com' }, { email: 'bad' }, { email: 'dry-new@example.com' }],
    });
    expect(r.status).toBe(200);
    expect(r.json.result.dry_run).toBe(true);
    expect(r.json.result.details.map((d: any) => d.outcome)).toEqual(['inserted', 'skipped', 'failed', 'skipped']);
    expect(r.json.result.details[0].user_id).toBeUndefined();
    expect(r.json.result.details[1].user_id).toBe(userByLoginId(idp, 'email', 'ann@example.com')!.id);
    expect(idp.ctx.store.users.count()).toBe(before);
    expect(idp.ctx.store.db.flushCount).toBe(flushes);
    expect(userByLoginId(idp, 'email', 'dry-new@example.com')).toBeUndefined();
    // The compatible endpoint has no dry-run flag.
    const flag = await adminPost(idp, '/_api/admin/users/import', { identifier: 'email', dry_run: true, records: [{ email: 'x@example.com' }] });
    expect(flag.json.error.info.causes).toEqual([{ location: '/dry_run', kind: '' }]);
  });
});

describe('password hashes, then sign-in through the Authentication Flow API', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ editConfig: projectConfig() });
  });
  afterAll(() => idp.dispose());

  async function logIn(email: string, password: string): Promise<any> {
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    const r = await c.create('login', { batch_input: [{ identification: 'email', login_id: email }, { authentication: 'primary_password', password }] });
    return r.body;
  }

  it('accepts every bcrypt variant; the right password signs in and is re-hashed to $bcrypt-sha512$', async () => {
    const encoded = await bcrypt({ password: 'secret-pw', salt: randomBytes(16), costFactor: 4, outputType: 'encoded' });
    const rest = encoded.slice(4);
    const sha = await bcrypt({ password: new Uint8Array(createHash('sha512').update('secret-pw').digest()), salt: randomBytes(16), costFactor: 4, outputType: 'encoded' });
    const variants = [`$2a$${rest}`, `$2b$${rest}`, `$2y$${rest}`, `$2x$${rest}`, `$2$${rest}`, `$bcrypt-sha512$${sha}`];
    const r = await runImport(idp, { identifier: 'email', records: variants.map((h, i) => ({ email: `hash-${i}@example.com`, password: { type: 'bcrypt', password_hash: h } })) });
    expect(r.details.map((d: any) => d.outcome)).toEqual(variants.map(() => 'inserted'));
    for (let i = 0; i < variants.length; i++) {
      const email = `hash-${i}@example.com`;
      expect((await logIn(email, 'secret-pw!')).error?.reason, email).toBe('InvalidCredentials');
      expect((await logIn(email, 'secret-pw')).result?.action, email).toEqual({ type: 'finished', data: {} });
      const stored = idp.ctx.store.authenticators.findPassword(r.details[i].user_id, 'primary')!.passwordHash!;
      expect(stored.startsWith('$bcrypt-sha512$$2'), email).toBe(true);
      if (i < 5) expect(stored).not.toBe(variants[i]);
      // The re-hashed password still signs in.
      expect((await logIn(email, 'secret-pw')).result?.action, email).toEqual({ type: 'finished', data: {} });
    }
  });

  it('reads only the first 72 bytes of a password against a plain bcrypt hash, as Go does, until the re-hash', async () => {
    const long = 'p'.repeat(72) + 'tail-after-72';
    const encoded = await bcrypt({ password: long.slice(0, 72), salt: randomBytes(16), costFactor: 4, outputType: 'encoded' });
    await runImport(idp, { identifier: 'email', records: [{ email: 'long@example.com', password: { type: 'bcrypt', password_hash: encoded } }] });
    expect((await logIn('long@example.com', long)).result?.action.type).toBe('finished');
    // Re-hashed with the whole password: the 72-byte prefix alone no longer matches.
    expect((await logIn('long@example.com', long.slice(0, 72))).error?.reason).toBe('InvalidCredentials');
    expect((await logIn('long@example.com', long)).result?.action.type).toBe('finished');
  });

  it('refuses malformed hashes with upstream errors', async () => {
    const valid = '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';
    const cases: [string, unknown][] = [
      [valid.slice(0, 58), { name: 'Invalid', reason: 'InvalidBcryptHash', message: 'crypto/bcrypt: hashedSecret too short to be a bcrypted password', code: 400 }],
      [`$3a$${valid.slice(4)}`, { name: 'Invalid', reason: 'InvalidBcryptHash', message: "crypto/bcrypt: bcrypt algorithm version '3' requested is newer than current version '2'", code: 400 }],
      [`$2a$03$${valid.slice(7)}`, { name: 'Invalid', reason: 'InvalidBcryptHash', message: 'crypto/bcrypt: cost 3 is outside allowed inclusive range 4..31', code: 400 }],
      [`$2a$32$${valid.slice(7)}`, { name: 'Invalid', reason: 'InvalidBcryptHash', message: 'crypto/bcrypt: cost 32 is outside allowed inclusive range 4..31', code: 400 }],
      [`$2a$xx$${valid.slice(7)}`, { name: 'InternalError', reason: 'UnexpectedError', message: 'unexpected error occurred', code: 500 }],
      [valid.slice(1), { name: 'InternalError', reason: 'UnexpectedError', message: 'unexpected error occurred', code: 500 }],
      [
        '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG',
        { name: 'Invalid', reason: 'InvalidBcryptHash', message: "crypto/bcrypt: bcrypt algorithm version 'a' requested is newer than current version '2'", code: 400 },
      ],
    ];
    const r = await runImport(idp, { identifier: 'email', records: cases.map(([h], i) => ({ email: `badhash-${i}@example.com`, password: { type: 'bcrypt', password_hash: h } })) });
    expect(r.details.map((d: any) => failedWith(d))).toEqual(cases.map(([, e]) => e));
    expect(r.details.every((d: any) => d.record.password.password_hash === 'REDACTED')).toBe(true);
  });
});

describe('records in a project with other login ID settings', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({
      editConfig: projectConfig((doc) => {
        doc.identity.login_id.keys = [
          { type: 'email', key: 'email' },
          { type: 'phone', key: 'phone' },
        ];
        doc.identity.login_id.types = { email: { case_sensitive: true }, username: { ascii_only: false } };
        doc.ui = { phone_input: { validation: { implementation: 'libphonenumber', libphonenumber: { validation_method: 'isPossibleNumber' } } } };
      }),
    });
  });
  afterAll(() => idp.dispose());

  it('keeps the case of e-mails under case_sensitive', async () => {
    const r = await runImport(idp, { identifier: 'email', records: [{ email: 'Ann@Example.com' }] });
    expect(idp.ctx.store.users.get(r.details[0].user_id)!.standardAttributes.email).toBe('Ann@example.com');
    const again = await runImport(idp, { identifier: 'email', records: [{ email: 'Ann@example.com' }] });
    expect(again.details[0].outcome).toBe('skipped');
  });

  it('accepts a spaced phone number under isPossibleNumber; the lookup then misses it', async () => {
    const r = await runImport(idp, { identifier: 'phone_number', records: [{ phone_number: '+852 9876 5432' }] });
    expect(r.details[0].outcome).toBe('inserted');
    expect(idp.ctx.store.users.get(r.details[0].user_id)!.standardAttributes.phone_number).toBe('+85298765432');
    const again = await runImport(idp, { identifier: 'phone_number', records: [{ phone_number: '+852 9876 5432' }] });
    expect(failedWith(again.details[0]).info.cause).toEqual({ kind: 'DuplicatedIdentity' });
  });

  it('inserts a user without identity when the username key is not configured, with a warning', async () => {
    const r = await runImport(idp, { identifier: 'preferred_username', records: [{ preferred_username: '美美' }] });
    expect(r.details[0]).toMatchObject({ outcome: 'inserted', warnings: [{ message: 'preferred_username is ignored because it is not an allowed login ID.' }] });
    expect(idp.ctx.store.identities.listByUser(r.details[0].user_id)).toEqual([]);
  });
});

describe('records in a project with non-ASCII usernames allowed', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ editConfig: projectConfig((doc) => (doc.identity.login_id.types = { username: { ascii_only: false } })) });
  });
  afterAll(() => idp.dispose());

  it('accepts a non-ASCII username under ascii_only false, still refusing spaces and symbols', async () => {
    const r = await runImport(idp, { identifier: 'preferred_username', records: [{ preferred_username: '美美' }, { preferred_username: 'Ünïcode_Name' }, { preferred_username: 'two words' }, { preferred_username: '🦊' }] });
    expect(r.details.map((d: any) => d.outcome)).toEqual(['inserted', 'inserted', 'failed', 'failed']);
    expect(idp.ctx.store.identities.listByUser(r.details[1].user_id)[0]).toMatchObject({ loginIdKey: 'username', loginId: 'ünïcode_name', originalLoginId: 'Ünïcode_Name' });
    expect(failedWith(r.details[2]).info.causes).toEqual([{ location: '/login_id', kind: 'format', details: { format: 'username' } }]);
  });
});
