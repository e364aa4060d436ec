import { isUserDisabled } from '../user/account-status';
import type { IdpContext } from '../context';
import { findClient } from '../context';
import type { OfflineGrant, RefreshToken } from '../store/repos/offline-grants';
import type { OAuthAuthorization } from '../store/repos/authorizations';
import type { User } from '../store/repos/users';
import { sha256Hex } from '../random';
import { offlineGrantAlive } from '../session/expiry';

export interface ParsedRefreshToken {
  grant: OfflineGrant;
  refreshToken: RefreshToken;
  authorization: OAuthAuthorization;
  user: User;
}

/**
 * A refresh token `<grant id>.<secret>` that still works (spec oidc.md 6.4): its grant alive,
 * the value current, its client configured, its authorization present, its user enabled.
 * Undefined for anything else; callers answer in their own envelope.
 */
export function parseRefreshToken(ctx: IdpContext, token: string): ParsedRefreshToken | undefined {
  if (typeof token !== 'string') return undefined;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot === token.length - 1) return undefined;
  const grant = ctx.store.offlineGrants.get(token.slice(0, dot));
  if (!grant || !offlineGrantAlive(ctx, grant)) return undefined;
  const refreshToken = ctx.store.offlineGrants.findRefreshToken(grant.id, sha256Hex(token));
  if (!refreshToken || !findClient(ctx, refreshToken.clientId)) return undefined;
  const authorization = ctx.store.authorizations.get(refreshToken.authorizationId);
  const user = ctx.store.users.get(grant.userId);
  if (!authorization || !user || isUserDisabled(ctx.store, user, ctx.clock.nowMs())) return undefined;
  return { grant, refreshToken, authorization, user };
}
