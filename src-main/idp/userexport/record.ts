/**
 * Export records (spec import-export.md 8.3): one user as upstream's export Record, keys in its
 * order, empty values omitted where upstream omits them, map-shaped parts (custom attributes,
 * identity claims, OAuth and LDAP profiles) wrapped so they serialize with sorted keys. Users
 * are read a page at a time from a snapshot of the database.
 */
import type { Database } from '../store/database';
import { GoMap } from '../adminapi/go-json';
import { rfc3339 } from '../user/claims';
import { isDisabledAt } from '../user/account-status';
import { NO_ACCOUNT_STATUS } from '../store/repos/account-status';
import { goTotpUri } from './totp-uri';

export interface ExportRecord {
  sub: string;
  preferred_username?: string;
  email?: string;
  phone_number?: string;
  email_verified: boolean;
  phone_number_verified: boolean;
  [key: string]: unknown;
}

const PROFILE_KEYS = ['name', 'given_name', 'family_name', 'middle_name', 'nickname', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale'];
const ADDRESS_KEYS = ['formatted', 'street_address', 'locality', 'region', 'postal_code', 'country'];

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const time = (ms: number | null | undefined): string | undefined => (ms === null || ms === undefined ? undefined : rfc3339(ms));
const nonEmptyMap = (v: unknown): GoMap | undefined => (v && typeof v === 'object' && Object.keys(v).length ? new GoMap(v) : undefined);

/** Everything the records of one page need, read with one query per table. */
interface Page {
  users: any[];
  identities: Map<string, any[]>;
  authenticators: Map<string, any[]>;
  verified: Map<string, { name: string; value: string }[]>;
  roles: Map<string, string[]>;
  groups: Map<string, string[]>;
  status: Map<string, any>;
}

function groupBy<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    list.push(r);
  }
  return m;
}

/** User IDs in export order: created_at, then insertion order. */
export function exportOrder(db: Database): string[] {
  return db.all<{ id: string }>('SELECT id FROM user ORDER BY created_at, rowid').map((r) => r.id);
}

export function readPage(db: Database, ids: string[]): Page {
  const p = [JSON.stringify(ids)];
  const users = db.all('SELECT u.*, j.key AS ord FROM json_each(?) j JOIN user u ON u.id = j.value ORDER BY j.key', p);
  const by = (sql: string) => groupBy(db.all<any>(sql, p), (r) => r.user_id);
  return {
    users,
    // Insertion order breaks ties: identities created in the same millisecond keep their order.
    identities: by('SELECT * FROM identity WHERE user_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid'),
    authenticators: by('SELECT * FROM authenticator WHERE user_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid'),
    verified: by('SELECT user_id, name, value FROM verified_claim WHERE user_id IN (SELECT value FROM json_each(?))') as Map<string, any[]>,
    roles: new Map([...by('SELECT l.user_id, r.key FROM rbac_user_role l JOIN rbac_role r ON r.id = l.role_id WHERE l.user_id IN (SELECT value FROM json_each(?)) ORDER BY l.created_at, l.rowid')].map(([k, v]) => [k, v.map((r) => r.key)])),
    groups: new Map([...by('SELECT l.user_id, g.key FROM rbac_user_group l JOIN rbac_group g ON g.id = l.group_id WHERE l.user_id IN (SELECT value FROM json_each(?)) ORDER BY l.created_at, l.rowid')].map(([k, v]) => [k, v.map((r) => r.key)])),
    status: new Map(db.all<any>('SELECT * FROM user_account_status WHERE user_id IN (SELECT value FROM json_each(?))', p).map((r) => [r.user_id, r])),
  };
}

function identityObject(i: any): Record<string, unknown> | undefined {
  const claims = nonEmptyMap(JSON.parse(i.claims));
  if (i.type === 'login_id') {
    const loginId = { key: str(i.login_id_key), type: str(i.login_id_type), value: str(i.login_id), original_value: str(i.original_login_id) };
    return { type: 'login_id', login_id: loginId, claims };
  }
  if (i.type === 'oauth' || i.type === 'ldap') {
    const c = JSON.parse(i.claims) as Record<string, unknown>;
    const sub = i.type === 'oauth'
      ? { oauth: { provider_alias: str(c['https://authgear.com/claims/oauth/provider_alias']), provider_type: str(c['https://authgear.com/claims/oauth/provider_type']), provider_subject_id: str(c['https://authgear.com/claims/oauth/subject_id']), user_profile: nonEmptyMap(c['https://authgear.com/claims/oauth/profile']) } }
      : { ldap: { server_name: str(c['https://authgear.com/claims/ldap/server_name']), attributes: nonEmptyMap(c['https://authgear.com/claims/ldap/attributes']) } };
    return { type: i.type, ...sub, claims };
  }
  return undefined;
}

/** The export record of one user of a page. `origin` is the issuer used in TOTP URIs. */
export function exportRecord(page: Page, u: any, origin: string, now: number): ExportRecord {
  const std = JSON.parse(u.standard_attributes) as Record<string, unknown>;
  const custom = JSON.parse(u.custom_attributes) as Record<string, unknown>;
  const verified = page.verified.get(u.id) ?? [];
  const isVerified = (name: string) => typeof std[name] === 'string' && verified.some((c) => c.name === name && c.value === std[name]);
  const row = page.status.get(u.id);
  const status = row
    ? {
        temporarilyDisabledFrom: row.temporarily_disabled_from,
        temporarilyDisabledUntil: row.temporarily_disabled_until,
        accountValidFrom: row.account_valid_from,
        accountValidUntil: row.account_valid_until,
        deleteAt: row.delete_at,
        deleteReason: row.delete_reason,
        isDeactivated: row.is_deactivated === 1,
        anonymizeAt: row.anonymize_at,
        isAnonymized: row.is_anonymized === 1,
        anonymizedAt: row.anonymized_at,
        mfaGracePeriodEndAt: row.mfa_grace_period_end_at,
      }
    : NO_ACCOUNT_STATUS;
  const address = (std.address && typeof std.address === 'object' ? std.address : {}) as Record<string, unknown>;
  const identities: Record<string, unknown>[] = [];
  let biometric = 0;
  let passkey = 0;
  for (const i of page.identities.get(u.id) ?? []) {
    if (i.type === 'biometric') biometric++;
    else if (i.type === 'passkey') passkey++;
    else {
      const o = identityObject(i);
      if (o) identities.push(o);
    }
  }
  const account = str(std.email) ?? str(std.preferred_username) ?? str(std.phone_number) ?? '';
  const emails: string[] = [];
  const phones: string[] = [];
  const totps: { secret: string; uri: string }[] = [];
  for (const a of page.authenticators.get(u.id) ?? []) {
    const data = JSON.parse(a.data);
    if (a.type === 'oob_otp_email') emails.push(data.email);
    else if (a.type === 'oob_otp_sms') phones.push(data.phone);
    else if (a.type === 'totp') totps.push({ secret: data.secret, uri: goTotpUri(data.secret, origin, account) });
  }
  const roles = page.roles.get(u.id) ?? [];
  const groups = page.groups.get(u.id) ?? [];
  const record: ExportRecord = {
    sub: u.id,
    preferred_username: str(std.preferred_username),
    email: str(std.email),
    phone_number: str(std.phone_number),
    email_verified: isVerified('email'),
    phone_number_verified: isVerified('phone_number'),
  };
  for (const k of PROFILE_KEYS) record[k] = str(std[k]);
  record.address = Object.fromEntries(ADDRESS_KEYS.map((k) => [k, str(address[k])]));
  record.custom_attributes = nonEmptyMap(custom);
  record.roles = roles.length ? roles : undefined;
  record.groups = groups.length ? groups : undefined;
  record.created_at = rfc3339(u.created_at);
  record.disabled = isDisabledAt({ ...status, indefinitelyDisabled: u.is_disabled === 1, disableReason: u.disable_reason }, now);
  record.delete_at = time(status.deleteAt);
  record.last_login_at = time(u.last_login_at);
  record.is_anonymized = status.isAnonymized;
  record.anonymize_at = time(status.anonymizeAt);
  record.temporarily_disabled_from = time(status.temporarilyDisabledFrom);
  record.temporarily_disabled_until = time(status.temporarilyDisabledUntil);
  record.account_valid_from = time(status.accountValidFrom);
  record.account_valid_until = time(status.accountValidUntil);
  record.identities = identities.length ? identities : undefined;
  record.mfa = { emails: emails.length ? emails : undefined, phone_numbers: phones.length ? phones : undefined, totps: totps.length ? totps : undefined };
  record.biometric_count = biometric;
  record.passkey_count = passkey;
  return record;
}

/** The primary password hash of each user of a page (for the sandbox's importable shape). */
export function primaryPasswordHash(page: Page, userId: string): string | undefined {
  return (page.authenticators.get(userId) ?? []).find((a) => a.type === 'password' && a.kind === 'primary')?.password_hash ?? undefined;
}
