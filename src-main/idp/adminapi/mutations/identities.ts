/** Identity and authenticator mutations (spec admin-api.md 5.2), and the login-ID helpers createUser shares. */
import type { AdminRequest } from '../request';
import type { Identity } from '../../store/repos/identities';
import type { Authenticator } from '../../store/repos/authenticators';
import type { LoginIDKeyConfig } from '../../config/types';
import { ApiError } from '../../errors';
import { rawIdOf } from '../node-id';
import { identityNode, authenticatorNode } from '../views';
import { loginIdKey, normalizeLoginId, claimOfLoginIdType } from '../../user/login-ids';
import { checkPasswordPolicy } from '../../user/password-policy';
import { identityModel, authenticatorModel } from '../../audit/record';
import { requireUser, reloadUser, mutationExecuted, adminEvent, currentUserModel, notAnonymized } from './common';

type Args = { input: Record<string, any> };

function invariant(kind: string, message: string, info: Record<string, unknown> = {}): ApiError {
  return new ApiError('Invalid', 'InvariantViolated', message, { ...info, cause: { kind } });
}

export interface LoginIdInput {
  cfg: LoginIDKeyConfig;
  value: string;
  original: string;
}

/** Checks `definition` (exactly one member, loginID) and the login ID itself. */
export function parseIdentityDefinition(rc: AdminRequest, definition: Record<string, any> | null | undefined): LoginIdInput {
  const present = Object.values(definition ?? {}).filter((v) => v !== null && v !== undefined);
  if (present.length !== 1 || !definition?.loginID) throw new ApiError('Invalid', 'Invalid', 'exactly 1 field must be present in identity definition');
  const { key, value } = definition.loginID as { key: string; value: string };
  if (!key || !value) throw new ApiError('Invalid', 'Invalid', 'login ID key & value is required');
  const cfg = loginIdKey(rc.ctx, key);
  if (!cfg) throw invariant('InvalidLoginIDKey', 'invalid login ID key');
  const normalized = normalizeLoginId(cfg, value);
  if (normalized === undefined) {
    throw new ApiError('Invalid', 'ValidationFailed', 'invalid login ID', { causes: [{ location: '/login_id', kind: 'format', details: { format: cfg.type } }] });
  }
  return { cfg, value: normalized, original: value.trim() };
}

function duplicated(incoming: LoginIDKeyConfig, existing: Identity): ApiError {
  return invariant('DuplicatedIdentity', 'identity already exists', {
    IdentityTypeIncoming: 'login_id',
    LoginIDTypeIncoming: incoming.type,
    IdentityTypeExisting: existing.type,
    ...(existing.loginIdType ? { LoginIDTypeExisting: existing.loginIdType } : {}),
    ExistingIdentities: [{ IdentityType: existing.type, ...(existing.loginIdType ? { LoginIDType: existing.loginIdType } : {}) }],
  });
}

/** `identity.<email|phone|username>.<what>`: the event type of a login-ID identity change. */
function identityEventType(i: Identity, what: 'added' | 'removed' | 'updated'): string {
  return `identity.${i.loginIdType ?? 'username'}.${what}`;
}

/**
 * Adds a login-ID identity and fills the matching standard attribute when the user has none.
 * Refuses duplicates. Returns the identity.
 */
export function addLoginIdIdentity(rc: AdminRequest, userId: string, login: LoginIdInput): Identity {
  const { store } = rc.ctx;
  const existing = store.identities.findByLoginId(login.cfg.key, login.value);
  if (existing) throw duplicated(login.cfg, existing);
  const now = rc.ctx.clock.nowMs();
  const claim = claimOfLoginIdType(login.cfg.type);
  const identity: Identity = {
    id: rc.ctx.random.uuid(),
    userId,
    type: 'login_id',
    loginIdKey: login.cfg.key,
    loginIdType: login.cfg.type,
    loginId: login.value,
    originalLoginId: login.original,
    claims: { [claim]: login.value },
    createdAt: now,
    updatedAt: now,
  };
  store.identities.insert(identity);
  const user = store.users.get(userId)!;
  if (typeof user.standardAttributes[claim] !== 'string') {
    store.users.updateAttributes(userId, { ...user.standardAttributes, [claim]: login.value }, user.customAttributes, now);
  }
  return identity;
}

/** Throws PasswordPolicyViolated when a password breaks the configured policy. */
export function checkPolicy(rc: AdminRequest, password: string): void {
  const causes = checkPasswordPolicy(rc.ctx.config.app.authenticator.password.policy, password);
  if (causes.length) throw new ApiError('Invalid', 'PasswordPolicyViolated', 'password policy violated', { causes });
}

export function insertAuthenticator(rc: AdminRequest, a: Omit<Authenticator, 'id' | 'createdAt' | 'updatedAt'>): Authenticator {
  const now = rc.ctx.clock.nowMs();
  const full: Authenticator = { ...a, id: rc.ctx.random.uuid(), createdAt: now, updatedAt: now };
  rc.ctx.store.authenticators.insert(full);
  return full;
}

/** The OOB authenticator a new e-mail or phone login ID gets when that authenticator is enabled. */
export function addOobAuthenticatorFor(rc: AdminRequest, userId: string, identity: Identity): void {
  const primary = rc.ctx.config.app.authentication.primary_authenticators;
  const existing = rc.ctx.store.authenticators.listByUser(userId);
  const isDefault = !existing.some((a) => a.kind === 'primary');
  if (identity.loginIdType === 'email' && primary.includes('oob_otp_email') && !existing.some((a) => a.type === 'oob_otp_email' && a.data.email === identity.loginId)) {
    insertAuthenticator(rc, { userId, type: 'oob_otp_email', kind: 'primary', isDefault, passwordHash: null, data: { email: identity.loginId } });
  }
  if (identity.loginIdType === 'phone' && primary.includes('oob_otp_sms') && !existing.some((a) => a.type === 'oob_otp_sms' && a.data.phone === identity.loginId)) {
    insertAuthenticator(rc, { userId, type: 'oob_otp_sms', kind: 'primary', isDefault, passwordHash: null, data: { phone: identity.loginId } });
  }
}

function requireOwnedIdentity(rc: AdminRequest, identityNodeId: string, userId?: string): Identity {
  const identity = rc.ctx.store.identities.get(rawIdOf('Identity', identityNodeId));
  if (!identity) throw new ApiError('NotFound', 'IdentityNotFound', 'identity not found');
  if (userId !== undefined && identity.userId !== userId) throw invariant('IdentityNotBelongToUser', 'identity does not belong to the user');
  return identity;
}

function createIdentity(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  notAnonymized(rc, user);
  const login = parseIdentityDefinition(rc, input.definition);
  const identity = addLoginIdIdentity(rc, user.id, login);
  const hasPassword = rc.ctx.store.authenticators.findPassword(user.id, 'primary') !== undefined;
  if (typeof input.password === 'string' && !hasPassword && rc.ctx.config.app.authentication.primary_authenticators.includes('password')) {
    checkPolicy(rc, input.password);
    insertAuthenticator(rc, { userId: user.id, type: 'password', kind: 'primary', isDefault: false, passwordHash: rc.prepared.passwordHash(input.password), data: {} });
  }
  addOobAuthenticatorFor(rc, user.id, identity);
  const model = identityModel(identity);
  adminEvent(rc, identityEventType(identity, 'added'), { user: currentUserModel(rc, user.id), identity: model }, user.id);
  mutationExecuted(rc, 'create_identity', { user: currentUserModel(rc, user.id), identity: model }, user.id);
  return { user: reloadUser(rc, user.id), identity: identityNode(identity) };
}

function updateIdentity(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  notAnonymized(rc, user);
  const old = requireOwnedIdentity(rc, input.identityID, user.id);
  const login = parseIdentityDefinition(rc, input.definition);
  if (old.type !== 'login_id' || old.loginIdKey !== login.cfg.key) throw new ApiError('Invalid', 'Invalid', 'invalid identity type');
  const clash = rc.ctx.store.identities.findByLoginId(login.cfg.key, login.value);
  if (clash && clash.id !== old.id) throw duplicated(login.cfg, clash);
  const now = rc.ctx.clock.nowMs();
  const claim = claimOfLoginIdType(login.cfg.type);
  const updated: Identity = { ...old, loginId: login.value, originalLoginId: login.original, claims: { ...old.claims, [claim]: login.value }, updatedAt: now };
  rc.ctx.store.identities.update(updated);
  // The standard attribute follows the login ID it came from; an OOB authenticator follows too.
  const fresh = rc.ctx.store.users.get(user.id)!;
  if (fresh.standardAttributes[claim] === old.loginId) rc.ctx.store.users.updateAttributes(user.id, { ...fresh.standardAttributes, [claim]: login.value }, fresh.customAttributes, now);
  for (const a of rc.ctx.store.authenticators.listByUser(user.id)) {
    if (a.type === 'oob_otp_email' && a.data.email === old.loginId) rc.ctx.store.authenticators.setData(a.id, { ...a.data, email: login.value }, now);
    if (a.type === 'oob_otp_sms' && a.data.phone === old.loginId) rc.ctx.store.authenticators.setData(a.id, { ...a.data, phone: login.value }, now);
  }
  adminEvent(rc, identityEventType(updated, 'updated'), { user: currentUserModel(rc, user.id), new_identity: identityModel(updated), old_identity: identityModel(old) }, user.id);
  mutationExecuted(rc, 'update_identity', { user: currentUserModel(rc, user.id), identity: identityModel(updated) }, user.id);
  return { user: reloadUser(rc, user.id), identity: identityNode(updated) };
}

function deleteIdentity(_: unknown, { input }: Args, rc: AdminRequest) {
  const identity = requireOwnedIdentity(rc, input.identityID);
  const { store } = rc.ctx;
  const all = store.identities.listByUser(identity.userId);
  if (all.length <= 1) throw invariant('RemoveLastIdentity', 'cannot remove last identity');
  store.identities.delete(identity);
  // Its OOB authenticator goes with it; the standard attribute falls back to another identity's.
  for (const a of store.authenticators.listByUser(identity.userId)) {
    if ((a.type === 'oob_otp_email' && a.data.email === identity.loginId) || (a.type === 'oob_otp_sms' && a.data.phone === identity.loginId)) store.authenticators.delete(a.id);
  }
  if (identity.loginIdType) {
    const claim = claimOfLoginIdType(identity.loginIdType);
    const user = store.users.get(identity.userId)!;
    if (user.standardAttributes[claim] === identity.loginId) {
      const other = [...store.identities.listByUser(identity.userId)].reverse().find((i) => typeof i.claims[claim] === 'string');
      const attrs = { ...user.standardAttributes };
      if (other) attrs[claim] = other.claims[claim];
      else delete attrs[claim];
      store.users.updateAttributes(user.id, attrs, user.customAttributes, rc.ctx.clock.nowMs());
    }
  }
  adminEvent(rc, identityEventType(identity, 'removed'), { user: currentUserModel(rc, identity.userId), identity: identityModel(identity) }, identity.userId);
  mutationExecuted(rc, 'delete_identity', { user: currentUserModel(rc, identity.userId), identity: identityModel(identity) }, identity.userId);
  return { user: reloadUser(rc, identity.userId) };
}

function createAuthenticator(_: unknown, { input }: Args, rc: AdminRequest) {
  const user = requireUser(rc, input.userID);
  notAnonymized(rc, user);
  const def = input.definition as Record<string, any>;
  const kind = def.kind === 'SECONDARY' ? 'secondary' : 'primary';
  const existing = rc.ctx.store.authenticators.listByUser(user.id);
  const isDefault = !existing.some((a) => a.kind === kind);
  let created: Authenticator;
  const duplicate = (type: string) => invariant('DuplicatedAuthenticator', 'authenticator already exists', { AuthenticatorType: type });
  switch (def.type) {
    case 'PASSWORD': {
      if (!def.password) throw new ApiError('Invalid', 'Invalid', 'definition/password is required');
      if (existing.some((a) => a.type === 'password' && a.kind === kind)) throw duplicate('password');
      checkPolicy(rc, def.password.password);
      created = insertAuthenticator(rc, { userId: user.id, type: 'password', kind, isDefault, passwordHash: rc.prepared.passwordHash(def.password.password), data: {} });
      break;
    }
    case 'OOB_OTP_EMAIL': {
      if (!def.oobOtpEmail) throw new ApiError('Invalid', 'Invalid', 'definition/oobOtpEmail is required');
      const email = String(def.oobOtpEmail.email).trim().toLowerCase();
      if (existing.some((a) => a.type === 'oob_otp_email' && a.kind === kind && a.data.email === email)) throw duplicate('oob_otp_email');
      created = insertAuthenticator(rc, { userId: user.id, type: 'oob_otp_email', kind, isDefault, passwordHash: null, data: { email } });
      break;
    }
    case 'OOB_OTP_SMS': {
      if (!def.oobOtpSMS) throw new ApiError('Invalid', 'Invalid', 'definition/oobOtpSMS is required');
      const phone = String(def.oobOtpSMS.phone);
      if (existing.some((a) => a.type === 'oob_otp_sms' && a.kind === kind && a.data.phone === phone)) throw duplicate('oob_otp_sms');
      created = insertAuthenticator(rc, { userId: user.id, type: 'oob_otp_sms', kind, isDefault, passwordHash: null, data: { phone } });
      break;
    }
    default:
      throw new ApiError('Invalid', 'Invalid', 'unsupported authenticator type');
  }
  mutationExecuted(rc, 'create_authenticator', { user: currentUserModel(rc, user.id), authenticator: authenticatorModel(created) }, user.id);
  return { authenticator: authenticatorNode(created) };
}

function deleteAuthenticator(_: unknown, { input }: Args, rc: AdminRequest) {
  const { store } = rc.ctx;
  const a = store.authenticators.get(rawIdOf('Authenticator', input.authenticatorID));
  if (!a) throw new ApiError('NotFound', 'AuthenticatorNotFound', 'authenticator not found');
  const primaries = store.authenticators.listByUser(a.userId).filter((x) => x.kind === 'primary');
  const needsPrimary = store.identities.listByUser(a.userId).some((i) => i.type === 'login_id');
  if (a.kind === 'primary' && primaries.length === 1 && needsPrimary) {
    throw new ApiError('Invalid', 'InvariantViolated', 'cannot remove last primary authenticator', { cause: { kind: 'RemoveLastPrimaryAuthenticator', data: { authenticator_id: a.id } } });
  }
  store.authenticators.delete(a.id);
  mutationExecuted(rc, 'delete_authenticator', { user: currentUserModel(rc, a.userId), authenticator: authenticatorModel(a) }, a.userId);
  return { user: reloadUser(rc, a.userId) };
}

export const IDENTITY_MUTATIONS = { createIdentity, updateIdentity, deleteIdentity, createAuthenticator, deleteAuthenticator };
