import type { Database } from '../database';

/** A user's consent for a client ("authorization" upstream), auto-granted for first-party clients. */
export interface OAuthAuthorization {
  id: string;
  clientId: string;
  userId: string;
  scopes: string[];
  createdAt: number;
  updatedAt: number;
}

const toAuthz = (r: any): OAuthAuthorization => ({
  id: r.id,
  clientId: r.client_id,
  userId: r.user_id,
  scopes: JSON.parse(r.scopes),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class AuthorizationRepo {
  constructor(private readonly db: Database) {}

  get(id: string): OAuthAuthorization | undefined {
    const r = this.db.get('SELECT * FROM oauth_authorization WHERE id = ?', [id]);
    return r && toAuthz(r);
  }

  find(clientId: string, userId: string): OAuthAuthorization | undefined {
    const r = this.db.get('SELECT * FROM oauth_authorization WHERE client_id = ? AND user_id = ?', [clientId, userId]);
    return r && toAuthz(r);
  }

  listByUser(userId: string): OAuthAuthorization[] {
    return this.db.all('SELECT * FROM oauth_authorization WHERE user_id = ? ORDER BY created_at, id', [userId]).map(toAuthz);
  }

  delete(id: string): void {
    this.db.run('DELETE FROM oauth_authorization WHERE id = ?', [id]);
  }

  insert(a: OAuthAuthorization): void {
    this.db.run(
      'INSERT INTO oauth_authorization (id, client_id, user_id, scopes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      [a.id, a.clientId, a.userId, JSON.stringify(a.scopes), a.createdAt, a.updatedAt],
    );
  }

  updateScopes(id: string, scopes: string[], at: number): void {
    this.db.run('UPDATE oauth_authorization SET scopes = ?, updated_at = ? WHERE id = ?', [JSON.stringify(scopes), at, id]);
  }
}
