import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { Agent, formOf, latestCode } from '../helpers/agent';
import { pkcePair } from '../helpers/pkce';
import { codeFlowTokens, postJson, SPA_REDIRECT } from '../helpers/oauth';

const SETTINGS_ACTION = 'urn:authgear:params:oauth:response-type:settings-action';

describe('account pages /settings and settings actions (spec 13.5, 5.10, 6.6)', () => {
  let idp: TestIdp;

  beforeAll(async () => {
    idp = await startTestIdp({
      editConfig: (doc) => {
        doc.identity.login_id.keys.push({ type: 'username', key: 'username' });
        doc.account_deletion = { scheduled_by_end_user_enabled: true };
      },
    });
  });
  afterAll(() => idp.dispose());

  /** A signed-up browser (IdP session cookie) and its tokens. */
  async function signedUp(email: string) {
    const agent = new Agent(idp.issuer);
    const tokens = await codeFlowTokens(idp.issuer, agent, { signup: email });
    return { agent, tokens };
  }
  const post = async (agent: Agent, path: string, fields: Record<string, string>) => {
    const page = await agent.follow(path);
    const csrf = formOf(page.body).csrf;
    return agent.request(path, { form: { x_csrf_token: csrf, ...fields } });
  };
  const refresh = async (rt: string) =>
    (await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'sandbox-spa', refresh_token: rt }) })).json();
  const userinfo = async (at: string) => (await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${at}` } })).json();

  it('without a session every settings page sends the browser to sign in and back', async () => {
    for (const path of ['/settings', '/settings/profile', '/settings/sessions?x=1']) {
      const res = await fetch(`${idp.issuer}${path}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(`/?${new URLSearchParams({ redirect_uri: path })}`);
    }
  });

  it('anonymous users see /settings but are sent back to it from the sub-pages', async () => {
    const res = await fetch(`${idp.issuer}/api/anonymous_user/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session_type: 'cookie' }) });
    // Anonymous users are off in this project: the sign-up is refused and nothing is set.
    expect(res.status).toBe(400);
    const on = await startTestIdp({ editConfig: (doc) => (doc.authentication.identities = ['login_id', 'anonymous']) });
    try {
      const r = await fetch(`${on.issuer}/api/anonymous_user/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session_type: 'cookie' }) });
      const cookie = r.headers.getSetCookie().find((c) => c.startsWith('session='))!.split(';')[0];
      const main = await fetch(`${on.issuer}/settings`, { headers: { cookie } });
      expect(await main.text()).toContain('id="anonymous"');
      for (const path of ['/settings/profile', '/settings/change_password', '/settings/sessions']) {
        const sub = await fetch(`${on.issuer}${path}`, { headers: { cookie }, redirect: 'manual' });
        expect(sub.headers.get('location'), path).toBe('/settings');
      }
    } finally {
      await on.dispose();
    }
  });

  it('shows the profile, sign-in methods, security links and a sign-out form', async () => {
    const { agent } = await signedUp('settings-main@example.com');
    const page = await agent.follow('/settings');
    expect(page.res.status).toBe(200);
    expect(page.body).toContain('Signed in as settings-main@example.com.');
    expect(page.body).toContain('/settings/identity/change_email?q_login_id_key=email&amp;q_login_id=settings-main%40example.com');
    expect(page.body).toContain('/settings/identity/add_username?q_login_id_key=username');
    expect(page.body).toContain('href="/settings/change_password"');
    expect(page.body).toContain('href="/settings/sessions"');
    expect(page.body).toContain('href="/settings/delete_account"');
    expect(page.body).toContain('id="sign-out"');
  });

  it('edits standard attributes; userinfo shows them; invalid values change nothing', async () => {
    const { agent, tokens } = await signedUp('profile@example.com');
    const saved = await post(agent, '/settings/profile', {
      name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', nickname: 'ada', picture: 'https://example.com/ada.png',
      gender: 'female', birthdate: '1815-12-10', locale: 'en-GB', zoneinfo: 'Europe/London', website: '',
    });
    expect(saved.status).toBe(302);
    expect(saved.headers.get('location')).toBe('/settings/profile?saved=1');
    const info = await userinfo(tokens.access_token);
    expect(info).toMatchObject({ name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', nickname: 'ada', picture: 'https://example.com/ada.png', gender: 'female', birthdate: '1815-12-10', locale: 'en-GB', zoneinfo: 'Europe/London', email: 'profile@example.com' });
    const page = await agent.follow('/settings/profile?saved=1');
    expect(page.body).toContain('value="Ada Lovelace"');
    expect(page.body).toContain('<option value="female" selected>');

    const bads: Record<string, string>[] = [{ birthdate: '1815-13-40' }, { zoneinfo: 'Mars/Olympus' }, { picture: 'javascript:alert(1)' }, { locale: '12345678901' }];
    for (const bad of bads) {
      const r = await post(agent, '/settings/profile', { name: 'Changed', ...bad });
      expect(r.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await userinfo(tokens.access_token)).name).toBe('Ada Lovelace');
    // Clearing a field removes the attribute.
    await post(agent, '/settings/profile', { nickname: '' });
    expect((await userinfo(tokens.access_token)).nickname).toBeUndefined();
    // Without the CSRF field nothing happens.
    const forged = await agent.request('/settings/profile', { form: { name: 'Mallory' } });
    expect(forged.status).toBe(403);
    expect((await userinfo(tokens.access_token)).name).toBe('Ada Lovelace');
  });

  it('changes the password after checking the current one and the policy', async () => {
    const { agent } = await signedUp('password@example.com');
    expect((await post(agent, '/settings/change_password', { old_password: 'wrong-password', new_password: 'another-password-1' })).status).toBe(400);
    const short = await post(agent, '/settings/change_password', { old_password: 'password-1234', new_password: 'short' });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('Password must be at least 8 characters long.');
    const ok = await post(agent, '/settings/change_password', { old_password: 'password-1234', new_password: 'another-password-1' });
    expect(ok.headers.get('location')).toBe('/settings');
    await expect(codeFlowTokens(idp.issuer, new Agent(idp.issuer), { login: 'password@example.com', password: 'password-1234' })).rejects.toThrow();
    expect((await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { login: 'password@example.com', password: 'another-password-1' })).access_token).toBeTruthy();
  });

  it('lists signed-in devices with client names and device info, and signs one or all others out', async () => {
    const { agent } = await signedUp('devices@example.com');
    // A "phone" that signed in through the native flow with x_device_info.
    const phone = await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { login: 'devices@example.com' });
    const deviceInfo = Buffer.from(JSON.stringify({ android: { Build: { MANUFACTURER: 'Google', MODEL: 'Pixel 8' } } })).toString('base64url');
    await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'sandbox-spa', refresh_token: phone.refresh_token!, x_device_info: deviceInfo }) });
    const laptop = await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { login: 'devices@example.com' });
    const page = await agent.follow('/settings/sessions');
    expect(page.body).toContain('Google Pixel 8');
    expect(page.body).toContain('Sandbox SPA');
    expect(page.body).toContain('(This device)');
    const refs = [...page.body.matchAll(/data-ref="([^"]+)"/g)].map((m) => m[1]);
    const phoneRef = `offline_grant:${phone.refresh_token!.split('.')[0]}`;
    expect(refs).toContain(phoneRef);
    await post(agent, '/settings/sessions', { x_action: 'revoke', session: phoneRef });
    expect((await refresh(phone.refresh_token!)).error).toBe('invalid_grant');
    expect((await refresh(laptop.refresh_token!)).access_token).toBeTruthy();
    await post(agent, '/settings/sessions', { x_action: 'revoke_all' });
    expect((await refresh(laptop.refresh_token!)).error).toBe('invalid_grant');
    // This browser is still signed in.
    expect((await agent.follow('/settings')).res.status).toBe(200);
  });

  it('adds a username and changes the e-mail address after a code sent to the new one', async () => {
    const { agent, tokens } = await signedUp('identity@example.com');
    const user = await post(agent, '/settings/identity/add_username?q_login_id_key=username', { login_id: 'Ada_L', x_action: 'save' });
    expect(user.headers.get('location')).toBe('/settings');
    expect((await userinfo(tokens.access_token)).preferred_username).toBe('ada_l');
    const taken = await post(agent, '/settings/identity/add_username?q_login_id_key=username', { login_id: 'ada_l', x_action: 'save' });
    expect(taken.status).toBe(409);

    const path = '/settings/identity/change_email?q_login_id_key=email&q_login_id=identity%40example.com';
    const sent = await post(agent, path, { login_id: 'new-identity@example.com', x_action: 'send' });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('We sent a code to new-identity@example.com.');
    expect((await post(agent, path, { login_id: 'new-identity@example.com', code: '000000', x_action: 'verify' })).status).toBe(400);
    const done = await post(agent, path, { login_id: 'new-identity@example.com', code: await latestCode(idp.issuer, 'new-identity@example.com'), x_action: 'verify' });
    expect(done.headers.get('location')).toBe('/settings');
    const info = await userinfo(tokens.access_token);
    expect(info.email).toBe('new-identity@example.com');
    expect(info.email_verified).toBe(true);
    expect(idp.ctx.store.identities.findByLoginId('email', 'identity@example.com')).toBeUndefined();
  });

  /** A settings action as the SDK starts it: app session token, then authorize with the settings-action response type. */
  async function startAction(refreshToken: string, action: string, extra: Record<string, string> = {}) {
    const t = (await postJson(`${idp.issuer}/oauth2/app_session_token`, { refresh_token: refreshToken })).body.result.app_session_token;
    const { verifier, challenge } = pkcePair();
    const q = new URLSearchParams({
      client_id: 'sandbox-spa', redirect_uri: SPA_REDIRECT, response_type: SETTINGS_ACTION, scope: 'openid https://authgear.com/scopes/full-access',
      code_challenge: challenge, code_challenge_method: 'S256', state: 'st', x_settings_action: action,
      login_hint: `https://authgear.com/login_hint?type=app_session_token&app_session_token=${t}`, ...extra,
    });
    return { verifier, url: `${idp.issuer}/oauth2/authorize?${q}` };
  }
  const exchange = async (code: string, verifier: string) => {
    const res = await fetch(`${idp.issuer}/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'urn:authgear:params:oauth:grant-type:settings-action', client_id: 'sandbox-spa', code, redirect_uri: SPA_REDIRECT, code_verifier: verifier }),
    });
    return { status: res.status, body: await res.json() };
  };

  it('settings action change_password: settings page with the app session, then the app gets a code it exchanges for {}', async () => {
    const { tokens } = await signedUp('action-password@example.com');
    const { verifier, url } = await startAction(tokens.refresh_token!, 'change_password');
    const browser = new Agent(idp.issuer);
    const page = await browser.follow(url);
    expect(new URL(page.url).pathname).toBe('/settings/change_password');
    const q = new URL(page.url).searchParams;
    expect(q.get('x_settings_action_id')).toMatch(/^[0-9A-Z]{32}$/);
    expect(q.get('client_id')).toBe('sandbox-spa');
    expect(browser.cookies.has('app_session')).toBe(true);
    const f = formOf(page.body);
    const back = await browser.follow(f.action, { form: { x_csrf_token: f.csrf, old_password: 'password-1234', new_password: 'changed-password-1' } });
    const cb = new URL(back.url);
    expect(cb.origin + cb.pathname).toBe(SPA_REDIRECT);
    expect(cb.searchParams.get('state')).toBe('st');
    const code = cb.searchParams.get('code')!;
    expect(await exchange(code, 'wrong-verifier-wrong-verifier-wrong-verifier-1')).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'invalid authorization code' } });
    expect(await exchange(code, verifier)).toEqual({ status: 200, body: {} });
    expect((await exchange(code, verifier)).body.error).toBe('invalid_grant');
    expect((await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { login: 'action-password@example.com', password: 'changed-password-1' })).access_token).toBeTruthy();
  });

  it('settings actions check their parameters: login_hint, the action, account deletion', async () => {
    const { tokens } = await signedUp('action-checks@example.com');
    const redirected = async (url: string) => new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!).searchParams;
    const noHint = new URL((await startAction(tokens.refresh_token!, 'change_password')).url);
    noHint.searchParams.delete('login_hint');
    expect((await redirected(noHint.toString())).get('error_description')).toBe('login_hint must be provided when using settings action');
    const loginIdHint = new URL(noHint);
    loginIdHint.searchParams.set('login_hint', 'https://authgear.com/login_hint?type=login_id&email=a%40b.c');
    expect((await redirected(loginIdHint.toString())).get('error_description')).toBe('login_hint must be app_session_token when using settings action');
    expect((await redirected((await startAction(tokens.refresh_token!, 'fly')).url)).get('error_description')).toBe('invalid settings action');
    const noPkce = new URL((await startAction(tokens.refresh_token!, 'change_password')).url);
    noPkce.searchParams.delete('code_challenge');
    expect((await redirected(noPkce.toString())).get('error_description')).toBe('PKCE code challenge is required for public clients');
  });

  it('settings action delete_account deletes the user and ends every session; refused when the project disables it', async () => {
    const { agent, tokens } = await signedUp('delete-me@example.com');
    const { verifier, url } = await startAction(tokens.refresh_token!, 'delete_account');
    const browser = new Agent(idp.issuer);
    const page = await browser.follow(url);
    expect(new URL(page.url).pathname).toBe('/settings/delete_account');
    const f = formOf(page.body);
    expect((await browser.request(f.action, { form: { x_csrf_token: f.csrf, confirm: 'nope', x_action: 'delete' } })).status).toBe(400);
    const back = await browser.follow(f.action, { form: { x_csrf_token: f.csrf, confirm: 'DELETE', x_action: 'delete' } });
    const code = new URL(back.url).searchParams.get('code')!;
    expect(await exchange(code, verifier)).toEqual({ status: 200, body: {} });
    expect(idp.ctx.store.identities.findByLoginId('email', 'delete-me@example.com')).toBeUndefined();
    expect((await refresh(tokens.refresh_token!)).error).toBe('invalid_grant');
    expect((await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401);
    expect(new URL((await agent.follow('/settings')).url).pathname).toBe('/login'); // the browser signed up before

    const off = await startTestIdp();
    try {
      const other = await codeFlowTokens(off.issuer, new Agent(off.issuer), { signup: 'keep-me@example.com' });
      const t = (await postJson(`${off.issuer}/oauth2/app_session_token`, { refresh_token: other.refresh_token })).body.result.app_session_token;
      const q = new URLSearchParams({ client_id: 'sandbox-spa', redirect_uri: SPA_REDIRECT, response_type: SETTINGS_ACTION, scope: 'openid https://authgear.com/scopes/full-access', code_challenge: pkcePair().challenge, code_challenge_method: 'S256', x_settings_action: 'delete_account', login_hint: `https://authgear.com/login_hint?type=app_session_token&app_session_token=${t}` });
      const res = await fetch(`${off.issuer}/oauth2/authorize?${q}`, { redirect: 'manual' });
      expect(new URL(res.headers.get('location')!).searchParams.get('error_description')).toBe('account deletion by end user is disabled');
    } finally {
      await off.dispose();
    }
  });

  it('settings action add_email lands on the add page with the login ID key', async () => {
    const { tokens } = await signedUp('action-add@example.com');
    const page = await new Agent(idp.issuer).follow((await startAction(tokens.refresh_token!, 'change_email', { x_settings_action_query: 'q_login_id=action-add%40example.com' })).url);
    const u = new URL(page.url);
    expect(u.pathname).toBe('/settings/identity/change_email');
    expect(u.searchParams.get('q_login_id_key')).toBe('email');
    expect(u.searchParams.get('q_login_id')).toBe('action-add@example.com');
    expect(page.res.status).toBe(200);
  });
});
