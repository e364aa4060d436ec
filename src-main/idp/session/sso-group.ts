import type { IdpSession } from '../store/repos/idp-sessions';
import type { OfflineGrant } from '../store/repos/offline-grants';

/** A session of either kind, as the SSO-group rules see it. */
export type AnySession = { kind: 'idp'; session: IdpSession } | { kind: 'offline_grant'; session: OfflineGrant };

/** The IdP session that heads a session's SSO group: itself, or an SSO-enabled grant's IdP session. */
function groupHead(s: AnySession): string | null {
  if (s.kind === 'idp') return s.session.id;
  return s.session.ssoEnabled ? s.session.idpSessionId : null;
}

/**
 * Upstream's IsSameSSOGroup: the same session; for an IdP session, any session headed by it; for
 * an offline grant, any session headed by the IdP session it was created from (spec 9.6).
 */
export function sameSsoGroup(a: AnySession, b: AnySession): boolean {
  if (a.kind === b.kind && a.session.id === b.session.id) return true;
  const head = a.kind === 'idp' ? a.session.id : a.session.idpSessionId;
  return Boolean(head) && head === groupHead(b);
}
