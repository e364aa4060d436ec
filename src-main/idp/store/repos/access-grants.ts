import type { Database } from '../database';

export type SessionKind = 'idp' | 'offline_grant';

/** The server-side record behind every access token, opaque or JWT (spec oidc.md 7.1). */
export interface AccessGrant {
  tokenHash: string;
  clientId: string;
  userId: string;
  sessionKind: SessionKind;
  sessionId: string;
  /** Initial hash of the refresh token inside the offline grant this token came from. */
  refreshTokenHash: string | null;
  authorizationId: string;
  scopes: string[];
  createdAt: number;
  expireAt: number;
}

const toGrant = (r: any): AccessGrant => ({
  tokenHash: r.token_hash,
  clientId: r.client_id,
  userId: r.user_id,
  sessionKind: r.session_kind,
  sessionId: r.session_id,
  refreshTokenHash: r.refresh_token_hash,
  authorizationId: r.authorization_id,
  scopes: JSON.parse(r.scopes),
  createdAt: r.created_at,
  expireAt: r.expire_at,
});

export class AccessGrantRepo {
  constructor(private readonly db: Database) {}

  insert(g: AccessGrant): void {
    this.db.run(
      'INSERT INTO access_grant (token_hash, client_id, user_id, session_kind, session_id, refresh_token_hash, authorization_id, scopes, created_at, expire_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [g.tokenHash, g.clientId, g.userId, g.sessionKind, g.sessionId, g.refreshTokenHash, g.authorizationId, JSON.stringify(g.scopes), g.createdAt, g.expireAt],
    );
  }

  get(tokenHash: string): AccessGrant | undefined {
    const r = this.db.get('SELECT * FROM access_grant WHERE token_hash = ?', [tokenHash]);
    return r && toGrant(r);
  }

  delete(tokenHash: string): number {
    return this.db.run('DELETE FROM access_grant WHERE token_hash = ?', [tokenHash]);
  }

  deleteBySession(sessionId: string): void {
    this.db.run('DELETE FROM access_grant WHERE session_id = ?', [sessionId]);
  }

  deleteByUser(userId: string): void {
    this.db.run('DELETE FROM access_grant WHERE user_id = ?', [userId]);
  }

  /** Expired grants are garbage; called opportunistically inside other writes. */
  deleteExpired(now: number): void {
    this.db.run('DELETE FROM access_grant WHERE expire_at <= ?', [now]);
  }
}
