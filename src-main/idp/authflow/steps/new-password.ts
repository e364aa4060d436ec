import { hashPassword } from '../../crypto/password';
import type { StepEnv, Reaction } from './step';
import { objectSchema, DONE } from './step';
import { checkNewPassword } from './create-authenticator';

/** Input of the steps that take a new password (reset_password, change_password). */
export const NEW_PASSWORD_SCHEMA = objectSchema({ new_password: { type: 'string' } }, ['new_password']);

/** Checks the policy and keeps the hash; the flow sets it when it finishes. */
export async function takeNewPassword(env: StepEnv, input: Record<string, any>): Promise<Reaction> {
  checkNewPassword(env, String(input.new_password));
  env.state.newPasswordHash = await hashPassword(String(input.new_password));
  return DONE;
}
