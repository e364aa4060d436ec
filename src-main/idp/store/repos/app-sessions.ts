import type { Database } from '../database';

/**
 * An app session: the `app_session` cookie a browser gets by exchanging an app session token,
 * standing for one refresh token of an offline grant (spec oidc.md 13.1).
 */
export interface AppSession {
  tokenHash: string;
  offlineGrantId: string;
  /** Initial hash of the refresh token this session stands for. */
  refreshTokenHash: string;
  createdAt: number;
  expireAt: number;
}

const toAppSession = (r: any): AppSession => ({
  tokenHash: r.token_hash,
  offlineGrantId: r.offline_grant_id,
  refreshTokenHash: r.refresh_token_hash,
  createdAt: r.created_at,
  expireAt: r.expire_at,
});

export class AppSessionRepo {
  constructor(private readonly db: Database) {}

  insert(s: AppSession): void {
    this.db.run('INSERT INTO app_session (token_hash, offline_grant_id, refresh_token_hash, created_at, expire_at) VALUES (?, ?, ?, ?, ?)', [
      s.tokenHash,
      s.offlineGrantId,
      s.refreshTokenHash,
      s.createdAt,
      s.expireAt,
    ]);
  }

  get(tokenHash: string): AppSession | undefined {
    const r = this.db.get('SELECT * FROM app_session WHERE token_hash = ?', [tokenHash]);
    return r && toAppSession(r);
  }

  /** Expired app sessions are garbage; called opportunistically inside other writes. */
  deleteExpired(now: number): void {
    this.db.run('DELETE FROM app_session WHERE expire_at <= ?', [now]);
  }
}
