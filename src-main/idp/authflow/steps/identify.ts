import { ApiError } from '../../errors';
import { normalizeLoginId, isValidLoginId, type LoginIdType } from '../../user/login-id';
import { isReservedUsername } from '../../user/reserved-usernames';
import { duplicatedLoginId } from '../errors';
import type { StepHandler, StepEnv } from './step';
import { objectSchema } from './step';
import { startPromotion } from '../promote';
import { audit, sourceOf } from '../../audit/record';

function options(env: StepEnv) {
  return (env.step.one_of ?? []).filter((b) => b.identification);
}

function invalidLoginId(type: string): ApiError {
  return new ApiError('Invalid', 'ValidationFailed', 'invalid login ID', {
    causes: [{ location: '/login_id', kind: 'format', details: { format: type } }],
  });
}

/** Remembers what a named step produced, for later `target_step` references. */
function record(env: StepEnv, value: { identification: string; loginIdType?: string; loginId?: string }): void {
  if (env.step.name) env.state.named[env.step.name] = value;
}

/** `identify` (spec authflow.md 7.1, 7.2, 7.4). */
export const identify: StepHandler = {
  async enter(env) {
    // reauth started from an authorization request with id_token_hint: identified already.
    if (env.state.type === 'reauth' && env.state.userId) return 'done';
    // promote: the anonymous user comes from the login hint; the step then asks for a login ID.
    if (env.state.type === 'promote' && !env.state.promotion) await startPromotion(env.ctx, env.state);
  },
  action(env) {
    const type = env.state.type === 'account_recovery' ? 'account_recovery_identification_data' : 'identification_data';
    return { type: 'identify', data: { type, options: options(env).map((b) => ({ identification: b.identification })) } };
  },
  schema(env) {
    const ids = options(env).map((b) => b.identification!);
    const byId = ids.map((id) =>
      id === 'id_token'
        ? objectSchema({ identification: { const: id }, id_token: { type: 'string', minLength: 1 } }, ['identification', 'id_token'])
        : objectSchema({ identification: { const: id }, login_id: { type: 'string', minLength: 1 } }, ['identification', 'login_id']),
    );
    return { oneOf: byId.length ? byId : [objectSchema({ identification: { enum: [] } }, ['identification'])] };
  },
  async react(env, input) {
    const { ctx, state } = env;
    const branch = options(env).find((b) => b.identification === input.identification)!;
    if (input.identification === 'id_token') {
      const payload = await ctx.keys.verify(input.id_token, { checkTime: false });
      if (!payload || typeof payload.sub !== 'string') throw new ApiError('Invalid', 'ValidationFailed', 'invalid id_token', { causes: [{ location: '/id_token', kind: 'format' }] });
      if (!ctx.store.users.get(payload.sub)) throw new ApiError('NotFound', 'UserNotFound', 'user not found');
      state.userId = payload.sub;
      return { done: true, branch };
    }
    const raw = String(input.login_id);
    const type = input.identification as LoginIdType;
    const loginId = normalizeLoginId(type, raw);
    const identity = ctx.store.identities.findByLoginId(type, loginId);
    record(env, { identification: type, loginIdType: type, loginId });
    switch (state.type) {
      case 'signup_login':
        return identity
          ? { done: false, switchTo: { type: 'login', name: branch.login_flow ?? 'default' } }
          : { done: false, switchTo: { type: 'signup', name: branch.signup_flow ?? 'default' } };
      case 'signup':
      case 'promote': {
        if (!isValidLoginId(type, raw)) throw invalidLoginId(type);
        if (type === 'username' && ctx.config.app.identity.login_id.block_reserved_usernames && isReservedUsername(raw)) {
          throw new ApiError('Invalid', 'ValidationFailed', 'invalid login ID', {
            causes: [{ location: '/login_id', kind: 'blocked', details: { reason: 'UsernameReserved' } }],
          });
        }
        if (identity) throw duplicatedLoginId(type);
        state.pending = { loginIdKey: type, loginIdType: type, loginId, originalLoginId: raw.trim(), verified: [], authenticators: [] };
        return { done: true, branch };
      }
      case 'account_recovery':
        if (!identity && branch.on_failure === 'error') throw new ApiError('NotFound', 'UserNotFound', 'user not found', { IdentityTypeIncoming: 'login_id', LoginIDTypeIncoming: type });
        // Unknown addresses go on silently: nothing is ever sent to them (no enumeration).
        state.recovery = { loginId, userId: identity?.userId };
        return { done: true, branch };
      default:
        if (!identity) audit.loginIdFailed(ctx, sourceOf(env.req, 'user', state.clientId), raw).catch(() => {});
        if (!identity) throw new ApiError('NotFound', 'UserNotFound', 'user not found', { IdentityTypeIncoming: 'login_id', LoginIDTypeIncoming: type });
        state.userId = identity.userId;
        return { done: true, branch };
    }
  },
};
