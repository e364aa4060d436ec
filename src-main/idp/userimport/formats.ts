/**
 * The JSON Schema formats of user records (spec import-export.md 4.1), each answering with the
 * error text upstream's checker reports (authgear-server pkg/util/validation/formats.go,
 * pkg/lib/config/formats.go). Approximations of Go's parsers are noted where they differ.
 */
import type { FormatChecker } from '../adminapi/schema-causes';
import { parsePhone } from '../user/phone';

/** `ui.phone_input.validation` of the project: which libphonenumber check a phone must pass. */
export type PhoneValidation = 'isValidNumber' | 'isPossibleNumber';

const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10FFFF}]+$/u;
const isDotAtom = (s: string) => s.split('.').every((part) => ATEXT.test(part));
const isQuotedString = (s: string) => /^"(?:[^"\\\r\n]|\\.)*"$/u.test(s);

/** Go `net/mail.ParseAddress` without a display name (Unicode accepted, as Go does). */
export function checkEmail(value: string): string | undefined {
  const s = value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (s === '') return 'mail: no address';
  let spec = s;
  let named = false;
  const angle = /^(.*?)<([^<>]*)>$/su.exec(s);
  if (angle) {
    named = angle[1].trim() !== '';
    spec = angle[2];
  }
  const at = spec.lastIndexOf('@');
  if (at < 0) return angle ? 'mail: missing @ in addr-spec' : "mail: missing '@' or angle-addr";
  const local = spec.slice(0, at);
  const domain = spec.slice(at + 1);
  if (local === '' || (!isDotAtom(local) && !isQuotedString(local))) return 'mail: invalid string';
  if (domain === '') return 'mail: no domain in addr-spec';
  if (!isDotAtom(domain) && !/^\[[^[\]\\]*\]$/.test(domain)) return 'mail: invalid domain';
  if (named) return 'input email must not have name';
  return undefined;
}

/** The `phone` format under the project's validation method (pkg/util/phone). */
export function phoneChecker(method: PhoneValidation): FormatChecker {
  return (value) => {
    const p = parsePhone(value);
    if (!p) return 'not in E.164 format';
    if (!p.possible) return 'invalid phone number';
    if (method === 'isPossibleNumber') return undefined;
    if (!p.valid) return 'invalid phone number';
    if (p.e164 !== value) return 'not in E.164 format';
    return undefined;
  };
}

/** Go's `path.Clean`, for checking that a URI path is already clean. */
function cleanPath(p: string): string {
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
    } else out.push(seg);
  }
  const joined = (rooted ? '/' : '') + out.join('/');
  return joined === '' ? '.' : joined;
}

function checkAbsolutePath(raw: string): string | undefined {
  const p = raw === '' ? '/' : raw;
  let cleaned = cleanPath(p);
  if (p.endsWith('/') && !cleaned.endsWith('/')) cleaned += '/';
  if (!p.startsWith('/') || cleaned !== p) return `invalid path: ${p}`;
  return undefined;
}

const URI = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(\?[^#]*)?(#.*)?$/su;

interface ParsedUri {
  scheme: string;
  host: string;
  path: string;
}

function parseUri(value: string): ParsedUri | string {
  if (/[\x00-\x1f\x7f]/.test(value)) return `parse ${JSON.stringify(value)}: net/url: invalid control character in URL`;
  const m = URI.exec(value);
  if (!m) return 'input URL must be absolute';
  const authority = m[2] ?? '';
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  if (/[ "<>\\^`{|}]/.test(host)) return `parse ${JSON.stringify(value)}: invalid character ${JSON.stringify(host.match(/[ "<>\\^`{|}]/)![0])} in host name`;
  return { scheme: m[1].toLowerCase(), host, path: m[3] };
}

/** `uri`: absolute, with scheme and host, and a path that is already clean. */
export function checkUri(value: string): string | undefined {
  const u = parseUri(value);
  if (typeof u === 'string') return u;
  if (u.scheme === '' || u.host === '') return 'input URL must be absolute';
  return checkAbsolutePath(u.path);
}

/** `x_picture`: an http(s) URI, or `authgearimages:///<clean path>`. */
export function checkPicture(value: string): string | undefined {
  const u = parseUri(value);
  if (typeof u === 'string') return u;
  if (u.scheme === 'http' || u.scheme === 'https') return checkUri(value);
  if (u.scheme === 'authgearimages') {
    if (u.host !== '') return 'authgearimages URI does not have host';
    return checkAbsolutePath(u.path);
  }
  return `invalid scheme: ${u.scheme}`;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 ? (leap(year) ? 29 : 28) : DAYS[month - 1]);
}

/** `birthdate`: `YYYY-MM-DD`, `0000-MM-DD`, `--MM-DD` or `YYYY`. */
export function checkBirthdate(value: string): string | undefined {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m && validDay(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
  m = /^--(\d{2})-(\d{2})$/.exec(value);
  // A date without a year is parsed in year 0, a leap year.
  if (m && validDay(0, Number(m[1]), Number(m[2]))) return undefined;
  if (/^\d{4}$/.test(value)) return undefined;
  return `invalid birthdate: ${JSON.stringify(value)}`;
}

/** `timezone`: an IANA name with a slash that the zone database knows (`Etc/UTC`, not `UTC`). */
export function checkTimezone(value: string): string | undefined {
  if (!value.includes('/')) return `valid timezone name has at least 1 slash: ${JSON.stringify(value)}`;
  let known = false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    // Intl is case-insensitive; the zone files are not.
    known = value.split('/').every((seg) => /^[A-Z0-9][A-Za-z0-9_+-]*$/.test(seg));
  } catch {
    known = false;
  }
  return known ? undefined : `invalid timezone name: unknown time zone ${value}`;
}

/** `bcp47`: a language tag already in canonical form. */
export function checkBcp47(value: string): string | undefined {
  let canonical: string;
  try {
    canonical = Intl.getCanonicalLocales(value)[0];
  } catch {
    return `invalid BCP 47 tag: language: tag is not well-formed`;
  }
  return canonical === value ? undefined : `non-canonical BCP 47 tag: ${value} != ${canonical}`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/;

/** Go `time.Parse(time.RFC3339, s)` as milliseconds since the epoch (UTC), or undefined. */
export function parseRfc3339(value: string): number | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  if (!validDay(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  let offset = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const frac = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, frac);
  return date.getTime() - offset;
}

export function checkDateTime(value: string): string | undefined {
  return parseRfc3339(value) === undefined ? 'date-time must be in rfc3339 format' : undefined;
}

/** `iso3166-1-alpha-2`: a country code, two capital letters (custom attributes of type country_code). */
export function checkCountryCode(value: string): string | undefined {
  return /^[A-Z]{2}$/.test(value) ? undefined : `invalid ISO 3166-1 alpha-2 code: ${value}`;
}

/** Every format a record schema uses, with the phone rule of the project. */
export function recordFormats(phone: PhoneValidation): Record<string, FormatChecker> {
  return {
    email: checkEmail,
    phone: phoneChecker(phone),
    uri: checkUri,
    x_picture: checkPicture,
    birthdate: checkBirthdate,
    timezone: checkTimezone,
    bcp47: checkBcp47,
    'date-time': checkDateTime,
    'iso3166-1-alpha-2': checkCountryCode,
  };
}
