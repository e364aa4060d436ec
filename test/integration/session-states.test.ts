import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startTestIdp, addClient, tempDir, type TestIdp } from '../helpers/idp';
import { Agent, formOf } from '../helpers/agent';
import { codeFlowTokens, postJson, resolverHeaders } from '../helpers/oauth';

const MIN = 60_000;

describe('sessions: cookies, lifetimes on the sandbox clock, resolution states and cascades (spec 9, 10)', () => {
  let idp: TestIdp;

  beforeAll(async () => {
    idp = await startTestIdp({
      editConfig: (doc) => {
        doc.session = { lifetime_seconds: 3600, idle_timeout_enabled: true, idle_timeout_seconds: 600 };
        addClient(doc, {
          client_id: 'short', name: 'Short', x_application_type: 'spa', redirect_uris: ['http://localhost:3000/auth-redirect'],
          refresh_token_lifetime_seconds: 7200, refresh_token_idle_timeout_enabled: true, refresh_token_idle_timeout_seconds: 1200, issue_jwt_access_token: false,
        });
      },
    });
  });
  afterAll(() => idp.dispose());

  const valid = async (h: Record<string, string>) => (await resolverHeaders(idp.issuer, h))['x-authgear-session-valid'];
  const refresh = async (client: string, rt: string) =>
    (await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: client, refresh_token: rt }) })).json();
  const advance = (ms: number) => idp.ctx.clock.advance(ms);

  it('sets session and same_site_strict as spec 9.3 says: HttpOnly, Path=/, Lax / Strict, Max-Age = session lifetime, not Secure on http', async () => {
    const agent = new Agent(idp.issuer);
    const q = new URLSearchParams({ client_id: 'sandbox-spa', redirect_uri: 'http://localhost:3000/auth-redirect', response_type: 'code', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
    let page = await agent.follow(`${idp.issuer}/oauth2/authorize?${q}`);
    page = await agent.follow(`/signup?${new URL(page.url).searchParams}`);
    const f = formOf(page.body);
    let res = await agent.request(f.action, { form: { x_csrf_token: f.csrf, x_state_token: f.token, email: 'cookie-attrs@example.com' } });
    const code = (await (await fetch(`${idp.issuer}/_sandbox/api/outbox/latest?to=cookie-attrs%40example.com`, { headers: { authorization: `Bearer ${idp.consoleToken}` } })).json()).code;
    let body = await res.text();
    let f2 = formOf(body);
    res = await agent.request(f2.action, { form: { x_csrf_token: f2.csrf, x_state_token: f2.token, code } });
    body = await res.text();
    f2 = formOf(body);
    res = await agent.request(f2.action, { form: { x_csrf_token: f2.csrf, x_state_token: f2.token, new_password: 'password-1234' } });
    const cookies = res.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith('session='))).toMatch(/^session=[0-9a-f-]{36}\.[A-Za-z0-9]{32}; Max-Age=3600; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(cookies.find((c) => c.startsWith('same_site_strict='))).toBe('same_site_strict=true; Max-Age=3600; Path=/; HttpOnly; SameSite=Strict');
  });

  it('cookie_prefix, cookie_domain and use_session_cookie shape the cookies', async () => {
    const other = await startTestIdp({
      editConfig: (doc) => {
        doc.http.cookie_prefix = 'myapp_';
        doc.http.cookie_domain = 'localhost';
        doc.session = { use_session_cookie: true };
      },
    });
    try {
      const agent = new Agent(other.issuer);
      await codeFlowTokens(other.issuer, agent, { signup: 'prefix@example.com', scope: 'openid' });
      expect(agent.cookies.has('myapp_session')).toBe(true);
      const res = await fetch(`${other.issuer}/oauth2/userinfo`, { headers: { cookie: 'myapp_session=bad.bad' } });
      expect(res.headers.getSetCookie()[0]).toMatch(/^myapp_session=; Domain=localhost; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/);
      // The unprefixed name means nothing to this project.
      expect((await fetch(`${other.issuer}/oauth2/userinfo`, { headers: { cookie: `session=${agent.cookies.get('myapp_session')}` } })).status).toBe(401);
      expect((await fetch(`${other.issuer}/oauth2/userinfo`, { headers: { cookie: `myapp_session=${agent.cookies.get('myapp_session')}` } })).status).toBe(200);
    } finally {
      await other.dispose();
    }
  });

  it('IdP session: 10 minutes idle ends it; use keeps it alive until the 1-hour absolute lifetime', async () => {
    const used = new Agent(idp.issuer);
    const idle = new Agent(idp.issuer);
    await codeFlowTokens(idp.issuer, used, { signup: 'idp-used@example.com', scope: 'openid' });
    await codeFlowTokens(idp.issuer, idle, { signup: 'idp-idle@example.com', scope: 'openid' });
    const usedCookie = { cookie: `session=${used.cookies.get('session')}` };
    const idleCookie = { cookie: `session=${idle.cookies.get('session')}` };
    try {
      for (let i = 0; i < 6; i++) {
        advance(9 * MIN);
        expect(await valid(usedCookie), `after ${(i + 1) * 9} min`).toBe('true');
      }
      expect(await valid(idleCookie)).toBe('false');
      advance(7 * MIN); // 61 minutes after sign-in
      expect(await valid(usedCookie)).toBe('false');
    } finally {
      idp.ctx.clock.reset();
    }
  });

  it("offline grant: its initial client's idle timeout and absolute lifetime; access tokens die with it", async () => {
    const t = await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { client: 'short', signup: 'grant-life@example.com', extra: { x_sso_enabled: 'false' } });
    try {
      advance(19 * MIN);
      const r1 = await refresh('short', t.refresh_token!);
      expect(r1.access_token).toBeTruthy();
      advance(19 * MIN);
      const r2 = await refresh('short', t.refresh_token!);
      advance(19 * MIN);
      // Using an access token also counts as access to its grant (spec 9.2).
      expect(await valid({ authorization: `Bearer ${r2.access_token}` })).toBe('true');
      advance(19 * MIN);
      expect((await refresh('short', t.refresh_token!)).access_token).toBeTruthy();
      advance(19 * MIN);
      expect((await refresh('short', t.refresh_token!)).access_token).toBeTruthy();
      advance(30 * MIN); // 2 h 5 min after sign-in: past the absolute lifetime although used
      expect(await refresh('short', t.refresh_token!)).toEqual({ error: 'invalid_grant', error_description: 'invalid refresh token' });
      expect((await postJson(`${idp.issuer}/oauth2/app_session_token`, { refresh_token: t.refresh_token })).body.error.reason).toBe('InvalidGrant');
    } finally {
      idp.ctx.clock.reset();
    }
    const idleOut = await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { client: 'short', signup: 'grant-idle@example.com' });
    try {
      advance(21 * MIN);
      expect((await refresh('short', idleOut.refresh_token!)).error).toBe('invalid_grant');
    } finally {
      idp.ctx.clock.reset();
    }
  });

  it('an SSO-enabled grant ends with its IdP session (idle timeout), a plain one does not', async () => {
    const agent = new Agent(idp.issuer);
    const sso = await codeFlowTokens(idp.issuer, agent, { signup: 'sso-idle@example.com', extra: { x_sso_enabled: 'true' } });
    const plain = await codeFlowTokens(idp.issuer, agent, { extra: { x_sso_enabled: 'false' } });
    try {
      advance(11 * MIN);
      expect((await refresh('sandbox-spa', sso.refresh_token!)).error).toBe('invalid_grant');
      expect((await refresh('sandbox-spa', plain.refresh_token!)).access_token).toBeTruthy();
    } finally {
      idp.ctx.clock.reset();
    }
  });

  it('resolver states for every credential kind: valid, then invalid once revoked, disabled or deleted', async () => {
    const agent = new Agent(idp.issuer);
    const jwt = await codeFlowTokens(idp.issuer, agent, { signup: 'states@example.com' });
    const opaque = await codeFlowTokens(idp.issuer, agent, { client: 'short' });
    const appToken = (await postJson(`${idp.issuer}/oauth2/app_session_token`, { refresh_token: jwt.refresh_token })).body.result.app_session_token;
    const q = new URLSearchParams({ client_id: 'sandbox-spa', redirect_uri: `${idp.issuer}/settings`, response_type: 'none', prompt: 'none', scope: 'openid', login_hint: `https://authgear.com/login_hint?type=app_session_token&app_session_token=${appToken}` });
    const appCookie = (await fetch(`${idp.issuer}/oauth2/authorize?${q}`, { redirect: 'manual' })).headers.getSetCookie()[0].split(';')[0];
    const creds: Record<string, Record<string, string>> = {
      'Bearer JWT': { authorization: `Bearer ${jwt.access_token}` },
      'Bearer opaque': { authorization: `Bearer ${opaque.access_token}` },
      session: { cookie: `session=${agent.cookies.get('session')}` },
      app_session: { cookie: appCookie },
      app_access_token: { cookie: `app_access_token=${jwt.access_token}` },
    };
    for (const [name, h] of Object.entries(creds)) expect(await valid(h), name).toBe('true');
    const userId = idp.ctx.store.identities.findByLoginId('email', 'states@example.com')!.userId;
    await idp.ctx.store.db.write(() => idp.ctx.store.users.setDisabled(userId, true, 'test', idp.ctx.clock.nowMs()));
    for (const [name, h] of Object.entries(creds)) expect(await resolverHeaders(idp.issuer, h), `${name}, user disabled`).toEqual({ 'x-authgear-session-valid': 'false' });
    await idp.ctx.store.db.write(() => idp.ctx.store.users.setDisabled(userId, false, null, idp.ctx.clock.nowMs()));
    expect(await valid(creds.session)).toBe('true');
    // Deleting the user (settings delete, Admin API) ends everything at once.
    await idp.ctx.store.db.write(() => idp.ctx.store.users.delete(userId));
    for (const [name, h] of Object.entries(creds)) expect(await valid(h), `${name}, user deleted`).toBe('false');
  });

  it('a new sign-in in the same browser replaces its IdP session', async () => {
    const agent = new Agent(idp.issuer);
    await codeFlowTokens(idp.issuer, agent, { signup: 'replace@example.com', scope: 'openid' });
    const first = agent.cookies.get('session')!;
    await codeFlowTokens(idp.issuer, agent, { scope: 'openid', extra: { prompt: 'login' }, login: 'replace@example.com' });
    expect(agent.cookies.get('session')).not.toBe(first);
    expect(await valid({ cookie: `session=${first}` })).toBe('false');
  });

  it('cascades: signing the browser out ends the grants created from its session; a plain grant revoked alone leaves it', async () => {
    const agent = new Agent(idp.issuer);
    const generic = await codeFlowTokens(idp.issuer, agent, { signup: 'cascade@example.com' }); // no SSO flags: grant remembers the IdP session
    const plain = await codeFlowTokens(idp.issuer, agent, { extra: { x_sso_enabled: 'false', x_suppress_idp_session_cookie: 'true' } });
    const cookie = { cookie: `session=${agent.cookies.get('session')}` };
    await fetch(`${idp.issuer}/oauth2/revoke`, { method: 'POST', body: new URLSearchParams({ token: plain.refresh_token! }) });
    expect(await valid(cookie)).toBe('true');
    expect((await refresh('sandbox-spa', generic.refresh_token!)).access_token).toBeTruthy();
    const page = await agent.follow('/logout');
    const f = formOf(page.body);
    await agent.request(f.action, { form: { x_csrf_token: f.csrf, redirect_uri: '/', x_action: 'logout' } });
    expect(await valid(cookie)).toBe('false');
    expect((await refresh('sandbox-spa', generic.refresh_token!)).error).toBe('invalid_grant');
    expect(await valid({ authorization: `Bearer ${generic.access_token}` })).toBe('false');
  });

  it('a grant whose initial client left the config is invalid', async () => {
    const dir = await tempDir();
    const first = await startTestIdp({ dataDir: dir, editConfig: (doc) => addClient(doc, { client_id: 'gone', name: 'Gone', x_application_type: 'spa', redirect_uris: ['http://localhost:3000/auth-redirect'] }) });
    const t = await codeFlowTokens(first.issuer, new Agent(first.issuer), { client: 'gone', signup: 'gone@example.com' });
    await first.close();
    const path = join(dir, 'authgear.yaml');
    const doc = parse(await readFile(path, 'utf8'));
    doc.oauth.clients = doc.oauth.clients.filter((c: any) => c.client_id !== 'gone');
    await writeFile(path, stringify(doc));
    const second = await startTestIdp({ dataDir: dir });
    try {
      const res = await fetch(`${second.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${t.access_token}` } });
      expect(res.status).toBe(401);
      expect((await postJson(`${second.issuer}/oauth2/app_session_token`, { refresh_token: t.refresh_token })).body.error.reason).toBe('InvalidGrant');
    } finally {
      await second.dispose();
    }
  });
});
