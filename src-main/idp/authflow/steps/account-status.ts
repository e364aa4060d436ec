import { ApiError } from '../../errors';
import type { StepHandler } from './step';
import { DONE } from './step';
import { accountStateOf, accountStatusError } from '../../user/account-status';

const never = (): never => {
  throw new Error('this step never waits for input');
};

/** `check_account_status` (spec authflow.md 7.9): no input; a disabled user cannot finish. */
export const checkAccountStatus: StepHandler = {
  enter(env) {
    const user = env.ctx.store.users.get(env.state.userId!);
    if (!user) throw new ApiError('NotFound', 'UserNotFound', 'user not found');
    // Disabled (also temporarily), outside its valid period, scheduled for deletion, anonymized.
    const blocked = accountStatusError(accountStateOf(env.ctx.store, user), env.ctx.clock.nowMs());
    if (blocked) throw blocked;
    return 'done';
  },
  action: never,
  schema: never,
  react: () => DONE,
};

/** `terminate_other_sessions`: only for clients with x_max_concurrent_session: 1; skipped otherwise. */
export const terminateOtherSessions: StepHandler = {
  enter: () => 'done',
  action: never,
  schema: never,
  react: () => DONE,
};
