import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { redirect } from '../http/types';
import type { User } from '../store/repos/users';
import { AMR_PRIMARY_PASSWORD } from '../user/accounts';
import { suppressIdpSession } from '../oauth/authorize/request';
import { establishSession, handOff } from '../session/establish';
import { sameOrigin, type PageContext } from './page-context';

/** After a successful sign-in or sign-up on the built-in pages: session, then back to OAuth. */
export async function completeAuthentication(ctx: IdpContext, req: HttpRequest, pc: PageContext, user: User, isSignup: boolean): Promise<HttpResult> {
  const now = ctx.clock.nowMs();
  const suppress = pc.session ? suppressIdpSession(pc.session.params) : false;
  const { cookies, idpSessionId } = await establishSession(ctx, req, { userId: user.id, amr: AMR_PRIMARY_PASSWORD, suppress, signedUp: isSignup });
  if (!pc.session) return redirect(sameOrigin(ctx, req.query.redirect_uri, '/settings'), 302, cookies);
  const code = handOff(ctx, { userId: user.id, amr: AMR_PRIMARY_PASSWORD, authenticatedAt: now, idpSessionId, oauthSessionId: pc.session.id });
  return redirect(`/oauth2/consent?${new URLSearchParams({ x_ref: pc.session.id, code })}`, 302, cookies);
}
