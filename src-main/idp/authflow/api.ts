import { Ajv } from 'ajv';
import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { json, withCookies } from '../http/types';
import { ApiError } from '../errors';
import { FLOW_TYPES, type FlowType } from './types';
import { createFlow, feedInputs, describe, load, causesOf, recoverByCode } from './engine';
import { invalidRequestBody } from './errors';

const ajv = new Ajv({ allErrors: true, strict: false });
const objects = { type: 'array', items: { type: 'object' }, minItems: 1 };
const validateCreate = ajv.compile({
  type: 'object',
  required: ['type', 'name'],
  properties: { type: { enum: [...FLOW_TYPES] }, name: { type: 'string' }, url_query: { type: 'string' }, batch_input: objects },
});
const validateInput = ajv.compile({
  type: 'object',
  properties: { state_token: { type: 'string' }, input: { type: 'object' }, batch_input: objects },
  oneOf: [{ required: ['input'], not: { required: ['batch_input'] } }, { required: ['batch_input'], not: { required: ['input'] } }],
});
const validateGet = ajv.compile({ type: 'object', required: ['state_token'], properties: { state_token: { type: 'string' } } });

/** JSON bodies only (spec authflow.md 2). */
function body(req: HttpRequest, validate: ReturnType<typeof ajv.compile>): Record<string, any> {
  const type = (req.headers['content-type'] ?? '').toLowerCase().split(';').map((s) => s.trim());
  const charsetOk = type.slice(1).every((p) => !p.startsWith('charset=') || ['charset=utf-8', 'charset=utf8'].includes(p));
  if (type[0] !== 'application/json' || !charsetOk) throw new ApiError('BadRequest', 'BadRequest', 'request content type is invalid');
  if (!validate(req.body)) throw invalidRequestBody(causesOf(validate.errors));
  return req.body as Record<string, any>;
}

/** Success: `{result}`; an input error also carries the unchanged state (spec 2.4). */
function respond(status: number, payload: Record<string, unknown>, cookies: string[]): HttpResult {
  return withCookies(json(status, payload), cookies);
}

function errorWithState(e: unknown, result: Record<string, unknown> | undefined, cookies: string[]): HttpResult {
  if (!(e instanceof ApiError)) throw e;
  const payload: Record<string, unknown> = e.toJSON();
  if (result && e.reason !== 'AuthenticationFlowNotFound') payload.result = result;
  return respond(e.status, payload, cookies);
}

/** `POST /api/v1/authentication_flows` */
export async function handleCreate(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const b = body(req, validateCreate);
  const cookies: string[] = [];
  const created = await createFlow(ctx, req, { type: b.type as FlowType, name: b.name, urlQuery: b.url_query, xRef: req.query.x_ref }, cookies);
  if (!b.batch_input) return respond(200, { result: describe(ctx, req, created) }, cookies);
  try {
    const fed = await feedInputs(ctx, req, created.token, b.batch_input, cookies);
    return respond(200, { result: describe(ctx, req, fed) }, cookies);
  } catch (e) {
    return errorWithState(e, describe(ctx, req, created), cookies);
  }
}

/** `POST /api/v1/authentication_flows/states/input` */
export async function handleInput(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const b = body(req, validateInput);
  const cookies: string[] = [];
  const token: string | undefined = b.state_token || undefined;
  if (!token && typeof b.input?.account_recovery_code === 'string') {
    return respond(200, { result: describe(ctx, req, await recoverByCode(ctx, req, b.input.account_recovery_code, cookies)) }, cookies);
  }
  const original = load(ctx, token);
  try {
    const fed = await feedInputs(ctx, req, token, b.batch_input ?? [b.input], cookies);
    return respond(200, { result: describe(ctx, req, fed) }, cookies);
  } catch (e) {
    return errorWithState(e, describe(ctx, req, { token: token!, state: original }), cookies);
  }
}

/** `POST /api/v1/authentication_flows/states` */
export function handleGet(ctx: IdpContext, req: HttpRequest): HttpResult {
  const b = body(req, validateGet);
  return json(200, { result: describe(ctx, req, { token: b.state_token, state: load(ctx, b.state_token) }) });
}
