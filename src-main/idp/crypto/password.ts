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

/**
 * A bcrypt string as the bcrypt library reads it. Go reads every minor revision with the same
 * algorithm ($2a$, $2b$, $2x$, $2y$, and $2$ without one); the WASM library wants `$2b$`-style
 * 60-byte strings, so the revision is rewritten, never the salt or digest.
 */
function forBcryptLibrary(hash: string): string {
  const m = /^\$2([a-z]?)\$/.exec(hash);
  return m ? `$2b$${hash.slice(m[0].length)}` : hash;
}

/**
 * Verifies against either upstream format: `$bcrypt-sha512$<bcrypt>` or a plain bcrypt hash of
 * any minor revision (imported hashes keep theirs).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const bytes = Buffer.from(password, 'utf8');
  try {
    if (stored.startsWith('$bcrypt-sha512$')) {
      const digest = createHash('sha512').update(bytes).digest();
      return await bcryptCompare(digest, forBcryptLibrary(stored.slice('$bcrypt-sha512$'.length)));
    }
    // Plain bcrypt only reads the first 72 bytes of the password (Go's compare does the same).
    return await bcryptCompare(bytes.subarray(0, 72), forBcryptLibrary(stored));
  } catch {
    return false;
  }
}

/** Upstream re-hashes a verified password stored in an older format into the latest one. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith('$bcrypt-sha512$');
}
