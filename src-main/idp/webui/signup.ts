import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { formParams } from '../http/types';
import { ApiError } from '../errors';
import { csrfToken, csrfValid } from './csrf';
import { signupPage, messagePage } from './pages';
import { signUpWithEmailPassword } from '../user/accounts';
import { completeAuthentication } from './complete-authentication';
import { errorMessages } from './error-messages';
import { carryQuery, clientName, pageContext, pageResult } from './page-context';

export function handleSignupGet(ctx: IdpContext, req: HttpRequest): HttpResult {
  const pc = pageContext(ctx, req);
  if (ctx.config.app.authentication.public_signup_disabled) {
    return pageResult(403, messagePage(pc.t, pc.lang, pc.t('signup.title'), pc.t('signup.disabled')));
  }
  const csrf = csrfToken(ctx, req);
  const errors = pc.expired ? [pc.t('error.oauth-session-expired')] : undefined;
  return pageResult(
    200,
    signupPage({ t: pc.t, lang: pc.lang, csrf: csrf.field, carry: carryQuery(req), clientName: clientName(ctx, pc.session), errors, policy: ctx.config.app.authenticator.password.policy }),
    csrf.cookies,
  );
}

export async function handleSignupPost(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const pc = pageContext(ctx, req);
  if (ctx.config.app.authentication.public_signup_disabled) {
    return pageResult(403, messagePage(pc.t, pc.lang, pc.t('signup.title'), pc.t('signup.disabled')));
  }
  const form = formParams(req);
  const csrf = csrfToken(ctx, req);
  const policy = ctx.config.app.authenticator.password.policy;
  const view = { t: pc.t, lang: pc.lang, csrf: csrf.field, carry: carryQuery(req), clientName: clientName(ctx, pc.session), email: form.email, policy };
  if (!csrfValid(ctx, req, form.x_csrf_token)) return pageResult(403, signupPage({ ...view, errors: [pc.t('error.csrf')] }), csrf.cookies);
  if (pc.expired) return pageResult(400, signupPage({ ...view, errors: [pc.t('error.oauth-session-expired')] }), csrf.cookies);
  try {
    const user = await signUpWithEmailPassword(ctx, form.email ?? '', form.password ?? '');
    return await completeAuthentication(ctx, req, pc, user, true);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return pageResult(e.status, signupPage({ ...view, errors: errorMessages(pc.t, e) }), csrf.cookies);
  }
}

