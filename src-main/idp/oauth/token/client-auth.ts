import { timingSafeEqual, createHash } from 'node:crypto';
import type { IdpContext } from '../../context';
import type { OAuthClientConfig } from '../../config/types';
import { OAuthError } from '../../errors';

function sameSecret(a: string, b: string): boolean {
  // Compare digests so the comparison takes the same time whatever the lengths.
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

/**
 * Client secret check for clients that have one (spec 6.1): missing → invalid_client,
 * wrong → invalid_request (upstream's code), none configured → invalid_request.
 */
export function verifyClientSecret(ctx: IdpContext, client: OAuthClientConfig, secret: string | undefined): void {
  if (!secret) throw new OAuthError('invalid_client', 'client secret is required');
  const secrets = ctx.config.secrets.clientSecrets.get(client.client_id);
  if (!secrets?.length) throw new OAuthError('invalid_request', 'client secret is not supported for the client');
  let ok = false;
  for (const s of secrets) if (sameSecret(secret, s)) ok = true;
  if (!ok) throw new OAuthError('invalid_request', 'invalid client secret');
}

/**
 * Reads client_id/client_secret from the body; only when both are absent, from HTTP Basic
 * (user and password form-URL-decoded first).
 */
export function readClientCredentials(params: Record<string, string>, authorization: string | undefined): Record<string, string> {
  if (params.client_id || params.client_secret) return params;
  const m = /^basic (.+)$/i.exec(authorization ?? '');
  if (!m) return params;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return params;
  const formDecode = (s: string, what: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      throw new OAuthError('invalid_request', `invalid ${what} in Authorization header`);
    }
  };
  return { ...params, client_id: formDecode(decoded.slice(0, i), 'client_id'), client_secret: formDecode(decoded.slice(i + 1), 'client_secret') };
}
