import type { IdpContext } from '../../context';
import { OAuthError } from '../../errors';
import { isPublic } from '../clients';
import { type AuthzRequest, responseTypeIs, RESPONSE_TYPE_SETTINGS_ACTION, RESPONSE_TYPE_PRE_AUTHENTICATED_URL } from './request';

/** Per-response-type parameters: scope, PKCE (S256 only, an absent method is an error). */
export function checkParameters(ctx: IdpContext, req: AuthzRequest): void {
  const rt = req.responseType;
  const p = req.params;
  if (responseTypeIs(rt, RESPONSE_TYPE_SETTINGS_ACTION) && p.x_settings_action === 'delete_account' && !ctx.config.app.account_deletion.scheduled_by_end_user_enabled) {
    throw new OAuthError('invalid_request', 'account deletion by end user is disabled');
  }
  if (responseTypeIs(rt, 'code') || responseTypeIs(rt, RESPONSE_TYPE_SETTINGS_ACTION)) {
    if (req.scopes.length === 0) throw new OAuthError('invalid_request', 'scope is required');
    if (isPublic(req.client!) && !p.code_challenge) {
      throw new OAuthError('invalid_request', 'PKCE code challenge is required for public clients');
    }
    if (p.code_challenge && p.code_challenge_method !== 'S256') {
      throw new OAuthError('invalid_request', "only 'S256' PKCE transform is supported");
    }
    return;
  }
  if (responseTypeIs(rt, 'none')) {
    if (req.scopes.length === 0) throw new OAuthError('invalid_request', 'scope is required');
    return;
  }
  if (responseTypeIs(rt, RESPONSE_TYPE_PRE_AUTHENTICATED_URL, 'token')) {
    throw new OAuthError('invalid_request', 'pre-authenticated URLs are not supported by this sandbox version');
  }
  throw new OAuthError('unsupported_response_type', `response_type: ${rt.join(' ')} is not supported`);
}
