import type { IdpContext } from '../context';
import type { Identity } from '../store/repos/identities';
import type { JWK } from 'jose';
import { sha256Hex } from '../random';

/** A promotion code (spec 13.3): names the anonymous identity a sign-up will replace. 300 s, single use. */
export interface PromotionCode {
  userId: string;
  identityId: string;
}

export const PROMOTION_CODE_TTL = 300;

/** Anonymous users exist only when `authentication.identities` lists `anonymous` (upstream). */
export function anonymousUsersEnabled(ctx: IdpContext): boolean {
  return ctx.config.app.authentication.identities.includes('anonymous');
}

export function anonymousIdentityOf(ctx: IdpContext, userId: string): Identity | undefined {
  return ctx.store.identities.listByUser(userId).find((i) => i.type === 'anonymous');
}

/**
 * Creates a user whose only identity is anonymous; with a device key (native SDKs) or without
 * (the web SDK). Call inside `db.write`.
 */
export function insertAnonymousUser(ctx: IdpContext, key?: { keyId: string; jwk: JWK }): { userId: string; identityId: string } {
  const now = ctx.clock.nowMs();
  const userId = ctx.random.uuid();
  const identityId = ctx.random.uuid();
  ctx.store.users.insert({ id: userId, createdAt: now, updatedAt: now, lastLoginAt: now, isDisabled: false, disableReason: null, standardAttributes: {}, customAttributes: {} });
  ctx.store.identities.insert({ id: identityId, userId, type: 'anonymous', loginIdKey: null, loginIdType: null, loginId: null, originalLoginId: null, claims: {}, createdAt: now, updatedAt: now });
  ctx.store.identityKeys.insert({ identityId, type: 'anonymous', keyId: key?.keyId ?? '', jwk: (key?.jwk as Record<string, unknown>) ?? null, deviceInfo: null });
  return { userId, identityId };
}

export function issuePromotionCode(ctx: IdpContext, userId: string, identityId: string): { code: string; expireAt: number } {
  const code = ctx.random.token();
  ctx.ephemeral.promotionCodes.set(sha256Hex(code), { userId, identityId }, PROMOTION_CODE_TTL);
  return { code, expireAt: ctx.clock.nowMs() + PROMOTION_CODE_TTL * 1000 };
}

export function findPromotionCode(ctx: IdpContext, code: string): PromotionCode | undefined {
  return code ? ctx.ephemeral.promotionCodes.get(sha256Hex(code)) : undefined;
}

export function consumePromotionCode(ctx: IdpContext, code: string): void {
  ctx.ephemeral.promotionCodes.delete(sha256Hex(code));
}
