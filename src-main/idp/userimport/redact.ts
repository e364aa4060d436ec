/**
 * The record as a job detail echoes it (spec import-export.md 5.7): password hashes and the TOTP
 * secret become "REDACTED"; `password`, `mfa`, `mfa.password` or `mfa.totp` that is present, not
 * null and not an object is replaced whole. `null` is echoed as is.
 */
export const REDACTED = 'REDACTED';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function redactField(obj: Record<string, unknown>, key: string, secretKey: string): void {
  if (!(key in obj) || obj[key] === null) return;
  const v = obj[key];
  obj[key] = isObject(v) ? { ...v, [secretKey]: REDACTED } : REDACTED;
}

export function redactRecord(record: Record<string, unknown>): Record<string, unknown> {
  const out = { ...record };
  redactField(out, 'password', 'password_hash');
  if ('mfa' in out && out.mfa !== null) {
    if (isObject(out.mfa)) {
      const mfa = { ...out.mfa };
      redactField(mfa, 'password', 'password_hash');
      redactField(mfa, 'totp', 'secret');
      out.mfa = mfa;
    } else out.mfa = REDACTED;
  }
  return out;
}
