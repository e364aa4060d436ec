import type { IdpContext } from '../context';
import type { OAuthAuthorization } from '../store/repos/authorizations';

/** Finds or creates the user's authorization for a client, extending its scopes. Call inside `db.write`. */
export function grantAuthorization(ctx: IdpContext, clientId: string, userId: string, scopes: string[]): OAuthAuthorization {
  const now = ctx.clock.nowMs();
  const existing = ctx.store.authorizations.find(clientId, userId);
  if (existing) {
    const merged = [...new Set([...existing.scopes, ...scopes])];
    if (merged.length !== existing.scopes.length) ctx.store.authorizations.updateScopes(existing.id, merged, now);
    return { ...existing, scopes: merged };
  }
  const a: OAuthAuthorization = { id: ctx.random.uuid(), clientId, userId, scopes, createdAt: now, updatedAt: now };
  ctx.store.authorizations.insert(a);
  return a;
}
