import type { Database } from '../database';

/**
 * What Authgear keeps beside `is_disabled` to say whether an account may sign in (spec
 * admin-api.md 10): temporary disabling, the valid period, scheduled deletion or anonymization.
 * A user without a row has none of them. Times are ms since the epoch.
 */
export interface AccountStatus {
  temporarilyDisabledFrom: number | null;
  temporarilyDisabledUntil: number | null;
  accountValidFrom: number | null;
  accountValidUntil: number | null;
  deleteAt: number | null;
  deleteReason: string | null;
  /** The end user scheduled their own deletion. */
  isDeactivated: boolean;
  anonymizeAt: number | null;
  isAnonymized: boolean;
  anonymizedAt: number | null;
  mfaGracePeriodEndAt: number | null;
}

export const NO_ACCOUNT_STATUS: AccountStatus = {
  temporarilyDisabledFrom: null,
  temporarilyDisabledUntil: null,
  accountValidFrom: null,
  accountValidUntil: null,
  deleteAt: null,
  deleteReason: null,
  isDeactivated: false,
  anonymizeAt: null,
  isAnonymized: false,
  anonymizedAt: null,
  mfaGracePeriodEndAt: null,
};

const toStatus = (r: any): AccountStatus => ({
  temporarilyDisabledFrom: r.temporarily_disabled_from,
  temporarilyDisabledUntil: r.temporarily_disabled_until,
  accountValidFrom: r.account_valid_from,
  accountValidUntil: r.account_valid_until,
  deleteAt: r.delete_at,
  deleteReason: r.delete_reason,
  isDeactivated: r.is_deactivated === 1,
  anonymizeAt: r.anonymize_at,
  isAnonymized: r.is_anonymized === 1,
  anonymizedAt: r.anonymized_at,
  mfaGracePeriodEndAt: r.mfa_grace_period_end_at,
});

export class AccountStatusRepo {
  constructor(private readonly db: Database) {}

  get(userId: string): AccountStatus {
    const r = this.db.get('SELECT * FROM user_account_status WHERE user_id = ?', [userId]);
    return r ? toStatus(r) : { ...NO_ACCOUNT_STATUS };
  }

  put(userId: string, s: AccountStatus): void {
    this.db.run(
      `INSERT OR REPLACE INTO user_account_status (user_id, temporarily_disabled_from, temporarily_disabled_until, account_valid_from, account_valid_until,
        delete_at, delete_reason, is_deactivated, anonymize_at, is_anonymized, anonymized_at, mfa_grace_period_end_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        userId,
        s.temporarilyDisabledFrom,
        s.temporarilyDisabledUntil,
        s.accountValidFrom,
        s.accountValidUntil,
        s.deleteAt,
        s.deleteReason,
        s.isDeactivated ? 1 : 0,
        s.anonymizeAt,
        s.isAnonymized ? 1 : 0,
        s.anonymizedAt,
        s.mfaGracePeriodEndAt,
      ],
    );
  }
}
