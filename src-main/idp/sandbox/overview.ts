import type { IdpContext } from '../context';
import { requiresSecret } from '../oauth/clients';

export const VERSION = '0.1.0';

/** What the console's Overview shows: issuer, endpoints, clients. */
export function overview(ctx: IdpContext, dataDir: string) {
  const i = ctx.issuer;
  return {
    issuer: i,
    version: VERSION,
    data_dir: dataDir,
    endpoints: {
      discovery: `${i}/.well-known/openid-configuration`,
      authorization: `${i}/oauth2/authorize`,
      token: `${i}/oauth2/token`,
      userinfo: `${i}/oauth2/userinfo`,
      jwks: `${i}/oauth2/jwks`,
      revocation: `${i}/oauth2/revoke`,
      end_session: `${i}/oauth2/end_session`,
      resolver: `${i}/_resolver/resolve`,
    },
    clients: ctx.config.app.oauth.clients.map((c) => ({
      client_id: c.client_id,
      name: c.name,
      x_application_type: c.x_application_type,
      redirect_uris: c.redirect_uris,
      post_logout_redirect_uris: c.post_logout_redirect_uris,
      issue_jwt_access_token: c.issue_jwt_access_token,
      client_secret: requiresSecret(c) ? (ctx.config.secrets.clientSecrets.get(c.client_id)?.[0] ?? null) : null,
    })),
  };
}
