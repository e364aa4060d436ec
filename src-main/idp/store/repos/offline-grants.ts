import type { Database } from '../database';

export interface RefreshToken {
  grantId: string;
  initialHash: string;
  currentHash: string;
  clientId: string;
  scopes: string[];
  authorizationId: string;
  createdAt: number;
  lastAccessAt: number;
}

/** A refresh-token session: one per login per device (spec oidc.md 9.2). */
export interface OfflineGrant {
  id: string;
  userId: string;
  clientId: string;
  idpSessionId: string | null;
  ssoEnabled: boolean;
  amr: string[];
  createdAt: number;
  authenticatedAt: number;
  lastAccessAt: number;
  createdIp: string | null;
  lastAccessIp: string | null;
  userAgent: string | null;
  deviceInfo: Record<string, unknown> | null;
  /** The biometric identity that signed in, so a new biometric login can replace its grants. */
  identityId?: string | null;
}

const toGrant = (r: any): OfflineGrant => ({
  id: r.id,
  userId: r.user_id,
  clientId: r.client_id,
  idpSessionId: r.idp_session_id,
  ssoEnabled: r.sso_enabled === 1,
  amr: JSON.parse(r.amr),
  createdAt: r.created_at,
  authenticatedAt: r.authenticated_at,
  lastAccessAt: r.last_access_at,
  createdIp: r.created_ip,
  lastAccessIp: r.last_access_ip,
  userAgent: r.user_agent,
  deviceInfo: r.device_info ? JSON.parse(r.device_info) : null,
  identityId: r.identity_id ?? null,
});

const toRefreshToken = (r: any): RefreshToken => ({
  grantId: r.grant_id,
  initialHash: r.initial_hash,
  currentHash: r.current_hash,
  clientId: r.client_id,
  scopes: JSON.parse(r.scopes),
  authorizationId: r.authorization_id,
  createdAt: r.created_at,
  lastAccessAt: r.last_access_at,
});

export class OfflineGrantRepo {
  constructor(private readonly db: Database) {}

  insert(g: OfflineGrant): void {
    this.db.run(
      'INSERT INTO offline_grant (id, user_id, client_id, idp_session_id, sso_enabled, amr, created_at, authenticated_at, last_access_at, created_ip, last_access_ip, user_agent, device_info, identity_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [g.id, g.userId, g.clientId, g.idpSessionId, g.ssoEnabled ? 1 : 0, JSON.stringify(g.amr), g.createdAt, g.authenticatedAt, g.lastAccessAt, g.createdIp, g.lastAccessIp, g.userAgent, g.deviceInfo ? JSON.stringify(g.deviceInfo) : null, g.identityId ?? null],
    );
  }

  get(id: string): OfflineGrant | undefined {
    const r = this.db.get('SELECT * FROM offline_grant WHERE id = ?', [id]);
    return r && toGrant(r);
  }

  listByUser(userId: string): OfflineGrant[] {
    return this.db.all('SELECT * FROM offline_grant WHERE user_id = ? ORDER BY created_at, id', [userId]).map(toGrant);
  }

  listByIdpSession(idpSessionId: string): OfflineGrant[] {
    return this.db.all('SELECT * FROM offline_grant WHERE idp_session_id = ?', [idpSessionId]).map(toGrant);
  }

  listByIdentity(identityId: string): OfflineGrant[] {
    return this.db.all('SELECT * FROM offline_grant WHERE identity_id = ?', [identityId]).map(toGrant);
  }

  /** The refresh tokens of a grant, oldest first. */
  listRefreshTokens(grantId: string): RefreshToken[] {
    return this.db.all('SELECT * FROM refresh_token WHERE grant_id = ? ORDER BY created_at, initial_hash', [grantId]).map(toRefreshToken);
  }

  listByClientUser(clientId: string, userId: string): OfflineGrant[] {
    return this.db.all('SELECT * FROM offline_grant WHERE client_id = ? AND user_id = ?', [clientId, userId]).map(toGrant);
  }

  touch(id: string, at: number, ip: string | null): void {
    this.db.run('UPDATE offline_grant SET last_access_at = ?, last_access_ip = ? WHERE id = ?', [at, ip, id]);
  }

  setDeviceInfo(id: string, info: Record<string, unknown>): void {
    this.db.run('UPDATE offline_grant SET device_info = ? WHERE id = ?', [JSON.stringify(info), id]);
  }

  setAuthenticated(id: string, at: number): void {
    this.db.run('UPDATE offline_grant SET authenticated_at = ? WHERE id = ?', [at, id]);
  }

  delete(id: string): void {
    this.db.run('DELETE FROM offline_grant WHERE id = ?', [id]);
  }

  insertRefreshToken(t: RefreshToken): void {
    this.db.run(
      'INSERT INTO refresh_token (grant_id, initial_hash, current_hash, client_id, scopes, authorization_id, created_at, last_access_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [t.grantId, t.initialHash, t.currentHash, t.clientId, JSON.stringify(t.scopes), t.authorizationId, t.createdAt, t.lastAccessAt],
    );
  }

  /** The refresh token of `grantId` whose current value hashes to `hash`. */
  findRefreshToken(grantId: string, hash: string): RefreshToken | undefined {
    const r = this.db.get('SELECT * FROM refresh_token WHERE grant_id = ? AND current_hash = ?', [grantId, hash]);
    return r && toRefreshToken(r);
  }

  getRefreshToken(grantId: string, initialHash: string): RefreshToken | undefined {
    const r = this.db.get('SELECT * FROM refresh_token WHERE grant_id = ? AND initial_hash = ?', [grantId, initialHash]);
    return r && toRefreshToken(r);
  }

  touchRefreshToken(grantId: string, initialHash: string, at: number): void {
    this.db.run('UPDATE refresh_token SET last_access_at = ? WHERE grant_id = ? AND initial_hash = ?', [at, grantId, initialHash]);
  }

  rotateRefreshToken(grantId: string, initialHash: string, newHash: string): void {
    this.db.run('UPDATE refresh_token SET current_hash = ? WHERE grant_id = ? AND initial_hash = ?', [newHash, grantId, initialHash]);
  }
}
