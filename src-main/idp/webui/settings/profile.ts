import type { IdpContext } from '../../context';
import type { HttpRequest, HttpResult } from '../../http/types';
import { formParams, redirect } from '../../http/types';
import { pageResult } from '../page-context';
import { applyProfileForm } from '../../user/standard-attributes';
import { csrfFailed, isResult, selfUrl, signedIn, viewOf } from './common';
import { profilePage } from './views';

/** `GET /settings/profile`: the standard attributes, editable. */
export async function handleProfileGet(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const who = await signedIn(ctx, req, true);
  if (isResult(who)) return who;
  const { v, cookies } = viewOf(ctx, req);
  return pageResult(200, profilePage(v, '/settings/profile', who.user.standardAttributes, undefined, req.query.saved === '1'), cookies);
}

/** `POST /settings/profile`: saves what is valid all at once, or nothing (400 naming the field). */
export async function handleProfilePost(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const who = await signedIn(ctx, req, true);
  if (isResult(who)) return who;
  const bad = csrfFailed(ctx, req);
  if (bad) return bad;
  const form = formParams(req);
  const { attrs, invalid } = applyProfileForm(who.user.standardAttributes, form);
  if (invalid.length) {
    const { v, cookies } = viewOf(ctx, req);
    const fields = invalid.map((f) => v.t(`profile.${f}` as Parameters<typeof v.t>[0])).join(', ');
    return pageResult(400, profilePage(v, selfUrl(req), { ...who.user.standardAttributes, ...form }, [v.t('profile.invalid', { field: fields })]), cookies);
  }
  await ctx.store.db.write(() => ctx.store.users.setStandardAttributes(who.user.id, attrs, ctx.clock.nowMs()));
  return redirect('/settings/profile?saved=1');
}
