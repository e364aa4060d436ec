import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { SignJWT, UnsecuredJWT } from 'jose';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { Agent, signInThroughPages } from '../helpers/agent';
import { pkcePair } from '../helpers/pkce';

const SPA = 'sandbox-spa';
const REDIRECT = 'http://localhost:3000/auth-redirect';

describe('OAuth failures answer exactly as Authgear does', () => {
  let idp: TestIdp;
  let agent: Agent;
  let webSecret: string;

  /** A browser with a live IdP session: authorize returns a code without any page. */
  async function code(extra: Record<string, string> = {}) {
    const { verifier, challenge } = pkcePair();
    const q = new URLSearchParams({ client_id: SPA, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid offline_access', code_challenge: challenge, code_challenge_method: 'S256', ...extra });
    const r = await agent.follow(`/oauth2/authorize?${q}`);
    const c = new URL(r.url).searchParams.get('code');
    if (!c) throw new Error(`no code: ${r.url}`);
    return { code: c, verifier };
  }

  async function token(form: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) });
    return { status: res.status, headers: res.headers, body: await res.json() };
  }

  const exchange = (c: { code: string; verifier: string }, extra: Record<string, string> = {}) =>
    token({ grant_type: 'authorization_code', client_id: SPA, code: c.code, redirect_uri: REDIRECT, code_verifier: c.verifier, ...extra });

  beforeAll(async () => {
    idp = await startTestIdp();
    agent = new Agent(idp.issuer);
    const { challenge } = pkcePair();
    const q = new URLSearchParams({ client_id: SPA, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    await signInThroughPages(agent, `${idp.issuer}/oauth2/authorize?${q}`, { email: 'errors@example.com', password: 'password-1234' }, 'signup');
    const overview = await (await fetch(`${idp.issuer}/_sandbox/api/overview`, { headers: { authorization: `Bearer ${idp.consoleToken}` } })).json();
    webSecret = overview.clients.find((c: any) => c.client_id === 'sandbox-webapp').client_secret;
  });
  afterAll(() => idp.dispose());

  describe('authorization endpoint', () => {
    async function authorize(params: Record<string, string>) {
      const res = await fetch(`${idp.issuer}/oauth2/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
      return { status: res.status, type: res.headers.get('content-type'), location: res.headers.get('location'), body: await res.text() };
    }
    const base = () => ({ client_id: SPA, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256', state: 'st' });

    it('an unknown client is a plain-text 400, never a redirect', async () => {
      const r = await authorize({ ...base(), client_id: 'nope' });
      expect(r.status).toBe(400);
      expect(r.type).toBe('text/plain; charset=utf-8');
      expect(r.location).toBeNull();
      expect(r.body).toBe('Invalid OAuth authorization request:\nerror: unauthorized_client\nerror_description: invalid client ID\n');
    });

    for (const [name, uri] of [
      ['an unregistered redirect_uri', 'https://evil.example/cb'],
      ['an altered redirect_uri (trailing slash)', `${REDIRECT}/`],
      ['an altered redirect_uri (extra query)', `${REDIRECT}?x=1`],
      ['an altered redirect_uri (other port)', 'http://localhost:3001/auth-redirect'],
    ]) {
      it(`${name} is a plain-text 400 and nothing is redirected`, async () => {
        const r = await authorize({ ...base(), redirect_uri: uri });
        expect(r.status).toBe(400);
        expect(r.location).toBeNull();
        expect(r.body).toBe('Invalid OAuth authorization request:\nerror: invalid_request\nerror_description: redirect URI is not allowed\n');
      });
    }

    it('a missing redirect_uri with several registered is refused', async () => {
      const { redirect_uri, ...rest } = base();
      void redirect_uri;
      const r = await authorize(rest);
      expect(r.status).toBe(400);
      expect(r.body).toContain('error_description: redirect URI is not allowed');
    });

    it('code_challenge_method=plain is redirected as invalid_request', async () => {
      const r = await authorize({ ...base(), code_challenge_method: 'plain' });
      expect(r.status).toBe(303);
      expect(r.location).toBe(`${REDIRECT}?error=invalid_request&error_description=only+%27S256%27+PKCE+transform+is+supported&state=st`);
      expect(r.type).toBe('text/html; charset=utf-8');
    });

    it('an absent code_challenge_method is an error too (unlike RFC 7636)', async () => {
      const { code_challenge_method, ...rest } = base();
      void code_challenge_method;
      const r = await authorize(rest);
      expect(r.location).toContain('error_description=only+%27S256%27+PKCE+transform+is+supported');
    });

    it('a public client without PKCE is redirected as invalid_request', async () => {
      const { code_challenge, code_challenge_method, ...rest } = base();
      void code_challenge, code_challenge_method;
      const r = await authorize(rest);
      expect(r.location).toBe(`${REDIRECT}?error=invalid_request&error_description=PKCE+code+challenge+is+required+for+public+clients&state=st`);
    });

    it('a missing openid scope is invalid_scope', async () => {
      const r = await authorize({ ...base(), scope: 'email' });
      expect(r.location).toBe(`${REDIRECT}?error=invalid_scope&error_description=must+request+%27openid%27+scope&state=st`);
    });

    it('an unknown scope is invalid_scope naming it', async () => {
      const r = await authorize({ ...base(), scope: 'openid admin' });
      expect(r.location).toContain('error=invalid_scope&error_description=specified+scope+is+not+allowed%3A+admin');
    });

    it('response_type=token is unsupported_response_type; an unknown one is unauthorized_client', async () => {
      expect((await authorize({ ...base(), response_type: 'token' })).location).toContain('error=unsupported_response_type&error_description=response_type%3A+token+is+not+supported');
      expect((await authorize({ ...base(), response_type: 'id_token' })).location).toContain('error=unauthorized_client&error_description=response+type+is+not+allowed+for+this+client');
    });

    it('prompt=none with other values, or with max_age, is invalid_request', async () => {
      expect((await authorize({ ...base(), prompt: 'none login' })).location).toContain('error_description=prompt+cannot+have+other+values+when+none+is+set');
      expect((await authorize({ ...base(), prompt: 'none', max_age: '10' })).location).toContain('max_age+could+imply+prompt%3Dlogin');
    });

    it('a plain e-mail login_hint is rejected', async () => {
      const r = await authorize({ ...base(), login_hint: 'ada@example.com' });
      expect(r.location).toContain('error=invalid_request&error_description=invalid+login_hint%3A+ada%40example.com');
    });

    it('an unknown response_mode is a plain-text 400', async () => {
      const bad = await authorize({ ...base(), scope: 'email', response_mode: 'jwt' });
      expect(bad.status).toBe(400);
      expect(bad.body).toBe('oauth: invalid response_mode jwt\n');
    });

    it('response_mode=fragment and form_post deliver errors their way', async () => {
      const frag = await authorize({ ...base(), scope: 'email', response_mode: 'fragment' });
      expect(frag.location).toBe(`${REDIRECT}#error=invalid_scope&error_description=must+request+%27openid%27+scope&state=st`);
      const post = await authorize({ ...base(), scope: 'email', response_mode: 'form_post' });
      expect(post.status).toBe(200);
      expect(post.body).toContain(`<form method="post" action="${REDIRECT}">`);
      expect(post.body).toContain('<input type="hidden" name="error" value="invalid_scope">');
    });

    it("an id_token_hint signed with alg 'none' is refused", async () => {
      const forged = new UnsecuredJWT({ sub: 'x', aud: SPA }).setIssuer(idp.issuer).encode();
      const r = await authorize({ ...base(), id_token_hint: forged });
      expect(r.location).toContain('error=invalid_request&error_description=invalid+id_token_hint');
    });
  });

  describe('token endpoint', () => {
    it('sets no-store on errors too', async () => {
      const r = await token({ grant_type: 'authorization_code', client_id: 'nope' });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: 'invalid_client', error_description: 'invalid client ID' });
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('pragma')).toBe('no-cache');
    });

    it('an unsupported grant_type is unsupported_grant_type', async () => {
      expect((await token({ grant_type: 'password', client_id: SPA })).body).toEqual({ error: 'unsupported_grant_type', error_description: 'grant type is not supported' });
    });

    it('a missing code_verifier is invalid_request; a wrong one is invalid_grant and does not burn the code', async () => {
      const c = await code();
      const missing = await exchange(c, { code_verifier: '' });
      expect(missing.body).toEqual({ error: 'invalid_request', error_description: 'PKCE code verifier is required' });
      const wrong = await exchange({ ...c, verifier: pkcePair().verifier });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toEqual({ error: 'invalid_grant', error_description: 'invalid authorization code' });
      expect((await exchange(c)).status).toBe(200);
    });

    it('a malformed x_device_info is invalid_request; a valid one is accepted', async () => {
      const c = await code();
      expect((await exchange(c, { x_device_info: 'not base64!' })).body).toEqual({ error: 'invalid_request', error_description: 'invalid x_device_info' });
      expect((await exchange(c, { x_device_info: Buffer.from('[1]').toString('base64url') })).body.error).toBe('invalid_request');
      const ok = await exchange(c, { x_device_info: Buffer.from(JSON.stringify({ ios: { uname: { machine: 'iPhone13,1' } } })).toString('base64url') });
      expect(ok.status).toBe(200);
    });

    it('a different redirect_uri at the token endpoint is invalid_request', async () => {
      const c = await code();
      expect((await exchange(c, { redirect_uri: 'http://localhost:3000/' })).body).toEqual({ error: 'invalid_request', error_description: 'invalid redirect URI' });
    });

    it('a reused code is invalid_grant and revokes the tokens issued from it', async () => {
      const c = await code();
      const first = await exchange(c);
      expect(first.status).toBe(200);
      const userinfo = () => fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${first.body.access_token}` } });
      expect((await userinfo()).status).toBe(200);
      const second = await exchange(c);
      expect(second.body).toEqual({ error: 'invalid_grant', error_description: 'invalid authorization code' });
      expect((await userinfo()).status).toBe(401);
      const refresh = await token({ grant_type: 'refresh_token', client_id: SPA, refresh_token: first.body.refresh_token });
      expect(refresh.body).toEqual({ error: 'invalid_grant', error_description: 'invalid refresh token' });
    });

    it('an expired code (clock moved past 300 s) is invalid_grant', async () => {
      const c = await code();
      idp.ctx.clock.advance(301_000);
      try {
        expect((await exchange(c)).body).toEqual({ error: 'invalid_grant', error_description: 'invalid authorization code' });
      } finally {
        idp.ctx.clock.advance(-301_000);
      }
    });

    it('a wrong client secret is invalid_request; a missing one is invalid_client', async () => {
      const wrong = await token({ grant_type: 'authorization_code', client_id: 'sandbox-webapp', client_secret: 'wrong', code: 'x', redirect_uri: 'http://localhost:3000/auth/callback' });
      expect(wrong.body).toEqual({ error: 'invalid_grant', error_description: 'invalid authorization code' });
      const missing = await token({ grant_type: 'authorization_code', client_id: 'sandbox-webapp', code: 'x' });
      expect(missing.body).toEqual({ error: 'invalid_client', error_description: 'client secret is required' });
      const basic = `Basic ${Buffer.from(`sandbox-webapp:${encodeURIComponent('wrong')}`).toString('base64')}`;
      const cc = await token({ grant_type: 'client_credentials', resource: 'https://api.example.com' }, { authorization: basic });
      expect(cc.body).toEqual({ error: 'invalid_request', error_description: 'invalid client secret' });
      const ok = `Basic ${Buffer.from(`sandbox-webapp:${encodeURIComponent(webSecret)}`).toString('base64')}`;
      const unknown = await token({ grant_type: 'client_credentials', resource: 'https://api.example.com' }, { authorization: ok });
      expect(unknown.body).toEqual({ error: 'invalid_target', error_description: 'resource not found' });
    });

    it('a refresh from a confidential client without its secret is refused (stricter than upstream)', async () => {
      const redirect_uri = 'http://localhost:3000/auth/callback';
      const q = new URLSearchParams({ client_id: 'sandbox-webapp', redirect_uri, response_type: 'code', scope: 'openid offline_access' });
      const c = new URL((await agent.follow(`/oauth2/authorize?${q}`)).url).searchParams.get('code')!;
      const t = await token({ grant_type: 'authorization_code', client_id: 'sandbox-webapp', client_secret: webSecret, code: c, redirect_uri });
      expect(t.status).toBe(200);
      const without = await token({ grant_type: 'refresh_token', client_id: 'sandbox-webapp', refresh_token: t.body.refresh_token });
      expect(without.body).toEqual({ error: 'invalid_client', error_description: 'client secret is required' });
      const wrong = await token({ grant_type: 'refresh_token', client_id: 'sandbox-webapp', client_secret: 'nope', refresh_token: t.body.refresh_token });
      expect(wrong.body).toEqual({ error: 'invalid_request', error_description: 'invalid client secret' });
      const ok = await token({ grant_type: 'refresh_token', client_id: 'sandbox-webapp', client_secret: webSecret, refresh_token: t.body.refresh_token });
      expect(ok.status).toBe(200);
    });

    it('client_credentials is not allowed for a SPA', async () => {
      const r = await token({ grant_type: 'client_credentials', client_id: SPA, resource: 'https://api.example.com', client_secret: 'x' });
      expect(r.body).toEqual({ error: 'unauthorized_client', error_description: 'grant type is not allowed for this client' });
    });

    it('a malformed refresh token is invalid_grant', async () => {
      for (const rt of ['nodot', '.x', 'x.', '00000000-0000-4000-8000-000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
        expect((await token({ grant_type: 'refresh_token', client_id: SPA, refresh_token: rt })).body).toEqual({ error: 'invalid_grant', error_description: 'invalid refresh token' });
      }
    });

    it('a refresh token used by another client is invalid_request', async () => {
      const c = await code();
      const t = await exchange(c);
      const r = await token({ grant_type: 'refresh_token', client_id: 'sandbox-webapp', client_secret: webSecret, refresh_token: t.body.refresh_token });
      expect(r.body).toEqual({ error: 'invalid_request', error_description: "client id doesn't match the refresh token" });
    });

    it('a huge body is refused with 413 and changes nothing', async () => {
      const res = await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a='.padEnd(2 * 1024 * 1024, 'x') });
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'request body too large' });
    });

    it('a JSON body is not read as parameters', async () => {
      const res = await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":' });
      expect(res.status).toBe(400);
      expect((await res.json()).error).toBe('invalid_request');
    });
  });

  describe('tokens the IdP did not issue', () => {
    it("an access token with alg 'none', a forged RS256 signature or an expired one reads as no session", async () => {
      const c = await code();
      const t = (await exchange(c)).body;
      const [, payload] = t.access_token.split('.');
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
      const { generateKeyPair } = await import('jose');
      const { privateKey } = await generateKeyPair('RS256');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: JSON.parse(Buffer.from(t.access_token.split('.')[0], 'base64url').toString()).kid }).sign(privateKey);
      for (const bad of [none, forged, 'garbage', `${t.access_token}x`]) {
        const res = await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${bad}` } });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_grant", error_description="invalid session"');
        expect(await res.json()).toEqual({ error: 'invalid_grant', error_description: 'invalid session' });
      }
      idp.ctx.clock.advance(1801_000);
      try {
        const res = await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${t.access_token}` } });
        expect(res.status).toBe(401);
      } finally {
        idp.ctx.clock.advance(-1801_000);
      }
      const res = await fetch(`${idp.issuer}/oauth2/userinfo`, { method: 'POST', headers: { authorization: `Bearer ${t.access_token}` } });
      expect(res.status).toBe(200);
    });
  });

  describe('transport', () => {
    it('a foreign Host header is refused (DNS rebinding)', async () => {
      const { request } = await import('node:http');
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const r = request({ host: '127.0.0.1', port: idp.port, path: '/.well-known/openid-configuration', headers: { host: 'evil.example' } }, (m) => {
          let body = '';
          m.on('data', (d) => (body += d));
          m.on('end', () => resolve({ status: m.statusCode!, body }));
        });
        r.on('error', reject);
        r.end();
      });
      expect(res.status).toBe(400);
      expect(res.body).toBe('invalid Host header: evil.example\n');
    });

    it('discovery and JWKS use the star CORS policy without no-store', async () => {
      const res = await fetch(`${idp.issuer}/.well-known/openid-configuration`, { headers: { origin: 'https://anywhere.example' } });
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('cache-control')).toBeNull();
      const pre = await fetch(`${idp.issuer}/oauth2/jwks`, { method: 'OPTIONS', headers: { origin: 'https://x.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-foo' } });
      expect(pre.status).toBe(200);
      expect(pre.headers.get('access-control-allow-methods')).toBe('GET');
      expect(pre.headers.get('access-control-allow-headers')).toBe('x-foo');
      expect(pre.headers.get('access-control-max-age')).toBe('900');
    });

    it('the token endpoint allows registered app origins with credentials, and nothing else', async () => {
      const ok = await fetch(`${idp.issuer}/oauth2/token`, { method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
      expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
      expect(ok.headers.get('vary')).toBe('Origin');
      const no = await fetch(`${idp.issuer}/oauth2/token`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      expect(no.status).toBe(200);
      expect(no.headers.get('access-control-allow-origin')).toBeNull();
      expect(no.headers.get('vary')).toBe('Origin');
    });

    it('both discovery documents are identical and list what the spec lists', async () => {
      const a = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json();
      const b = await (await fetch(`${idp.issuer}/.well-known/oauth-authorization-server`)).json();
      expect(a).toEqual(b);
      expect(a.issuer).toBe(idp.issuer);
      expect(a.code_challenge_methods_supported).toEqual(['S256']);
      expect(a.response_modes_supported).toEqual(['query', 'fragment', 'form_post']);
      expect(a).not.toHaveProperty('introspection_endpoint');
      expect(a).not.toHaveProperty('acr_values_supported');
    });

    it('the console API needs the console token', async () => {
      const res = await fetch(`${idp.issuer}/_sandbox/api/overview`);
      expect(res.status).toBe(401);
      expect((await res.json()).error).toMatchObject({ name: 'Unauthorized', reason: 'ConsoleTokenRequired', code: 401 });
    });
  });
});
