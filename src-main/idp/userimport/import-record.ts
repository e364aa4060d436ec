/**
 * One record of a user import (spec import-export.md 4 and 5): schema, lookup by the identifier's
 * claim, then insert, upsert or skip, each step in upstream's order. Synchronous: it runs inside
 * the chunk's transaction, within its own savepoint, so a failed record leaves nothing behind.
 */
import type { IdpContext } from '../context';
import type { Identity } from '../store/repos/identities';
import type { Authenticator } from '../store/repos/authenticators';
import type { LoginIDKeyConfig } from '../config/types';
import { ApiError } from '../errors';
import { GoMap } from '../adminapi/go-json';
import { apiErrorObject, type ApiErrorObject } from '../adminapi/api-error';
import { createValidator, Cause } from '../adminapi/schema-causes';
import { accountStateOf, transition, saveAccountState, NORMAL_STATE, type AccountState, type Transition } from '../user/account-status';
import { validateRecord, PROFILE_ATTRIBUTES, type Identifier, type ImportRecord } from './schema';
import { importSettings, type ImportSettings } from './settings';
import { customAttributeSchema } from '../user/custom-attribute-schema';
import { normalizeImportedLoginId, CLAIM_OF, type LoginIdType } from './login-ids';
import { checkImportedHash } from './hash-check';
import { checkTotpSecret } from './totp-check';
import { parseRfc3339, recordFormats } from './formats';
import { redactRecord } from './redact';

export type Outcome = 'inserted' | 'updated' | 'skipped' | 'failed';

/** A detail of the job result; key order is upstream's. */
export interface Detail {
  index: number;
  record?: GoMap;
  outcome: Outcome;
  user_id?: string;
  warnings?: { message: string }[];
  errors?: ApiErrorObject[];
}

export interface ImportOptions {
  upsert: boolean;
  identifier: Identifier;
}

const RECORD_SAVEPOINT = 'user_import_record';
const IDENTIFIER_TYPE: Record<Identifier, LoginIdType> = { email: 'email', phone_number: 'phone', preferred_username: 'username' };
const CLAIM_PATH: Record<string, string> = { email: '$.email', phone_number: '$.phone_number', preferred_username: '$.preferred_username' };

/** Imports one record; never throws (a failure is the detail's outcome). */
export function importRecord(ctx: IdpContext, opts: ImportOptions, raw: unknown, index: number): Detail {
  const detail: Detail = { index, outcome: 'failed' };
  const warnings: { message: string }[] = [];
  const db = ctx.store.db;
  db.run(`SAVEPOINT ${RECORD_SAVEPOINT}`);
  try {
    new RecordImport(ctx, opts, warnings, detail).run(raw);
    db.run(`RELEASE ${RECORD_SAVEPOINT}`);
  } catch (e) {
    db.run(`ROLLBACK TO ${RECORD_SAVEPOINT}`);
    db.run(`RELEASE ${RECORD_SAVEPOINT}`);
    if (!(e instanceof ApiError)) console.error('user import: record failed unexpectedly', e);
    detail.outcome = 'failed';
    delete detail.user_id;
    detail.errors = [apiErrorObject(e)];
  }
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length > 0) detail.record = new GoMap(redactRecord(raw as Record<string, unknown>));
  if (warnings.length) detail.warnings = warnings;
  // Key order of the detail object.
  return { index: detail.index, record: detail.record, outcome: detail.outcome, user_id: detail.user_id, warnings: detail.warnings, errors: detail.errors };
}

class RecordImport {
  private readonly s: ImportSettings;
  private readonly now: number;

  constructor(
    private readonly ctx: IdpContext,
    private readonly opts: ImportOptions,
    private readonly warnings: { message: string }[],
    private readonly detail: Detail,
  ) {
    this.s = importSettings(ctx);
    this.now = ctx.clock.nowMs();
  }

  private warn(message: string): void {
    this.warnings.push({ message });
  }

  run(raw: unknown): void {
    const causes = validateRecord(this.opts.identifier, raw, this.s.phoneValidation);
    if (causes.length) throw new ApiError('Invalid', 'ValidationFailed', 'invalid value', { causes });
    const record = raw as ImportRecord;
    const value = record[this.opts.identifier] as string;
    const matches = this.identitiesByClaim(this.opts.identifier, value);
    if (matches.length === 0) return this.insert(record);
    // Upstream fails with "unexpected number of identities found" (not exposed).
    if (matches.length > 1) throw new Error(`unexpected number of identities found: ${matches.length}`);
    const userId = matches[0].userId;
    if (this.opts.upsert) return this.upsert(record, userId);
    this.detail.user_id = userId;
    this.detail.outcome = 'skipped';
    this.warn('skipping because upsert = false and user exists');
  }

  /** Every identity (login ID, OAuth, LDAP) whose standard claim equals `value` exactly. */
  private identitiesByClaim(claim: string, value: string): Identity[] {
    const ids = this.ctx.store.db.all<{ id: string }>(`SELECT id FROM identity WHERE json_extract(claims, '${CLAIM_PATH[claim]}') = ? ORDER BY created_at, id`, [value]);
    return ids.map((r) => this.ctx.store.identities.get(r.id)!);
  }

  // ---- insert (spec 5.2) ----

  private insert(r: ImportRecord): void {
    const { store } = this.ctx;
    const userId = this.ctx.random.uuid();

    // Checks run in upstream's order (login IDs, duplicates, verification, attributes); the
    // rows are written once at the end, the user first.
    const created: Identity[] = [];
    for (const [field, type] of [['email', 'email'], ['phone_number', 'phone'], ['preferred_username', 'username']] as const) {
      if (!(field in r)) continue;
      const v = r[field];
      if (v === null || v === undefined) {
        this.warn(`${field} = null has no effect in insert.`);
        continue;
      }
      const key = this.s.keys[type];
      if (!key) {
        this.warn(`${field} is ignored because it is not an allowed login ID.`);
        continue;
      }
      created.push(this.newLoginId(userId, key, v));
    }
    for (const i of created) this.checkDuplicate(i);

    const verified: { name: string; value: string }[] = [];
    for (const [flag, claim] of [['email_verified', 'email'], ['phone_number_verified', 'phone_number']] as const) {
      if (r[flag] === undefined) continue;
      if (!r[flag]) {
        this.warn(`${flag} = false has no effect in insert.`);
        continue;
      }
      const value = created.map((i) => i.claims[claim]).find((v) => typeof v === 'string') as string | undefined;
      if (value === undefined) this.warn(`${flag} = true has no effect when ${claim} is absent.`);
      else verified.push({ name: claim, value });
    }

    const { std, custom } = this.attributes(r, {}, {}, created);
    store.users.insert({ id: userId, createdAt: this.now, updatedAt: this.now, lastLoginAt: null, isDisabled: false, disableReason: null, standardAttributes: std, customAttributes: custom });
    for (const i of created) store.identities.insert(i);
    for (const c of verified) store.verifiedClaims.insert({ id: this.ctx.random.uuid(), userId, name: c.name, value: c.value, createdAt: this.now });

    this.insertAccountStatus(r, userId);
    this.setRbac(r, userId);
    if (r.password) this.insertPassword(userId, 'primary', r.password);
    if (r.mfa?.password) this.insertPassword(userId, 'secondary', r.mfa.password);
    if (r.mfa && 'email' in r.mfa) {
      if (r.mfa.email === null) this.warn('mfa.email = null has no effect in insert.');
      else this.insertAuthenticator(userId, 'oob_otp_email', { email: r.mfa.email });
    }
    if (r.mfa && 'phone_number' in r.mfa) {
      if (r.mfa.phone_number === null) this.warn('mfa.phone_number = null has no effect in insert.');
      else this.insertAuthenticator(userId, 'oob_otp_sms', { phone: r.mfa.phone_number });
    }
    if (r.mfa?.totp) {
      checkTotpSecret(r.mfa.totp.secret);
      this.insertAuthenticator(userId, 'totp', { secret: r.mfa.totp.secret, display_name: 'Imported' });
    }
    this.detail.user_id = userId;
    this.detail.outcome = 'inserted';
  }

  private newLoginId(userId: string, key: LoginIDKeyConfig, raw: string): Identity {
    const { normalized, original } = normalizeImportedLoginId(this.s, key, raw);
    return {
      id: this.ctx.random.uuid(),
      userId,
      type: 'login_id',
      loginIdKey: key.key,
      loginIdType: key.type,
      loginId: normalized,
      originalLoginId: original,
      claims: { [CLAIM_OF[key.type]]: normalized },
      createdAt: this.now,
      updatedAt: this.now,
    };
  }

  /** DuplicatedIdentity when another identity holds the same login ID, or another user the same claim. */
  private checkDuplicate(i: Identity): void {
    const { store } = this.ctx;
    let existing: Identity | undefined = store.identities.findByLoginId(i.loginIdKey!, i.loginId!);
    if (existing?.id === i.id) existing = undefined;
    if (!existing) {
      const claim = CLAIM_OF[i.loginIdType as LoginIdType];
      existing = this.identitiesByClaim(claim, i.loginId!).find((o) => o.userId !== i.userId);
    }
    if (!existing) return;
    throw new ApiError('Invalid', 'InvariantViolated', 'identity already exists', {
      cause: { kind: 'DuplicatedIdentity' },
      IdentityTypeIncoming: 'login_id',
      LoginIDTypeIncoming: i.loginIdType,
      IdentityTypeExisting: existing.type,
      ...(existing.type === 'login_id' ? { LoginIDTypeExisting: existing.loginIdType } : {}),
    });
  }

  /** Standard (merged; null removes) and custom attributes, with the login-ID claims kept in step. */
  private attributes(r: ImportRecord, currentStd: Record<string, unknown>, currentCustom: Record<string, unknown>, identities: Identity[]) {
    const std: Record<string, unknown> = { ...currentStd };
    for (const k of PROFILE_ATTRIBUTES) {
      if (!(k in r)) continue;
      if (r[k] === null) delete std[k];
      else std[k] = r[k];
    }
    populateLoginIdClaims(std, identities);
    const custom = { ...currentCustom };
    if (r.custom_attributes) {
      const configured = new Set(this.s.customAttributes.map((a) => a.key));
      const given: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r.custom_attributes)) {
        if (!configured.has(k)) continue;
        if (v === null) delete custom[k];
        else given[k] = custom[k] = v;
      }
      checkCustomAttributes(this.s, given);
    }
    return { std, custom };
  }

  private applyAttributes(r: ImportRecord, userId: string): void {
    const { store } = this.ctx;
    const user = store.users.get(userId)!;
    const { std, custom } = this.attributes(r, user.standardAttributes, user.customAttributes, store.identities.listByUser(userId));
    store.users.updateAttributes(userId, std, custom, this.now);
  }

  private insertAccountStatus(r: ImportRecord, userId: string): void {
    let state: AccountState = { ...NORMAL_STATE };
    let changed = false;
    if (r.disabled !== undefined) {
      if (!r.disabled) this.warn('disabled = false has no effect in insert.');
      else {
        state = transition(state, { kind: 'disable', reason: null }, this.now);
        changed = true;
      }
    }
    const period = this.validPeriod(r, state);
    if (period) {
      state = transition(state, period, this.now);
      changed = true;
    }
    if (changed) saveAccountState(this.ctx.store, userId, state, this.now);
  }

  private validPeriod(r: ImportRecord, state: AccountState): Transition | undefined {
    if (r.account_valid_from === undefined && r.account_valid_until === undefined) return undefined;
    const from = r.account_valid_from !== undefined ? parseRfc3339(r.account_valid_from)! : state.accountValidFrom;
    const until = r.account_valid_until !== undefined ? parseRfc3339(r.account_valid_until)! : state.accountValidUntil;
    return { kind: 'valid_period', from, until };
  }

  /** Roles, then groups: the user's set becomes exactly the list; every key must exist. */
  private setRbac(r: ImportRecord, userId: string): void {
    const { rbac } = this.ctx.store;
    for (const kind of ['role', 'group'] as const) {
      const keys = kind === 'role' ? r.roles : r.groups;
      if (!keys) continue;
      const found = keys.map((k) => rbac.getByKey(kind, k));
      const missing = keys.filter((_, i) => !found[i]);
      if (missing.length) {
        throw kind === 'role'
          ? new ApiError('NotFound', 'RoleUnknownKeys', 'unknown role keys', { keys: missing })
          : new ApiError('NotFound', 'GroupUnknownKeys', 'unknown group keys', { keys: missing });
      }
      const wanted = new Set(found.map((e) => e!.id));
      const current = kind === 'role' ? rbac.rolesOfUser(userId) : rbac.groupsOfUser(userId);
      for (const e of current) if (!wanted.has(e.id)) rbac.unlinkUser(kind, userId, e.id);
      const have = new Set(current.map((e) => e.id));
      for (const e of found) if (!have.has(e!.id)) rbac.linkUser(kind, userId, e!.id, this.now);
    }
  }

  private insertPassword(userId: string, kind: 'primary' | 'secondary', p: NonNullable<ImportRecord['password']>): void {
    checkImportedHash(p.password_hash);
    // Kept for password expiry rules; the sandbox does not enforce expiry yet.
    const data = p.expire_after !== undefined ? { expire_after: parseRfc3339(p.expire_after)! } : {};
    this.ctx.store.authenticators.insert({ id: this.ctx.random.uuid(), userId, type: 'password', kind, isDefault: false, passwordHash: p.password_hash, data, createdAt: this.now, updatedAt: this.now });
  }

  private insertAuthenticator(userId: string, type: Authenticator['type'], data: Record<string, unknown>): void {
    this.ctx.store.authenticators.insert({ id: this.ctx.random.uuid(), userId, type, kind: 'secondary', isDefault: false, passwordHash: null, data, createdAt: this.now, updatedAt: this.now });
  }

  // ---- upsert (spec 5.3) ----

  private upsert(r: ImportRecord, userId: string): void {
    const { store } = this.ctx;
    const others = (['email', 'phone_number', 'preferred_username'] as const).filter((f) => f !== this.opts.identifier);
    for (const field of others) {
      if (!(field in r)) continue;
      const type = IDENTIFIER_TYPE[field];
      const v = r[field];
      const mine = store.identities.listByUser(userId).filter((i) => i.type === 'login_id' && i.loginIdType === type && i.loginIdKey === type);
      if (v === null || v === undefined) {
        for (const i of mine) store.identities.delete(i);
        continue;
      }
      const key = this.s.keys[type];
      if (!key || key.type !== type) {
        throw new ApiError('Invalid', 'ValidationFailed', 'invalid login ID', { causes: [loginIdNotAllowed()] });
      }
      if (mine.length) {
        for (const old of mine) {
          const next = this.newLoginId(userId, key, v);
          const updated = { ...old, loginId: next.loginId, originalLoginId: next.originalLoginId, claims: next.claims, updatedAt: this.now };
          this.checkDuplicate(updated);
          store.identities.update(updated);
        }
      } else {
        const created = this.newLoginId(userId, key, v);
        this.checkDuplicate(created);
        store.identities.insert(created);
      }
    }

    const identities = store.identities.listByUser(userId);
    const verified = store.verifiedClaims.listByUser(userId);
    for (const [flag, claim, type] of [['email_verified', 'email', 'email'], ['phone_number_verified', 'phone_number', 'phone']] as const) {
      const want = r[flag];
      if (want === undefined) continue;
      if (!(claim in r)) {
        this.warn(`${flag} has no effect when ${claim} is absent.`);
        continue;
      }
      const value = r[claim];
      if (value === null) {
        this.warn(`${flag} has no effect when ${claim} = null.`);
        continue;
      }
      // The login ID whose normalized claim equals the record's value byte for byte.
      const match = identities.find((i) => i.type === 'login_id' && i.loginIdType === type && i.loginIdKey === type && i.claims[claim] === value);
      if (!match) continue;
      const has = verified.some((c) => c.name === claim && c.value === value);
      if (want && !has) store.verifiedClaims.insert({ id: this.ctx.random.uuid(), userId, name: claim, value: value as string, createdAt: this.now });
      if (!want && has) store.verifiedClaims.delete(userId, claim, value as string);
    }

    this.applyAttributes(r, userId);
    this.upsertAccountStatus(r, userId);
    this.setRbac(r, userId);
    // password, mfa.password and mfa.totp are ignored on upsert, as upstream does.
    if (r.mfa && 'email' in r.mfa) this.replaceSecondaryOob(userId, 'oob_otp_email', 'email', r.mfa.email ?? null);
    if (r.mfa && 'phone_number' in r.mfa) this.replaceSecondaryOob(userId, 'oob_otp_sms', 'phone', r.mfa.phone_number ?? null);
    this.detail.user_id = userId;
    this.detail.outcome = 'updated';
  }

  private upsertAccountStatus(r: ImportRecord, userId: string): void {
    const { store } = this.ctx;
    if (r.disabled === undefined && r.account_valid_from === undefined && r.account_valid_until === undefined) return;
    let state = accountStateOf(store, store.users.get(userId)!);
    let changed = false;
    if (r.disabled !== undefined) {
      try {
        state = transition(state, r.disabled ? { kind: 'disable', reason: null } : { kind: 'reenable' }, this.now);
        changed = true;
      } catch (e) {
        // A transition that is not allowed is a warning on upsert, not a failure.
        if (!(e instanceof ApiError)) throw e;
        this.warn(e.message);
      }
    }
    const period = this.validPeriod(r, state);
    if (period) {
      state = transition(state, period, this.now);
      changed = true;
    }
    if (changed) saveAccountState(store, userId, state, this.now);
  }

  /** `null` deletes every secondary OOB authenticator of the type; a value keeps an equal one or replaces them all. */
  private replaceSecondaryOob(userId: string, type: 'oob_otp_email' | 'oob_otp_sms', field: 'email' | 'phone', value: string | null): void {
    const { authenticators } = this.ctx.store;
    const current = authenticators.listByUser(userId).filter((a) => a.type === type && a.kind === 'secondary');
    if (value !== null && current.some((a) => a.data[field] === value)) return;
    for (const a of current) authenticators.delete(a.id);
    if (value !== null) this.insertAuthenticator(userId, type, { [field]: value });
  }
}

function loginIdNotAllowed(): Cause {
  return new Cause('/login_id', 'general', new GoMap({ msg: 'login ID key is not allowed' }));
}

/**
 * email, phone_number and preferred_username follow the login IDs: a value no identity holds
 * any more is replaced by one that does, or removed.
 */
function populateLoginIdClaims(std: Record<string, unknown>, identities: Identity[]): void {
  for (const claim of ['email', 'phone_number', 'preferred_username']) {
    const values = identities.map((i) => i.claims[claim]).filter((v): v is string => typeof v === 'string');
    if (typeof std[claim] === 'string' && values.includes(std[claim] as string)) continue;
    if (values.length) std[claim] = values[0];
    else delete std[claim];
  }
}

const customValidator = createValidator(recordFormats('isValidNumber'));


/** Values of configured custom attributes must match their type (ValidationFailed otherwise). */
function checkCustomAttributes(s: ImportSettings, given: Record<string, unknown>): void {
  if (Object.keys(given).length === 0) return;
  const schema = { type: 'object', properties: Object.fromEntries(s.customAttributes.map((a) => [a.key, customAttributeSchema(a)])) };
  const causes = customValidator.validate(schema, given);
  if (causes.length) throw new ApiError('Invalid', 'ValidationFailed', 'invalid value', { causes });
}
