import { ApiError } from '../errors';
import type { Translate } from './texts';
import { describeViolation, type PolicyViolation } from '../user/password-policy';

/** Sentences for the user, from the reasons the account functions throw. */
export function errorMessages(t: Translate, e: unknown): string[] {
  if (!(e instanceof ApiError)) return [t('error.generic')];
  switch (e.reason) {
    case 'InvalidCredentials':
      return [t('error.invalid-credentials')];
    case 'UserDisabled':
      return [t('error.disabled')];
    case 'DuplicatedIdentity':
      return [t('error.duplicated')];
    case 'ValidationFailed': {
      const causes = (e.info?.causes as { location?: string }[]) ?? [];
      return [causes.some((c) => c.location === '/password') ? t('error.password-too-long') : t('error.invalid-email')];
    }
    case 'PasswordPolicyViolated':
      return ((e.info?.causes as PolicyViolation[]) ?? []).map(describeViolation);
    default:
      return [t('error.generic')];
  }
}

