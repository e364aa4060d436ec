import { ApiError } from '../errors';
import type { FlowType } from './types';

/** Authentication Flow errors with upstream's names and reasons (spec authflow.md 9). */
export const flowNotFound = () => new ApiError('NotFound', 'AuthenticationFlowNotFound', 'flow not found');

export const invalidRequestBody = (causes: unknown[]) => new ApiError('Invalid', 'ValidationFailed', 'invalid request body', { causes });

export const invalidValue = (causes: unknown[]) => new ApiError('Invalid', 'ValidationFailed', 'invalid value', { causes });

/** Adds `FlowType` to the info of an error raised while a step reacts. */
export function withFlowType(e: unknown, type: FlowType): unknown {
  if (!(e instanceof ApiError)) return e;
  if (e.reason === 'ValidationFailed' && e.message !== 'invalid login ID') return e;
  return new ApiError(e.name, e.reason, e.message, { ...(e.info ?? {}), FlowType: type });
}

/** Sign-up of a login ID another identity already holds (spec authflow.md 9). */
export const duplicatedLoginId = (type: string) =>
  new ApiError('Invalid', 'InvariantViolated', 'identity already exists', {
    IdentityTypeExisting: 'login_id',
    IdentityTypeIncoming: 'login_id',
    LoginIDTypeExisting: type,
    LoginIDTypeIncoming: type,
    cause: { kind: 'DuplicatedIdentity' },
  });
