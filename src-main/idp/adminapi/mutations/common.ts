/** Pieces every mutation uses. All run inside the request's transaction. */
import type { AdminRequest } from '../request';
import type { User } from '../../store/repos/users';
import type { OutboxMessage } from '../../store/repos/outbox';
import { ApiError } from '../../errors';
import { rawIdOf } from '../node-id';
import { userNode, type UserNode } from '../views';
import { recordEvent, userModel, sessionModel, audit } from '../../audit/record';
import { accountStateOf, transition, saveAccountState, isDisabledAt, type Transition } from '../../user/account-status';
import { revokeIdpSession, revokeOfflineGrant } from '../../session/revoke';

export function userNotFound(): ApiError {
  return new ApiError('NotFound', 'UserNotFound', 'user not found');
}

/** The user named by a node ID: `invalid user ID` or UserNotFound otherwise. */
export function requireUser(rc: AdminRequest, nodeId: string): User {
  const u = rc.ctx.store.users.get(rawIdOf('User', nodeId));
  if (!u) throw userNotFound();
  return u;
}

/** The user as it is now, for a payload. */
export function reloadUser(rc: AdminRequest, id: string): UserNode {
  const u = rc.ctx.store.users.get(id);
  if (!u) throw userNotFound();
  return userNode(u);
}

export function notAnonymized(rc: AdminRequest, user: User): void {
  if (rc.ctx.store.accountStatus.get(user.id).isAnonymized) throw new ApiError('Invalid', 'UserIsAnonymized', 'user is anonymized');
}

/** `admin_api.mutation.<name>.executed`, the audit entry of every mutation. */
export function mutationExecuted(rc: AdminRequest, name: string, payload: Record<string, unknown>, userId?: string | null): void {
  recordEvent(rc.ctx, `admin_api.mutation.${name}.executed`, payload, { userId: userId ?? null, from: rc.from });
}

/** A domain event triggered by the Admin API (user.disabled, identity.email.added...). */
export function adminEvent(rc: AdminRequest, type: string, payload: Record<string, unknown>, userId: string | null): void {
  recordEvent(rc.ctx, type, payload, { userId, from: rc.from });
}

export function currentUserModel(rc: AdminRequest, userId: string): Record<string, unknown> {
  const u = rc.ctx.store.users.get(userId);
  return u ? userModel(rc.ctx, u) : { id: userId };
}

/** Ends every session of a user (IdP sessions and refresh tokens); returns their models. */
export function terminateAllSessions(rc: AdminRequest, userId: string): Record<string, unknown>[] {
  const { store } = rc.ctx;
  const ended: Record<string, unknown>[] = [];
  for (const s of store.idpSessions.listByUser(userId)) {
    ended.push(sessionModel({ kind: 'idp', session: s }));
    revokeIdpSession(rc.ctx, s.id);
  }
  for (const g of store.offlineGrants.listByUser(userId)) {
    ended.push(sessionModel({ kind: 'offline_grant', session: g }));
    revokeOfflineGrant(rc.ctx, g.id);
  }
  store.accessGrants.deleteByUser(userId);
  return ended;
}

/**
 * Applies an account status transition; when it leaves the user unable to sign in now, every
 * session ends (spec 8.3). Returns whether the user is disabled afterwards.
 */
export function changeAccountStatus(rc: AdminRequest, user: User, t: Transition): boolean {
  const now = rc.ctx.clock.nowMs();
  const next = transition(accountStateOf(rc.ctx.store, user), t, now);
  saveAccountState(rc.ctx.store, user.id, next, now);
  const disabled = isDisabledAt(next, now);
  if (disabled) terminateAllSessions(rc, user.id);
  return disabled;
}

/** Puts a message in the outbox with the change; the console hears of it after commit. */
export function sendMessage(rc: AdminRequest, m: Omit<OutboxMessage, 'id' | 'createdAt'>): void {
  const message: OutboxMessage = { ...m, id: rc.ctx.random.uuid(), createdAt: rc.ctx.clock.nowMs() };
  rc.ctx.store.outbox.insert(message);
  audit.messageSent(rc.ctx, rc.from, message);
  rc.afterCommit.push(() => rc.ctx.onOutbox?.(message));
}

/** Mails a password to every e-mail login ID of the user (sendPassword); SendPasswordNoTarget when none. */
export function sendPassword(rc: AdminRequest, userId: string, password: string): void {
  const emails = rc.ctx.store.identities
    .listByUser(userId)
    .filter((i) => i.type === 'login_id' && i.loginIdType === 'email' && i.loginId)
    .map((i) => i.loginId!);
  if (!emails.length) throw new ApiError('Invalid', 'SendPasswordNoTarget', 'no target to send the password');
  for (const to of emails) {
    sendMessage(rc, {
      channel: 'email',
      recipient: to,
      messageType: 'send-password',
      otpForm: null,
      code: null,
      link: null,
      userId,
      subject: 'Your password',
      bodyText: `Your password: ${password}`,
    });
  }
}
