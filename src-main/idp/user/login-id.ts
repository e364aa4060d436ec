/** Login ID checks and normalisation, as upstream does for e-mail login IDs by default. */

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
