import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { formParams } from '../http/types';
import { h } from './html';
import { page } from './layout';
import { csrfToken, csrfValid } from './csrf';
import { messagePage } from './pages';
import { pageContext, pageResult } from './page-context';

/**
 * `/authflow/v2/verify_login_link?code=`: the link of a sign-in e-mail (email_otp_mode:
 * login_link). Opening it and approving lets the waiting flow `check` and go on.
 */
export function handleLoginLinkGet(ctx: IdpContext, req: HttpRequest): HttpResult {
  const pc = pageContext(ctx, req);
  const code = req.query.code ?? '';
  if (!ctx.ephemeral.otp.linkUsable('authenticate-primary-oob', code)) return pageResult(400, messagePage(pc.t, pc.lang, pc.t('link.approve-title'), pc.t('link.invalid')));
  const csrf = csrfToken(ctx, req);
  const body = h`<h1>${pc.t('link.approve-title')}</h1>
<p class="sub">${pc.t('link.approve-question')}</p>
<form method="post" action="${`/authflow/v2/verify_login_link?${new URLSearchParams({ code })}`}">
<input type="hidden" name="x_csrf_token" value="${csrf.field}">
<button class="primary" type="submit">${pc.t('link.approve')}</button>
</form>`;
  return pageResult(200, page(pc.t, pc.lang, pc.t('link.approve-title'), body), csrf.cookies);
}

export function handleLoginLinkPost(ctx: IdpContext, req: HttpRequest): HttpResult {
  const pc = pageContext(ctx, req);
  if (!csrfValid(ctx, req, formParams(req).x_csrf_token)) return pageResult(403, messagePage(pc.t, pc.lang, pc.t('link.approve-title'), pc.t('error.csrf')));
  const approved = ctx.ephemeral.otp.approveLink('authenticate-primary-oob', req.query.code ?? '');
  if (approved && approved.wsChannel) ctx.ephemeral.flowEvents.refresh(approved.wsChannel);
  const ok = approved !== false;
  return pageResult(ok ? 200 : 400, messagePage(pc.t, pc.lang, pc.t('link.approve-title'), pc.t(ok ? 'link.approved' : 'link.invalid')));
}
