/**
 * Export record → import record (spec import-export.md 9.3), a pure function: login-ID fields,
 * standard attributes (`address` unless empty), custom attributes, roles, groups, `disabled`,
 * `account_valid_*`, the first MFA e-mail, phone and TOTP secret, and the password hash when
 * known. Verified flags and `disabled` are carried only when true (false is a no-op on insert).
 */
import { GoMap } from '../adminapi/go-json';

const COPIED = ['preferred_username', 'email', 'phone_number', 'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale'];

const unwrap = (v: unknown): unknown => (v instanceof GoMap ? v.value : v);

export function exportRecordToImportRecord(rec: Record<string, unknown>, passwordHash?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of COPIED) if (typeof rec[k] === 'string' && rec[k] !== '') out[k] = rec[k];
  if (rec.email_verified === true && out.email) out.email_verified = true;
  if (rec.phone_number_verified === true && out.phone_number) out.phone_number_verified = true;
  const address = unwrap(rec.address) as Record<string, unknown> | undefined;
  if (address && Object.values(address).some((v) => v !== undefined)) out.address = Object.fromEntries(Object.entries(address).filter(([, v]) => v !== undefined));
  const custom = unwrap(rec.custom_attributes);
  if (custom && typeof custom === 'object' && Object.keys(custom).length) out.custom_attributes = custom;
  if (Array.isArray(rec.roles) && rec.roles.length) out.roles = rec.roles;
  if (Array.isArray(rec.groups) && rec.groups.length) out.groups = rec.groups;
  if (rec.disabled === true) out.disabled = true;
  if (typeof rec.account_valid_from === 'string') out.account_valid_from = rec.account_valid_from;
  if (typeof rec.account_valid_until === 'string') out.account_valid_until = rec.account_valid_until;
  const mfa = (unwrap(rec.mfa) ?? {}) as { emails?: string[]; phone_numbers?: string[]; totps?: { secret: string }[] };
  const m: Record<string, unknown> = {};
  if (mfa.emails?.length) m.email = mfa.emails[0];
  if (mfa.phone_numbers?.length) m.phone_number = mfa.phone_numbers[0];
  if (mfa.totps?.length) m.totp = { secret: mfa.totps[0].secret };
  if (Object.keys(m).length) out.mfa = m;
  if (passwordHash) out.password = { type: 'bcrypt', password_hash: passwordHash };
  return out;
}
