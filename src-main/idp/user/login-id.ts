/** Login ID checks and normalisation, as upstream does for e-mail login IDs by default. */
import { parsePhone, isValidE164Phone } from './phone';

// Deliberately plain: local@domain with a dot-free-or-dotted domain, no spaces.
const EMAIL = /^[^\s@\p{Cc}\p{Cf}\uFFFD]+@[^\s@\p{Cc}\p{Cf}\uFFFD]+$/u;

/** Usernames as upstream's defaults allow: ASCII letters, digits, `_`, `-`, `.`; case-insensitive. */
const USERNAME = /^[a-zA-Z0-9_\-.]+$/;

export function normalizeUsername(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}

export function isValidUsername(raw: string, maxLength = 40): boolean {
  const v = raw.trim();
  return v.length > 0 && v.length <= maxLength && USERNAME.test(v);
}

export function normalizeEmail(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}

export function isValidEmail(raw: string): boolean {
  const v = raw.trim();
  return v.length <= 320 && EMAIL.test(v) && !v.endsWith('.') && !v.split('@')[1].startsWith('.');
}

/** A phone login ID in E.164 when it parses as a possible number, else the trimmed input. */
export function normalizePhone(raw: string): string {
  const n = parsePhone(raw);
  return n?.possible ? n.e164 : raw.trim();
}

/** Sign-up accepts a possible and valid number, written exactly in E.164. */
export const isValidPhone = isValidE164Phone;

/** Splits an E.164 number into its calling code and national number (for masking). */
export function phoneParts(e164: string): { callingCode: string; national: string } | undefined {
  const n = parsePhone(e164);
  return n ? { callingCode: n.countryCallingCode, national: n.nationalNumber } : undefined;
}

export type LoginIdType = 'email' | 'phone' | 'username';

export function normalizeLoginId(type: LoginIdType, raw: string): string {
  return type === 'email' ? normalizeEmail(raw) : type === 'phone' ? normalizePhone(raw) : normalizeUsername(raw);
}

/** The format check of a new login ID (sign-up, adding an identity). */
export function isValidLoginId(type: LoginIdType, raw: string): boolean {
  // A lone surrogate cannot be stored or sent faithfully (it would turn into U+FFFD).
  if (!(raw as string & { isWellFormed(): boolean }).isWellFormed()) return false;
  return type === 'email' ? isValidEmail(raw) : type === 'phone' ? isValidPhone(raw) : isValidUsername(raw);
}
