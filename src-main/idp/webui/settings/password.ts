import type { IdpContext } from '../../context';
import type { HttpRequest, HttpResult } from '../../http/types';
import { formParams, redirect } from '../../http/types';
import { pageResult } from '../page-context';
import { hashPassword, verifyPassword, PASSWORD_MAX_BYTES } from '../../crypto/password';
import { checkPasswordPolicy, describeViolation } from '../../user/password-policy';
import { csrfFailed, done, isResult, selfUrl, signedIn, viewOf } from './common';
import { passwordPage } from './views';

/** `GET /settings/change_password` (also the `change_password` settings action). */
export async function handleChangePasswordGet(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const who = await signedIn(ctx, req, true);
  if (isResult(who)) return who;
  if (!ctx.store.authenticators.findPassword(who.user.id, 'primary')) return redirect('/settings');
  const { v, cookies } = viewOf(ctx, req);
  return pageResult(200, passwordPage(v, selfUrl(req), ctx.config.app.authenticator.password.policy.min_length), cookies);
}

/** `POST /settings/change_password`: the current password, then a new one that meets the policy. */
export async function handleChangePasswordPost(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const who = await signedIn(ctx, req, true);
  if (isResult(who)) return who;
  const bad = csrfFailed(ctx, req);
  if (bad) return bad;
  const authenticator = ctx.store.authenticators.findPassword(who.user.id, 'primary');
  if (!authenticator?.passwordHash) return redirect('/settings');
  const form = formParams(req);
  const policy = ctx.config.app.authenticator.password.policy;
  const fail = (errors: string[]) => {
    const { v, cookies } = viewOf(ctx, req);
    return pageResult(400, passwordPage(v, selfUrl(req), policy.min_length, errors), cookies);
  };
  const { v } = viewOf(ctx, req);
  const oldPassword = form.old_password ?? '';
  const newPassword = form.new_password ?? '';
  if (Buffer.byteLength(oldPassword) > PASSWORD_MAX_BYTES || !(await verifyPassword(oldPassword, authenticator.passwordHash))) return fail([v.t('password-change.wrong')]);
  if (Buffer.byteLength(newPassword) > PASSWORD_MAX_BYTES) return fail([v.t('error.password-too-long')]);
  const violations = checkPasswordPolicy(policy, newPassword);
  if (violations.length) return fail(violations.map(describeViolation));
  const hash = await hashPassword(newPassword);
  await ctx.store.db.write(() => ctx.store.authenticators.updatePasswordHash(authenticator.id, hash, ctx.clock.nowMs()));
  return done(ctx, req, who, '/settings');
}
