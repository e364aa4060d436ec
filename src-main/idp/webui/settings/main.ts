import type { IdpContext } from '../../context';
import type { HttpRequest, HttpResult } from '../../http/types';
import { pageResult } from '../page-context';
import { isResult, signedIn, viewOf } from './common';
import { mainPage } from './views';

/** `/settings`: who is signed in, their profile, sign-in methods, security pages, sign out. */
export async function handleSettings(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const who = await signedIn(ctx, req, false);
  if (isResult(who)) return who;
  const { v, cookies } = viewOf(ctx, req);
  const user = who.user;
  const identities = ctx.store.identities.listByUser(user.id);
  const loginIds = identities
    .filter((i) => i.type === 'login_id' && (i.loginIdType === 'email' || i.loginIdType === 'username'))
    .map((i) => ({ key: i.loginIdKey!, type: i.loginIdType as 'email' | 'username', value: i.loginId! }));
  const keys = ctx.config.app.identity.login_id.keys;
  const keyOf = (type: 'email' | 'username') => (loginIds.some((i) => i.type === type) ? undefined : keys.find((k) => k.type === type)?.key);
  const attrs = user.standardAttributes;
  const body = mainPage(v, {
    who: String(attrs.email ?? attrs.preferred_username ?? user.id),
    anonymous: who.anonymous,
    name: typeof attrs.name === 'string' ? attrs.name : undefined,
    loginIds,
    canAdd: { email: keyOf('email'), username: keyOf('username') },
    hasPassword: Boolean(ctx.store.authenticators.findPassword(user.id, 'primary')),
    deletionEnabled: ctx.config.app.account_deletion.scheduled_by_end_user_enabled,
  });
  return pageResult(200, body, cookies);
}
