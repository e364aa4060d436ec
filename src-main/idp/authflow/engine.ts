import { Ajv, type ErrorObject } from 'ajv';
import type { IdpContext } from '../context';
import type { HttpRequest } from '../http/types';
import { ApiError } from '../errors';
import type { BranchDef, FlowDefinition, FlowState, FlowType, StepDef, StepType } from './types';
import type { Action, StepEnv, StepHandler } from './steps/step';
import { checkAllowlist } from './allowlist';
import { defaultFlow } from './default-flows';
import { flowNotFound, invalidValue, withFlowType } from './errors';
import { finishFlow } from './finish';
import { identify } from './steps/identify';
import { authenticate } from './steps/authenticate';
import { createAuthenticator } from './steps/create-authenticator';
import { verify } from './steps/verify';
import { selectDestination, verifyAccountRecoveryCode, resetPassword } from './steps/account-recovery';
import { checkAccountStatus, terminateOtherSessions } from './steps/account-status';
import { changePassword } from './steps/change-password';
import { viewRecoveryCode } from './steps/view-recovery-code';
import { verifyIdTokenHint } from '../oauth/authorize/id-token-hint';

/** Flows live 20 minutes after their last input (spec decision). */
const FLOW_TTL = 1200;
const TOKEN_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const HANDLERS: Partial<Record<StepType, StepHandler>> = {
  identify,
  authenticate,
  create_authenticator: createAuthenticator,
  verify,
  select_destination: selectDestination,
  verify_account_recovery_code: verifyAccountRecoveryCode,
  reset_password: resetPassword,
  check_account_status: checkAccountStatus,
  terminate_other_sessions: terminateOtherSessions,
  change_password: changePassword,
  view_recovery_code: viewRecoveryCode,
};

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ReturnType<typeof ajv.compile>>();
function validatorFor(schema: object) {
  const key = JSON.stringify(schema);
  let v = validators.get(key);
  if (!v) {
    v = ajv.compile(schema);
    if (validators.size > 1000) validators.clear();
    validators.set(key, v);
  }
  return v;
}

/** Upstream-shaped causes from schema errors: `{location, kind, details?}`. */
export function causesOf(errors: ErrorObject[] | null | undefined): unknown[] {
  return (errors ?? [])
    .filter((e) => e.keyword !== 'oneOf')
    .map((e) => ({
      location: e.instancePath,
      kind: e.keyword,
      ...(e.keyword === 'required' ? { details: { missing: [(e.params as { missingProperty: string }).missingProperty] } } : {}),
    }));
}

/**
 * A flow by type and name (spec authflow.md 4): one declared in `authentication_flow` wins, even
 * over the generated `default`; any other name is AuthenticationFlowFlowNotFound.
 */
export function findFlow(ctx: IdpContext, type: FlowType, name: string): FlowDefinition {
  const declared = ctx.config.app.authentication_flow[type]?.find((f) => f.name === name);
  if (declared) return { type, name, steps: declared.steps };
  const generated = name === 'default' ? defaultFlow(ctx.config.app, type) : undefined;
  if (!generated || generated.steps.length === 0) throw new ApiError('NotFound', 'AuthenticationFlowFlowNotFound', 'flow not found', { FlowType: type });
  return generated;
}

export interface FlowResult {
  token: string;
  state: FlowState;
}

function handler(step: StepDef): StepHandler {
  const h = HANDLERS[step.type];
  if (!h) throw new ApiError('InternalError', 'AuthenticationFlowInvalidFlowConfig', `step type ${step.type} is not supported`);
  return h;
}

/** The step waiting for input, popping finished step lists. */
function currentStep(state: FlowState): StepDef | undefined {
  while (state.frames.length) {
    const top = state.frames[state.frames.length - 1];
    if (top.index < top.steps.length) return top.steps[top.index];
    state.frames.pop();
  }
  return undefined;
}

function complete(state: FlowState, branch?: BranchDef): void {
  state.frames[state.frames.length - 1].index++;
  state.stage = {};
  if (branch?.steps?.length) state.frames.push({ steps: branch.steps, index: 0 });
}

/** Runs steps that need no input, until one waits or the flow finishes. */
async function advance(env: Omit<StepEnv, 'step'>): Promise<void> {
  for (;;) {
    if (env.state.finished) return;
    const step = currentStep(env.state);
    if (!step) return finishFlow(env.ctx, env.req, env.state, env.cookies);
    if (env.state.stage.prepared) return;
    env.state.stage.prepared = true;
    if ((await handler(step).enter?.({ ...env, step })) !== 'done') return;
    complete(env.state);
  }
}

/**
 * Feeds one input (spec authflow.md 1.2): the waiting step validates and consumes it, steps that
 * need nothing run, and the same input is offered to the next waiting step. Only a schema failure
 * at the first step is an error.
 */
async function feedOne(env: Omit<StepEnv, 'step'>, input: Record<string, unknown>): Promise<void> {
  for (let first = true; ; first = false) {
    if (env.state.finished) return;
    const step = currentStep(env.state);
    if (!step) return;
    const h = handler(step);
    const validate = validatorFor(h.schema({ ...env, step }));
    if (!validate(input)) {
      if (first) throw invalidValue(causesOf(validate.errors));
      return;
    }
    const r = await h.react({ ...env, step }, input as Record<string, any>);
    if ('switchTo' in r) {
      // The same input goes on into the flow signup_login chose.
      const def = findFlow(env.ctx, r.switchTo.type, r.switchTo.name);
      Object.assign(env.state, { type: r.switchTo.type, name: r.switchTo.name, frames: [{ steps: def.steps, index: 0 }], stage: {} });
      await advance(env);
      continue;
    }
    if (r.done) complete(env.state, r.branch);
    await advance(env);
    if (!r.done) return;
  }
}

function save(ctx: IdpContext, state: FlowState): string {
  const token = `authflowstate_${ctx.random.string(32, TOKEN_ALPHABET)}`;
  ctx.ephemeral.flowStates.set(token, structuredClone(state), FLOW_TTL);
  if (!state.finished) ctx.ephemeral.flows.set(state.flowId, true, FLOW_TTL);
  return token;
}

/** The snapshot behind a token of a live flow (a copy: snapshots never change). */
export function load(ctx: IdpContext, token: string | undefined): FlowState {
  const state = token ? ctx.ephemeral.flowStates.get(token) : undefined;
  if (!state || !ctx.ephemeral.flows.get(state.flowId)) throw flowNotFound();
  return structuredClone(state);
}

export async function createFlow(
  ctx: IdpContext,
  req: HttpRequest,
  input: { type: FlowType; name: string; urlQuery?: string; xRef?: string },
  cookies: string[],
): Promise<FlowResult> {
  const def = findFlow(ctx, input.type, input.name);
  const query0 = Object.fromEntries(new URLSearchParams(input.urlQuery ?? ''));
  const oauth0 = ctx.ephemeral.oauthSessions.get(query0.x_ref ?? input.xRef ?? '');
  checkAllowlist(ctx, query0.client_id || oauth0?.clientId, input.type, input.name);
  // Upstream refuses only sign-up: promoting an existing anonymous user is not a public sign-up.
  if (input.type === 'signup' && ctx.config.app.authentication.public_signup_disabled) {
    throw new ApiError('Forbidden', 'AuthenticationFlowNoPublicSignup', 'public signup is disabled', { FlowType: input.type });
  }
  const query = Object.fromEntries(new URLSearchParams(input.urlQuery ?? ''));
  const oauth = ctx.ephemeral.oauthSessions.get(query.x_ref ?? input.xRef ?? '');
  const state: FlowState = {
    flowId: `authflow_${ctx.random.string(32, TOKEN_ALPHABET)}`,
    type: input.type,
    name: input.name,
    frames: [{ steps: def.steps, index: 0 }],
    stage: {},
    named: {},
    query,
    oauthSessionId: oauth?.id,
    clientId: query.client_id || oauth?.clientId,
    amr: [],
    usedAuthenticators: [],
  };
  // reauth from an authorization request with id_token_hint: the user is already identified.
  if (input.type === 'reauth' && oauth?.params.id_token_hint) {
    const hint = await verifyIdTokenHint(ctx, oauth.params.id_token_hint);
    if (hint && ctx.store.users.get(hint.sub)) state.userId = hint.sub;
  }
  try {
    await advance({ ctx, req, state, cookies });
  } catch (e) {
    throw withFlowType(e, state.type);
  }
  return { token: save(ctx, state), state };
}

/** Applies inputs one after another to the snapshot at `token`; errors leave it unchanged. */
export async function feedInputs(ctx: IdpContext, req: HttpRequest, token: string | undefined, inputs: Record<string, unknown>[], cookies: string[]): Promise<FlowResult> {
  const state = load(ctx, token);
  try {
    for (const input of inputs) {
      if (state.finished) break;
      await feedOne({ ctx, req, state, cookies }, input);
    }
  } catch (e) {
    throw withFlowType(e, state.type);
  }
  return { token: save(ctx, state), state };
}

/** `result` of the envelope for a snapshot. */
export function describe(ctx: IdpContext, req: HttpRequest, r: FlowResult): Record<string, unknown> {
  const { state } = r;
  let action: Action;
  if (state.finished) {
    action = { type: 'finished', data: state.finished.redirectUri ? { finish_redirect_uri: state.finished.redirectUri } : {} };
  } else {
    const step = currentStep(state)!;
    action = handler(step).action({ ctx, req, state, step, cookies: [] });
  }
  return { state_token: r.token, type: state.type, name: state.name, action };
}

/**
 * Account recovery by a link code alone (spec 7.11): a flow positioned after the destination
 * was chosen, as the one that sent the code, then the code is fed to it.
 */
export async function recoverByCode(ctx: IdpContext, req: HttpRequest, code: string, cookies: string[]): Promise<FlowResult> {
  const target = ctx.ephemeral.otp.linkTarget('forgot-password', code);
  if (!target) {
    throw new ApiError('Invalid', 'PasswordResetFailed', 'invalid code', { cause: { kind: 'InvalidCode' }, otp_form: 'link', FlowType: 'account_recovery' });
  }
  const def = defaultFlow(ctx.config.app, 'account_recovery');
  const at = def.steps.findIndex((s) => s.type === 'verify_account_recovery_code');
  const state: FlowState = {
    flowId: `authflow_${ctx.random.string(32, TOKEN_ALPHABET)}`,
    type: 'account_recovery',
    name: 'default',
    frames: [{ steps: def.steps, index: at }],
    stage: { prepared: true },
    named: {},
    query: {},
    recovery: { loginId: target, userId: ctx.store.identities.findByLoginId('email', target)?.userId, destination: { channel: 'email', otp_form: 'link', target } },
    amr: [],
    usedAuthenticators: [],
  };
  const start = { token: save(ctx, state), state };
  return feedInputs(ctx, req, start.token, [{ account_recovery_code: code }], cookies);
}
