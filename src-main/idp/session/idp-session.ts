import type { IdpContext } from '../context';
import type { IdpSession } from '../store/repos/idp-sessions';
import { sha256Hex } from '../random';
import { revokeIdpSession } from './revoke';
import { resolveIdpSessionToken } from './resolve';

/**
 * Creates an IdP session (call inside `db.write`). The browser's previous session, if any, is
 * revoked so a browser holds at most one (spec 9.1). Returns the cookie value.
 */
export function createIdpSession(
  ctx: IdpContext,
  input: { userId: string; amr: string[]; ip: string | null; userAgent: string | null; previousToken?: string },
): { session: IdpSession; token: string } {
  if (input.previousToken) {
    const prev = resolveIdpSessionToken(ctx, input.previousToken);
    if (prev) revokeIdpSession(ctx, prev.id);
  }
  const now = ctx.clock.nowMs();
  const id = ctx.random.uuid();
  const token = `${id}.${ctx.random.token()}`;
  const session: IdpSession = {
    id,
    userId: input.userId,
    tokenHash: sha256Hex(token),
    amr: input.amr,
    createdAt: now,
    authenticatedAt: now,
    lastAccessAt: now,
    createdIp: input.ip,
    lastAccessIp: input.ip,
    userAgent: input.userAgent,
  };
  ctx.store.idpSessions.insert(session);
  return { session, token };
}
