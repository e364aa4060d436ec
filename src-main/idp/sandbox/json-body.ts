import { Ajv, type ValidateFunction } from 'ajv';
import type { HttpRequest } from '../http/types';
import { ApiError } from '../errors';

/** One validator instance for the console API's request bodies. */
export const sandboxAjv = new Ajv({ allErrors: true, strict: false });

/**
 * A JSON request body of the console API, checked against its schema. Anything else is
 * `ValidationFailed` with one cause per problem (location, kind, message) and no state change.
 */
export function jsonBody<T>(req: HttpRequest, validate: ValidateFunction): T {
  const type = (req.headers['content-type'] ?? '').toLowerCase().split(';')[0]!.trim();
  if (type !== 'application/json') throw new ApiError('BadRequest', 'BadRequest', 'request content type must be application/json');
  if (!validate(req.body)) {
    const causes = (validate.errors ?? []).map((e) => ({ location: e.instancePath || '/', kind: e.keyword, message: e.message ?? 'is invalid' }));
    const first = causes[0];
    throw new ApiError('Invalid', 'ValidationFailed', first ? `${first.location}: ${first.message}` : 'invalid request body', { causes });
  }
  return req.body as T;
}
