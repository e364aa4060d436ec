/**
 * Account status as Authgear evaluates it (spec admin-api.md 10, upstream
 * pkg/lib/authn/user/account_status.go): one record, read against a reference time, whose
 * transitions are allowed only from certain states. `user.is_disabled` is the "indefinitely
 * disabled" flag; the rest lives in user_account_status. Every check uses the sandbox clock.
 */
import type { Store } from '../store/store';
import type { User } from '../store/repos/users';
import { NO_ACCOUNT_STATUS, type AccountStatus } from '../store/repos/account-status';
import { ApiError } from '../errors';
import { rfc3339 } from './claims';

export type AccountStatusType =
  | 'normal'
  | 'disabled'
  | 'disabled_temporarily'
  | 'scheduled_deletion_disabled'
  | 'scheduled_deletion_deactivated'
  | 'scheduled_anonymization_disabled'
  | 'anonymized'
  | 'outside_valid_period';

/** Everything that decides whether a user may sign in. */
export interface AccountState extends AccountStatus {
  indefinitelyDisabled: boolean;
  disableReason: string | null;
}

export function accountStateOf(store: Store, user: User): AccountState {
  return { ...store.accountStatus.get(user.id), indefinitelyDisabled: user.isDisabled, disableReason: user.disableReason };
}

/** A temporary window that has fully passed is forgotten (upstream normalizeOnChange). */
function normalize(s: AccountState, now: number): AccountState {
  if (s.temporarilyDisabledFrom !== null && s.temporarilyDisabledUntil !== null && now > s.temporarilyDisabledFrom && now > s.temporarilyDisabledUntil) {
    return { ...s, temporarilyDisabledFrom: null, temporarilyDisabledUntil: null };
  }
  return s;
}

function outsideValidPeriod(s: AccountState, now: number): boolean {
  return (s.accountValidFrom !== null && now < s.accountValidFrom) || (s.accountValidUntil !== null && now >= s.accountValidUntil);
}

/** The state apart from anonymization and the valid period. */
function variant(s: AccountState, now: number): AccountStatusType {
  if (!s.indefinitelyDisabled) {
    const { temporarilyDisabledFrom: from, temporarilyDisabledUntil: until } = s;
    return from !== null && until !== null && now >= from && now < until ? 'disabled_temporarily' : 'normal';
  }
  if (s.deleteAt !== null) return s.isDeactivated ? 'scheduled_deletion_deactivated' : 'scheduled_deletion_disabled';
  if (s.anonymizeAt !== null) return 'scheduled_anonymization_disabled';
  return 'disabled';
}

/** The error a sign-in meets, or undefined when the account may sign in now. */
export function accountStatusError(s: AccountState, now: number): ApiError | undefined {
  if (s.isAnonymized) return new ApiError('Forbidden', 'AnonymizedUser', 'user is anonymized');
  if (outsideValidPeriod(s, now)) return new ApiError('Forbidden', 'UserOutsideValidPeriod', 'user is outside valid period');
  switch (variant(s, now)) {
    case 'disabled':
    case 'disabled_temporarily':
      return new ApiError('Forbidden', 'DisabledUser', 'user is disabled', { reason: s.disableReason });
    case 'scheduled_deletion_disabled':
      return new ApiError('Forbidden', 'ScheduledDeletionByAdmin', 'user was scheduled for deletion by admin', { delete_at: rfc3339(s.deleteAt!) });
    case 'scheduled_deletion_deactivated':
      return new ApiError('Forbidden', 'ScheduledDeletionByEndUser', 'user was scheduled for deletion by end-user', { delete_at: rfc3339(s.deleteAt!) });
    case 'scheduled_anonymization_disabled':
      return new ApiError('Forbidden', 'ScheduledAnonymizationByAdmin', 'user was scheduled for anonymization by admin', { anonymize_at: rfc3339(s.anonymizeAt!) });
    default:
      return undefined;
  }
}

export function isDisabledAt(s: AccountState, now: number): boolean {
  return accountStatusError(s, now) !== undefined;
}

/** Whether the user may not sign in or use a session right now. */
export function isUserDisabled(store: Store, user: User, now: number): boolean {
  return isDisabledAt(accountStateOf(store, user), now);
}

/** The name a transition error reports for the current state. */
function mostAppropriateType(s: AccountState, now: number): AccountStatusType {
  if (s.isAnonymized) return 'anonymized';
  const v = variant(s, now);
  if (v !== 'normal') return v;
  return outsideValidPeriod(s, now) ? 'outside_valid_period' : 'normal';
}

function transitionError(from: AccountStatusType, to: AccountStatusType): ApiError {
  return new ApiError('Invalid', 'InvalidAccountStatusTransition', `invalid account status transition: ${from} -> ${to}`, { from, to });
}

function causeError(message: string, kind: string): ApiError {
  return new ApiError('Invalid', 'InvalidAccountStatusTransition', message, { cause: { kind } });
}

/** Timestamp invariants of spec 10.2. */
function checkTimestamps(s: AccountState): void {
  const { accountValidFrom: vf, accountValidUntil: vu, temporarilyDisabledFrom: tf, temporarilyDisabledUntil: tu } = s;
  if (vf !== null && vu !== null && !(vf < vu)) {
    throw causeError('the start timestamp of account valid period must be less than the end timestamp of the account valid period', 'AccountValidFromShouldBeBeforeAccountValidUntil');
  }
  if (tf !== null && tu === null) throw causeError('temporarily disabled period is missing the end timestamp', 'TemporarilyDisabledPeriodMissingUntilTimestamp');
  if (tu !== null && tf === null) throw causeError('temporarily disabled period is missing the start timestamp', 'TemporarilyDisabledPeriodMissingFromTimestamp');
  if (tf !== null && tu !== null) {
    if (!(tf < tu)) {
      throw causeError('the start timestamp of temporarily disabled period must be less than the end timestamp of temporarily disabled period', 'TemporarilyDisabledFromShouldBeBeforeTemporarilyDisabledUntil');
    }
    if (vf !== null && !(vf < tf)) {
      throw causeError('the start timestamp of account valid period must be less than the start timestamp of temporarily disabled period', 'AccountValidFromShouldBeBeforeTemporarilyDisabledFrom');
    }
    if (vu !== null && !(tu < vu)) {
      throw causeError('the end timestamp of temporarily disabled period must be less than the end timestamp of account valid period', 'TemporarilyDisabledUntilShouldBeBeforeAccountValidUntil');
    }
  }
}

/** Fields every disable/enable/schedule transition resets before setting its own. */
const CLEARED = {
  isDeactivated: false,
  disableReason: null,
  temporarilyDisabledFrom: null,
  temporarilyDisabledUntil: null,
  deleteAt: null,
  deleteReason: null,
  anonymizeAt: null,
};

export type Transition =
  | { kind: 'reenable' }
  | { kind: 'disable'; reason: string | null }
  | { kind: 'disable_temporarily'; from: number | null; until: number | null; reason: string | null }
  | { kind: 'valid_period'; from: number | null; until: number | null }
  | { kind: 'schedule_deletion'; deleteAt: number; reason: string | null }
  | { kind: 'unschedule_deletion' }
  | { kind: 'schedule_anonymization'; anonymizeAt: number }
  | { kind: 'unschedule_anonymization' }
  | { kind: 'anonymize' };

/** Allowed source states of each transition (upstream's switch statements). */
const ALLOWED_FROM: Record<Transition['kind'], AccountStatusType[] | 'any'> = {
  reenable: ['disabled', 'disabled_temporarily'],
  disable: ['normal', 'disabled_temporarily'],
  disable_temporarily: ['normal', 'disabled', 'disabled_temporarily'],
  valid_period: 'any',
  schedule_deletion: ['normal', 'disabled', 'disabled_temporarily', 'scheduled_anonymization_disabled'],
  unschedule_deletion: ['scheduled_deletion_disabled', 'scheduled_deletion_deactivated'],
  schedule_anonymization: ['normal', 'disabled', 'disabled_temporarily', 'scheduled_deletion_disabled', 'scheduled_deletion_deactivated'],
  unschedule_anonymization: ['scheduled_anonymization_disabled'],
  anonymize: ['normal', 'disabled', 'disabled_temporarily', 'scheduled_deletion_disabled', 'scheduled_deletion_deactivated', 'scheduled_anonymization_disabled'],
};

/** The state after a transition, or InvalidAccountStatusTransition. */
export function transition(current: AccountState, t: Transition, now: number): AccountState {
  const s = normalize(current, now);
  let target: AccountState;
  switch (t.kind) {
    case 'reenable':
      target = { ...s, ...CLEARED, indefinitelyDisabled: false };
      break;
    case 'disable':
      target = { ...s, ...CLEARED, indefinitelyDisabled: true, disableReason: t.reason };
      break;
    case 'disable_temporarily':
      target = { ...s, ...CLEARED, indefinitelyDisabled: false, disableReason: t.reason, temporarilyDisabledFrom: t.from, temporarilyDisabledUntil: t.until };
      break;
    case 'valid_period':
      target = { ...s, accountValidFrom: t.from, accountValidUntil: t.until };
      break;
    case 'schedule_deletion':
      target = { ...s, ...CLEARED, indefinitelyDisabled: true, deleteAt: t.deleteAt, deleteReason: t.reason };
      break;
    case 'unschedule_deletion':
      target = { ...s, ...CLEARED, indefinitelyDisabled: s.isAnonymized };
      break;
    case 'schedule_anonymization':
      target = { ...s, ...CLEARED, indefinitelyDisabled: true, anonymizeAt: t.anonymizeAt };
      break;
    case 'unschedule_anonymization':
      target = { ...s, ...CLEARED, indefinitelyDisabled: false };
      break;
    case 'anonymize':
      target = { ...s, isDeactivated: false, disableReason: null, temporarilyDisabledFrom: null, temporarilyDisabledUntil: null, anonymizeAt: null, indefinitelyDisabled: true, isAnonymized: true, anonymizedAt: now };
      break;
  }
  target = normalize(target, now);
  checkTimestamps(target);
  const targetType = t.kind === 'valid_period' ? mostAppropriateType(target, now) : t.kind === 'anonymize' && s.isAnonymized ? 'anonymized' : variant(target, now);
  // Only deletion may be scheduled, and then cancelled, on an anonymized user.
  const anonymizedOk = t.kind === 'schedule_deletion' || (t.kind === 'unschedule_deletion' && s.deleteAt !== null);
  if (s.isAnonymized && !anonymizedOk) throw transitionError('anonymized', targetType);
  const allowed = ALLOWED_FROM[t.kind];
  if (allowed !== 'any' && !allowed.includes(variant(s, now))) throw transitionError(mostAppropriateType(s, now), targetType);
  return target;
}

/** Persists a state. Call inside `db.write`. */
export function saveAccountState(store: Store, userId: string, s: AccountState, at: number): void {
  store.users.setDisableFlags(userId, s.indefinitelyDisabled, s.disableReason, at);
  const { indefinitelyDisabled, disableReason, ...status } = s;
  void indefinitelyDisabled, disableReason;
  store.accountStatus.put(userId, status);
}

/** The state of a user that was never disabled, scheduled or anonymized. */
export const NORMAL_STATE: AccountState = { ...NO_ACCOUNT_STATUS, indefinitelyDisabled: false, disableReason: null };
