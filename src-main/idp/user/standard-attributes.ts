/**
 * The standard attributes a user edits in /settings, checked as upstream's user-profile schema
 * does: URLs absolute http(s), `birthdate` YYYY-MM-DD (or YYYY), `locale` a BCP 47 tag,
 * `zoneinfo` an IANA time zone. An empty value removes the attribute.
 */
export const EDITABLE_ATTRIBUTES = ['name', 'given_name', 'family_name', 'middle_name', 'nickname', 'picture', 'profile', 'website', 'gender', 'birthdate', 'locale', 'zoneinfo'] as const;

const URL_ATTRIBUTES = new Set(['picture', 'profile', 'website']);
const MAX_LENGTH = 1024;

function validUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** YYYY-MM-DD naming a day that exists (1990-02-30 does not; Date.parse would roll it over). */
export function isCalendarDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function validBirthdate(v: string): boolean {
  return /^\d{4}$/.test(v) || isCalendarDate(v);
}

function validLocale(v: string): boolean {
  try {
    return Intl.getCanonicalLocales(v).length === 1;
  } catch {
    return false;
  }
}

function validZone(v: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    return v.includes('/') || v === 'UTC';
  } catch {
    return false;
  }
}

function valid(name: string, v: string): boolean {
  if (v.length > MAX_LENGTH) return false;
  if (URL_ATTRIBUTES.has(name)) return validUrl(v);
  if (name === 'birthdate') return validBirthdate(v);
  if (name === 'locale') return validLocale(v);
  if (name === 'zoneinfo') return validZone(v);
  return true;
}

/** The user's attributes with the form applied; `invalid` names the fields that were refused. */
export function applyProfileForm(current: Record<string, unknown>, form: Record<string, string>): { attrs: Record<string, unknown>; invalid: string[] } {
  const attrs = { ...current };
  const invalid: string[] = [];
  for (const name of EDITABLE_ATTRIBUTES) {
    if (!(name in form)) continue;
    const v = form[name].trim();
    if (v === '') delete attrs[name];
    else if (valid(name, v)) attrs[name] = v;
    else invalid.push(name);
  }
  return { attrs, invalid };
}
