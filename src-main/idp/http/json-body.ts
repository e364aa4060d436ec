import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { HttpRequest } from './types';
import { ApiError } from '../errors';

const ajv = new Ajv({ allErrors: true, strict: false });

/** Compiles a JSON schema for `readJsonBody`; compile once at module load. */
export function jsonSchema<T>(schema: object): ValidateFunction<T> {
  return ajv.compile<T>(schema);
}

function causes(errors: ErrorObject[] | null | undefined): unknown[] {
  return (errors ?? []).map((e) => ({
    location: e.instancePath,
    kind: e.keyword,
    ...(e.keyword === 'required' ? { details: { missing: [(e.params as { missingProperty: string }).missingProperty] } } : {}),
    ...(e.keyword === 'additionalProperties' ? { details: { property: (e.params as { additionalProperty: string }).additionalProperty } } : {}),
  }));
}

/**
 * The JSON body of an Authgear API request (upstream's BindJSONBody): `application/json`
 * (optionally `charset=utf-8`) only, else BadRequest; a schema violation is Invalid /
 * ValidationFailed with its causes. Malformed JSON never reaches here (BadRequest / InvalidJSON).
 */
export function readJsonBody<T>(req: HttpRequest, validate: ValidateFunction<T>): T {
  const [type, ...params] = (req.headers['content-type'] ?? '').toLowerCase().split(';').map((s) => s.trim());
  const paramsOk = params.length === 0 || (params.length === 1 && ['charset=utf-8', 'charset="utf-8"'].includes(params[0]));
  if (type !== 'application/json' || !paramsOk) throw new ApiError('BadRequest', 'BadRequest', 'request content type is invalid');
  if (!validate(req.body)) throw new ApiError('Invalid', 'ValidationFailed', 'invalid request body', { causes: causes(validate.errors) });
  return req.body as T;
}
