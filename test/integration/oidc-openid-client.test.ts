import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { Agent, signInThroughPages, formOf } from '../helpers/agent';

const SPA = 'sandbox-spa';
const REDIRECT = 'http://localhost:3000/auth-redirect';
const CLAIM = 'https://authgear.com/claims/user/';

describe('a generic OIDC library (openid-client) signs a user in', () => {
  let idp: TestIdp;
  let config: oidc.Configuration;

  beforeAll(async () => {
    idp = await startTestIdp();
    config = await oidc.discovery(new URL(idp.issuer), SPA, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  });
  afterAll(() => idp.dispose());

  async function authorize(agent: Agent, mode: 'signup' | 'login', user: { email: string; password: string }, extra: Record<string, string> = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...extra,
    });
    const callback = await signInThroughPages(agent, url.href, user, mode);
    return oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  }

  it('runs discovery → sign-up → code exchange → userinfo → refresh → revoke → end_session', async () => {
    expect(config.serverMetadata().issuer).toBe(idp.issuer);
    const agent = new Agent(idp.issuer);
    const user = { email: 'Ada@Example.com', password: 'correct horse battery' };
    const tokens = await authorize(agent, 'signup', user);

    // ID token: validated by the library (iss, aud, exp, iat, nonce); claims as the spec lists them.
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(idp.issuer);
    expect(claims.aud).toEqual([SPA]);
    expect((claims.exp as number) - (claims.iat as number)).toBe(300);
    expect(claims.amr).toEqual(['pwd', 'x_primary_password']);
    expect(typeof claims.sid).toBe('string');
    expect(Buffer.from(claims.sid as string, 'base64url').toString()).toMatch(/^offline_grant:[0-9a-f-]{36}$/);
    expect(claims[`${CLAIM}can_reauthenticate`]).toBe(true);
    expect(claims[`${CLAIM}is_anonymous`]).toBe(false);
    expect(claims[`${CLAIM}roles`]).toEqual([]);
    expect(claims.email).toBeUndefined(); // no PII in SPA tokens
    expect(tokens.token_type).toBe('bearer'); // openid-client lower-cases it
    expect(tokens.expires_in).toBe(1800);
    expect(tokens.refresh_token).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9]{32}$/);

    // JWT access token verified against the live JWKS, as a backend would.
    const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/oauth2/jwks`));
    const at = await jwtVerify(tokens.access_token, jwks, { issuer: idp.issuer, audience: idp.issuer, typ: 'at+jwt', algorithms: ['RS256'] });
    expect(at.payload.client_id).toBe(SPA);
    expect(at.payload.scope).toBe('openid offline_access');
    expect(at.payload.sub).toBe(claims.sub);
    expect(at.payload.jti).toMatch(/^[0-9a-f]{64}$/);
    expect(at.payload.sid).toBeUndefined();
    const { keys } = await (await fetch(`${idp.issuer}/oauth2/jwks`)).json();
    expect(keys.map((k: any) => k.kid)).toContain(decodeProtectedHeader(tokens.access_token).kid);
    expect(keys[0].d).toBeUndefined();

    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info.email).toBe('ada@example.com');
    expect(info.email_verified).toBe(true); // verified by the e-mailed code during sign-up
    expect(info.custom_attributes).toEqual({});
    expect(info[`${CLAIM}is_verified`]).toBe(true);

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).toBeUndefined(); // rotation is off by default
    expect(refreshed.claims()!.sid).toBe(claims.sid);
    expect(refreshed.claims()!.nonce).toBeUndefined();

    await oidc.tokenRevocation(config, tokens.refresh_token!);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant', error_description: 'invalid refresh token' });
    // The access tokens of the revoked grant stop resolving at once.
    const after = await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
    expect(after.status).toBe(401);

    // The browser still has its IdP session. The hint names the revoked grant, so end_session
    // asks the user to confirm on /logout, then returns to the app with its state.
    const endUrl = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://localhost:3000/', state: 'bye' });
    const confirm = await agent.follow(endUrl.href);
    expect(new URL(confirm.url).pathname).toBe('/logout');
    const form = formOf(confirm.body);
    const end = await agent.follow(form.action, { form: { x_csrf_token: form.csrf, redirect_uri: /name="redirect_uri" value="([^"]*)"/.exec(confirm.body)![1].replace(/&amp;/g, '&'), x_action: 'logout' } });
    expect(end.res.status).toBe(303);
    expect(end.url).toBe('http://localhost:3000/?state=bye');
    expect(agent.cookies.has('session')).toBe(false);

    // Signing in again goes through the login page (signed_up cookie), with the same user.
    const again = await authorize(agent, 'login', user);
    expect(again.claims()!.sub).toBe(claims.sub);
  });

  it('logs out directly at end_session when id_token_hint names the current SSO session', async () => {
    const agent = new Agent(idp.issuer);
    const tokens = await authorize(agent, 'signup', { email: 'direct@example.com', password: 'password-1234' });
    const endUrl = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://localhost:3000/', state: 'x' });
    const end = await agent.follow(endUrl.href);
    expect(end.res.status).toBe(303);
    expect(end.res.headers.get('location')).toBe('http://localhost:3000/?state=x');
    expect(agent.cookies.has('session')).toBe(false);
    // The offline grant created from that IdP session went with it (cascade).
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('skips the login page when the browser has a live IdP session (SSO), unless prompt=login', async () => {
    const agent = new Agent(idp.issuer);
    const user = { email: 'sso@example.com', password: 'password-1234' };
    await authorize(agent, 'signup', user);
    expect(agent.cookies.has('session')).toBe(true);
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const silent = await agent.follow(url.href);
    expect(silent.url).toMatch(/^http:\/\/localhost:3000\/auth-redirect\?code=[A-Za-z0-9]{32}$/);
    const forced = await agent.follow(`${url.href}&prompt=login`);
    expect(new URL(forced.url).pathname).toBe('/login');
  });

  it('answers prompt=none without a session with login_required', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', prompt: 'none', state: 's1', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${REDIRECT}?error=login_required&error_description=authentication+required&state=s1`);
  });

  it('works for a confidential client with client_secret_basic and client_secret_post', async () => {
    const overview = await (await fetch(`${idp.issuer}/_sandbox/api/overview`, { headers: { authorization: `Bearer ${idp.consoleToken}` } })).json();
    const web = overview.clients.find((c: any) => c.client_id === 'sandbox-webapp');
    for (const auth of [oidc.ClientSecretBasic(web.client_secret), oidc.ClientSecretPost(web.client_secret)]) {
      const conf = await oidc.discovery(new URL(idp.issuer), 'sandbox-webapp', undefined, auth, { execute: [oidc.allowInsecureRequests] });
      const agent = new Agent(idp.issuer);
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(conf, { redirect_uri: 'http://localhost:3000/auth/callback', scope: 'openid offline_access email', state });
      const callback = await signInThroughPages(agent, url.href, { email: `web-${Math.random()}@example.com`, password: 'password-1234' }, 'signup');
      const tokens = await oidc.authorizationCodeGrant(conf, new URL(callback), { expectedState: state });
      // Confidential clients get PII in tokens, filtered by scope.
      expect(tokens.claims()!.email).toMatch(/^web-/);
      const refreshed = await oidc.refreshTokenGrant(conf, tokens.refresh_token!);
      expect(refreshed.access_token).toBeTruthy();
    }
  });
});
