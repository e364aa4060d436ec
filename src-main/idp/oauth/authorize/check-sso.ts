import { OAuthError } from '../../errors';
import { type AuthzRequest, ssoEnabled } from './request';

export function checkSso(req: AuthzRequest): void {
  if (ssoEnabled(req.params) && req.client!.x_max_concurrent_session === 1) {
    throw new OAuthError('invalid_request', "'sso_enabled' must be false if config 'x_max_concurrent_session' is 1");
  }
}
