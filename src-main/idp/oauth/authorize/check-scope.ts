import { validateScopes } from '../scopes';
import type { AuthzRequest } from './request';

export function checkScope(req: AuthzRequest): void {
  validateScopes(req.client!, req.scopes);
}
