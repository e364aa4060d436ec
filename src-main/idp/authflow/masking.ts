import { phoneParts } from '../user/login-id';

/** Masked display of a claim value (spec authflow.md 6.3). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return email;
  // By code point, so an emoji is kept or masked whole, never split into half a surrogate pair.
  const local = Array.from(email.slice(0, at));
  const keep = Math.floor(local.length / 2);
  return `${local.slice(0, keep).join('')}${'*'.repeat(local.length - keep)}${email.slice(at)}`;
}

/** `+85298765432` → `+8529876****`: calling code and the first half of the national number. */
export function maskPhone(e164: string): string {
  const p = phoneParts(e164);
  if (!p) return e164;
  const keep = Math.floor(p.national.length / 2);
  return `+${p.callingCode}${p.national.slice(0, keep)}${'*'.repeat(p.national.length - keep)}`;
}

/** Masks an e-mail address or an E.164 phone number; anything else (a username) is shown as is. */
export function maskClaim(value: string): string {
  if (value.includes('@')) return maskEmail(value);
  if (value.startsWith('+')) return maskPhone(value);
  return value;
}
