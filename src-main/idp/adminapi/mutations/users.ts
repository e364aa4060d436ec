/** User and account-status mutations (spec admin-api.md 8.1–8.3, 9, 10). */
import type { AdminRequest } from '../request';
import type { User } from '../../store/repos/users';
import { ApiError } from '../../errors';
import { userModel } from '../../audit/record';
import { accountStateOf } from '../../user/account-status';
import { checkStandardAttributes, checkCustomAttributes, DERIVED_STANDARD_KEYS } from '../../user/profile-validation';
import { normalizeEmail, isValidEmail } from '../../user/login-id';
import { parsePhone } from '../../user/phone';
import { fixedCode } from '../../authflow/otp';
import { rfc3339 } from '../../user/claims';
import { requireUser, reloadUser, mutationExecuted, adminEvent, currentUserModel, notAnonymized, changeAccountStatus, terminateAllSessions, sendPassword, sendMessage, userNotFound } from './common';
import { parseIdentityDefinition, addLoginIdIdentity, checkPolicy, insertAuthenticator, addOobAuthenticatorFor } from './identities';

type Args = { input: Record<string, any> };
const DAY = 86_400_000;

function createUser(_: unknown, { input }: Args, rc: AdminRequest) {
  const { store } = rc.ctx;
  const login = parseIdentityDefinition(rc, input.definition);
  const now = rc.ctx.clock.nowMs();
  const id = rc.ctx.random.uuid();
  store.users.insert({ id, createdAt: now, updatedAt: now, lastLoginAt: null, isDisabled: false, disableReason: null, standardAttributes: {}, customAttributes: {} });
  const identity = addLoginIdIdentity(rc, id, login);
  const primary = rc.ctx.config.app.authentication.primary_authenticators;
  let password: string | undefined;
  if (typeof input.password === 'string' && primary.includes('password')) {
    // "" asks the server to make one up; a given password must meet the policy.
    password = input.password === '' ? rc.prepared.generatePassword() : input.password;
    checkPolicy(rc, password);
    insertAuthenticator(rc, {
      userId: id,
      type: 'password',
      kind: 'primary',
      isDefault: true,
      passwordHash: rc.prepared.passwordHash(password),
      data: input.setPasswordExpired ? { expire_after: now } : {},
    });
  }
  addOobAuthenticatorFor(rc, id, identity);
  if (input.sendPassword && password !== undefined) sendPassword(rc, id, password);
  if (input.accountValidFrom != null || input.accountValidUntil != null) {
    changeAccountStatus(rc, store.users.get(id)!, { kind: 'valid_period', from: input.accountValidFrom ?? null, until: input.accountValidUntil ?? null });
  }
  const model = currentUserModel(rc, id);
  adminEvent(rc, 'user.created', { user: model, identities: [{ id: identity.id, type: identity.type, claims: identity.claims, created_at: rfc3339(identity.createdAt), updated_at: rfc3339(identity.updatedAt) }] }, id);
  mutationExecuted(rc, 'create_user', { user: model }, id);
  return { user: reloadUser(rc, id) };
}

/**
 * The standard attributes to store: derived keys dropped, validated, and the identity-owned
 * claims (email, phone_number, preferred_username) kept consistent with the identities.
 */
function nextStandardAttributes(rc: AdminRequest, user: User, input: Record<string, unknown>): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ApiError('Invalid', 'ValidationFailed', 'invalid value', { causes: [{ location: '', kind: 'type', details: { expected: ['object'] } }] });
  }
  const attrs = Object.fromEntries(Object.entries(input).filter(([k]) => !DERIVED_STANDARD_KEYS.includes(k)));
  checkStandardAttributes(attrs);
  const identities = rc.ctx.store.identities.listByUser(user.id);
  for (const claim of ['email', 'phone_number', 'preferred_username']) {
    const owned = identities.filter((i) => typeof i.claims[claim] === 'string').map((i) => i.claims[claim] as string);
    if (claim in attrs) {
      // Upstream answers a plain error here, which GraphQL shows as "unexpected error".
      if (!owned.includes(attrs[claim] as string)) throw new Error(`${claim} must be owned by one of the user's identities`);
    } else if (owned.length) {
      attrs[claim] = owned[owned.length - 1];
    }
  }
  return attrs;
}

function updateUser(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  notAnonymized(rc, user);
  const standard = input.standardAttributes != null ? nextStandardAttributes(rc, user, input.standardAttributes) : user.standardAttributes;
  let custom = user.customAttributes;
  if (input.customAttributes != null) {
    const c = input.customAttributes;
    if (typeof c !== 'object' || Array.isArray(c)) throw new ApiError('Invalid', 'ValidationFailed', 'invalid value', { causes: [{ location: '', kind: 'type', details: { expected: ['object'] } }] });
    checkCustomAttributes(rc.ctx, c);
    custom = c;
  }
  rc.ctx.store.users.updateAttributes(user.id, standard, custom, rc.ctx.clock.nowMs());
  const model = currentUserModel(rc, user.id);
  adminEvent(rc, 'user.profile.updated', { user: model }, user.id);
  mutationExecuted(rc, 'update_user', { user: model }, user.id);
  return { user: reloadUser(rc, user.id) };
}

/** Removes a user and everything that hangs off it (rows cascade; access grants have no key to it). */
function removeUser(rc: AdminRequest, user: User): Record<string, unknown> {
  const model = userModel(rc.ctx, user);
  terminateAllSessions(rc, user.id);
  rc.ctx.store.users.delete(user.id);
  rc.afterCommit.push(() => rc.ctx.ephemeral.lockout.reset(user.id));
  return model;
}

function deleteUser(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  const model = removeUser(rc, user);
  adminEvent(rc, 'user.deleted', { user: model }, user.id);
  mutationExecuted(rc, 'delete_user', { user: model, ...(input.reason ? { reason: input.reason } : {}) }, user.id);
  // The node ID exactly as sent (spec 8.3).
  return { deletedUserID: input.userID };
}

function setDisabledStatus(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  const reason: string | null = input.reason ?? null;
  const from = input.temporarilyDisabledFrom ?? null;
  const until = input.temporarilyDisabledUntil ?? null;
  if (input.isDisabled) {
    changeAccountStatus(rc, user, from === null && until === null ? { kind: 'disable', reason } : { kind: 'disable_temporarily', from, until, reason });
  } else {
    changeAccountStatus(rc, user, { kind: 'reenable' });
  }
  const model = currentUserModel(rc, user.id);
  adminEvent(rc, input.isDisabled ? 'user.disabled' : 'user.reenabled', { user: model }, user.id);
  mutationExecuted(rc, 'set_disabled_status', { user: model, is_disabled: Boolean(input.isDisabled) }, user.id);
  return { user: reloadUser(rc, user.id) };
}

function resetPassword(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  notAnonymized(rc, user);
  const { store } = rc.ctx;
  // null or "" both ask for a generated password here (unlike createUser).
  const password: string = typeof input.password === 'string' && input.password !== '' ? input.password : rc.prepared.generatePassword();
  checkPolicy(rc, password);
  const now = rc.ctx.clock.nowMs();
  const hash = rc.prepared.passwordHash(password);
  const data = input.setPasswordExpired ? { expire_after: now } : {};
  const primaries = store.authenticators.listByUser(user.id).filter((a) => a.type === 'password' && a.kind === 'primary');
  if (primaries.length === 1) {
    store.authenticators.updatePasswordHash(primaries[0].id, hash, now);
    store.authenticators.setData(primaries[0].id, data, now);
  } else {
    // None or several: one new primary password replaces them.
    for (const a of primaries) store.authenticators.delete(a.id);
    const isDefault = !store.authenticators.listByUser(user.id).some((a) => a.kind === 'primary');
    insertAuthenticator(rc, { userId: user.id, type: 'password', kind: 'primary', isDefault, passwordHash: hash, data });
  }
  if (input.sendPassword) sendPassword(rc, user.id, password);
  mutationExecuted(rc, 'reset_password', { user: currentUserModel(rc, user.id) }, user.id);
  return { user: reloadUser(rc, user.id) };
}

function setPasswordExpired(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  const password = rc.ctx.store.authenticators.findPassword(user.id, 'primary');
  if (!password) throw new ApiError('NotFound', 'AuthenticatorNotFound', 'authenticator not found');
  const now = rc.ctx.clock.nowMs();
  const { expire_after, ...rest } = password.data;
  void expire_after;
  rc.ctx.store.authenticators.setData(password.id, input.expired ? { ...rest, expire_after: now } : rest, now);
  mutationExecuted(rc, 'set_password_expired', { user: currentUserModel(rc, user.id), expired: Boolean(input.expired) }, user.id);
  return { user: reloadUser(rc, user.id) };
}

/**
 * The code a support agent reads out (spec 8.3): a phone target in E.164 is the SMS channel,
 * anything else e-mail; nothing is sent and no rate limit applies.
 */
function generateOOBOTPCode(_: unknown, { input }: Args, rc: AdminRequest) {
  const raw = String(input.target);
  const phone = raw.startsWith('+') ? parsePhone(raw) : undefined;
  const target = phone ? phone.e164 : isValidEmail(raw) ? normalizeEmail(raw) : raw;
  const purpose = input.purpose === 'VERIFICATION' ? 'verification' : 'authenticate-primary-oob';
  const code = fixedCode(rc.ctx, target) ?? rc.ctx.random.string(6, '0123456789');
  rc.afterCommit.push(() => rc.ctx.ephemeral.otp.mint(purpose, target, code));
  mutationExecuted(rc, 'generate_oob_otp_code', { target: raw, purpose: input.purpose ?? 'LOGIN' });
  return { code };
}

function setVerifiedStatus(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  const { store } = rc.ctx;
  const name = String(input.claimName);
  const value = String(input.claimValue);
  const was = store.verifiedClaims.listByUser(user.id).some((c) => c.name === name && c.value === value);
  if (input.isVerified) store.verifiedClaims.insert({ id: rc.ctx.random.uuid(), userId: user.id, name, value, createdAt: rc.ctx.clock.nowMs() });
  else store.verifiedClaims.delete(user.id, name, value);
  // identity.<email|phone>.verified / unverified when an identity holds that claim and it changed.
  const identity = store.identities.listByUser(user.id).find((i) => i.claims[name] === value);
  if (identity && was !== Boolean(input.isVerified) && (name === 'email' || name === 'phone_number')) {
    const kind = name === 'email' ? 'email' : 'phone';
    adminEvent(rc, `identity.${kind}.${input.isVerified ? 'verified' : 'unverified'}`, { user: currentUserModel(rc, user.id), identity: { id: identity.id, type: identity.type, claims: identity.claims } }, user.id);
  }
  store.users.touch(user.id, rc.ctx.clock.nowMs());
  mutationExecuted(rc, 'set_verified_status', { claim_name: name, claim_value: value, is_verified: Boolean(input.isVerified) }, user.id);
  return { user: reloadUser(rc, user.id) };
}

/** The forgot-password link, sent to the login ID's address like the account recovery flow sends it. */
function sendResetPasswordMessage(_: unknown, { input }: Args, rc: AdminRequest) {
  const loginId = String(input.loginID);
  const email = isValidEmail(loginId) ? normalizeEmail(loginId) : undefined;
  const identity = email ? rc.ctx.store.identities.listByClaim('email', email).find((i) => i.type === 'login_id') : undefined;
  if (!identity || !email) throw userNotFound();
  const code = rc.ctx.random.string(32, '0123456789ABCDEFGHJKMNPQRSTVWXYZ');
  const link = `${rc.ctx.issuer}/authflow/v2/reset_password?code=${code}`;
  rc.afterCommit.push(() => rc.ctx.ephemeral.otp.mintLink('forgot-password', email, code));
  sendMessage(rc, { channel: 'email', recipient: email, messageType: 'forgot-password', otpForm: 'link', code, link, userId: identity.userId, subject: 'Reset your password', bodyText: `Reset your password: ${link}\n(code: ${code})` });
  mutationExecuted(rc, 'send_reset_password_message', { login_id: loginId }, identity.userId);
  return null;
}

function graceDays(rc: AdminRequest, section: 'account_deletion' | 'account_anonymization'): number {
  const days = (rc.ctx.config.rawApp[section] as { grace_period_days?: unknown } | undefined)?.grace_period_days;
  return typeof days === 'number' && days >= 0 ? days : 30;
}

function scheduleAccountDeletion(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  changeAccountStatus(rc, user, { kind: 'schedule_deletion', deleteAt: rc.ctx.clock.nowMs() + graceDays(rc, 'account_deletion') * DAY, reason: input.reason ?? null });
  const model = currentUserModel(rc, user.id);
  adminEvent(rc, 'user.deletion_scheduled', { user: model }, user.id);
  mutationExecuted(rc, 'schedule_account_deletion', { user: model, ...(input.reason ? { reason: input.reason } : {}) }, user.id);
  return { user: reloadUser(rc, user.id) };
}

function unscheduleAccountDeletion(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  changeAccountStatus(rc, user, { kind: 'unschedule_deletion' });
  const model = currentUserModel(rc, user.id);
  adminEvent(rc, 'user.deletion_unscheduled', { user: model }, user.id);
  mutationExecuted(rc, 'unschedule_account_deletion', { user: model }, user.id);
  return { user: reloadUser(rc, user.id) };
}

function scheduleAccountAnonymization(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  changeAccountStatus(rc, user, { kind: 'schedule_anonymization', anonymizeAt: rc.ctx.clock.nowMs() + graceDays(rc, 'account_anonymization') * DAY });
  const model = currentUserModel(rc, user.id);
  adminEvent(rc, 'user.anonymization_scheduled', { user: model }, user.id);
  mutationExecuted(rc, 'schedule_account_anonymization', { user: model }, user.id);
  return { user: reloadUser(rc, user.id) };
}

function unscheduleAccountAnonymization(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  changeAccountStatus(rc, user, { kind: 'unschedule_anonymization' });
  const model = currentUserModel(rc, user.id);
  adminEvent(rc, 'user.anonymization_unscheduled', { user: model }, user.id);
  mutationExecuted(rc, 'unschedule_account_anonymization', { user: model }, user.id);
  return { user: reloadUser(rc, user.id) };
}

/** Anonymization now: the account stays, everything that identifies the person goes. */
function anonymizeUser(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  const { store } = rc.ctx;
  changeAccountStatus(rc, user, { kind: 'anonymize' });
  terminateAllSessions(rc, user.id);
  for (const i of store.identities.listByUser(user.id)) store.identities.delete(i);
  for (const a of store.authenticators.listByUser(user.id)) store.authenticators.delete(a.id);
  for (const c of store.verifiedClaims.listByUser(user.id)) store.verifiedClaims.delete(user.id, c.name, c.value);
  for (const r of store.rbac.rolesOfUser(user.id)) store.rbac.unlinkUser('role', user.id, r.id);
  for (const g of store.rbac.groupsOfUser(user.id)) store.rbac.unlinkUser('group', user.id, g.id);
  store.users.updateAttributes(user.id, {}, {}, rc.ctx.clock.nowMs());
  const model = currentUserModel(rc, user.id);
  adminEvent(rc, 'user.anonymized', { user: model }, user.id);
  mutationExecuted(rc, 'anonymize_user', { user: model }, user.id);
  return { anonymizedUserID: input.userID };
}

function validPeriod(which: 'from' | 'until' | 'period') {
  const name = { from: 'set_account_valid_from', until: 'set_account_valid_until', period: 'set_account_valid_period' }[which];
  return (_: unknown, { input }: Args, rc: AdminRequest) => {
    const user = requireUser(rc, input.userID);
    const s = accountStateOf(rc.ctx.store, user);
    const from = which === 'until' ? s.accountValidFrom : (input.accountValidFrom ?? null);
    const until = which === 'from' ? s.accountValidUntil : (input.accountValidUntil ?? null);
    changeAccountStatus(rc, user, { kind: 'valid_period', from, until });
    const payload: Record<string, unknown> = { user: currentUserModel(rc, user.id) };
    if (which !== 'until') payload.account_valid_from = from === null ? null : rfc3339(from);
    if (which !== 'from') payload.account_valid_until = until === null ? null : rfc3339(until);
    mutationExecuted(rc, name, payload, user.id);
    return { user: reloadUser(rc, user.id) };
  };
}

function setMFAGracePeriod(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  const endAt: number = input.endAt;
  if (!(endAt > rc.ctx.clock.nowMs())) throw new ApiError('Invalid', 'MFAGracePeriodInvalid', 'invalid MFA grace period: endAt must be in the future');
  const status = rc.ctx.store.accountStatus.get(user.id);
  rc.ctx.store.accountStatus.put(user.id, { ...status, mfaGracePeriodEndAt: endAt });
  rc.ctx.store.users.touch(user.id, rc.ctx.clock.nowMs());
  return { user: reloadUser(rc, user.id) };
}

function removeMFAGracePeriod(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  const status = rc.ctx.store.accountStatus.get(user.id);
  rc.ctx.store.accountStatus.put(user.id, { ...status, mfaGracePeriodEndAt: null });
  rc.ctx.store.users.touch(user.id, rc.ctx.clock.nowMs());
  return { user: reloadUser(rc, user.id) };
}

function resetAccountLockout(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  const locks = rc.ctx.ephemeral.lockout.locksOf(rc.ctx, user.id);
  rc.afterCommit.push(() => rc.ctx.ephemeral.lockout.reset(user.id));
  mutationExecuted(rc, 'reset_account_lockout', { user: currentUserModel(rc, user.id), previous_lockout_status: { is_locked: locks.length > 0 } }, user.id);
  return { user: reloadUser(rc, user.id) };
}

export const USER_MUTATIONS = {
  createUser,
  updateUser,
  deleteUser,
  setDisabledStatus,
  resetPassword,
  setPasswordExpired,
  generateOOBOTPCode,
  setVerifiedStatus,
  sendResetPasswordMessage,
  scheduleAccountDeletion,
  unscheduleAccountDeletion,
  scheduleAccountAnonymization,
  unscheduleAccountAnonymization,
  anonymizeUser,
  setAccountValidFrom: validPeriod('from'),
  setAccountValidUntil: validPeriod('until'),
  setAccountValidPeriod: validPeriod('period'),
  setMFAGracePeriod,
  removeMFAGracePeriod,
  resetAccountLockout,
};
