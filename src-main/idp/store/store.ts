import { Database } from './database';
import { UserRepo } from './repos/users';
import { IdentityRepo } from './repos/identities';
import { AuthenticatorRepo } from './repos/authenticators';
import { VerifiedClaimRepo } from './repos/verified-claims';
import { IdpSessionRepo } from './repos/idp-sessions';
import { AuthorizationRepo } from './repos/authorizations';
import { OfflineGrantRepo } from './repos/offline-grants';
import { AccessGrantRepo } from './repos/access-grants';
import { OutboxRepo } from './repos/outbox';
import { RecoveryCodeRepo } from './repos/recovery-codes';
import { DeviceTokenRepo } from './repos/device-tokens';
import { AppSessionRepo } from './repos/app-sessions';
import { IdentityKeyRepo } from './repos/identity-keys';

/** The durable store: the database plus one repository per table. */
export interface Store {
  db: Database;
  users: UserRepo;
  identities: IdentityRepo;
  authenticators: AuthenticatorRepo;
  verifiedClaims: VerifiedClaimRepo;
  idpSessions: IdpSessionRepo;
  authorizations: AuthorizationRepo;
  offlineGrants: OfflineGrantRepo;
  accessGrants: AccessGrantRepo;
  outbox: OutboxRepo;
  recoveryCodes: RecoveryCodeRepo;
  deviceTokens: DeviceTokenRepo;
  appSessions: AppSessionRepo;
  identityKeys: IdentityKeyRepo;
}

export async function openStore(path: string): Promise<Store> {
  const db = await Database.open(path);
  return {
    db,
    users: new UserRepo(db),
    identities: new IdentityRepo(db),
    authenticators: new AuthenticatorRepo(db),
    verifiedClaims: new VerifiedClaimRepo(db),
    idpSessions: new IdpSessionRepo(db),
    authorizations: new AuthorizationRepo(db),
    offlineGrants: new OfflineGrantRepo(db),
    accessGrants: new AccessGrantRepo(db),
    outbox: new OutboxRepo(db),
    recoveryCodes: new RecoveryCodeRepo(db),
    deviceTokens: new DeviceTokenRepo(db),
    appSessions: new AppSessionRepo(db),
    identityKeys: new IdentityKeyRepo(db),
  };
}
