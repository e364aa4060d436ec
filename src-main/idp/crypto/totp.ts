import { TOTP, Secret } from 'otpauth';

/** TOTP as upstream: SHA1, 6 digits, 30 s period; one step of clock drift either way is accepted. */
export function newTotpSecret(bytes: Buffer): string {
  return new Secret({ buffer: new Uint8Array(bytes).buffer }).base32;
}

function totp(secret: string, issuer: string, account: string): TOTP {
  return new TOTP({ issuer, label: account, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

/** `otpauth://totp/<account>?algorithm=SHA1&digits=6&issuer=<issuer>&period=30&secret=<secret>` (spec authflow.md 7.7). */
export function totpUri(secret: string, issuer: string, account: string): string {
  const q = new URLSearchParams({ algorithm: 'SHA1', digits: '6', issuer, period: '30', secret });
  return `otpauth://totp/${encodeURIComponent(account)}?${q}`;
}

export function verifyTotp(secret: string, code: string, nowMs: number): boolean {
  if (!/^\d{6}$/.test(code.trim())) return false;
  return totp(secret, '', '').validate({ token: code.trim(), timestamp: nowMs, window: 1 }) !== null;
}

/** The current code for a secret (tests, and the console's "show code" helper). */
export function totpCode(secret: string, nowMs: number): string {
  return totp(secret, '', '').generate({ timestamp: nowMs });
}
