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
import { AccountStatusRepo } from './repos/account-status';
import { RbacRepo } from './repos/rbac';
import { AuditLogRepo } from './repos/audit-log';
import { UserSearchRepo } from './repos/user-search';
import { ImageRepo } from './repos/images';
import { UserImportJobRepo } from './repos/user-import-jobs';
import { UserExportTaskRepo } from './repos/user-export-tasks';

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
  accountStatus: AccountStatusRepo;
  rbac: RbacRepo;
  auditLog: AuditLogRepo;
  userSearch: UserSearchRepo;
  images: ImageRepo;
  userImportJobs: UserImportJobRepo;
  userExportTasks: UserExportTaskRepo;
}

export async function openStore(path: string): Promise<Store> {
  const db = await Database.open(path);
  const userSearch = new UserSearchRepo(db);
  const store: Store = {
    db,
    users: new UserRepo(db, userSearch),
    identities: new IdentityRepo(db, userSearch),
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
    accountStatus: new AccountStatusRepo(db),
    rbac: new RbacRepo(db),
    auditLog: new AuditLogRepo(db),
    userSearch,
    images: new ImageRepo(db),
    userImportJobs: new UserImportJobRepo(db),
    userExportTasks: new UserExportTaskRepo(db),
  };
  await buildSearchTermsOnce(store);
  return store;
}

/** Users written before the search terms existed (an older database) get theirs once. */
async function buildSearchTermsOnce(store: Store): Promise<void> {
  if (store.userSearch.getMeta('user_search_terms') === '1') return;
  await store.db.write(() => {
    for (const u of store.db.all<{ id: string }>('SELECT id FROM user')) store.userSearch.apply(u.id, [], store.userSearch.termsOf(u.id));
    store.userSearch.setMeta('user_search_terms', '1');
  });
}
