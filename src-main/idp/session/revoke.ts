import type { IdpContext } from '../context';

/**
 * Revocation cascades of spec oidc.md 9.6. Call inside `db.write`.
 * - an IdP session takes every offline grant created from it;
 * - an SSO-enabled offline grant takes its IdP session (and so its siblings);
 * - any other offline grant goes alone.
 */
export function revokeIdpSession(ctx: IdpContext, idpSessionId: string): void {
  for (const g of ctx.store.offlineGrants.listByIdpSession(idpSessionId)) deleteOfflineGrant(ctx, g.id);
  ctx.store.accessGrants.deleteBySession(idpSessionId);
  ctx.store.idpSessions.delete(idpSessionId);
}

export function revokeOfflineGrant(ctx: IdpContext, grantId: string): void {
  const g = ctx.store.offlineGrants.get(grantId);
  if (!g) return;
  if (g.ssoEnabled && g.idpSessionId) {
    revokeIdpSession(ctx, g.idpSessionId);
  }
  deleteOfflineGrant(ctx, grantId);
}

function deleteOfflineGrant(ctx: IdpContext, grantId: string): void {
  ctx.store.accessGrants.deleteBySession(grantId);
  ctx.store.offlineGrants.delete(grantId);
}
