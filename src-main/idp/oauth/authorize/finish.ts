import type { IdpContext } from '../../context';
import type { OAuthClientConfig } from '../../config/types';
import type { HttpResult } from '../../http/types';
import { sha256Hex } from '../../random';
import { deliver } from '../response-mode';
import { grantAuthorization } from '../authorizations';
import { CODE_TTL, type CodeGrant } from '../code-grant';
import { responseTypeIs, ssoEnabled, splitSpaces } from './request';
import { decodeSid } from '../sid';

export interface FinishInput {
  client: OAuthClientConfig;
  redirectUri: string;
  params: Record<string, string>;
  userId: string;
  amr: string[];
  authenticatedAt: number;
  idpSessionId: string | null;
  satisfiedBy?: { kind: 'idp' | 'offline_grant'; id: string };
  idTokenHintSid?: string;
}

/**
 * Ends a successful authorization: records the (auto-granted, first-party) authorization,
 * issues the code for `response_type=code`, and delivers the response (spec 5.8).
 */
export async function finishAuthorization(ctx: IdpContext, input: FinishInput): Promise<HttpResult> {
  const { client, params } = input;
  const scopes = splitSpaces(params.scope);
  const authz = await ctx.store.db.write(() => grantAuthorization(ctx, client.client_id, input.userId, scopes));
  const response: Record<string, string> = {};
  if (responseTypeIs(splitSpaces(params.response_type), 'code')) {
    const code = ctx.random.token();
    const grant: CodeGrant = {
      clientId: client.client_id,
      userId: input.userId,
      redirectUri: input.redirectUri,
      scopes,
      nonce: params.nonce || undefined,
      codeChallenge: params.code_challenge || undefined,
      authorizationId: authz.id,
      idpSessionId: input.idpSessionId,
      satisfiedBy: input.satisfiedBy,
      idTokenHintSid: decodeSid(input.idTokenHintSid),
      authenticatedAt: input.authenticatedAt,
      amr: input.amr,
      ssoEnabled: ssoEnabled(params),
    };
    ctx.ephemeral.codes.set(sha256Hex(code), grant, CODE_TTL);
    response.code = code;
  }
  if (params.state) response.state = params.state;
  return deliver(input.redirectUri, params.response_mode, response, Boolean(client.x_custom_ui_uri));
}
