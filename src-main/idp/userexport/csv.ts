/**
 * CSV of the user export (spec import-export.md 8.4): cells from JSON pointers into the record,
 * written with Go encoding/csv's rules — `\n` line ends, a cell quoted only when it holds `,`,
 * `"`, CR or LF, starts with Unicode white space, or is exactly `\.` — by csv-stringify.
 */
import { stringify } from 'csv-stringify/sync';
import { goJsonSorted } from '../adminapi/go-json';
import { resolvePointer } from './pointer';

/** Go's unicode.IsSpace at the start of a cell, and the `\.` cell, need quotes besides the usual. */
const QUOTED_MATCH = [/\r/, /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/, /^\\\.$/];

/** The pointers of upstream's default CSV, before the configured custom attributes. */
export const DEFAULT_CSV_POINTERS = [
  '/sub', '/preferred_username', '/email', '/phone_number', '/email_verified', '/phone_number_verified', '/name', '/given_name',
  '/middle_name', '/nickname', '/profile', '/picture', '/website', '/gender', '/birthdate', '/zoneinfo', '/locale', '/address/formatted',
  '/address/street_address', '/address/locality', '/address/region', '/address/postal_code', '/address/country', '/roles',
  '/groups', '/disabled', '/created_at', '/delete_at', '/last_login_at', '/is_anonymized', '/anonymize_at',
  '/temporarily_disabled_from', '/temporarily_disabled_until', '/account_valid_from', '/account_valid_until',
  '/identities', '/mfa/emails', '/mfa/phone_numbers', '/mfa/totps', '/biometric_count', '/passkey_count',
];

/** Go `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest digits, never an exponent. */
export function goFormatFloat(n: number): string {
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const exp = Number(s.slice(e + 1));
  let mant = s.slice(0, e);
  const neg = mant.startsWith('-');
  if (neg) mant = mant.slice(1);
  const [ip, fp = ''] = mant.split('.');
  const digits = ip + fp;
  const point = ip.length + exp;
  const out = point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (neg ? '-' : '') + out;
}

/** One cell: strings as is, booleans, numbers without exponent, JSON for arrays and objects. */
export function cellValue(record: unknown, tokens: string[]): string {
  const v = resolvePointer(record, tokens);
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goFormatFloat(v);
  return goJsonSorted(v);
}

/** Spreadsheet formula neutralisation (sandbox opt-in): a leading `=`, `+`, `-`, `@`, tab or CR gets a `'`. */
export function neutralizeFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export function csvLines(rows: string[][]): string {
  return stringify(rows, { record_delimiter: 'unix', quoted_match: QUOTED_MATCH });
}
