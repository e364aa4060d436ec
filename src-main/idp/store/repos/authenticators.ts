import type { Database } from '../database';

export interface Authenticator {
  id: string;
  userId: string;
  type: 'password' | 'totp' | 'oob_otp_email' | 'oob_otp_sms' | 'passkey';
  kind: 'primary' | 'secondary';
  isDefault: boolean;
  passwordHash: string | null;
  data: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

const toAuthenticator = (r: any): Authenticator => ({
  id: r.id,
  userId: r.user_id,
  type: r.type,
  kind: r.kind,
  isDefault: r.is_default === 1,
  passwordHash: r.password_hash,
  data: JSON.parse(r.data),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class AuthenticatorRepo {
  constructor(private readonly db: Database) {}

  insert(a: Authenticator): void {
    this.db.run(
      'INSERT INTO authenticator (id, user_id, type, kind, is_default, password_hash, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [a.id, a.userId, a.type, a.kind, a.isDefault ? 1 : 0, a.passwordHash, JSON.stringify(a.data), a.createdAt, a.updatedAt],
    );
  }

  listByUser(userId: string): Authenticator[] {
    return this.db.all('SELECT * FROM authenticator WHERE user_id = ? ORDER BY created_at, id', [userId]).map(toAuthenticator);
  }

  findPassword(userId: string, kind: 'primary' | 'secondary'): Authenticator | undefined {
    const r = this.db.get("SELECT * FROM authenticator WHERE user_id = ? AND type = 'password' AND kind = ? ORDER BY created_at LIMIT 1", [userId, kind]);
    return r && toAuthenticator(r);
  }

  get(id: string): Authenticator | undefined {
    const r = this.db.get('SELECT * FROM authenticator WHERE id = ?', [id]);
    return r && toAuthenticator(r);
  }

  delete(id: string): void {
    this.db.run('DELETE FROM authenticator WHERE id = ?', [id]);
  }

  setData(id: string, data: Record<string, unknown>, at: number): void {
    this.db.run('UPDATE authenticator SET data = ?, updated_at = ? WHERE id = ?', [JSON.stringify(data), at, id]);
  }

  updatePasswordHash(id: string, hash: string, at: number): void {
    this.db.run('UPDATE authenticator SET password_hash = ?, updated_at = ? WHERE id = ?', [hash, at, id]);
  }
}
