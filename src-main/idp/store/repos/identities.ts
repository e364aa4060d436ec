import type { Database } from '../database';
import type { UserSearchRepo } from './user-search';

export interface Identity {
  id: string;
  userId: string;
  type: 'login_id' | 'oauth' | 'anonymous' | 'biometric' | 'passkey' | 'siwe' | 'ldap';
  loginIdKey: string | null;
  loginIdType: string | null;
  /** Normalised login ID (e.g. lower-cased e-mail). */
  loginId: string | null;
  originalLoginId: string | null;
  claims: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

const toIdentity = (r: any): Identity => ({
  id: r.id,
  userId: r.user_id,
  type: r.type,
  loginIdKey: r.login_id_key,
  loginIdType: r.login_id_type,
  loginId: r.login_id,
  originalLoginId: r.original_login_id,
  claims: JSON.parse(r.claims),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class IdentityRepo {
  constructor(
    private readonly db: Database,
    private readonly search?: UserSearchRepo,
  ) {}

  insert(i: Identity): void {
    this.tracked(i.userId, () => this.db.run(
      'INSERT INTO identity (id, user_id, type, login_id_key, login_id_type, login_id, original_login_id, claims, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [i.id, i.userId, i.type, i.loginIdKey, i.loginIdType, i.loginId, i.originalLoginId, JSON.stringify(i.claims), i.createdAt, i.updatedAt],
    ));
  }

  /** Keeps the user's search terms in step with a write (when the store maintains them). */
  private tracked(userId: string, write: () => void): void {
    if (this.search) this.search.track(userId, write);
    else write();
  }

  get(id: string): Identity | undefined {
    const r = this.db.get('SELECT * FROM identity WHERE id = ?', [id]);
    return r && toIdentity(r);
  }

  /** Changes the login ID (and claims) of an identity. */
  update(i: Identity): void {
    this.tracked(i.userId, () => this.db.run('UPDATE identity SET login_id_key = ?, login_id_type = ?, login_id = ?, original_login_id = ?, claims = ?, updated_at = ? WHERE id = ?', [
      i.loginIdKey,
      i.loginIdType,
      i.loginId,
      i.originalLoginId,
      JSON.stringify(i.claims),
      i.updatedAt,
      i.id,
    ]));
  }

  delete(i: Pick<Identity, 'id' | 'userId'>): void {
    this.tracked(i.userId, () => this.db.run('DELETE FROM identity WHERE id = ?', [i.id]));
  }

  /** Identities holding a claim value (login IDs and OAuth profiles), e.g. every `email` = x. */
  listByClaim(name: string, value: string): Identity[] {
    return this.db.all('SELECT * FROM identity WHERE json_extract(claims, ?) = ? ORDER BY created_at, id', [`$.${name}`, value]).map(toIdentity);
  }

  findByLoginId(key: string, normalized: string): Identity | undefined {
    const r = this.db.get("SELECT * FROM identity WHERE type = 'login_id' AND login_id_key = ? AND login_id = ?", [key, normalized]);
    return r && toIdentity(r);
  }

  /** Oldest first, ties by id (upstream's order). */
  listByUser(userId: string): Identity[] {
    return this.db.all('SELECT * FROM identity WHERE user_id = ? ORDER BY created_at, id', [userId]).map(toIdentity);
  }

  /** Replaces a login ID identity's value (settings: change e-mail / username). */
  updateLoginId(id: string, loginId: string, originalLoginId: string, claims: Record<string, unknown>, at: number): void {
    const userId = this.db.get<{ user_id: string }>('SELECT user_id FROM identity WHERE id = ?', [id])?.user_id;
    const write = () => this.db.run('UPDATE identity SET login_id = ?, original_login_id = ?, claims = ?, updated_at = ? WHERE id = ?', [loginId, originalLoginId, JSON.stringify(claims), at, id]);
    if (userId) this.tracked(userId, write);
    else write();
  }
}
