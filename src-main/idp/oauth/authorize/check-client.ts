import type { IdpContext } from '../../context';
import { findClient } from '../../context';
import { AuthzPlainError } from '../../errors';
import type { AuthzRequest } from './request';

/** 5.3 step 1–2: the client must exist and may not be m2m. Errors are not redirected. */
export function checkClient(ctx: IdpContext, req: AuthzRequest): void {
  const client = findClient(ctx, req.params.client_id);
  if (!client) throw new AuthzPlainError('unauthorized_client', 'invalid client ID');
  if (client.x_application_type === 'm2m') {
    throw new AuthzPlainError('unauthorized_client', 'm2m clients are not allowed to use the authorize endpoint');
  }
  req.client = client;
}
