import { createHash, randomBytes } from 'node:crypto';
import { bcryptHash, bcryptCompare } from './bcrypt-pool';

/** bcrypt cost upstream uses (Go's bcrypt.DefaultCost). */
export const BCRYPT_COST = 10;
/** Upstream refuses to hash passwords longer than this many bytes. */
export const PASSWORD_MAX_BYTES = 8192;

/**
 * New passwords are stored as upstream's latest format: `$bcrypt-sha512$` + bcrypt of the raw
 * SHA-512 digest, so passwords longer than bcrypt's 72-byte limit are never silently truncated.
 */
export async function hashPassword(password: string): Promise<string> {
  const bytes = Buffer.from(password, 'utf8');
  if (bytes.length > PASSWORD_MAX_BYTES) throw new Error('password is too long');
  const digest = createHash('sha512').update(bytes).digest();
  const hash = await bcryptHash(digest, randomBytes(16), BCRYPT_COST);
  return `$bcrypt-sha512$${hash}`;
}

/** Verifies against either upstream format: `$bcrypt-sha512$<bcrypt>` or a plain `$2a$/$2b$/$2y$` hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const bytes = Buffer.from(password, 'utf8');
  try {
    if (stored.startsWith('$bcrypt-sha512$')) {
      const digest = createHash('sha512').update(bytes).digest();
      return await bcryptCompare(digest, stored.slice('$bcrypt-sha512$'.length));
    }
    // Plain bcrypt only reads the first 72 bytes of the password.
    return await bcryptCompare(bytes.subarray(0, 72), stored);
  } catch {
    return false;
  }
}
