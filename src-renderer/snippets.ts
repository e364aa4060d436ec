// Copy-ready configuration for apps that sign in against the sandbox. Pure functions of the
// overview, so what the console shows is exactly what the user pastes.
import type { SandboxClient } from './api/sandbox'

export const OIDC_SCOPES = 'openid offline_access'

const str = (value: string) => JSON.stringify(value)

export function firstRedirectUri(client: SandboxClient): string {
  return client.redirect_uris[0] ?? 'http://localhost:3000/auth-redirect'
}

/** The @authgear/web SDK in a browser app, with refresh-token sessions. */
export function authgearWebSnippet(issuer: string, client: SandboxClient): string {
  return `import authgear from "@authgear/web";

await authgear.configure({
  endpoint: ${str(issuer)},
  clientID: ${str(client.client_id)},
  sessionType: "refresh_token",
});

// Sign in: sends the browser to the sandbox's login page.
await authgear.startAuthentication({
  redirectURI: ${str(firstRedirectUri(client))},
});

// On the page at the redirect URI:
await authgear.finishAuthentication();
`
}

/** Any OpenID Connect relying party, shown with openid-client 6 in Node. */
export function openidClientSnippet(issuer: string, client: SandboxClient): string {
  const credentials = client.client_secret
    ? `  process.env.CLIENT_SECRET, // the client secret of ${str(client.client_id)}, shown above
  undefined,`
    : `  undefined,
  client.None(), // a public client: no secret, PKCE only`
  return `import * as client from "openid-client";

const config = await client.discovery(
  new URL(${str(issuer)}),
  ${str(client.client_id)},
${credentials}
  { execute: [client.allowInsecureRequests] }, // the sandbox serves plain http
);

// 1. Send the user to the sandbox to sign in.
const codeVerifier = client.randomPKCECodeVerifier();
const authorizationUrl = client.buildAuthorizationUrl(config, {
  redirect_uri: ${str(firstRedirectUri(client))},
  scope: ${str(OIDC_SCOPES)},
  code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
  code_challenge_method: "S256",
});

// 2. Back at the redirect URI, exchange the code for tokens
//    (currentUrl: the full URL the browser was redirected to, as a URL object).
const tokens = await client.authorizationCodeGrant(config, currentUrl, {
  pkceCodeVerifier: codeVerifier,
});
console.log(tokens.claims());
`
}

export const endpointLabels: Record<string, string> = {
  discovery: 'Discovery document',
  authorization: 'Authorization endpoint',
  token: 'Token endpoint',
  userinfo: 'UserInfo endpoint',
  jwks: 'JWKS',
  revocation: 'Revocation endpoint',
  end_session: 'End session endpoint',
  resolver: 'Resolver endpoint',
  admin_graphql: 'Admin API (GraphQL)',
}

export function applicationTypeLabel(type: string): string {
  switch (type) {
    case 'spa':
      return 'Single-page app (public)'
    case 'confidential':
      return 'Confidential (server-side, with secret)'
    case 'traditional_webapp':
      return 'Traditional web app'
    case 'native':
      return 'Native app (public)'
    default:
      return type
  }
}
