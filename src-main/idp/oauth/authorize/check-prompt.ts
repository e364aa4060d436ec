import { OAuthError } from '../../errors';
import type { AuthzRequest } from './request';

export function checkPrompt(req: AuthzRequest): void {
  if (!req.prompt.includes('none')) return;
  if (req.prompt.length !== 1) throw new OAuthError('invalid_request', 'prompt cannot have other values when none is set');
  if (req.params.max_age !== undefined) {
    throw new OAuthError('invalid_request', 'max_age could imply prompt=login so max_age cannot be present when prompt=none');
  }
}
