import { describe, it, expect } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { bcrypt } from 'hash-wasm';
import { hashPassword, verifyPassword } from '../../src-main/idp/crypto/password';

describe('password hashes', () => {
  it("new passwords use upstream's bcrypt-sha512 format and verify", async () => {
    const h = await hashPassword('correct horse');
    expect(h).toMatch(/^\$bcrypt-sha512\$\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(await verifyPassword('correct horse', h)).toBe(true);
    expect(await verifyPassword('correct hors', h)).toBe(false);
  });

  it('passwords longer than 72 bytes are not truncated when hashed', async () => {
    const long = 'x'.repeat(80);
    const h = await hashPassword(long);
    expect(await verifyPassword(long, h)).toBe(true);
    expect(await verifyPassword('x'.repeat(72), h)).toBe(false);
  });

  it('plain bcrypt hashes ($2a$, $2b$, $2y$) from other systems verify', async () => {
    const encoded = await bcrypt({ password: 'secret', salt: randomBytes(16), costFactor: 4, outputType: 'encoded' });
    for (const prefix of ['$2a$', '$2b$', '$2y$']) {
      const h = prefix + encoded.slice(4);
      expect(await verifyPassword('secret', h)).toBe(true);
      expect(await verifyPassword('Secret', h)).toBe(false);
    }
  });

  it('a malformed stored hash never verifies', async () => {
    expect(await verifyPassword('x', 'not a hash')).toBe(false);
    expect(await verifyPassword('x', `$bcrypt-sha512$${createHash('sha512').digest('hex')}`)).toBe(false);
  });
});
