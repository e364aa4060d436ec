import type { IdpContext } from '../../context';
import type { HttpRequest, HttpResult } from '../../http/types';
import { formParams } from '../../http/types';
import { findClient } from '../../context';
import { OAuthError } from '../../errors';
import { isPublic, requiresSecret, allowedGrantTypes } from '../clients';
import { readClientCredentials } from './client-auth';
import { tokenResponse, tokenError } from './response';
import { authorizationCodeGrant } from './authorization-code';
import { refreshTokenGrant } from './refresh-token';
import { clientCredentialsGrant } from './client-credentials';
import { settingsActionGrant } from './settings-action';
import { idTokenGrant } from './id-token';
import { anonymousRequestGrant } from './anonymous-request';
import { biometricRequestGrant } from './biometric-request';

/** A grant's JSON body, or null for a 200 with an empty body (biometric setup). */
type Grant = (ctx: IdpContext, client: any, p: Record<string, string>, req: HttpRequest) => Promise<Record<string, unknown> | null>;

/** One module per grant; the pre-check of each runs before the client's allow-list (spec 6.1). */
const codePrecheck = (client: any, p: Record<string, string>) => {
  if (!p.code) throw new OAuthError('invalid_request', 'code is required');
  if (isPublic(client) && !p.code_verifier) throw new OAuthError('invalid_request', 'PKCE code verifier is required');
  if (requiresSecret(client) && !p.client_secret) throw new OAuthError('invalid_client', 'client secret is required');
};
const jwtPrecheck = (_c: any, p: Record<string, string>) => {
  if (!p.jwt) throw new OAuthError('invalid_request', 'jwt is required');
};

const GRANTS: Record<string, { precheck: (c: any, p: Record<string, string>) => void; run: Grant }> = {
  authorization_code: { precheck: codePrecheck, run: authorizationCodeGrant },
  'urn:authgear:params:oauth:grant-type:settings-action': { precheck: codePrecheck, run: (ctx, client, p) => settingsActionGrant(ctx, client, p) },
  'urn:authgear:params:oauth:grant-type:id-token': { precheck: () => {}, run: idTokenGrant },
  'urn:authgear:params:oauth:grant-type:anonymous-request': { precheck: jwtPrecheck, run: anonymousRequestGrant },
  'urn:authgear:params:oauth:grant-type:biometric-request': { precheck: jwtPrecheck, run: biometricRequestGrant },
  refresh_token: {
    precheck: (_c, p) => {
      if (!p.refresh_token) throw new OAuthError('invalid_request', 'refresh token is required');
    },
    run: refreshTokenGrant,
  },
  client_credentials: {
    precheck: (_c, p) => {
      if (!p.resource) throw new OAuthError('invalid_target', 'resource is required');
      if (!p.client_secret) throw new OAuthError('invalid_client', 'client secret is required');
    },
    run: (ctx, client, p) => clientCredentialsGrant(ctx, client, p),
  },
};

/** `/oauth2/token`: body parameters win over query parameters. */
export async function handleToken(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  try {
    const p = readClientCredentials({ ...req.query, ...formParams(req) }, req.headers.authorization);
    const client = findClient(ctx, p.client_id);
    if (!client) throw new OAuthError('invalid_client', 'invalid client ID');
    const grant = Object.hasOwn(GRANTS, p.grant_type ?? '') ? GRANTS[p.grant_type] : undefined;
    if (!grant) throw new OAuthError('unsupported_grant_type', 'grant type is not supported');
    grant.precheck(client, p);
    if (!allowedGrantTypes(client).has(p.grant_type)) {
      throw new OAuthError('unauthorized_client', 'grant type is not allowed for this client');
    }
    const body = await grant.run(ctx, client, p, req);
    return body === null ? { status: 200, headers: { 'cache-control': 'no-store', pragma: 'no-cache' }, body: '' } : tokenResponse(body);
  } catch (e) {
    if (e instanceof OAuthError) return tokenError(e);
    console.error('token: unexpected error', e);
    return tokenError(new OAuthError('server_error', 'internal server error', 500));
  }
}
