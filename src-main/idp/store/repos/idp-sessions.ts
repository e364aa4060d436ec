import type { Database } from '../database';

export interface IdpSession {
  id: string;
  userId: string;
  tokenHash: string;
  amr: string[];
  createdAt: number;
  authenticatedAt: number;
  lastAccessAt: number;
  createdIp: string | null;
  lastAccessIp: string | null;
  userAgent: string | null;
}

const toSession = (r: any): IdpSession => ({
  id: r.id,
  userId: r.user_id,
  tokenHash: r.token_hash,
  amr: JSON.parse(r.amr),
  createdAt: r.created_at,
  authenticatedAt: r.authenticated_at,
  lastAccessAt: r.last_access_at,
  createdIp: r.created_ip,
  lastAccessIp: r.last_access_ip,
  userAgent: r.user_agent,
});

export class IdpSessionRepo {
  constructor(private readonly db: Database) {}

  insert(s: IdpSession): void {
    this.db.run(
      'INSERT INTO idp_session (id, user_id, token_hash, amr, created_at, authenticated_at, last_access_at, created_ip, last_access_ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [s.id, s.userId, s.tokenHash, JSON.stringify(s.amr), s.createdAt, s.authenticatedAt, s.lastAccessAt, s.createdIp, s.lastAccessIp, s.userAgent],
    );
  }

  get(id: string): IdpSession | undefined {
    const r = this.db.get('SELECT * FROM idp_session WHERE id = ?', [id]);
    return r && toSession(r);
  }

  listByUser(userId: string): IdpSession[] {
    return this.db.all('SELECT * FROM idp_session WHERE user_id = ? ORDER BY created_at, id', [userId]).map(toSession);
  }

  touch(id: string, at: number, ip: string | null): void {
    this.db.run('UPDATE idp_session SET last_access_at = ?, last_access_ip = ? WHERE id = ?', [at, ip, id]);
  }

  setAuthenticated(id: string, at: number, amr: string[]): void {
    this.db.run('UPDATE idp_session SET authenticated_at = ?, amr = ? WHERE id = ?', [at, JSON.stringify(amr), id]);
  }

  delete(id: string): void {
    this.db.run('DELETE FROM idp_session WHERE id = ?', [id]);
  }
}
