import type { IdpContext } from '../../context';
import type { OAuthClientConfig } from '../../config/types';
import { AuthzPlainError } from '../../errors';
import type { AuthzRequest } from './request';

function originOf(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    return `${u.protocol}//${u.host}`;
  } catch {
    return undefined;
  }
}

/**
 * Spec 5.2: exact string match against the client's list, or the Authgear origin, or the
 * custom UI's origin. No normalisation, no wildcards. Errors are not redirected.
 */
export function isRedirectUriAllowed(ctx: IdpContext, client: OAuthClientConfig, uri: string, extraOrigins: string[] = []): boolean {
  if (client.redirect_uris.includes(uri)) return true;
  const origin = originOf(uri);
  if (!origin) return false;
  if (origin === ctx.issuer) return true;
  if (client.x_custom_ui_uri && originOf(client.x_custom_ui_uri) === origin) return true;
  return extraOrigins.some((o) => originOf(o) === origin);
}

export function checkRedirectUri(ctx: IdpContext, req: AuthzRequest): void {
  const client = req.client!;
  let uri = req.params.redirect_uri ?? '';
  if (uri === '' && client.redirect_uris.length === 1) uri = client.redirect_uris[0];
  try {
    new URL(uri);
  } catch {
    throw new AuthzPlainError('invalid_request', uri === '' ? 'redirect URI is not allowed' : 'invalid redirect URI');
  }
  if (!isRedirectUriAllowed(ctx, client, uri)) throw new AuthzPlainError('invalid_request', 'redirect URI is not allowed');
  req.redirectUri = uri;
}
