/**
 * Usage quotas of the user import and export (spec import-export.md 2.3, 9.5): none by default,
 * as in a project without a plan limit; the console can simulate one. A quota with action
 * `block` refuses a reservation that would exceed it with 429 `UsageLimitExceeded`.
 */
import type { IdpContext } from '../context';
import { ApiError } from '../errors';

export type UsageName = 'user_import' | 'user_export';

export interface UsageLimit {
  quota: number;
  period: 'day' | 'month';
  action: 'block' | 'alert';
}

export interface TransferSimulation {
  user_import?: UsageLimit;
  user_export?: UsageLimit;
  /** Answer every export call with 500 `UserExportDisabled`, as a project without export storage. */
  export_disabled?: boolean;
}

interface State {
  simulation: TransferSimulation;
  used: Map<string, number>;
}

const states = new WeakMap<IdpContext, State>();

function state(ctx: IdpContext): State {
  let s = states.get(ctx);
  if (!s) {
    s = { simulation: {}, used: new Map() };
    states.set(ctx, s);
  }
  return s;
}

export function simulation(ctx: IdpContext): TransferSimulation {
  return state(ctx).simulation;
}

export function setSimulation(ctx: IdpContext, sim: TransferSimulation): void {
  const s = state(ctx);
  s.simulation = sim;
  s.used.clear();
}

const NAMES: Record<UsageName, string> = { user_import: 'UserImport', user_export: 'UserExport' };

/** Counts `n` units of usage in the current period (sandbox clock, UTC), or refuses them. */
export function reserveUsage(ctx: IdpContext, name: UsageName, n: number): void {
  const s = state(ctx);
  const limit = s.simulation[name];
  if (!limit) return;
  const now = ctx.clock.now();
  const period = limit.period === 'day' ? now.toISOString().slice(0, 10) : now.toISOString().slice(0, 7);
  const key = `${name}:${period}`;
  const used = s.used.get(key) ?? 0;
  if (limit.action === 'block' && used + n > limit.quota) {
    throw new ApiError('TooManyRequest', 'UsageLimitExceeded', 'usage limit exceeded', { name: NAMES[name], usage_name: name, period: limit.period });
  }
  s.used.set(key, used + n);
}
