import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { json } from '../http/types';
import { ApiError } from '../errors';
import { jsonSchema, readJsonBody } from '../http/json-body';
import { rfc3339 } from '../user/claims';

export const CHALLENGE_PURPOSES = ['anonymous_request', 'biometric_request', 'app2app_request'] as const;
export type ChallengePurpose = (typeof CHALLENGE_PURPOSES)[number];

export interface Challenge {
  purpose: ChallengePurpose;
}

const CHALLENGE_TTL = 300;

const validate = jsonSchema<{ purpose: string }>({
  type: 'object',
  additionalProperties: false,
  properties: { purpose: { type: 'string' } },
  required: ['purpose'],
});

/** `POST /oauth2/challenge` (spec 13.2): a one-time token a device signs into its request JWT. */
export function handleChallenge(ctx: IdpContext, req: HttpRequest): HttpResult {
  const { purpose } = readJsonBody(req, validate);
  if (!(CHALLENGE_PURPOSES as readonly string[]).includes(purpose)) {
    throw new ApiError('Invalid', 'ValidationFailed', 'invalid request body', {
      causes: [{ location: '/purpose', kind: 'general', details: { msg: 'unknown challenge purpose' } }],
    });
  }
  const token = ctx.random.base32();
  ctx.ephemeral.challenges.set(token, { purpose: purpose as ChallengePurpose }, CHALLENGE_TTL);
  return json(200, { result: { token, expire_at: rfc3339(ctx.clock.nowMs() + CHALLENGE_TTL * 1000) } });
}

/** Whether `token` is a live challenge of `purpose` (not consumed). */
export function challengeValid(ctx: IdpContext, token: unknown, purpose: ChallengePurpose): boolean {
  return typeof token === 'string' && ctx.ephemeral.challenges.get(token)?.purpose === purpose;
}

/** Uses a challenge up; true when it was live and of `purpose`. */
export function consumeChallenge(ctx: IdpContext, token: unknown, purpose: ChallengePurpose): boolean {
  const ok = challengeValid(ctx, token, purpose);
  if (ok) ctx.ephemeral.challenges.delete(token as string);
  return ok;
}
