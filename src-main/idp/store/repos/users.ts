import type { Database } from '../database';
import type { UserSearchRepo } from './user-search';

export interface User {
  id: string;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
  isDisabled: boolean;
  disableReason: string | null;
  standardAttributes: Record<string, unknown>;
  customAttributes: Record<string, unknown>;
}

export const toUser = (r: any): User => ({
  id: r.id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  lastLoginAt: r.last_login_at,
  isDisabled: r.is_disabled === 1,
  disableReason: r.disable_reason,
  standardAttributes: JSON.parse(r.standard_attributes),
  customAttributes: JSON.parse(r.custom_attributes),
});

export class UserRepo {
  constructor(
    private readonly db: Database,
    private readonly search?: UserSearchRepo,
  ) {}

  get(id: string): User | undefined {
    const r = this.db.get('SELECT * FROM user WHERE id = ?', [id]);
    return r && toUser(r);
  }

  insert(u: User): void {
    this.tracked(u.id, () => this.db.run(
      'INSERT INTO user (id, created_at, updated_at, last_login_at, is_disabled, disable_reason, standard_attributes, custom_attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [u.id, u.createdAt, u.updatedAt, u.lastLoginAt, u.isDisabled ? 1 : 0, u.disableReason, JSON.stringify(u.standardAttributes), JSON.stringify(u.customAttributes)],
    ));
  }

  /** Keeps the user's search terms in step with a write (when the store maintains them). */
  private tracked(userId: string, write: () => void): void {
    if (this.search) this.search.track(userId, write);
    else write();
  }

  /** Replaces both attribute sets and bumps updated_at. */
  updateAttributes(id: string, standard: Record<string, unknown>, custom: Record<string, unknown>, at: number): void {
    this.tracked(id, () => this.db.run('UPDATE user SET standard_attributes = ?, custom_attributes = ?, updated_at = ? WHERE id = ?', [JSON.stringify(standard), JSON.stringify(custom), at, id]));
  }

  touch(id: string, at: number): void {
    this.db.run('UPDATE user SET updated_at = ? WHERE id = ?', [at, id]);
  }

  setLastLogin(id: string, at: number): void {
    this.db.run('UPDATE user SET last_login_at = ? WHERE id = ?', [at, id]);
  }

  setDisabled(id: string, disabled: boolean, reason: string | null, at: number): void {
    this.db.run('UPDATE user SET is_disabled = ?, disable_reason = ?, updated_at = ? WHERE id = ?', [disabled ? 1 : 0, disabled ? reason : null, at, id]);
  }

  setStandardAttributes(id: string, attrs: Record<string, unknown>, at: number): void {
    this.tracked(id, () => this.db.run('UPDATE user SET standard_attributes = ?, updated_at = ? WHERE id = ?', [JSON.stringify(attrs), at, id]));
  }

  /** `is_disabled` holds "indefinitely disabled"; the reason is kept for temporary windows too. */
  setDisableFlags(id: string, indefinitely: boolean, reason: string | null, at: number): void {
    this.db.run('UPDATE user SET is_disabled = ?, disable_reason = ?, updated_at = ? WHERE id = ?', [indefinitely ? 1 : 0, reason, at, id]);
  }

  delete(id: string): void {
    this.tracked(id, () => this.db.run('DELETE FROM user WHERE id = ?', [id]));
  }

  count(): number {
    return (this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM user')?.n ?? 0);
  }
}
