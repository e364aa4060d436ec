/**
 * APIError objects as upstream serializes them (spec import-export.md 2.3): `name`, `reason`,
 * `message`, `code`, then `info` (a map: sorted keys) when there is any. Anything that is not
 * an ApiError is `InternalError`/`UnexpectedError`.
 */
import { ApiError } from '../errors';
import { GoMap, goJson } from './go-json';
import { json, type HttpResult } from '../http/types';
import { adminApiHeaders } from './headers';

export interface ApiErrorObject {
  name: string;
  reason: string;
  message: string;
  code: number;
  info?: GoMap;
}

export function unexpectedError(): ApiError {
  return new ApiError('InternalError', 'UnexpectedError', 'unexpected error occurred');
}

export function apiErrorObject(e: unknown): ApiErrorObject {
  const err = e instanceof ApiError ? e : unexpectedError();
  const info = err.info && Object.keys(err.info).length ? new GoMap(err.info) : undefined;
  return { name: err.name, reason: err.reason, message: err.message, code: err.status, ...(info ? { info } : {}) };
}

/** A JSON answer of the Admin API REST endpoints: Go's encoding, Admin API headers. */
export function goJsonResult(status: number, value: unknown): HttpResult {
  return { ...json(status, null, adminApiHeaders()), body: goJson(value) };
}

/** The `{"error": ...}` envelope with the status of the error's name. */
export function errorEnvelope(e: unknown): HttpResult {
  const obj = apiErrorObject(e);
  return goJsonResult(obj.code, { error: obj });
}
