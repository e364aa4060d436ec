import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { formParams } from '../http/types';
import { sha256Hex } from '../random';
import { revokeOfflineGrant } from '../session/revoke';

const EMPTY_OK: HttpResult = { status: 200, headers: { 'cache-control': 'no-store', pragma: 'no-cache' }, body: '' };

/**
 * `/oauth2/revoke` (spec oidc.md 11): a token with a dot is a refresh token and revokes its whole
 * offline grant (with the SSO cascade); anything else is an opaque access token. Revoking a JWT
 * access token is therefore a no-op, as upstream. Always 200 with an empty body.
 */
export async function handleRevoke(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const token = formParams(req).token ?? '';
  if (!token) return EMPTY_OK;
  const hash = sha256Hex(token);
  const dot = token.indexOf('.');
  if (dot >= 0) {
    const grantId = token.slice(0, dot);
    if (ctx.store.offlineGrants.findRefreshToken(grantId, hash)) {
      await ctx.store.db.write(() => revokeOfflineGrant(ctx, grantId));
    }
    return EMPTY_OK;
  }
  if (ctx.store.accessGrants.get(hash)) await ctx.store.db.write(() => ctx.store.accessGrants.delete(hash));
  return EMPTY_OK;
}
