import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestIdp, addClient, type TestIdp } from '../helpers/idp';
import { Agent, formOf, signInThroughPages, submit, latestCode } from '../helpers/agent';
import { pkcePair } from '../helpers/pkce';

const SPA = 'sandbox-spa';
const REDIRECT = 'http://localhost:3000/auth-redirect';

function authorizeUrl(idp: TestIdp, extra: Record<string, string> = {}, client = SPA, redirect = REDIRECT): string {
  const q = new URLSearchParams({ client_id: client, redirect_uri: redirect, response_type: 'code', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256', ...extra });
  return `${idp.issuer}/oauth2/authorize?${q}`;
}

async function userCount(idp: TestIdp): Promise<number> {
  const h = await (await fetch(`${idp.issuer}/_sandbox/api/health`, { headers: { authorization: `Bearer ${idp.consoleToken}` } })).json();
  return h.users;
}

describe('the built-in sign-up and sign-in pages', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({
      editConfig: (doc) => {
        doc.authenticator.password.policy = { min_length: 10, digit_required: true };
        addClient(doc, { client_id: 'third', name: 'Third', client_name: 'Partner App', x_application_type: 'third_party_app', redirect_uris: ['https://partner.example/cb'] });
      },
    });
  });
  afterAll(() => idp.dispose());

  it('a new browser lands on sign-up; x_page=login and a login_hint land on sign-in, prefilled', async () => {
    expect(new URL((await new Agent(idp.issuer).follow(authorizeUrl(idp))).url).pathname).toBe('/signup');
    expect(new URL((await new Agent(idp.issuer).follow(authorizeUrl(idp, { x_page: 'login' }))).url).pathname).toBe('/login');
    const hinted = await new Agent(idp.issuer).follow(authorizeUrl(idp, { login_hint: 'https://authgear.com/login_hint?type=login_id&email=hint%40example.com' }));
    expect(new URL(hinted.url).pathname).toBe('/login');
    expect(hinted.body).toContain('value="hint@example.com"');
  });

  it('signs up in three pages: e-mail, the code from the outbox, a password that meets the policy', async () => {
    const agent = new Agent(idp.issuer);
    const before = await userCount(idp);
    let page = await agent.follow(authorizeUrl(idp));
    expect(page.body).toContain('Create an account');
    page = await submit(agent, page.body, { email: 'weak@example.com' });
    expect(page.body).toContain('Enter the code');
    expect(page.body).toContain('we**@example.com');
    const wrong = await submit(agent, page.body, { code: '000000' === (await latestCode(idp.issuer, 'weak@example.com')) ? '111111' : '000000' });
    expect(wrong.res.status).toBe(403);
    expect(wrong.body).toContain('The code is incorrect or has expired.');
    const resend = await submit(agent, page.body, { x_action: 'resend' });
    expect(resend.res.status).toBe(429);
    expect(resend.body).toContain('Please wait a moment before asking for another code.');
    page = await submit(agent, page.body, { code: await latestCode(idp.issuer, 'weak@example.com') });
    expect(page.body).toContain('Create a password');
    const weak = await submit(agent, page.body, { new_password: 'short' });
    expect(weak.res.status).toBe(400);
    expect(weak.body).toContain('Password must be at least 10 characters long.');
    expect(weak.body).toContain('Password must contain a digit.');
    expect(await userCount(idp)).toBe(before);
    const done = await submit(agent, page.body, { new_password: 'long enough 123' });
    expect(done.url).toMatch(/^http:\/\/localhost:3000\/auth-redirect\?code=/);
    expect(await userCount(idp)).toBe(before + 1);
  });

  it('rejects a form without the CSRF token (403) and sends nothing', async () => {
    const agent = new Agent(idp.issuer);
    const page = await agent.follow(authorizeUrl(idp));
    const form = formOf(page.body);
    const forged = await agent.follow(form.action, { form: { x_state_token: form.token, email: 'csrf@example.com' } });
    expect(forged.res.status).toBe(403);
    const otherBrowser = new Agent(idp.issuer);
    const stolen = await otherBrowser.follow(form.action, { form: { x_csrf_token: form.csrf, x_state_token: form.token, email: 'csrf@example.com' } });
    expect(stolen.res.status).toBe(403);
    await expect(latestCode(idp.issuer, 'csrf@example.com')).rejects.toThrow();
  });

  it('refuses a duplicate e-mail (case-insensitive), and a wrong password or unknown e-mail alike', async () => {
    const agent = new Agent(idp.issuer);
    await signInThroughPages(agent, authorizeUrl(idp), { email: 'dup@example.com', password: 'password-1234' }, 'signup');
    const again = new Agent(idp.issuer);
    const page = await again.follow(authorizeUrl(idp));
    const dup = await submit(again, page.body, { email: 'DUP@example.com' });
    expect(dup.res.status).toBe(400);
    expect(dup.body).toContain('An account with this email address already exists.');
    const login = await again.follow(authorizeUrl(idp, { x_page: 'login' }));
    const wrong = await submit(again, login.body, { email: 'dup@example.com', password: 'password-12345' });
    const unknown = await submit(again, login.body, { email: 'nobody@example.com', password: 'password-1234' });
    expect(wrong.res.status).toBe(401);
    expect(unknown.res.status).toBe(401);
    expect(wrong.body).toContain('Incorrect email address or password.');
    expect(unknown.body).toContain('Incorrect email address or password.');
    expect(wrong.body).toContain('value="dup@example.com"');
  });

  it('an expired page says so instead of failing silently', async () => {
    const agent = new Agent(idp.issuer);
    const page = await agent.follow(authorizeUrl(idp));
    idp.ctx.clock.advance(1501_000);
    try {
      const r = await submit(agent, page.body, { email: 'late@example.com' });
      expect(r.res.status).toBe(400);
      expect(r.body).toContain('This page has expired. Please start again.');
      // Not a dead end: a link starts the same page afresh, keeping the app's query.
      const again = /<a href="([^"]+)">Start again<\/a>/.exec(r.body);
      expect(again?.[1]).toMatch(/^\/(signup|login)\?/);
      expect(again?.[1]).toContain('x_ref=');
    } finally {
      idp.ctx.clock.advance(-1501_000);
    }
  });

  it('resets a forgotten password through the e-mailed link', async () => {
    const agent = new Agent(idp.issuer);
    await signInThroughPages(agent, authorizeUrl(idp), { email: 'forgot@example.com', password: 'password-1234' }, 'signup');
    const browser = new Agent(idp.issuer);
    const login = await browser.follow(authorizeUrl(idp, { x_page: 'login' }));
    const link = /href="(\/forgot_password[^"]*)"/.exec(login.body)![1].replace(/&amp;/g, '&');
    let page = await browser.follow(link);
    expect(page.body).toContain('Forgot password');
    page = await submit(browser, page.body, { email: 'forgot@example.com' });
    expect(page.body).toContain('Check your email');
    const res = await fetch(`${idp.issuer}/_sandbox/api/outbox/latest?to=forgot@example.com`, { headers: { authorization: `Bearer ${idp.consoleToken}` } });
    const message = await res.json();
    expect(message.message_type).toBe('forgot-password');
    const reset = await browser.follow(message.link);
    expect(reset.body).toContain('Set a new password');
    const done = await submit(browser, reset.body, { new_password: 'a new password 42' });
    expect(done.body).toContain('Your password has been reset.');
    const again = new Agent(idp.issuer);
    const back = await again.follow(authorizeUrl(idp, { x_page: 'login' }));
    const ok = await submit(again, back.body, { email: 'forgot@example.com', password: 'a new password 42' });
    expect(ok.url).toMatch(/\?code=/);
    // The link works once.
    expect((await new Agent(idp.issuer).follow(message.link)).res.status).toBe(400);
  });

  it('max_age=0 asks for the password again even with a live session', async () => {
    const agent = new Agent(idp.issuer);
    await signInThroughPages(agent, authorizeUrl(idp), { email: 'maxage@example.com', password: 'password-1234' }, 'signup');
    expect((await agent.follow(authorizeUrl(idp))).url).toMatch(/^http:\/\/localhost:3000\/auth-redirect\?code=/);
    expect(new URL((await agent.follow(authorizeUrl(idp, { max_age: '0' }))).url).pathname).toBe('/login');
  });

  it('delivers the code by fragment and by form_post when asked', async () => {
    const agent = new Agent(idp.issuer);
    await signInThroughPages(agent, authorizeUrl(idp), { email: 'modes@example.com', password: 'password-1234' }, 'signup');
    const frag = await agent.follow(authorizeUrl(idp, { response_mode: 'fragment', state: 'f' }));
    expect(frag.url).toMatch(/^http:\/\/localhost:3000\/auth-redirect#code=[A-Za-z0-9]{32}&state=f$/);
    const post = await agent.follow(authorizeUrl(idp, { response_mode: 'form_post', state: 'p' }));
    expect(post.res.status).toBe(200);
    expect(post.body).toContain(`<form method="post" action="${REDIRECT}">`);
    expect(post.body).toMatch(/<input type="hidden" name="code" value="[A-Za-z0-9]{32}">/);
    expect(post.body).toContain('<input type="hidden" name="state" value="p">');
  });

  it('a third-party client gets a consent page; Cancel answers access_denied, Allow issues a code once', async () => {
    const agent = new Agent(idp.issuer);
    await signInThroughPages(agent, authorizeUrl(idp), { email: 'consent@example.com', password: 'password-1234' }, 'signup');
    const url = (state: string) => `${idp.issuer}/oauth2/authorize?${new URLSearchParams({ client_id: 'third', redirect_uri: 'https://partner.example/cb', response_type: 'code', scope: 'openid email', state })}`;
    const page = await agent.follow(url('c1'));
    expect(page.body).toContain('Partner App wants to access your account.');
    expect(page.body).toContain('See your email address');
    const form = formOf(page.body);
    const cancel = await agent.follow(form.action, { form: { x_csrf_token: form.csrf, x_action: 'cancel' } });
    expect(cancel.url).toBe('https://partner.example/cb?error=access_denied&error_description=authorization+denied&state=c1');
    // prompt=none before consent: access_denied / authorization required
    const none = await agent.follow(`${url('n')}&prompt=none`);
    expect(none.url).toBe('https://partner.example/cb?error=access_denied&error_description=authorization+required&state=n');
    const page2 = await agent.follow(url('c2'));
    const form2 = formOf(page2.body);
    const allow = await agent.follow(form2.action, { form: { x_csrf_token: form2.csrf, x_action: 'consent' } });
    expect(allow.url).toMatch(/^https:\/\/partner\.example\/cb\?code=[A-Za-z0-9]{32}&state=c2$/);
    // Now authorized for these scopes: no consent page, and prompt=none works.
    expect((await agent.follow(url('c3'))).url).toMatch(/\?code=.*&state=c3$/);
    expect((await agent.follow(`${url('n2')}&prompt=none`)).url).toMatch(/\?code=.*&state=n2$/);
  });

  it('/ sends a new browser to sign-up and a returning one to sign-in, keeping the query', async () => {
    const fresh = await fetch(`${idp.issuer}/?ui_locales=en`, { redirect: 'manual' });
    expect(fresh.headers.get('location')).toBe('/signup?ui_locales=en');
    const back = await fetch(`${idp.issuer}/`, { redirect: 'manual', headers: { cookie: 'signed_up=true' } });
    expect(back.headers.get('location')).toBe('/login');
  });

  it('a standalone sign-in lands on /settings, and /logout signs out after confirmation', async () => {
    const agent = new Agent(idp.issuer);
    let page = await agent.follow('/settings');
    expect(new URL(page.url).pathname).toBe('/signup');
    page = await submit(agent, page.body, { email: 'standalone@example.com' });
    page = await submit(agent, page.body, { code: await latestCode(idp.issuer, 'standalone@example.com') });
    const done = await submit(agent, page.body, { new_password: 'password-1234' });
    expect(new URL(done.url).pathname).toBe('/settings');
    expect(done.body).toContain('Signed in as standalone@example.com.');
    const confirm = await agent.follow('/logout?redirect_uri=https://evil.example/');
    const lf = formOf(confirm.body);
    expect(confirm.body).toContain('name="redirect_uri" value="/"');
    const out = await agent.follow(lf.action, { form: { x_csrf_token: lf.csrf, redirect_uri: 'https://evil.example/', x_action: 'logout' } });
    expect(new URL(out.url).origin).toBe(idp.issuer); // never an open redirect
    expect(agent.cookies.has('session')).toBe(false);
  });

  it('serves pages with anti-framing headers and no external resources', async () => {
    const res = await fetch(`${idp.issuer}/login`);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const body = await res.text();
    expect(body).not.toMatch(/(src|href)="https?:\/\//);
  });
});

describe('re-authentication through the built-in pages', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp.dispose());

  it('id_token_hint with max_age=0 asks for the password again, then auth_time moves forward', async () => {
    const agent = new Agent(idp.issuer);
    const first = pkcePair();
    const q = (extra: Record<string, string>, challenge: string) =>
      `${idp.issuer}/oauth2/authorize?${new URLSearchParams({ client_id: SPA, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid offline_access', code_challenge: challenge, code_challenge_method: 'S256', ...extra })}`;
    const cb = await signInThroughPages(agent, q({}, first.challenge), { email: 'again@example.com', password: 'password-1234' }, 'signup');
    const exchange = async (callback: string, verifier: string) =>
      (await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', client_id: SPA, code: new URL(callback).searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier }) })).json();
    const tokens = await exchange(cb, first.verifier);
    const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
    const before = claims(tokens.id_token).auth_time;

    idp.ctx.clock.advance(3600_000);
    try {
      const second = pkcePair();
      const page = await agent.follow(q({ id_token_hint: tokens.id_token, max_age: '0', scope: 'openid' }, second.challenge));
      expect(new URL(page.url).pathname).toBe('/reauth');
      expect(page.body).toContain('Confirm it is you');
      const wrong = await submit(agent, page.body, { x_option: '0', password: 'not-it-1234' });
      expect(wrong.res.status).toBe(401);
      const done = await submit(agent, page.body, { x_option: '0', password: 'password-1234' });
      const again = await exchange(done.url, second.verifier);
      expect(claims(again.id_token).auth_time).toBeGreaterThanOrEqual(before + 3600);
      expect(claims(again.id_token).sub).toBe(claims(tokens.id_token).sub);
      // The refresh token's session was re-authenticated too (spec oidc.md 6.3).
      const refreshed = await (await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: SPA, refresh_token: tokens.refresh_token }) })).json();
      expect(claims(refreshed.id_token).auth_time).toBe(claims(again.id_token).auth_time);
    } finally {
      idp.ctx.clock.reset();
    }
  });
});
