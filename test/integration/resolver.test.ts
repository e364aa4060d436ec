import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestIdp, addClient, type TestIdp } from '../helpers/idp';
import { Agent, signInThroughPages } from '../helpers/agent';
import { pkcePair } from '../helpers/pkce';

const REDIRECT = 'http://localhost:3000/auth-redirect';

describe('/_resolver/resolve answers who is calling in X-Authgear-* headers', () => {
  let idp: TestIdp;
  let agent: Agent;
  let jwt: string;
  let opaque: string;
  let refresh: string;

  async function tokens(client: string) {
    const { verifier, challenge } = pkcePair();
    const q = new URLSearchParams({ client_id: client, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid offline_access', code_challenge: challenge, code_challenge_method: 'S256' });
    const cb = (await agent.follow(`${idp.issuer}/oauth2/authorize?${q}`)).url;
    const res = await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', client_id: client, code: new URL(cb).searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier }) });
    return res.json();
  }

  beforeAll(async () => {
    idp = await startTestIdp({ editConfig: (doc) => addClient(doc, { client_id: 'opaque', name: 'Opaque', x_application_type: 'spa', redirect_uris: [REDIRECT], issue_jwt_access_token: false }) });
    agent = new Agent(idp.issuer);
    const q = new URLSearchParams({ client_id: 'sandbox-spa', redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
    await signInThroughPages(agent, `${idp.issuer}/oauth2/authorize?${q}`, { email: 'resolver@example.com', password: 'password-1234' }, 'signup');
    const t = await tokens('sandbox-spa');
    jwt = t.access_token;
    refresh = t.refresh_token;
    opaque = (await tokens('opaque')).access_token;
  });
  afterAll(() => idp.dispose());

  const resolve = async (headers: Record<string, string>, method = 'GET') => {
    const res = await fetch(`${idp.issuer}/_resolver/resolve`, { method, headers });
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (k.startsWith('x-authgear-')) out[k] = v;
    });
    return { status: res.status, body: await res.text(), headers: out, setCookie: res.headers.getSetCookie() };
  };

  it('with no credentials: 200 and none of the headers', async () => {
    const r = await resolve({});
    expect(r).toMatchObject({ status: 200, body: '', headers: {} });
  });

  it('with a JWT access token, an opaque one, or the IdP session cookie: every header in its format', async () => {
    const credentials: Record<string, string>[] = [{ authorization: `Bearer ${jwt}` }, { authorization: `Bearer ${opaque}` }, { cookie: `session=${agent.cookies.get('session')}` }];
    for (const headers of credentials) {
      const r = await resolve(headers);
      expect(r.status).toBe(200);
      expect(r.body).toBe('');
      expect(r.headers).toEqual({
        'x-authgear-session-valid': 'true',
        'x-authgear-user-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
        'x-authgear-user-anonymous': 'false',
        'x-authgear-user-verified': 'true',
        'x-authgear-user-can-reauthenticate': 'true',
        'x-authgear-session-amr': 'pwd x_primary_password',
        'x-authgear-session-authenticated-at': expect.stringMatching(/^\d{10}$/),
      });
      expect(r.headers['x-authgear-user-roles']).toBeUndefined(); // no roles: header absent
    }
    expect((await fetch(`${idp.issuer}/resolve`, { headers: { authorization: `Bearer ${jwt}` } })).headers.get('x-authgear-session-valid')).toBe('true');
    expect((await resolve({ authorization: `Bearer ${jwt}` }, 'HEAD')).headers['x-authgear-session-valid']).toBe('true');
  });

  it('with garbage, a forged token or a bad cookie: only X-Authgear-Session-Valid: false (and the cookie cleared)', async () => {
    expect((await resolve({ authorization: 'Bearer garbage' })).headers).toEqual({ 'x-authgear-session-valid': 'false' });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${jwt.split('.')[1]}.`;
    expect((await resolve({ authorization: `Bearer ${none}` })).headers).toEqual({ 'x-authgear-session-valid': 'false' });
    const bad = await resolve({ cookie: 'session=nope.nope' });
    expect(bad.headers).toEqual({ 'x-authgear-session-valid': 'false' });
    expect(bad.setCookie.join('\n')).toMatch(/^session=;/m);
  });

  it('reads a revoked session as invalid at once, while the JWT still verifies offline', async () => {
    await fetch(`${idp.issuer}/oauth2/revoke`, { method: 'POST', body: new URLSearchParams({ token: refresh }) });
    expect((await resolve({ authorization: `Bearer ${jwt}` })).headers).toEqual({ 'x-authgear-session-valid': 'false' });
  });

  it('reads a disabled user as invalid', async () => {
    const userId = idp.ctx.store.identities.findByLoginId('email', 'resolver@example.com')!.userId;
    await idp.ctx.store.db.write(() => idp.ctx.store.users.setDisabled(userId, true, null, idp.ctx.clock.nowMs()));
    expect((await resolve({ authorization: `Bearer ${opaque}` })).headers).toEqual({ 'x-authgear-session-valid': 'false' });
  });
});
