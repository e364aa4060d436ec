/**
 * Gets a real refresh token the way an SPA would: discovery, code flow with PKCE for
 * `sandbox-spa`, signing up through the built-in pages (the tests' cookie-keeping agent), which
 * reads the e-mailed code from the outbox with the console token.
 */
import * as oidc from 'openid-client';
import { Agent, signInThroughPages, registerConsoleToken } from '../../test/helpers/agent';

export const SPA = 'sandbox-spa';
const REDIRECT = 'http://localhost:3000/auth-redirect';

export async function obtainRefreshToken(issuer: string, consoleToken: string): Promise<string> {
  registerConsoleToken(issuer, consoleToken);
  const config = await oidc.discovery(new URL(issuer), SPA, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  const callback = await signInThroughPages(new Agent(issuer), url.href, { email: 'bench@example.com', password: 'bench-password-1234' }, 'signup');
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state });
  if (!tokens.refresh_token) throw new Error('code exchange returned no refresh token');
  return tokens.refresh_token;
}
