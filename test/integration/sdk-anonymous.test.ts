import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { generateKeyPair, exportJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { Agent, latestCode, submit } from '../helpers/agent';
import { FlowClient } from '../helpers/authflow';
import { pkcePair } from '../helpers/pkce';
import { codeFlowTokens, jwtClaims, postJson, SPA_REDIRECT } from '../helpers/oauth';

const CLAIM = 'https://authgear.com/claims/user/';
const ANON = 'urn:authgear:params:oauth:grant-type:anonymous-request';
const BIO = 'urn:authgear:params:oauth:grant-type:biometric-request';

interface DeviceKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function deviceKey(kid: string): Promise<DeviceKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid } };
}

describe('SDK helpers for anonymous users, challenges, biometrics and ID-token refresh (spec 13.2, 13.3, 6.5, 6.8, 6.9)', () => {
  let idp: TestIdp;
  let now: () => number;

  beforeAll(async () => {
    idp = await startTestIdp({ editConfig: (doc) => (doc.authentication.identities = ['login_id', 'anonymous', 'biometric']) });
    now = () => idp.ctx.clock.nowSec();
  });
  afterAll(() => idp.dispose());

  const api = (path: string, body: unknown, headers: Record<string, string> = {}) => postJson(`${idp.issuer}${path}`, body, headers);
  const token = async (params: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', headers, body: new URLSearchParams(params) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : text };
  };
  const challenge = async (purpose: string) => (await api('/oauth2/challenge', { purpose })).body.result.token as string;
  const requestJwt = (key: DeviceKey, typ: string, payload: Record<string, unknown>, embed: boolean) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ, ...(embed ? { jwk: key.jwk } : { kid: key.kid }) })
      .setIssuedAt(now())
      .setExpirationTime(now() + 60)
      .sign(key.privateKey);
  const userinfo = async (accessToken: string) => (await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } })).json();

  it('/oauth2/challenge: 32 Crockford base32 characters for 300 s; an unknown purpose is ValidationFailed', async () => {
    const r = await api('/oauth2/challenge', { purpose: 'anonymous_request' });
    expect(r.status).toBe(200);
    expect(r.body.result.token).toMatch(/^[0-9A-HJKMNP-TV-Z]{32}$/);
    expect(Math.round((Date.parse(r.body.result.expire_at) - idp.ctx.clock.nowMs()) / 1000)).toBeGreaterThanOrEqual(299);
    const bad = await api('/oauth2/challenge', { purpose: 'nope' });
    expect(bad).toMatchObject({ status: 400, body: { error: { name: 'Invalid', reason: 'ValidationFailed' } } });
    expect((await api('/oauth2/challenge', {})).body.error.reason).toBe('ValidationFailed');
  });

  it('web anonymous sign-up, refresh_token mode: tokens for a new anonymous user; with its refresh token, the same user again', async () => {
    const r = await api('/api/anonymous_user/signup', { client_id: 'sandbox-spa', session_type: 'refresh_token' });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.result).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
    expect(r.body.result).toMatchObject({ token_type: 'Bearer', expires_in: 1800 });
    const info = await userinfo(r.body.result.access_token);
    expect(info[`${CLAIM}is_anonymous`]).toBe(true);
    expect(info[`${CLAIM}can_reauthenticate`]).toBe(false);
    expect(info[`${CLAIM}identities`]).toEqual([expect.objectContaining({ type: 'anonymous' })]);
    const again = await api('/api/anonymous_user/signup', { client_id: 'sandbox-spa', session_type: 'refresh_token', refresh_token: r.body.result.refresh_token });
    expect(Object.keys(again.body.result).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect((await userinfo(again.body.result.access_token)).sub).toBe(info.sub);
  });

  it('web anonymous sign-up refuses a normal user, an unknown client, a confidential client and a bad body', async () => {
    const normal = await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { signup: 'not-anonymous@example.com' });
    const usersBefore = idp.ctx.store.users.count();
    const r = await api('/api/anonymous_user/signup', { client_id: 'sandbox-spa', session_type: 'refresh_token', refresh_token: normal.refresh_token });
    expect(r).toMatchObject({ status: 400, body: { error: { name: 'Invalid', reason: 'Invalid', message: 'user logged in as normal user' } } });
    expect((await api('/api/anonymous_user/signup', { client_id: 'nope', session_type: 'refresh_token' })).body.error.message).toBe('invalid client ID');
    expect((await api('/api/anonymous_user/signup', { client_id: 'sandbox-webapp', session_type: 'refresh_token' })).body.error.message).toMatch(/^Anonymous user is not supported/);
    expect((await api('/api/anonymous_user/signup', { session_type: 'refresh_token' })).body.error.reason).toBe('ValidationFailed');
    expect((await api('/api/anonymous_user/signup', { session_type: 'other' })).body.error.reason).toBe('ValidationFailed');
    expect((await api('/api/anonymous_user/signup', [{ session_type: 'cookie' }])).body.error.reason).toBe('ValidationFailed');
    const huge = await api('/api/anonymous_user/signup', { session_type: 'cookie', pad: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.body.error).toMatchObject({ name: 'RequestEntityTooLarge', code: 413 });
    // Nothing of that created a user.
    expect(idp.ctx.store.users.count()).toBe(usersBefore);
  });

  it('web anonymous sign-up, cookie mode: an IdP session cookie and {"result":{}}; the same browser keeps its user', async () => {
    const r = await fetch(`${idp.issuer}/api/anonymous_user/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session_type: 'cookie' }) });
    expect(await r.json()).toEqual({ result: {} });
    const session = r.headers.getSetCookie().find((c) => c.startsWith('session='))!.split(';')[0];
    const info = await (await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { cookie: session } })).json();
    expect(info[`${CLAIM}is_anonymous`]).toBe(true);
    const again = await fetch(`${idp.issuer}/api/anonymous_user/signup`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: session }, body: JSON.stringify({ session_type: 'cookie' }) });
    expect(await again.json()).toEqual({ result: {} });
    expect(again.headers.getSetCookie().some((c) => c.startsWith('session='))).toBe(false);
  });

  it('anonymous users are refused when authentication.identities does not list anonymous', async () => {
    const off = await startTestIdp();
    try {
      const r = await postJson(`${off.issuer}/api/anonymous_user/signup`, { client_id: 'sandbox-spa', session_type: 'refresh_token' });
      expect(r).toMatchObject({ status: 400, body: { error: { name: 'Invalid', message: 'anonymous user disallowed' } } });
      const key = await deviceKey('off-device-key-1');
      const c = (await postJson(`${off.issuer}/oauth2/challenge`, { purpose: 'anonymous_request' })).body.result.token;
      const jwt = await new SignJWT({ challenge: c, action: 'auth' }).setProtectedHeader({ alg: 'RS256', typ: 'vnd.authgear.anonymous-request', jwk: key.jwk }).setIssuedAt().setExpirationTime('1m').sign(key.privateKey);
      const t = await fetch(`${off.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: ANON, client_id: 'sandbox-spa', jwt }) });
      expect(await t.json()).toEqual({ error: 'unauthorized_client', error_description: 'AnonymousUserDisallowed' });
    } finally {
      await off.dispose();
    }
  });

  it('promotion: a code for the anonymous user, then sign-up pages on /flows/promote_user keep the same user id', async () => {
    const anon = (await api('/api/anonymous_user/signup', { client_id: 'sandbox-spa', session_type: 'refresh_token' })).body.result;
    const sub = (await userinfo(anon.access_token)).sub;
    const code = await api('/api/anonymous_user/promotion_code', { session_type: 'refresh_token', refresh_token: anon.refresh_token });
    expect(code.status).toBe(200);
    expect(code.body.result.promotion_code).toMatch(/^[A-Za-z0-9]{32}$/);

    const agent = new Agent(idp.issuer);
    const { verifier, challenge: pkce } = pkcePair();
    const q = new URLSearchParams({
      client_id: 'sandbox-spa', redirect_uri: SPA_REDIRECT, response_type: 'code', scope: 'openid offline_access https://authgear.com/scopes/full-access',
      code_challenge: pkce, code_challenge_method: 'S256', prompt: 'login', x_sso_enabled: 'false', x_suppress_idp_session_cookie: 'true',
      login_hint: `https://authgear.com/login_hint?type=anonymous&promotion_code=${encodeURIComponent(code.body.result.promotion_code)}`,
    });
    let page = await agent.follow(`${idp.issuer}/oauth2/authorize?${q}`);
    expect(new URL(page.url).pathname).toBe('/flows/promote_user');
    expect(page.body).toContain('Save your account');
    page = await submit(agent, page.body, { email: 'promoted@example.com' });
    page = await submit(agent, page.body, { code: await latestCode(idp.issuer, 'promoted@example.com') });
    page = await submit(agent, page.body, { new_password: 'password-1234' });
    const cb = new URL(page.url);
    expect(cb.origin + cb.pathname).toBe(SPA_REDIRECT);
    const t = await token({ grant_type: 'authorization_code', client_id: 'sandbox-spa', code: cb.searchParams.get('code')!, redirect_uri: SPA_REDIRECT, code_verifier: verifier });
    const info = await userinfo(t.body.access_token);
    expect(info.sub).toBe(sub);
    expect(info.email).toBe('promoted@example.com');
    expect(info[`${CLAIM}is_anonymous`]).toBe(false);
    expect(info[`${CLAIM}identities`]).toEqual([expect.objectContaining({ type: 'login_id', login_id_type: 'email' })]);
    // The code was used up; the anonymous refresh token belongs to a normal user now.
    const reuse = await agent.follow(`${idp.issuer}/oauth2/authorize?${q}`);
    expect(reuse.res.status).toBe(401);
    expect((await api('/api/anonymous_user/promotion_code', { session_type: 'refresh_token', refresh_token: anon.refresh_token })).body.error.message).toBe('user logged in as normal user');
  });

  it('promotion is not a public sign-up: it works when public sign-up is disabled', async () => {
    const closed = await startTestIdp({
      editConfig: (doc) => {
        doc.authentication.identities = ['login_id', 'anonymous'];
        doc.authentication.public_signup_disabled = true;
      },
    });
    try {
      const anon = (await postJson(`${closed.issuer}/api/anonymous_user/signup`, { client_id: 'sandbox-spa', session_type: 'refresh_token' })).body.result;
      const code = (await postJson(`${closed.issuer}/api/anonymous_user/promotion_code`, { session_type: 'refresh_token', refresh_token: anon.refresh_token })).body.result.promotion_code;
      const flows = new FlowClient(closed.issuer, closed.consoleToken);
      expect((await flows.create('signup')).body.error.reason).toBe('AuthenticationFlowNoPublicSignup');
      const r = await flows.create('promote', { url_query: new URLSearchParams({ login_hint: `https://authgear.com/login_hint?type=anonymous&promotion_code=${code}` }).toString() });
      expect(r.body.result.action.type).toBe('identify');
    } finally {
      await closed.dispose();
    }
  });

  it('promotion codes need a session: none → 401 Unauthorized; a bad refresh token → 403', async () => {
    expect((await api('/api/anonymous_user/promotion_code', { session_type: 'refresh_token' })).body.error).toMatchObject({ name: 'Unauthorized', message: 'authentication required', code: 401 });
    expect((await api('/api/anonymous_user/promotion_code', { session_type: 'cookie' })).status).toBe(401);
    expect((await api('/api/anonymous_user/promotion_code', { session_type: 'refresh_token', refresh_token: 'x.y' })).body.error).toMatchObject({ name: 'Forbidden', code: 403 });
  });

  it('anonymous-request grant: a new device key makes a user, the same key (by kid) signs it in again', async () => {
    const key = await deviceKey('device-key-0001');
    const first = await token({ grant_type: ANON, client_id: 'sandbox-spa', jwt: await requestJwt(key, 'vnd.authgear.anonymous-request', { challenge: await challenge('anonymous_request'), action: 'auth' }, true) });
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'token_type']);
    expect(jwtClaims(first.body.id_token)[`${CLAIM}is_anonymous`]).toBe(true);
    const second = await token({ grant_type: ANON, client_id: 'sandbox-spa', jwt: await requestJwt(key, 'vnd.authgear.anonymous-request', { challenge: await challenge('anonymous_request'), action: 'auth' }, false) });
    expect(jwtClaims(second.body.id_token).sub).toBe(jwtClaims(first.body.id_token).sub);
  });

  it('anonymous-request grant refuses a used challenge, a wrong purpose, a foreign signature, alg none and a missing jwt', async () => {
    const key = await deviceKey('device-key-0002');
    const c = await challenge('anonymous_request');
    const jwt = await requestJwt(key, 'vnd.authgear.anonymous-request', { challenge: c, action: 'auth' }, true);
    expect((await token({ grant_type: ANON, client_id: 'sandbox-spa', jwt })).status).toBe(200);
    const invalid = { error: 'invalid_grant', error_description: 'InvalidCredentials' };
    expect((await token({ grant_type: ANON, client_id: 'sandbox-spa', jwt })).body).toEqual(invalid);
    const wrongPurpose = await requestJwt(key, 'vnd.authgear.anonymous-request', { challenge: await challenge('biometric_request'), action: 'auth' }, false);
    expect((await token({ grant_type: ANON, client_id: 'sandbox-spa', jwt: wrongPurpose })).body).toEqual(invalid);
    // Signed by another key, claiming the registered kid.
    const thief = await deviceKey('device-key-0002');
    const forged = await requestJwt(thief, 'vnd.authgear.anonymous-request', { challenge: await challenge('anonymous_request'), action: 'auth' }, false);
    expect((await token({ grant_type: ANON, client_id: 'sandbox-spa', jwt: forged })).body).toEqual(invalid);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'vnd.authgear.anonymous-request', kid: 'device-key-0002' })).toString('base64url')}.${Buffer.from(JSON.stringify({ challenge: await challenge('anonymous_request'), action: 'auth', iat: now(), exp: now() + 60 })).toString('base64url')}.`;
    expect((await token({ grant_type: ANON, client_id: 'sandbox-spa', jwt: none })).body).toEqual(invalid);
    const expired = await new SignJWT({ challenge: await challenge('anonymous_request'), action: 'auth' }).setProtectedHeader({ alg: 'RS256', typ: 'vnd.authgear.anonymous-request', kid: key.kid }).setIssuedAt(now() - 3600).setExpirationTime(now() - 1800).sign(key.privateKey);
    expect((await token({ grant_type: ANON, client_id: 'sandbox-spa', jwt: expired })).body).toEqual(invalid);
    expect((await token({ grant_type: ANON, client_id: 'sandbox-spa' })).body).toEqual({ error: 'invalid_request', error_description: 'jwt is required' });
    expect((await token({ grant_type: ANON, client_id: 'sandbox-webapp', client_secret: 'x', jwt })).body.error).toBe('unauthorized_client');
  });

  it('promote through the Authentication Flow API with a login hint carrying a promote JWT of the device key', async () => {
    const key = await deviceKey('device-key-0003');
    const first = await token({ grant_type: ANON, client_id: 'sandbox-spa', jwt: await requestJwt(key, 'vnd.authgear.anonymous-request', { challenge: await challenge('anonymous_request'), action: 'auth' }, true) });
    const sub = jwtClaims(first.body.id_token).sub;
    const promote = await requestJwt(key, 'vnd.authgear.anonymous-request', { challenge: await challenge('anonymous_request'), action: 'promote' }, false);
    const flows = new FlowClient(idp.issuer, idp.consoleToken);
    let r = await flows.create('promote', { url_query: new URLSearchParams({ login_hint: `https://authgear.com/login_hint?type=anonymous&jwt=${promote}` }).toString() });
    expect(r.body.result.action.type).toBe('identify');
    r = await flows.input(r.body.result.state_token, { identification: 'email', login_id: 'jwt-promoted@example.com' });
    r = await flows.input(r.body.result.state_token, { code: await flows.latestCode('jwt-promoted@example.com') });
    r = await flows.input(r.body.result.state_token, { authentication: 'primary_password', new_password: 'password-1234' });
    expect(r.body.result.action.type).toBe('finished');
    const identities = idp.ctx.store.identities.listByUser(sub).map((i) => i.type);
    expect(identities).toEqual(['login_id']);
    // Without a usable hint the flow cannot start.
    const bad = await flows.create('promote');
    expect(bad.body.error).toMatchObject({ reason: 'InvalidCredentials' });
  });

  it('biometric-request: setup needs a session, then the device key signs the user in with amr x_biometric', async () => {
    const user = await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { signup: 'biometric@example.com' });
    const key = await deviceKey('bio-key-000001');
    const device_info = { ios: { uname: { machine: 'iPhone14,2' } } };
    const setupJwt = async () => requestJwt(key, 'vnd.authgear.biometric-request', { challenge: await challenge('biometric_request'), action: 'setup', device_info }, true);
    const anonymousSetup = await token({ grant_type: BIO, client_id: 'sandbox-spa', jwt: await setupJwt() });
    expect(anonymousSetup).toEqual({ status: 401, body: { error: 'invalid_grant', error_description: 'biometric setup requires authenticated user' } });
    const setup = await token({ grant_type: BIO, client_id: 'sandbox-spa', jwt: await setupJwt() }, { authorization: `Bearer ${user.access_token}` });
    expect(setup).toEqual({ status: 200, body: '' });
    const auth = await token({ grant_type: BIO, client_id: 'sandbox-spa', jwt: await requestJwt(key, 'vnd.authgear.biometric-request', { challenge: await challenge('biometric_request'), action: 'authenticate' }, false) });
    expect(auth.status).toBe(200);
    const claims = jwtClaims(auth.body.id_token);
    expect(claims.sub).toBe(jwtClaims(user.id_token).sub);
    expect(claims.amr).toEqual(['x_biometric']);
    expect((await token({ grant_type: BIO, client_id: 'sandbox-spa', jwt: await requestJwt(key, 'vnd.authgear.biometric-request', { challenge: await challenge('biometric_request'), action: 'dance' }, false) })).body).toEqual({ error: 'invalid_request', error_description: 'invalid action: dance' });
    // A second biometric sign-in replaces the first one's grant.
    const again = await token({ grant_type: BIO, client_id: 'sandbox-spa', jwt: await requestJwt(key, 'vnd.authgear.biometric-request', { challenge: await challenge('biometric_request'), action: 'authenticate' }, false) });
    expect(again.status).toBe(200);
    expect((await token({ grant_type: 'refresh_token', client_id: 'sandbox-spa', refresh_token: auth.body.refresh_token })).body.error).toBe('invalid_grant');
  });

  it('id-token grant: a fresh ID token for the Bearer session, without PII; no session is 401', async () => {
    const user = await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { signup: 'idtoken@example.com' });
    const r = await token({ grant_type: 'urn:authgear:params:oauth:grant-type:id-token', client_id: 'sandbox-spa' }, { authorization: `Bearer ${user.access_token}` });
    expect(Object.keys(r.body)).toEqual(['id_token']);
    const before = jwtClaims(user.id_token);
    const after = jwtClaims(r.body.id_token);
    expect(after).toMatchObject({ sub: before.sub, sid: before.sid, auth_time: before.auth_time, aud: ['sandbox-spa'] });
    expect(after.email).toBeUndefined();
    expect(after[`${CLAIM}can_reauthenticate`]).toBe(true);
    const none = await token({ grant_type: 'urn:authgear:params:oauth:grant-type:id-token', client_id: 'sandbox-spa' });
    expect(none).toEqual({ status: 401, body: { error: 'invalid_grant', error_description: 'valid session is required' } });
    const confidential = await token({ grant_type: 'urn:authgear:params:oauth:grant-type:id-token', client_id: 'sandbox-webapp', client_secret: 'x' }, { authorization: `Bearer ${user.access_token}` });
    expect(confidential.body).toEqual({ error: 'unauthorized_client', error_description: 'this client may not refresh id token' });
  });
});
