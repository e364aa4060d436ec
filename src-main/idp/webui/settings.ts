import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { redirect } from '../http/types';
import { cookieName } from '../session/cookies';
import { handleSettings } from './settings/main';
import { handleProfileGet, handleProfilePost } from './settings/profile';
import { handleChangePasswordGet, handleChangePasswordPost } from './settings/password';
import { handleSessionsGet, handleSessionsPost } from './settings/sessions';
import { handleDeleteAccountGet, handleDeleteAccountPost, handleDeleteAccountSuccess } from './settings/delete-account';
import { identityPages, unsupportedIdentityPage } from './settings/identity';

type Handler = (ctx: IdpContext, req: HttpRequest) => HttpResult | Promise<HttpResult>;

/** The account pages (spec 13.5) and the settings-action pages (spec 5.10): [method, path, handler]. */
export const SETTINGS_ROUTES: [string, string, Handler][] = [
  ['GET', '/settings', handleSettings],
  ['GET', '/settings/profile', handleProfileGet],
  ['POST', '/settings/profile', handleProfilePost],
  ['GET', '/settings/change_password', handleChangePasswordGet],
  ['POST', '/settings/change_password', handleChangePasswordPost],
  ['GET', '/settings/sessions', handleSessionsGet],
  ['POST', '/settings/sessions', handleSessionsPost],
  ['GET', '/settings/delete_account', handleDeleteAccountGet],
  ['POST', '/settings/delete_account', handleDeleteAccountPost],
  ['GET', '/settings/delete_account/success', handleDeleteAccountSuccess],
  ...(['add', 'change'] as const).flatMap((verb) =>
    (['email', 'username'] as const).flatMap((kind): [string, string, Handler][] => {
      const pages = identityPages(verb, kind);
      return [
        ['GET', `/settings/identity/${verb}_${kind}`, pages.get],
        ['POST', `/settings/identity/${verb}_${kind}`, pages.post],
      ];
    }),
  ),
  ['GET', '/settings/identity/add_phone', unsupportedIdentityPage],
  ['GET', '/settings/identity/change_phone', unsupportedIdentityPage],
  ['GET', '/settings/identity/oauth', unsupportedIdentityPage],
];

/** `/`: to sign-up, or sign-in when public sign-up is off or the browser signed up before (spec 13.5). */
export function handleRoot(ctx: IdpContext, req: HttpRequest): HttpResult {
  const q = new URLSearchParams(req.query).toString();
  const login = ctx.config.app.authentication.public_signup_disabled || req.cookies[cookieName(ctx, 'signed_up')] === 'true';
  return redirect(`/${login ? 'login' : 'signup'}${q ? `?${q}` : ''}`);
}
