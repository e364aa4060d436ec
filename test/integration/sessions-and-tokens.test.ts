import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestIdp, addClient, type TestIdp } from '../helpers/idp';
import { Agent, signInThroughPages } from '../helpers/agent';
import { pkcePair } from '../helpers/pkce';

const DAY = 86_400_000;

describe('sessions, lifetimes and token formats on the injectable clock', () => {
  let idp: TestIdp;

  beforeAll(async () => {
    idp = await startTestIdp({
      editConfig: (doc) => {
        addClient(doc, { client_id: 'opaque', name: 'Opaque', x_application_type: 'spa', redirect_uris: ['http://localhost:3000/cb'], issue_jwt_access_token: false });
        addClient(doc, { client_id: 'single', name: 'Single', x_application_type: 'native', redirect_uris: ['com.example.app://host/cb'], x_max_concurrent_session: 1 });
        addClient(doc, { client_id: 'rotating', name: 'Rotating', x_application_type: 'spa', redirect_uris: ['http://localhost:3000/cb'], refresh_token_rotation_enabled: true, access_token_lifetime_seconds: 600 });
      },
    });
  });
  afterAll(() => idp.dispose());

  async function tokens(agent: Agent, client: string, redirect: string, extra: Record<string, string> = {}, signup?: string) {
    const { verifier, challenge } = pkcePair();
    const q = new URLSearchParams({ client_id: client, redirect_uri: redirect, response_type: 'code', scope: 'openid offline_access', code_challenge: challenge, code_challenge_method: 'S256', ...extra });
    const url = `${idp.issuer}/oauth2/authorize?${q}`;
    const cb = signup ? await signInThroughPages(agent, url, { email: signup, password: 'password-1234' }, 'signup') : (await agent.follow(url)).url;
    const code = new URL(cb.replace('com.example.app://host', 'http://x')).searchParams.get('code');
    if (!code) throw new Error(`no code in ${cb}`);
    const res = await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', client_id: client, code, redirect_uri: redirect, code_verifier: verifier }) });
    return res.json();
  }
  const refresh = async (client: string, rt: string) =>
    (await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: client, refresh_token: rt }) })).json();
  const userinfo = async (headers: Record<string, string>) => (await fetch(`${idp.issuer}/oauth2/userinfo`, { headers })).status;

  it('issues opaque access tokens when issue_jwt_access_token is false, and they resolve', async () => {
    const t = await tokens(new Agent(idp.issuer), 'opaque', 'http://localhost:3000/cb', {}, 'opaque@example.com');
    expect(t.access_token).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(await userinfo({ authorization: `Bearer ${t.access_token}` })).toBe(200);
    // Revoking an opaque access token works; it is deleted at once.
    await fetch(`${idp.issuer}/oauth2/revoke`, { method: 'POST', body: new URLSearchParams({ token: t.access_token }) });
    expect(await userinfo({ authorization: `Bearer ${t.access_token}` })).toBe(401);
  });

  it('revoking a JWT access token is a silent no-op, as upstream', async () => {
    const t = await tokens(new Agent(idp.issuer), 'sandbox-spa', 'http://localhost:3000/auth-redirect', {}, 'jwtrevoke@example.com');
    const res = await fetch(`${idp.issuer}/oauth2/revoke`, { method: 'POST', body: new URLSearchParams({ token: t.access_token }) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(await userinfo({ authorization: `Bearer ${t.access_token}` })).toBe(200);
  });

  it('rotates refresh tokens when enabled: the previous value stops working at once', async () => {
    const t = await tokens(new Agent(idp.issuer), 'rotating', 'http://localhost:3000/cb', {}, 'rotate@example.com');
    expect(t.expires_in).toBe(600);
    const r1 = await refresh('rotating', t.refresh_token);
    expect(r1.refresh_token).toBeTruthy();
    expect(r1.refresh_token).not.toBe(t.refresh_token);
    expect(await refresh('rotating', t.refresh_token)).toEqual({ error: 'invalid_grant', error_description: 'invalid refresh token' });
    expect((await refresh('rotating', r1.refresh_token)).access_token).toBeTruthy();
  });

  it('a refresh token dies after 30 days idle, and lives on while used', async () => {
    const t = await tokens(new Agent(idp.issuer), 'sandbox-spa', 'http://localhost:3000/auth-redirect', {}, 'idle@example.com');
    const used = await tokens(new Agent(idp.issuer), 'sandbox-spa', 'http://localhost:3000/auth-redirect', {}, 'used@example.com');
    try {
      idp.ctx.clock.advance(29 * DAY);
      expect((await refresh('sandbox-spa', used.refresh_token)).access_token).toBeTruthy();
      idp.ctx.clock.advance(2 * DAY);
      expect(await refresh('sandbox-spa', t.refresh_token)).toEqual({ error: 'invalid_grant', error_description: 'invalid refresh token' });
      expect((await refresh('sandbox-spa', used.refresh_token)).access_token).toBeTruthy();
    } finally {
      idp.ctx.clock.reset();
    }
  });

  it('an IdP session past its idle timeout no longer signs the browser in (SSO)', async () => {
    const agent = new Agent(idp.issuer);
    await tokens(agent, 'sandbox-spa', 'http://localhost:3000/auth-redirect', {}, 'ssoidle@example.com');
    const url = `${idp.issuer}/oauth2/authorize?${new URLSearchParams({ client_id: 'sandbox-spa', redirect_uri: 'http://localhost:3000/auth-redirect', response_type: 'code', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' })}`;
    try {
      idp.ctx.clock.advance(29 * DAY);
      expect((await agent.follow(url)).url).toMatch(/code=/);
      idp.ctx.clock.advance(31 * DAY);
      expect(new URL((await agent.follow(url)).url).pathname).toBe('/login');
      expect(agent.cookies.has('session')).toBe(false); // an unresolvable session cookie is cleared
    } finally {
      idp.ctx.clock.reset();
    }
  });

  it('userinfo accepts the IdP session cookie (cookie-mode apps) and GET or POST', async () => {
    const agent = new Agent(idp.issuer);
    await tokens(agent, 'sandbox-spa', 'http://localhost:3000/auth-redirect', {}, 'cookie@example.com');
    const cookie = `session=${agent.cookies.get('session')}`;
    const get = await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { cookie } });
    expect(get.status).toBe(200);
    const body = await get.json();
    expect(body.email).toBe('cookie@example.com');
    expect(body['https://authgear.com/claims/user/authenticators']).toEqual([expect.objectContaining({ type: 'password', kind: 'primary' })]);
    expect((await fetch(`${idp.issuer}/oauth2/userinfo`, { method: 'POST', headers: { cookie } })).status).toBe(200);
    const bad = await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { cookie: 'session=garbage.value' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.getSetCookie().join('\n')).toMatch(/^session=; .*Expires=Thu, 01 Jan 1970/m);
  });

  it('x_max_concurrent_session: 1 revokes the older sessions of the same client and user', async () => {
    const agent = new Agent(idp.issuer);
    const first = await tokens(agent, 'single', 'com.example.app://host/cb', {}, 'single@example.com');
    const second = await tokens(agent, 'single', 'com.example.app://host/cb');
    expect((await refresh('single', first.refresh_token)).error).toBe('invalid_grant');
    expect((await refresh('single', second.refresh_token)).access_token).toBeTruthy();
    const q = new URLSearchParams({ client_id: 'single', redirect_uri: 'com.example.app://host/cb', response_type: 'code', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256', x_sso_enabled: 'true' });
    const res = await fetch(`${idp.issuer}/oauth2/authorize?${q}`, { redirect: 'manual' });
    expect(res.headers.get('location')).toBe("com.example.app://host/cb?error=invalid_request&error_description=%27sso_enabled%27+must+be+false+if+config+%27x_max_concurrent_session%27+is+1");
  });

  it('the SDK flags suppress the IdP session cookie; a generic library gets one', async () => {
    const sdk = new Agent(idp.issuer);
    await tokens(sdk, 'sandbox-spa', 'http://localhost:3000/auth-redirect', { x_suppress_idp_session_cookie: 'true', x_sso_enabled: 'false' }, 'sdkflags@example.com');
    expect(sdk.cookies.has('session')).toBe(false);
    expect(sdk.cookies.get('same_site_strict')).toBe('true');
    const generic = new Agent(idp.issuer);
    await tokens(generic, 'sandbox-spa', 'http://localhost:3000/auth-redirect', {}, 'generic@example.com');
    expect(generic.cookies.get('session')).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9]{32}$/);
  });

  it('an SSO-enabled grant falls with its IdP session; revoking it logs the browser out', async () => {
    const agent = new Agent(idp.issuer);
    const t = await tokens(agent, 'sandbox-spa', 'http://localhost:3000/auth-redirect', { x_sso_enabled: 'true' }, 'ssogrant@example.com');
    expect(agent.cookies.has('session')).toBe(true);
    await fetch(`${idp.issuer}/oauth2/revoke`, { method: 'POST', body: new URLSearchParams({ token: t.refresh_token }) });
    expect(await userinfo({ cookie: `session=${agent.cookies.get('session')}` })).toBe(401);
  });

  it('end_session by POST keeps id_token_hint out of the URL and still logs out', async () => {
    const agent = new Agent(idp.issuer);
    const t = await tokens(agent, 'sandbox-spa', 'http://localhost:3000/auth-redirect', {}, 'post-logout@example.com');
    const posted = await agent.request('/oauth2/end_session', { form: { id_token_hint: t.id_token, post_logout_redirect_uri: 'http://localhost:3000/', state: 'z' } });
    expect(posted.status).toBe(302);
    const location = posted.headers.get('location')!;
    expect(location).toMatch(/\/oauth2\/end_session\?x_end_session_ref=[A-Za-z0-9]{32}$/);
    expect(posted.headers.getSetCookie().join()).toContain('Path=/oauth2/end_session');
    const done = await agent.follow(location);
    expect(done.url).toBe('http://localhost:3000/?state=z');
    expect(agent.cookies.has('session')).toBe(false);
  });

  it('end_session without a session and with an unregistered URI goes to /settings', async () => {
    const res = await fetch(`${idp.issuer}/oauth2/end_session?post_logout_redirect_uri=https://evil.example/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${idp.issuer}/settings`);
  });

  it('ID token claims follow the clock: iat, exp = iat + 300, auth_time of the login', async () => {
    const agent = new Agent(idp.issuer);
    const t = await tokens(agent, 'sandbox-spa', 'http://localhost:3000/auth-redirect', {}, 'clock@example.com');
    try {
      idp.ctx.clock.advance(3600_000);
      const r = await refresh('sandbox-spa', t.refresh_token);
      const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
      const before = claims(t.id_token);
      const after = claims(r.id_token);
      expect(after.iat - before.iat).toBeGreaterThanOrEqual(3600);
      expect(after.exp - after.iat).toBe(300);
      expect(after.auth_time).toBe(before.auth_time);
      const at = claims(r.access_token);
      expect(at.exp - at.iat).toBe(1800);
      expect(at.auth_time).toBe(before.auth_time);
    } finally {
      idp.ctx.clock.reset();
    }
  });
});
