import { OAuthError } from '../../errors';
import { type AuthzRequest, responseTypeIs, RESPONSE_TYPE_SETTINGS_ACTION, RESPONSE_TYPE_PRE_AUTHENTICATED_URL } from './request';

/** Response types always allowed to every client; the client's `response_types` is not consulted. */
export function checkResponseType(req: AuthzRequest): void {
  const rt = req.responseType;
  const ok =
    responseTypeIs(rt, 'code') ||
    responseTypeIs(rt, 'none') ||
    responseTypeIs(rt, 'token') ||
    responseTypeIs(rt, RESPONSE_TYPE_SETTINGS_ACTION) ||
    responseTypeIs(rt, RESPONSE_TYPE_PRE_AUTHENTICATED_URL, 'token');
  if (!ok) throw new OAuthError('unauthorized_client', 'response type is not allowed for this client');
}
