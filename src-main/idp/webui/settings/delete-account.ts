import type { IdpContext } from '../../context';
import type { HttpRequest, HttpResult } from '../../http/types';
import { formParams } from '../../http/types';
import { pageContext, pageResult } from '../page-context';
import { messagePage } from '../pages';
import { clearCookie, clearSessionCookies } from '../../session/cookies';
import { deleteUser } from '../../user/delete-user';
import { csrfFailed, done, isResult, selfUrl, signedIn, viewOf } from './common';
import { deletePage } from './views';

function disabled(ctx: IdpContext, req: HttpRequest): HttpResult | undefined {
  if (ctx.config.app.account_deletion.scheduled_by_end_user_enabled) return undefined;
  const pc = pageContext(ctx, req);
  return pageResult(403, messagePage(pc.t, pc.lang, pc.t('delete.title'), pc.t('delete.disabled')));
}

/** `GET /settings/delete_account` (also the `delete_account` settings action). */
export async function handleDeleteAccountGet(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const who = await signedIn(ctx, req, true);
  if (isResult(who)) return who;
  const off = disabled(ctx, req);
  if (off) return off;
  const { v, cookies } = viewOf(ctx, req);
  return pageResult(200, deletePage(v, selfUrl(req)), cookies);
}

/**
 * `POST /settings/delete_account` with `confirm=DELETE`: the user is deleted at once (upstream
 * schedules the deletion after a grace period, during which the user can no longer sign in).
 */
export async function handleDeleteAccountPost(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const who = await signedIn(ctx, req, true);
  if (isResult(who)) return who;
  const off = disabled(ctx, req);
  if (off) return off;
  const bad = csrfFailed(ctx, req);
  if (bad) return bad;
  if (formParams(req).confirm?.trim() !== 'DELETE') {
    const { v, cookies } = viewOf(ctx, req);
    return pageResult(400, deletePage(v, selfUrl(req), [v.t('delete.warning')]), cookies);
  }
  await ctx.store.db.write(() => deleteUser(ctx, who.user.id));
  const cookies = [...clearSessionCookies(ctx), clearCookie(ctx, 'app_session')];
  return done(ctx, req, who, '/settings/delete_account/success', cookies);
}

export function handleDeleteAccountSuccess(ctx: IdpContext, req: HttpRequest): HttpResult {
  const pc = pageContext(ctx, req);
  return pageResult(200, messagePage(pc.t, pc.lang, pc.t('delete.done-title'), pc.t('delete.done')));
}
