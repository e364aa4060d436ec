import type { IdpContext } from '../context';

/**
 * Deletes a user and everything that hangs off it, at once: identities, authenticators, IdP
 * sessions, offline grants (and their refresh tokens and app sessions) cascade in SQLite; access
 * grants carry no foreign key and go explicitly. Call inside `db.write`.
 */
export function deleteUser(ctx: IdpContext, userId: string): void {
  ctx.store.accessGrants.deleteByUser(userId);
  ctx.store.users.delete(userId);
}
