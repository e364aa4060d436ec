import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { Agent } from '../helpers/agent';
import { codeFlowTokens, postJson, resolverHeaders } from '../helpers/oauth';

const CLAIM = 'https://authgear.com/claims/user/';

describe('/oauth2/app_session_token and the app_session cookie (spec 13.1, 5.6, 9.4)', () => {
  let idp: TestIdp;
  let tokens: Awaited<ReturnType<typeof codeFlowTokens>>;

  beforeAll(async () => {
    idp = await startTestIdp();
    tokens = await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { signup: 'app-session@example.com', extra: { x_sso_enabled: 'false', x_suppress_idp_session_cookie: 'true' } });
  });
  afterAll(() => idp.dispose());

  const appSessionToken = async (rt: string) => postJson(`${idp.issuer}/oauth2/app_session_token`, { refresh_token: rt });
  /** Authorize as `open(Page.Settings)` does: response_type=none, prompt=none, the app-session-token login hint. */
  const openSettings = async (token: string) => {
    const q = new URLSearchParams({
      client_id: 'sandbox-spa',
      redirect_uri: `${idp.issuer}/settings`,
      response_type: 'none',
      prompt: 'none',
      scope: 'openid https://authgear.com/scopes/full-access offline_access',
      login_hint: `https://authgear.com/login_hint?type=app_session_token&app_session_token=${encodeURIComponent(token)}`,
      x_sso_enabled: 'false',
    });
    return fetch(`${idp.issuer}/oauth2/authorize?${q}`, { redirect: 'manual' });
  };
  const appSessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('app_session='));

  it('issues a 32-character one-time token that lives 300 s on the sandbox clock', async () => {
    const before = idp.ctx.clock.nowMs();
    const r = await appSessionToken(tokens.refresh_token!);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(r.body.result).sort()).toEqual(['app_session_token', 'expire_at']);
    expect(r.body.result.app_session_token).toMatch(/^[A-Za-z0-9]{32}$/);
    const expireAt = Date.parse(r.body.result.expire_at);
    expect(Math.round((expireAt - before) / 1000)).toBe(300);
  });

  it('refuses a bad refresh token with 403 InvalidGrant (the SDK then clears its session), and malformed bodies', async () => {
    const bad = await appSessionToken(`${tokens.refresh_token!.split('.')[0]}.wrongwrongwrongwrongwrongwrong12`);
    expect(bad).toMatchObject({ status: 403, body: { error: { name: 'Forbidden', reason: 'InvalidGrant', message: 'invalid refresh token', code: 403 } } });
    expect((await appSessionToken('garbage')).body.error.reason).toBe('InvalidGrant');
    const extra = await postJson(`${idp.issuer}/oauth2/app_session_token`, { refresh_token: tokens.refresh_token, x: 1 });
    expect(extra.body.error).toMatchObject({ name: 'Invalid', reason: 'ValidationFailed', code: 400 });
    const wrongType = await postJson(`${idp.issuer}/oauth2/app_session_token`, { refresh_token: 5 });
    expect(wrongType.body.error.reason).toBe('ValidationFailed');
    const form = await fetch(`${idp.issuer}/oauth2/app_session_token`, { method: 'POST', body: new URLSearchParams({ refresh_token: tokens.refresh_token! }) });
    expect(form.status).toBe(400);
    expect((await form.json()).error).toMatchObject({ name: 'BadRequest', reason: 'BadRequest' });
    const broken = await fetch(`${idp.issuer}/oauth2/app_session_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"refresh_token":' });
    expect((await broken.json()).error.reason).toBe('InvalidJSON');
  });

  it('refuses a refresh token whose authorization lacks full-access (403 Forbidden)', async () => {
    const limited = await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { signup: 'limited@example.com', scope: 'openid offline_access' });
    const r = await appSessionToken(limited.refresh_token!);
    expect(r).toMatchObject({ status: 403, body: { error: { name: 'Forbidden', reason: 'Forbidden', message: 'the client is not authorized to have full user access' } } });
  });

  it('login_hint=app_session_token sets the app_session cookie and goes straight to the redirect URI, once', async () => {
    const { app_session_token: t } = (await appSessionToken(tokens.refresh_token!)).body.result;
    const res = await openSettings(t);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${idp.issuer}/settings`);
    const cookie = appSessionCookie(res)!;
    expect(cookie).toMatch(/^app_session=[A-Za-z0-9]{32}; Path=\/; HttpOnly; SameSite=Lax$/);
    // Single use: the same token again is an error delivered to the redirect URI.
    const again = await openSettings(t);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(`${idp.issuer}/settings?error=invalid_request&error_description=oauth+grant+not+found`);
  });

  it('an app session token expires after 300 s', async () => {
    const { app_session_token: t } = (await appSessionToken(tokens.refresh_token!)).body.result;
    try {
      idp.ctx.clock.advance(301_000);
      expect((await openSettings(t)).headers.get('location')).toContain('error=invalid_request');
    } finally {
      idp.ctx.clock.reset();
    }
  });

  it('the app_session cookie is a session for userinfo, the resolver and /settings', async () => {
    const { app_session_token: t } = (await appSessionToken(tokens.refresh_token!)).body.result;
    const cookie = appSessionCookie(await openSettings(t))!.split(';')[0];
    const info = await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { cookie } });
    expect(info.status).toBe(200);
    expect((await info.json()).email).toBe('app-session@example.com');
    const headers = await resolverHeaders(idp.issuer, { cookie });
    expect(headers['x-authgear-session-valid']).toBe('true');
    expect(headers['x-authgear-user-id']).toBe(idp.ctx.store.identities.findByLoginId('email', 'app-session@example.com')!.userId);
    const settings = await fetch(`${idp.issuer}/settings`, { headers: { cookie }, redirect: 'manual' });
    expect(settings.status).toBe(200);
    expect(await settings.text()).toContain('Signed in as app-session@example.com.');
  });

  it('credentials resolve in upstream order: Bearer, app_session, app_access_token, session; a bad one does not stop the chain', async () => {
    const otherAgent = new Agent(idp.issuer);
    const other = await codeFlowTokens(idp.issuer, otherAgent, { signup: 'order-other@example.com' });
    const { app_session_token: t } = (await appSessionToken(tokens.refresh_token!)).body.result;
    const appCookie = appSessionCookie(await openSettings(t))!.split(';')[0];
    const idpCookie = `session=${otherAgent.cookies.get('session')}`;
    const userOf = async (h: Record<string, string>) => (await resolverHeaders(idp.issuer, h))['x-authgear-user-id'];
    const me = idp.ctx.store.identities.findByLoginId('email', 'app-session@example.com')!.userId;
    const them = idp.ctx.store.identities.findByLoginId('email', 'order-other@example.com')!.userId;
    expect(await userOf({ authorization: `Bearer ${other.access_token}`, cookie: appCookie })).toBe(them);
    expect(await userOf({ authorization: 'Bearer nonsense', cookie: appCookie })).toBe(me);
    expect(await userOf({ cookie: `${appCookie}; ${idpCookie}` })).toBe(me);
    expect(await userOf({ cookie: `app_session=stale; ${idpCookie}` })).toBe(them);
    // app_access_token (the pre-authenticated URL cookie) holds an access token and comes before session.
    expect(await userOf({ cookie: `app_access_token=${tokens.access_token}; ${idpCookie}` })).toBe(me);
    expect(await resolverHeaders(idp.issuer, { cookie: 'app_session=stale' })).toEqual({ 'x-authgear-session-valid': 'false' });
  });

  it('revoking the refresh token ends its app sessions at once', async () => {
    const own = await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { signup: 'app-revoke@example.com' });
    const { app_session_token: t } = (await appSessionToken(own.refresh_token!)).body.result;
    const cookie = appSessionCookie(await openSettings(t))!.split(';')[0];
    expect((await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { cookie } })).status).toBe(200);
    await fetch(`${idp.issuer}/oauth2/revoke`, { method: 'POST', body: new URLSearchParams({ token: own.refresh_token! }) });
    expect((await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { cookie } })).status).toBe(401);
    expect((await resolverHeaders(idp.issuer, { cookie }))['x-authgear-session-valid']).toBe('false');
    const settings = await fetch(`${idp.issuer}/settings`, { headers: { cookie }, redirect: 'manual' });
    expect(settings.headers.get('location')).toBe('/?redirect_uri=%2Fsettings');
  });

  it('signing out on /logout with an app session revokes its grant and clears the cookie', async () => {
    const own = await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { signup: 'app-logout@example.com' });
    const res = await openSettings((await appSessionToken(own.refresh_token!)).body.result.app_session_token);
    const agent = new Agent(idp.issuer);
    agent.cookies.set('app_session', appSessionCookie(res)!.split(';')[0].slice('app_session='.length));
    const page = await agent.follow('/logout');
    const csrf = /name="x_csrf_token" value="([^"]*)"/.exec(page.body)![1];
    const out = await agent.request('/logout', { form: { x_csrf_token: csrf, redirect_uri: '/', x_action: 'logout' } });
    expect(out.headers.getSetCookie().join('\n')).toMatch(/^app_session=; .*Expires=Thu, 01 Jan 1970/m);
    const refresh = await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'sandbox-spa', refresh_token: own.refresh_token! }) });
    expect(await refresh.json()).toEqual({ error: 'invalid_grant', error_description: 'invalid refresh token' });
  });

  it('userinfo through an app session shows the full-access claims of the refresh token', async () => {
    const { app_session_token: t } = (await appSessionToken(tokens.refresh_token!)).body.result;
    const cookie = appSessionCookie(await openSettings(t))!.split(';')[0];
    const body = await (await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { cookie } })).json();
    expect(body[`${CLAIM}authenticators`]).toEqual([expect.objectContaining({ type: 'password', kind: 'primary' })]);
  });
});
