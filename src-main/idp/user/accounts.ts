import type { IdpContext } from '../context';
import { ApiError } from '../errors';
import { hashPassword, verifyPassword, PASSWORD_MAX_BYTES } from '../crypto/password';
import { normalizeEmail, isValidEmail } from './login-id';
import { checkPasswordPolicy } from './password-policy';
import type { User } from '../store/repos/users';

/** AMR values of a primary password login (spec oidc.md 7.6). */
export const AMR_PRIMARY_PASSWORD = ['pwd', 'x_primary_password'];

/**
 * Creates a user with an e-mail login ID and a primary password. Errors use upstream's
 * reasons: InvalidLoginID... ValidationFailed, DuplicatedIdentity, PasswordPolicyViolated.
 */
export async function signUpWithEmailPassword(ctx: IdpContext, email: string, password: string): Promise<User> {
  if (!isValidEmail(email)) {
    throw new ApiError('Invalid', 'ValidationFailed', 'invalid login ID', {
      causes: [{ kind: 'format', location: '/login_id', details: { format: 'email' } }],
    });
  }
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    throw new ApiError('Invalid', 'ValidationFailed', 'password is too long', {
      causes: [{ kind: 'maxLength', location: '/password', details: { expected: PASSWORD_MAX_BYTES } }],
    });
  }
  const violations = checkPasswordPolicy(ctx.config.app.authenticator.password.policy, password);
  if (violations.length) {
    throw new ApiError('Invalid', 'PasswordPolicyViolated', 'password policy violated', { causes: violations });
  }
  const normalized = normalizeEmail(email);
  if (ctx.store.identities.findByLoginId('email', normalized)) {
    throw new ApiError('AlreadyExists', 'DuplicatedIdentity', 'identity already exists');
  }
  const hash = await hashPassword(password);
  const now = ctx.clock.nowMs();
  const user: User = {
    id: ctx.random.uuid(),
    createdAt: now,
    updatedAt: now,
    lastLoginAt: now,
    isDisabled: false,
    disableReason: null,
    standardAttributes: { email: normalized },
    customAttributes: {},
  };
  await ctx.store.db.write(() => {
    // Re-check inside the transaction: another sign-up may have won while we hashed.
    if (ctx.store.identities.findByLoginId('email', normalized)) {
      throw new ApiError('AlreadyExists', 'DuplicatedIdentity', 'identity already exists');
    }
    ctx.store.users.insert(user);
    ctx.store.identities.insert({
      id: ctx.random.uuid(),
      userId: user.id,
      type: 'login_id',
      loginIdKey: 'email',
      loginIdType: 'email',
      loginId: normalized,
      originalLoginId: email.trim(),
      claims: { email: normalized },
      createdAt: now,
      updatedAt: now,
    });
    ctx.store.authenticators.insert({
      id: ctx.random.uuid(),
      userId: user.id,
      type: 'password',
      kind: 'primary',
      isDefault: true,
      passwordHash: hash,
      data: {},
      createdAt: now,
      updatedAt: now,
    });
  });
  return user;
}

/**
 * Checks an e-mail and password. Unknown login ID and wrong password fail alike
 * (upstream: InvalidCredentials), so the page cannot be used to probe for accounts.
 */
export async function authenticateWithEmailPassword(ctx: IdpContext, email: string, password: string): Promise<User> {
  const identity = ctx.store.identities.findByLoginId('email', normalizeEmail(email));
  const authenticator = identity && ctx.store.authenticators.findPassword(identity.userId, 'primary');
  const ok = authenticator?.passwordHash ? await verifyPassword(password, authenticator.passwordHash) : false;
  if (!identity || !ok) throw new ApiError('Unauthorized', 'InvalidCredentials', 'invalid credentials');
  const user = ctx.store.users.get(identity.userId)!;
  if (user.isDisabled) throw new ApiError('Forbidden', 'UserDisabled', 'user is disabled', user.disableReason ? { reason: user.disableReason } : undefined);
  await ctx.store.db.write(() => ctx.store.users.setLastLogin(user.id, ctx.clock.nowMs()));
  return user;
}
