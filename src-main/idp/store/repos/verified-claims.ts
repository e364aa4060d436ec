import type { Database } from '../database';

export interface VerifiedClaim {
  id: string;
  userId: string;
  name: string;
  value: string;
  createdAt: number;
}

export class VerifiedClaimRepo {
  constructor(private readonly db: Database) {}

  insert(c: VerifiedClaim): void {
    this.db.run('INSERT OR IGNORE INTO verified_claim (id, user_id, name, value, created_at) VALUES (?, ?, ?, ?, ?)', [c.id, c.userId, c.name, c.value, c.createdAt]);
  }

  delete(userId: string, name: string, value: string): void {
    this.db.run('DELETE FROM verified_claim WHERE user_id = ? AND name = ? AND value = ?', [userId, name, value]);
  }

  listByUser(userId: string): VerifiedClaim[] {
    return this.db
      .all<any>('SELECT * FROM verified_claim WHERE user_id = ? ORDER BY created_at, id', [userId])
      .map((r) => ({ id: r.id, userId: r.user_id, name: r.name, value: r.value, createdAt: r.created_at }));
  }
}
