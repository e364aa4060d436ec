/**
 * Versioned schema. Each migration runs once, in order, inside one transaction; never edit a
 * released migration, add a new one. Times are integer milliseconds since the epoch.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'users, identities, authenticators, sessions, grants',
    sql: `
      CREATE TABLE user (
        id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        last_login_at INTEGER,
        is_disabled INTEGER NOT NULL DEFAULT 0,
        disable_reason TEXT,
        standard_attributes TEXT NOT NULL DEFAULT '{}',
        custom_attributes TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX user_created_at ON user (created_at, id);

      CREATE TABLE identity (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        login_id_key TEXT,
        login_id_type TEXT,
        login_id TEXT,
        original_login_id TEXT,
        claims TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX identity_user ON identity (user_id);
      CREATE UNIQUE INDEX identity_login_id ON identity (login_id_key, login_id) WHERE type = 'login_id';

      CREATE TABLE authenticator (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        kind TEXT NOT NULL,
        is_default INTEGER NOT NULL DEFAULT 0,
        password_hash TEXT,
        data TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX authenticator_user ON authenticator (user_id);

      CREATE TABLE verified_claim (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX verified_claim_unique ON verified_claim (user_id, name, value);

      CREATE TABLE idp_session (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL,
        amr TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL,
        authenticated_at INTEGER NOT NULL,
        last_access_at INTEGER NOT NULL,
        created_ip TEXT,
        last_access_ip TEXT,
        user_agent TEXT
      );
      CREATE INDEX idp_session_user ON idp_session (user_id);

      CREATE TABLE oauth_authorization (
        id TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        scopes TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX oauth_authorization_unique ON oauth_authorization (client_id, user_id);

      CREATE TABLE offline_grant (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        client_id TEXT NOT NULL,
        idp_session_id TEXT,
        sso_enabled INTEGER NOT NULL DEFAULT 0,
        amr TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL,
        authenticated_at INTEGER NOT NULL,
        last_access_at INTEGER NOT NULL,
        created_ip TEXT,
        last_access_ip TEXT,
        user_agent TEXT,
        device_info TEXT
      );
      CREATE INDEX offline_grant_user ON offline_grant (user_id);
      CREATE INDEX offline_grant_idp_session ON offline_grant (idp_session_id);

      CREATE TABLE refresh_token (
        grant_id TEXT NOT NULL REFERENCES offline_grant (id) ON DELETE CASCADE,
        initial_hash TEXT NOT NULL,
        current_hash TEXT NOT NULL,
        client_id TEXT NOT NULL,
        scopes TEXT NOT NULL,
        authorization_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_access_at INTEGER NOT NULL,
        PRIMARY KEY (grant_id, initial_hash)
      );

      CREATE TABLE access_grant (
        token_hash TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        session_kind TEXT NOT NULL,
        session_id TEXT NOT NULL,
        refresh_token_hash TEXT,
        authorization_id TEXT NOT NULL,
        scopes TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expire_at INTEGER NOT NULL
      );
      CREATE INDEX access_grant_session ON access_grant (session_id);
      CREATE INDEX access_grant_expire ON access_grant (expire_at);
    `,
  },
  {
    version: 2,
    name: 'outbox of messages the IdP would have sent',
    sql: `
      CREATE TABLE outbox_message (
        id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        message_type TEXT NOT NULL,
        otp_form TEXT,
        code TEXT,
        link TEXT,
        user_id TEXT,
        subject TEXT,
        body_text TEXT NOT NULL
      );
      CREATE INDEX outbox_message_recipient ON outbox_message (recipient, created_at);
      CREATE INDEX outbox_message_created ON outbox_message (created_at);
    `,
  },
  {
    version: 3,
    name: 'recovery codes',
    sql: `
      CREATE TABLE recovery_code (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        code TEXT NOT NULL,
        consumed INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX recovery_code_user ON recovery_code (user_id);
    `,
  },
  {
    version: 4,
    name: 'mfa device tokens',
    sql: `
      CREATE TABLE mfa_device_token (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        expire_at INTEGER NOT NULL
      );
      CREATE INDEX mfa_device_token_user ON mfa_device_token (user_id);
    `,
  },
  {
    version: 5,
    name: 'app sessions, anonymous and biometric identity keys',
    sql: `
      CREATE TABLE app_session (
        token_hash TEXT PRIMARY KEY,
        offline_grant_id TEXT NOT NULL REFERENCES offline_grant (id) ON DELETE CASCADE,
        refresh_token_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expire_at INTEGER NOT NULL
      );
      CREATE INDEX app_session_grant ON app_session (offline_grant_id);

      CREATE TABLE identity_key (
        identity_id TEXT PRIMARY KEY REFERENCES identity (id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        key_id TEXT NOT NULL,
        jwk TEXT,
        device_info TEXT
      );
      CREATE UNIQUE INDEX identity_key_kid ON identity_key (type, key_id) WHERE key_id <> '';

      ALTER TABLE offline_grant ADD COLUMN identity_id TEXT;
    `,
  },
  {
    version: 6,
    name: 'admin API: account status, roles and groups, audit log, user search terms',
    sql: `
      CREATE TABLE user_account_status (
        user_id TEXT PRIMARY KEY REFERENCES user (id) ON DELETE CASCADE,
        temporarily_disabled_from INTEGER,
        temporarily_disabled_until INTEGER,
        account_valid_from INTEGER,
        account_valid_until INTEGER,
        delete_at INTEGER,
        delete_reason TEXT,
        is_deactivated INTEGER NOT NULL DEFAULT 0,
        anonymize_at INTEGER,
        is_anonymized INTEGER NOT NULL DEFAULT 0,
        anonymized_at INTEGER,
        mfa_grace_period_end_at INTEGER
      );

      CREATE TABLE rbac_role (
        id TEXT PRIMARY KEY,
        key TEXT NOT NULL,
        name TEXT,
        description TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX rbac_role_key ON rbac_role (key);

      CREATE TABLE rbac_group (
        id TEXT PRIMARY KEY,
        key TEXT NOT NULL,
        name TEXT,
        description TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX rbac_group_key ON rbac_group (key);

      CREATE TABLE rbac_user_role (
        user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        role_id TEXT NOT NULL REFERENCES rbac_role (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, role_id)
      );
      CREATE INDEX rbac_user_role_role ON rbac_user_role (role_id, user_id);

      CREATE TABLE rbac_user_group (
        user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
        group_id TEXT NOT NULL REFERENCES rbac_group (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, group_id)
      );
      CREATE INDEX rbac_user_group_group ON rbac_user_group (group_id, user_id);

      CREATE TABLE rbac_group_role (
        group_id TEXT NOT NULL REFERENCES rbac_group (id) ON DELETE CASCADE,
        role_id TEXT NOT NULL REFERENCES rbac_role (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (group_id, role_id)
      );
      CREATE INDEX rbac_group_role_role ON rbac_group_role (role_id, group_id);

      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        activity_type TEXT NOT NULL,
        user_id TEXT,
        ip_address TEXT,
        user_agent TEXT,
        client_id TEXT,
        recipient TEXT,
        data TEXT NOT NULL
      );
      CREATE INDEX audit_log_created ON audit_log (created_at, seq);
      CREATE INDEX audit_log_user ON audit_log (user_id, created_at);
      CREATE INDEX audit_log_recipient ON audit_log (recipient, created_at);

      -- What the users query matches a keyword against, lower-cased, one row per term and user
      -- (kind 1: exact or prefix, 2: exact only, 3: a word of a name or address). The table is
      -- its own index; rows are replaced by difference when a user or identity is written, and
      -- rows of a deleted user are harmless (searches join the user table).
      CREATE TABLE user_search_term (
        term TEXT NOT NULL,
        user_id TEXT NOT NULL,
        kind INTEGER NOT NULL,
        PRIMARY KEY (term, user_id)
      ) WITHOUT ROWID;

      CREATE INDEX user_last_login ON user (last_login_at, id);
      CREATE INDEX access_grant_user ON access_grant (user_id);

      CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    version: 7,
    name: 'admin API: uploaded profile pictures',
    sql: `
      CREATE TABLE image_file (
        app_id TEXT NOT NULL,
        object_id TEXT NOT NULL,
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        data BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (app_id, object_id)
      );
    `,
  },
  {
    version: 10,
    name: 'user import jobs and chunks, user export tasks, claim lookups',
    sql: `
      CREATE TABLE user_import_job (
        id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        upsert INTEGER NOT NULL,
        identifier TEXT NOT NULL,
        total INTEGER NOT NULL,
        chunks_total INTEGER NOT NULL,
        started_at INTEGER,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX user_import_job_created ON user_import_job (created_at);

      -- One row per chunk of 100 records: its input until it ran, then its result. A chunk's
      -- result is written in the same transaction as the records it imported.
      CREATE TABLE user_import_chunk (
        job_id TEXT NOT NULL REFERENCES user_import_job (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        records TEXT,
        record_count INTEGER NOT NULL,
        completed_at INTEGER,
        result TEXT,
        error TEXT,
        PRIMARY KEY (job_id, seq)
      );

      CREATE TABLE user_export_task (
        id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        request TEXT NOT NULL,
        options TEXT NOT NULL DEFAULT '{}',
        completed_at INTEGER,
        failed_at INTEGER,
        error TEXT,
        file_key TEXT,
        users_total INTEGER,
        users_written INTEGER NOT NULL DEFAULT 0,
        bytes_written INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX user_export_task_created ON user_export_task (created_at);

      -- The import finds existing users by the standard claim of any identity.
      CREATE INDEX identity_claim_email ON identity (json_extract(claims, '$.email'));
      CREATE INDEX identity_claim_phone_number ON identity (json_extract(claims, '$.phone_number'));
      CREATE INDEX identity_claim_preferred_username ON identity (json_extract(claims, '$.preferred_username'));
    `,
  },
];
