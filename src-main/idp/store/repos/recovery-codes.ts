import type { Database } from '../database';

/** One-time recovery codes of a user (10 characters of Crockford base32). */
export class RecoveryCodeRepo {
  constructor(private readonly db: Database) {}

  replaceAll(userId: string, codes: string[], ids: string[], at: number): void {
    this.db.run('DELETE FROM recovery_code WHERE user_id = ?', [userId]);
    codes.forEach((code, i) => this.db.run('INSERT INTO recovery_code (id, user_id, code, consumed, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)', [ids[i], userId, code, at, at]));
  }

  countUnused(userId: string): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM recovery_code WHERE user_id = ? AND consumed = 0', [userId])?.n ?? 0;
  }

  /** Marks the code used; returns false when it is unknown or already used. */
  consume(userId: string, code: string, at: number): boolean {
    return this.db.run('UPDATE recovery_code SET consumed = 1, updated_at = ? WHERE user_id = ? AND code = ? AND consumed = 0', [at, userId, code]) > 0;
  }
}
