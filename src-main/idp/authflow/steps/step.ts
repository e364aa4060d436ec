import type { IdpContext } from '../../context';
import type { HttpRequest } from '../../http/types';
import type { BranchDef, FlowState, StepDef } from '../types';

/** What a step sees: the context, the (mutable, cloned) state and its definition. */
export interface StepEnv {
  ctx: IdpContext;
  req: HttpRequest;
  state: FlowState;
  step: StepDef;
  /** Set-Cookie values the HTTP response must carry (the session cookie when a flow finishes). */
  cookies: string[];
}

/** What the client sees while a step waits (spec authflow.md 2.4). */
export interface Action {
  type: string;
  identification?: string;
  authentication?: string;
  data: Record<string, unknown>;
}

export type Reaction =
  | { done: true; branch?: BranchDef }
  | { done: false }
  /** signup_login: continue as another flow, replaying the same input (spec authflow.md 7.1). */
  | { done: false; switchTo: { type: 'signup' | 'login'; name: string } };

/**
 * One step type. `enter` runs when the step becomes current (send a code, or finish at once:
 * steps that need no input never show). `schema` is the input it accepts now; `react` consumes
 * a valid input.
 */
export interface StepHandler {
  enter?(env: StepEnv): Promise<'done' | void> | 'done' | void;
  action(env: StepEnv): Action;
  schema(env: StepEnv): object;
  react(env: StepEnv, input: Record<string, any>): Promise<Reaction> | Reaction;
}

export const DONE: Reaction = { done: true };
export const WAIT: Reaction = { done: false };

/** Schema helpers: objects with required keys; extra keys are allowed (spec 1.2.4). */
export function objectSchema(properties: Record<string, object>, required: string[]): object {
  return { type: 'object', properties, required };
}
