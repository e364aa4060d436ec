import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { formParams } from '../http/types';
import { ApiError } from '../errors';
import { csrfToken, csrfValid } from './csrf';
import { loginPage } from './pages';
import { authenticateWithEmailPassword } from '../user/accounts';
import { completeAuthentication } from './complete-authentication';
import { errorMessages } from './error-messages';
import { carryQuery, clientName, pageContext, pageResult } from './page-context';

export function handleLoginGet(ctx: IdpContext, req: HttpRequest): HttpResult {
  const pc = pageContext(ctx, req);
  const csrf = csrfToken(ctx, req);
  const email = pc.session?.loginHint?.email || undefined;
  const errors = pc.expired ? [pc.t('error.oauth-session-expired')] : undefined;
  return pageResult(200, loginPage({ t: pc.t, lang: pc.lang, csrf: csrf.field, carry: carryQuery(req), clientName: clientName(ctx, pc.session), email, errors }), csrf.cookies);
}

export async function handleLoginPost(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const pc = pageContext(ctx, req);
  const form = formParams(req);
  const csrf = csrfToken(ctx, req);
  const view = { t: pc.t, lang: pc.lang, csrf: csrf.field, carry: carryQuery(req), clientName: clientName(ctx, pc.session), email: form.email };
  if (!csrfValid(ctx, req, form.x_csrf_token)) return pageResult(403, loginPage({ ...view, errors: [pc.t('error.csrf')] }), csrf.cookies);
  if (pc.expired) return pageResult(400, loginPage({ ...view, errors: [pc.t('error.oauth-session-expired')] }), csrf.cookies);
  if (!form.password) return pageResult(400, loginPage({ ...view, errors: [pc.t('error.password-required')] }), csrf.cookies);
  try {
    const user = await authenticateWithEmailPassword(ctx, form.email ?? '', form.password);
    return await completeAuthentication(ctx, req, pc, user, false);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return pageResult(e.status, loginPage({ ...view, errors: errorMessages(pc.t, e) }), csrf.cookies);
  }
}

