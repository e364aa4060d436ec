import type { IdpContext } from '../context';
import type { User } from '../store/repos/users';

const CLAIM = 'https://authgear.com/claims/user/';

/** Claims every token and userinfo carry about the user (spec oidc.md 7.2). */
export function userStatusClaims(ctx: IdpContext, user: User): Record<string, unknown> {
  const identities = ctx.store.identities.listByUser(user.id);
  const authenticators = ctx.store.authenticators.listByUser(user.id);
  const verified = ctx.store.verifiedClaims.listByUser(user.id);
  return {
    [`${CLAIM}is_anonymous`]: identities.some((i) => i.type === 'anonymous'),
    [`${CLAIM}is_verified`]: isVerified(identities.map((i) => i.claims), verified),
    [`${CLAIM}can_reauthenticate`]: authenticators.length > 0,
    // Effective roles: direct ones and those of the user's groups (spec admin-api.md 7).
    [`${CLAIM}roles`]: ctx.store.rbac.effectiveRolesOfUser(user.id).map((r) => r.key),
  };
}

/** Verified when any verifiable claim (email, phone_number) of an identity is verified. */
function isVerified(identityClaims: Record<string, unknown>[], verified: { name: string; value: string }[]): boolean {
  for (const claims of identityClaims) {
    for (const name of ['email', 'phone_number']) {
      const v = claims[name];
      if (typeof v === 'string' && verified.some((c) => c.name === name && c.value === v)) return true;
    }
  }
  return false;
}

const PROFILE = ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale'];

/**
 * Standard attributes with derived keys (email_verified, phone_number_verified, updated_at),
 * optionally filtered by OIDC scopes (third-party and PII-in-token rules, spec 7.7 / 8).
 */
export function standardAttributeClaims(ctx: IdpContext, user: User, scopes?: string[]): Record<string, unknown> {
  const attrs: Record<string, unknown> = { ...user.standardAttributes };
  const verified = ctx.store.verifiedClaims.listByUser(user.id);
  if (typeof attrs.email === 'string') attrs.email_verified = verified.some((c) => c.name === 'email' && c.value === attrs.email);
  if (typeof attrs.phone_number === 'string') attrs.phone_number_verified = verified.some((c) => c.name === 'phone_number' && c.value === attrs.phone_number);
  attrs.updated_at = Math.floor(user.updatedAt / 1000);
  if (!scopes) return attrs;
  const all = scopes.includes('https://authgear.com/scopes/full-access') || scopes.includes('https://authgear.com/scopes/full-userinfo');
  if (all) return attrs;
  const allowed = new Set<string>();
  if (scopes.includes('profile')) [...PROFILE, 'updated_at'].forEach((k) => allowed.add(k));
  if (scopes.includes('email')) ['email', 'email_verified'].forEach((k) => allowed.add(k));
  if (scopes.includes('phone')) ['phone_number', 'phone_number_verified'].forEach((k) => allowed.add(k));
  if (scopes.includes('address')) allowed.add('address');
  return Object.fromEntries(Object.entries(attrs).filter(([k]) => allowed.has(k)));
}

/** RFC 3339 in UTC without fractional zeros, like Go's time formatting. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z').replace(/(\.\d*?)0+Z$/, '$1Z');
}
