import type { Database } from '../database';

/** "Remember this device" tokens for 2FA, stored by hash (the raw token lives in a cookie). */
export class DeviceTokenRepo {
  constructor(private readonly db: Database) {}

  insert(t: { id: string; userId: string; tokenHash: string; createdAt: number; expireAt: number }): void {
    this.db.run('INSERT INTO mfa_device_token (id, user_id, token_hash, created_at, expire_at) VALUES (?, ?, ?, ?, ?)', [t.id, t.userId, t.tokenHash, t.createdAt, t.expireAt]);
  }

  /** True when the token belongs to the user and has not expired. */
  isValid(userId: string, tokenHash: string, now: number): boolean {
    return Boolean(this.db.get('SELECT 1 AS ok FROM mfa_device_token WHERE user_id = ? AND token_hash = ? AND expire_at > ?', [userId, tokenHash, now]));
  }

  countByUser(userId: string, now: number): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM mfa_device_token WHERE user_id = ? AND expire_at > ?', [userId, now])?.n ?? 0;
  }

  /** Forgets every device of a user (e.g. after the second factor changed). */
  deleteAllOfUser(userId: string): number {
    return this.db.run('DELETE FROM mfa_device_token WHERE user_id = ?', [userId]);
  }
}
