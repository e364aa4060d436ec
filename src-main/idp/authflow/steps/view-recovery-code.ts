import type { StepHandler } from './step';
import { objectSchema, DONE } from './step';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `view_recovery_code` (spec authflow.md 7.8): shows new codes once; created with the user. */
export const viewRecoveryCode: StepHandler = {
  enter(env) {
    const pending = env.state.pending;
    if (!pending) return 'done';
    const count = env.ctx.config.app.authentication.recovery_code.count;
    pending.recoveryCodes = Array.from({ length: count }, () => env.ctx.random.string(10, ALPHABET));
  },
  action(env) {
    return { type: 'view_recovery_code', data: { type: 'view_recovery_code_data', recovery_codes: env.state.pending!.recoveryCodes } };
  },
  schema() {
    return objectSchema({ confirm_recovery_code: { const: true } }, ['confirm_recovery_code']);
  },
  react() {
    return DONE;
  },
};
