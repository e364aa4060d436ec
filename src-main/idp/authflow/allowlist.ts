import type { IdpContext } from '../context';
import { ApiError } from '../errors';
import type { FlowType } from './types';

/**
 * Which flows a client may run (spec authflow.md 4): the union of its
 * `x_authentication_flow_allowlist.flows` and the flows of its allowed groups, groups being
 * defined in `ui.authentication_flow.groups`. An allowed but undefined group named `default`
 * allows every flow named `default`. A client without an allowlist may run everything.
 */
export function checkAllowlist(ctx: IdpContext, clientId: string | undefined, type: FlowType, name: string): void {
  const allow = clientId ? ctx.config.app.oauth.clients.find((c) => c.client_id === clientId)?.x_authentication_flow_allowlist : undefined;
  if (!allow || (!allow.flows?.length && !allow.groups?.length)) return;
  const defined = ctx.config.app.flow_groups;
  const allowed = (allow.groups ?? []).some((g) => {
    const group = defined.find((d) => d.name === g.name);
    if (!group) return g.name === 'default' && name === 'default';
    return group.flows.some((f) => f.type === type && f.name === name);
  });
  if (!allowed && !(allow.flows ?? []).some((f) => f.type === type && f.name === name)) {
    throw new ApiError('Forbidden', 'AuthenticationFlowNotAllowed', 'flow is not allowed', { FlowType: type });
  }
}

/**
 * The flow the built-in pages run for a type (upstream's DeriveFlowNameForDefaultUI): the flow of
 * that type in the requested `x_authentication_flow_group`, else in the client's first allowed
 * group, else `default`. A group the client may not use, or one without that type, is refused.
 */
export function flowNameForBuiltinUi(ctx: IdpContext, clientId: string | undefined, type: FlowType, requestedGroup: string | undefined): string {
  const allow = clientId ? ctx.config.app.oauth.clients.find((c) => c.client_id === clientId)?.x_authentication_flow_allowlist : undefined;
  const allowedGroups = (allow?.groups ?? []).map((g) => g.name);
  const group = requestedGroup || allowedGroups[0] || 'default';
  const notAllowed = () => new ApiError('Forbidden', 'AuthenticationFlowNotAllowed', 'flow is not allowed', { FlowType: type });
  if (requestedGroup && allowedGroups.length && !allowedGroups.includes(requestedGroup)) throw notAllowed();
  const defined = ctx.config.app.flow_groups.find((g) => g.name === group);
  if (!defined) {
    if (group === 'default') return 'default';
    throw notAllowed();
  }
  const flow = defined.flows.find((f) => f.type === type);
  if (!flow) throw notAllowed();
  return flow.name;
}
