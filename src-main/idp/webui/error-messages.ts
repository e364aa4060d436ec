import { ApiError } from '../errors';
import type { Translate } from './texts';
import { describeViolation, type PolicyViolation } from '../user/password-policy';

/** Sentences for the user, from the reasons the flow engine throws (never from messages). */
export function errorMessages(t: Translate, e: unknown): string[] {
  if (!(e instanceof ApiError)) return [t('error.generic')];
  switch (e.reason) {
    case 'InvalidCredentials':
      return [e.info?.AuthenticationType === 'password' ? t('error.invalid-credentials') : t('error.invalid-code')];
    case 'UserNotFound':
      return [t('error.user-not-found')];
    case 'DisabledUser':
    case 'AnonymizedUser':
    case 'UserOutsideValidPeriod':
    case 'ScheduledDeletionByAdmin':
    case 'ScheduledDeletionByEndUser':
    case 'ScheduledAnonymizationByAdmin':
      return [t('error.disabled')];
    case 'InvariantViolated':
      return [(e.info?.cause as { kind?: string } | undefined)?.kind === 'DuplicatedIdentity' ? t('error.duplicated') : t('error.generic')];
    case 'InvalidVerificationCode':
    case 'PasswordResetFailed':
      return [t('error.invalid-code')];
    case 'RateLimited':
      return [t('error.rate-limited')];
    case 'AccountLockout':
      return [t('error.locked', { until: new Date(String(e.info?.until)).toUTCString() })];
    case 'AuthenticationFlowNotFound':
      return [t('error.flow-expired')];
    case 'ValidationFailed': {
      const causes = (e.info?.causes as { location?: string }[]) ?? [];
      if (causes.some((c) => c.location?.endsWith('password'))) return [t('error.password-too-long')];
      if (causes.some((c) => (c as { details?: { format?: string } }).details?.format === 'username')) return [t('error.invalid-username')];
      return [e.message === 'invalid login ID' ? t('error.invalid-email') : t('error.generic')];
    }
    case 'PasswordPolicyViolated':
      return ((e.info?.causes as PolicyViolation[]) ?? []).map(describeViolation);
    default:
      return [t('error.generic')];
  }
}

