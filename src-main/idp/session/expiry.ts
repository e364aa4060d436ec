import type { IdpContext } from '../context';
import type { IdpSession } from '../store/repos/idp-sessions';
import type { OfflineGrant } from '../store/repos/offline-grants';
import { findClient } from '../context';

/** Expiry of an IdP session (spec 9.1), ms. */
export function idpSessionExpireAt(ctx: IdpContext, s: IdpSession): number {
  const cfg = ctx.config.app.session;
  let at = s.createdAt + cfg.lifetime_seconds * 1000;
  if (cfg.idle_timeout_enabled) at = Math.min(at, s.lastAccessAt + cfg.idle_timeout_seconds * 1000);
  return at;
}

export function idpSessionAlive(ctx: IdpContext, s: IdpSession): boolean {
  return ctx.clock.nowMs() < idpSessionExpireAt(ctx, s);
}

/** Expiry of an offline grant by its initial client's config (spec 9.2), ms; undefined if the client is gone. */
export function offlineGrantExpireAt(ctx: IdpContext, g: OfflineGrant): number | undefined {
  const client = findClient(ctx, g.clientId);
  if (!client) return undefined;
  let at = g.createdAt + client.refresh_token_lifetime_seconds * 1000;
  if (client.refresh_token_idle_timeout_enabled) at = Math.min(at, g.lastAccessAt + client.refresh_token_idle_timeout_seconds * 1000);
  return at;
}

/** Alive = unexpired, client still configured, and (if SSO-enabled) its IdP session alive. */
export function offlineGrantAlive(ctx: IdpContext, g: OfflineGrant): boolean {
  const at = offlineGrantExpireAt(ctx, g);
  if (at === undefined || ctx.clock.nowMs() >= at) return false;
  if (g.ssoEnabled) {
    const s = g.idpSessionId ? ctx.store.idpSessions.get(g.idpSessionId) : undefined;
    if (!s || !idpSessionAlive(ctx, s)) return false;
  }
  return true;
}
