/**
 * The audit log (spec admin-api.md 12): every event Authgear records for audit, with upstream's
 * event types and payload shapes. Callers name what happened in one line each:
 *
 *   audit.userAuthenticated(ctx, from, userId, session)     // sign-in finished
 *   audit.authenticationFailed(ctx, from, userId, 'primary', 'password')
 *   recordEvent(ctx, 'admin_api.mutation.create_user.executed', { user }, { userId, from })
 *
 * `recordEvent` inserts synchronously, so call it inside the `db.write` of the change it
 * describes: the entry is committed with the change, or not at all.
 */
import type { IdpContext } from '../context';
import type { HttpRequest } from '../http/types';
import type { User } from '../store/repos/users';
import type { Identity } from '../store/repos/identities';
import type { Authenticator } from '../store/repos/authenticators';
import type { IdpSession } from '../store/repos/idp-sessions';
import type { OfflineGrant } from '../store/repos/offline-grants';
import { userStatusClaims, standardAttributeClaims, rfc3339 } from '../user/claims';
import { accountStateOf, isDisabledAt } from '../user/account-status';

export type TriggeredBy = 'user' | 'admin_api' | 'system' | 'portal';

/** Where an event came from: the request and who triggered it. */
export interface EventSource {
  triggeredBy: TriggeredBy;
  ip?: string | null;
  userAgent?: string | null;
  clientId?: string | null;
  /** The `audit_context` claim of an admin token. */
  auditContext?: Record<string, unknown> | null;
  /** Accept-Language of the request, as preferred_languages. */
  languages?: string[];
}

export function sourceOf(req: HttpRequest, triggeredBy: TriggeredBy, clientId?: string | null): EventSource {
  const languages = (req.headers['accept-language'] ?? '')
    .split(',')
    .map((s) => s.split(';')[0].trim())
    .filter(Boolean);
  return { triggeredBy, ip: req.ip, userAgent: req.headers['user-agent'] ?? null, clientId: clientId ?? null, languages };
}

/** The AuditLogActivityType enum value of an event type: `user.profile.updated` → USER_PROFILE_UPDATED. */
export function activityTypeOf(type: string): string {
  return type.toUpperCase().replace(/\./g, '_');
}

/** Inserts one audit entry. Call inside `db.write`. */
export function recordEvent(
  ctx: IdpContext,
  type: string,
  payload: Record<string, unknown>,
  opts: { userId?: string | null; from: EventSource; recipient?: string | null },
): void {
  const now = ctx.clock.nowMs();
  const s = opts.from;
  const context: Record<string, unknown> = {
    timestamp: Math.floor(now / 1000),
    user_id: opts.userId ?? null,
    triggered_by: s.triggeredBy,
    audit_context: s.auditContext ?? null,
    preferred_languages: s.languages ?? [],
    language: s.languages?.[0] ?? '',
    ...(s.ip ? { ip_address: s.ip } : {}),
    geo_location_code: null,
    ...(s.userAgent ? { user_agent: s.userAgent } : {}),
    app_id: ctx.config.app.id,
    ...(s.clientId ? { client_id: s.clientId } : {}),
  };
  ctx.store.auditLog.insert({
    eventId: ctx.random.uuid(),
    // Audit entries carry whole seconds.
    createdAt: Math.floor(now / 1000) * 1000,
    activityType: activityTypeOf(type),
    userId: opts.userId ?? null,
    ipAddress: s.ip ?? null,
    userAgent: s.userAgent ?? null,
    clientId: s.clientId ?? null,
    recipient: opts.recipient ?? null,
    data: { type, payload, context },
  });
}

/** `recordEvent` in a write of its own, for events that change nothing else (failures). */
export async function recordEventNow(ctx: IdpContext, type: string, payload: Record<string, unknown>, opts: { userId?: string | null; from: EventSource; recipient?: string | null }): Promise<void> {
  await ctx.store.db.write(() => recordEvent(ctx, type, payload, opts));
}

// Payload models, in the JSON shape of Authgear's webhook and audit events.

const time = (ms: number | null | undefined) => (ms === null || ms === undefined ? undefined : rfc3339(ms));

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function userModel(ctx: IdpContext, user: User): Record<string, unknown> {
  const claims = userStatusClaims(ctx, user);
  const state = accountStateOf(ctx.store, user);
  const C = 'https://authgear.com/claims/user/';
  return compact({
    id: user.id,
    created_at: rfc3339(user.createdAt),
    updated_at: rfc3339(user.updatedAt),
    last_login_at: time(user.lastLoginAt),
    is_anonymous: claims[`${C}is_anonymous`],
    is_verified: claims[`${C}is_verified`],
    is_disabled: isDisabledAt(state, ctx.clock.nowMs()),
    disable_reason: state.disableReason ?? undefined,
    is_deactivated: state.isDeactivated,
    delete_at: time(state.deleteAt),
    delete_reason: state.deleteReason ?? undefined,
    is_anonymized: state.isAnonymized,
    anonymize_at: time(state.anonymizeAt),
    temporarily_disabled_from: time(state.temporarilyDisabledFrom),
    temporarily_disabled_until: time(state.temporarilyDisabledUntil),
    account_valid_from: time(state.accountValidFrom),
    account_valid_until: time(state.accountValidUntil),
    can_reauthenticate: claims[`${C}can_reauthenticate`],
    standard_attributes: standardAttributeClaims(ctx, user),
    custom_attributes: user.customAttributes,
    x_web3: {},
    roles: claims[`${C}roles`],
    groups: ctx.store.rbac.groupsOfUser(user.id).map((g) => g.key),
    mfa_grace_period_end_at: time(state.mfaGracePeriodEndAt),
  });
}

/** The user model of a user ID, or a bare reference when the user is gone. */
export function userModelById(ctx: IdpContext, userId: string): Record<string, unknown> {
  const user = ctx.store.users.get(userId);
  return user ? userModel(ctx, user) : { id: userId };
}

export function identityModel(i: Identity): Record<string, unknown> {
  return { id: i.id, created_at: rfc3339(i.createdAt), updated_at: rfc3339(i.updatedAt), type: i.type, claims: i.claims };
}

export function authenticatorModel(a: Authenticator): Record<string, unknown> {
  return { id: a.id, created_at: rfc3339(a.createdAt), updated_at: rfc3339(a.updatedAt), user_id: a.userId, type: a.type, is_default: a.isDefault, kind: a.kind };
}

export function sessionModel(s: { kind: 'idp'; session: IdpSession } | { kind: 'offline_grant'; session: OfflineGrant }): Record<string, unknown> {
  const x = s.session;
  return compact({
    id: x.id,
    created_at: rfc3339(x.createdAt),
    updated_at: rfc3339(x.lastAccessAt),
    type: s.kind,
    amr: x.amr.length ? x.amr : undefined,
    lastAccessedAt: rfc3339(x.lastAccessAt),
    createdByIP: x.createdIp ?? '',
    lastAccessedByIP: x.lastAccessIp ?? '',
    lastAccessedByIPCountryCode: '',
    lastAccessedByIPEnglishCountryName: '',
    clientID: s.kind === 'offline_grant' ? s.session.clientId : null,
    displayName: x.userAgent ?? '',
    userAgent: x.userAgent ?? undefined,
  });
}

/** The end-user events the sign-in, sign-up and sign-out paths record. */
export const audit = {
  /** A login flow finished (`user.authenticated`); reauth records `user.reauthenticated`. */
  userAuthenticated(ctx: IdpContext, from: EventSource, userId: string, idpSessionId: string | null, reauth = false): void {
    const s = idpSessionId ? ctx.store.idpSessions.get(idpSessionId) : undefined;
    recordEvent(ctx, reauth ? 'user.reauthenticated' : 'user.authenticated', { user: userModelById(ctx, userId), session: s ? sessionModel({ kind: 'idp', session: s }) : null }, { userId, from });
  },
  /** A sign-up created the user (`user.created`). */
  userCreated(ctx: IdpContext, from: EventSource, userId: string): void {
    recordEvent(ctx, 'user.created', { user: userModelById(ctx, userId), identities: ctx.store.identities.listByUser(userId).map(identityModel) }, { userId, from });
  },
  /** A wrong credential: `authentication.<stage>.<type>.failed`. */
  authenticationFailed(ctx: IdpContext, from: EventSource, userId: string, stage: 'primary' | 'secondary', type: string): Promise<void> {
    return recordEventNow(ctx, `authentication.${stage}.${type}.failed`, { user: userModelById(ctx, userId), authentication_stage: stage, authenticator_type: type }, { userId, from });
  },
  /** A login ID that names nobody: `authentication.identity.login_id.failed`. */
  loginIdFailed(ctx: IdpContext, from: EventSource, loginId: string): Promise<void> {
    return recordEventNow(ctx, 'authentication.identity.login_id.failed', { login_id: loginId }, { from });
  },
  /** A message "delivered" to the outbox: `email.sent` / `sms.sent`, found by the address filters. */
  messageSent(ctx: IdpContext, from: EventSource, m: { channel: string; recipient: string; messageType: string; userId: string | null }): void {
    const type = m.channel === 'sms' ? 'sms.sent' : m.channel === 'whatsapp' ? 'whatsapp.sent' : 'email.sent';
    recordEvent(ctx, type, { sender: 'no-reply@authgear-sandbox.local', recipient: m.recipient, type: m.messageType }, { userId: m.userId, from, recipient: m.recipient });
  },
  /** The user signed out (`user.signed_out`) with the sessions that ended. */
  signedOut(ctx: IdpContext, from: EventSource, userId: string, sessions: Record<string, unknown>[]): void {
    recordEvent(ctx, 'user.signed_out', { user: userModelById(ctx, userId), sessions }, { userId, from });
  },
};
