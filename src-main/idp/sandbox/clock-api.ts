import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { json } from '../http/types';
import { NO_STORE } from '../http/error-response';
import { ApiError } from '../errors';
import { rfc3339 } from '../user/claims';
import { requireConsoleToken } from './console-auth';
import { jsonBody, sandboxAjv } from './json-body';

/** How far the sandbox clock may be moved from real time, either way (100 years). */
export const MAX_CLOCK_OFFSET_MS = 100 * 365 * 24 * 3600 * 1000;

const validate = sandboxAjv.compile({
  type: 'object',
  additionalProperties: false,
  properties: {
    advance_seconds: { type: 'number' },
    set_to: { type: 'string', minLength: 1, maxLength: 64 },
  },
  oneOf: [{ required: ['advance_seconds'] }, { required: ['set_to'] }],
});

function view(ctx: IdpContext) {
  const now = ctx.clock.nowMs();
  const offset = ctx.clock.offsetMs();
  return { now: rfc3339(now), now_ms: now, offset_ms: offset, real_now: rfc3339(now - offset) };
}

/** `GET /_sandbox/api/clock`: the sandbox's time, every expiry is computed from it. */
export function getClock(ctx: IdpContext, req: HttpRequest): HttpResult {
  requireConsoleToken(ctx, req);
  return json(200, view(ctx), NO_STORE);
}

/**
 * `POST /_sandbox/api/clock {advance_seconds}` moves the clock by that many seconds (negative:
 * back); `{set_to: "<RFC 3339>"}` moves it to that instant. Codes, sessions and tokens expire by it.
 */
export function moveClock(ctx: IdpContext, req: HttpRequest): HttpResult {
  requireConsoleToken(ctx, req);
  const body = jsonBody<{ advance_seconds?: number; set_to?: string }>(req, validate);
  let delta: number;
  if (body.advance_seconds !== undefined) {
    delta = Math.round(body.advance_seconds * 1000);
  } else {
    const target = Date.parse(body.set_to!);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(body.set_to!) || Number.isNaN(target)) {
      throw new ApiError('Invalid', 'ValidationFailed', '/set_to: must be an RFC 3339 date-time', { causes: [{ location: '/set_to', kind: 'format' }] });
    }
    delta = target - ctx.clock.nowMs();
  }
  if (!Number.isFinite(delta) || Math.abs(ctx.clock.offsetMs() + delta) > MAX_CLOCK_OFFSET_MS) {
    throw new ApiError('Invalid', 'ValidationFailed', 'the clock may be moved at most 100 years from real time', { causes: [{ location: '/', kind: 'maximum' }] });
  }
  ctx.clock.advance(delta);
  return json(200, view(ctx), NO_STORE);
}

/** `DELETE /_sandbox/api/clock`: back to real time. */
export function resetClock(ctx: IdpContext, req: HttpRequest): HttpResult {
  requireConsoleToken(ctx, req);
  ctx.clock.reset();
  return json(200, view(ctx), NO_STORE);
}
