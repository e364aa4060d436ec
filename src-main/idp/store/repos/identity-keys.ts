import type { Database } from '../database';

/**
 * The key of an anonymous or biometric identity (upstream keeps them in their own tables).
 * A web anonymous user has no key: `keyId` is '' and `jwk` null.
 */
export interface IdentityKey {
  identityId: string;
  type: 'anonymous' | 'biometric';
  keyId: string;
  /** The public JWK, as the device sent it. */
  jwk: Record<string, unknown> | null;
  deviceInfo: Record<string, unknown> | null;
}

const toKey = (r: any): IdentityKey => ({
  identityId: r.identity_id,
  type: r.type,
  keyId: r.key_id,
  jwk: r.jwk ? JSON.parse(r.jwk) : null,
  deviceInfo: r.device_info ? JSON.parse(r.device_info) : null,
});

export class IdentityKeyRepo {
  constructor(private readonly db: Database) {}

  insert(k: IdentityKey): void {
    this.db.run('INSERT INTO identity_key (identity_id, type, key_id, jwk, device_info) VALUES (?, ?, ?, ?, ?)', [
      k.identityId,
      k.type,
      k.keyId,
      k.jwk ? JSON.stringify(k.jwk) : null,
      k.deviceInfo ? JSON.stringify(k.deviceInfo) : null,
    ]);
  }

  get(identityId: string): IdentityKey | undefined {
    const r = this.db.get('SELECT * FROM identity_key WHERE identity_id = ?', [identityId]);
    return r && toKey(r);
  }

  findByKeyId(type: IdentityKey['type'], keyId: string): IdentityKey | undefined {
    if (!keyId) return undefined;
    const r = this.db.get('SELECT * FROM identity_key WHERE type = ? AND key_id = ?', [type, keyId]);
    return r && toKey(r);
  }
}
