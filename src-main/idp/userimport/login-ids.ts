/**
 * Login IDs of imported records (spec import-export.md 4.2): the checks signup applies to a new
 * login ID of the key's type, then upstream's normalisation. The domain lists of e-mail are not
 * applied (import bypasses them); reserved usernames, excluded keywords and confusable
 * characters are not checked by the sandbox (see README, Differences).
 */
import type { LoginIDKeyConfig } from '../config/types';
import { ApiError } from '../errors';
import { GoMap } from '../adminapi/go-json';
import { Cause } from '../adminapi/schema-causes';
import { parsePhone } from '../user/phone';
import { checkEmail, phoneChecker } from './formats';
import type { ImportSettings } from './settings';

export type LoginIdType = 'email' | 'phone' | 'username';
export const CLAIM_OF: Record<LoginIdType, 'email' | 'phone_number' | 'preferred_username'> = { email: 'email', phone: 'phone_number', username: 'preferred_username' };

export interface NormalizedLoginId {
  normalized: string;
  original: string;
}

function invalidLoginId(kind: string, details?: Record<string, unknown>): ApiError {
  return new ApiError('Invalid', 'ValidationFailed', 'invalid login ID', { causes: [new Cause('/login_id', kind, details ? new GoMap(details) : undefined)] });
}

/** Go's strings.TrimSpace. */
const trimSpace = (s: string) => s.replace(/^[\t\n\v\f\r \u0085\u00a0]+|[\t\n\v\f\r \u0085\u00a0]+$/g, '');

/** PRECIS IdentifierClass, roughly: letters, digits, marks and printable ASCII, no spaces. */
const IDENTIFIER_CLASS = /^[\p{L}\p{Mn}\p{Mc}\p{Nd}\x21-\x7e]+$/u;
const ASCII_USERNAME = /^[-a-zA-Z0-9_.]+$/;

function normalizeEmailLoginId(s: ImportSettings, value: string): string {
  const at = value.lastIndexOf('@');
  let local = value.slice(0, at).normalize('NFKC');
  const domain = value.slice(at + 1).normalize('NFKC').toLowerCase();
  if (!s.email.caseSensitive) local = local.toLowerCase();
  if (s.email.ignoreDotSign) local = local.replaceAll('.', '');
  return `${local}@${domain}`;
}

/** Checks `raw` as a login ID of `key` and returns its normalised form; throws ValidationFailed. */
export function normalizeImportedLoginId(s: ImportSettings, key: LoginIDKeyConfig, raw: string): NormalizedLoginId {
  const value = trimSpace(raw);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > key.max_length) throw invalidLoginId('maxLength', { actual: bytes, expected: key.max_length });
  if (value === '') throw invalidLoginId('required');
  switch (key.type) {
    case 'email': {
      if (checkEmail(value)) throw invalidLoginId('format', { format: 'email' });
      const local = value.slice(0, value.lastIndexOf('@'));
      if (s.email.blockPlusSign && local.includes('+')) throw invalidLoginId('blocked', { reason: 'BlockPlusSign' });
      return { normalized: normalizeEmailLoginId(s, value), original: value };
    }
    case 'username': {
      if (!IDENTIFIER_CLASS.test(value.normalize('NFKC'))) throw invalidLoginId('format', { format: 'username' });
      if (s.username.asciiOnly && !ASCII_USERNAME.test(value)) throw invalidLoginId('format', { format: 'username' });
      const nfkc = value.normalize('NFKC');
      return { normalized: s.username.caseSensitive ? nfkc : nfkc.toLowerCase(), original: value };
    }
    case 'phone': {
      const p = parsePhone(value);
      if (!p || phoneChecker(s.phoneValidation)(p.e164)) throw invalidLoginId('format', { format: 'phone' });
      if (s.phoneAllowlist.length && !(p.country && s.phoneAllowlist.includes(p.country))) throw invalidLoginId('blocked', { reason: 'PhoneNumberCountryCodeAllowlist' });
      return { normalized: p.e164, original: value };
    }
  }
}
