import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestIdp, addClient, type TestIdp } from '../helpers/idp';
import { Agent, formOf, signInThroughPages } from '../helpers/agent';
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

  it('enforces the password policy from authgear.yaml and creates nothing', async () => {
    const agent = new Agent(idp.issuer);
    const page = await agent.follow(authorizeUrl(idp));
    const form = formOf(page.body);
    const before = await userCount(idp);
    const r = await agent.follow(form.action, { form: { x_csrf_token: form.csrf, email: 'weak@example.com', password: 'short' } });
    expect(r.res.status).toBe(400);
    expect(r.body).toContain('Password must be at least 10 characters long.');
    expect(r.body).toContain('Password must contain a digit.');
    expect(r.body).toContain('value="weak@example.com"');
    expect(await userCount(idp)).toBe(before);
  });

  it('rejects a form without the CSRF token (403) and creates nothing', async () => {
    const agent = new Agent(idp.issuer);
    const page = await agent.follow(authorizeUrl(idp));
    const form = formOf(page.body);
    const before = await userCount(idp);
    const forged = await agent.follow(form.action, { form: { email: 'csrf@example.com', password: 'password-1234' } });
    expect(forged.res.status).toBe(403);
    const otherBrowser = new Agent(idp.issuer);
    const stolen = await otherBrowser.follow(form.action, { form: { x_csrf_token: form.csrf, email: 'csrf@example.com', password: 'password-1234' } });
    expect(stolen.res.status).toBe(403);
    expect(await userCount(idp)).toBe(before);
  });

  it('refuses a duplicate e-mail (case-insensitive) and a wrong password without telling which', async () => {
    const agent = new Agent(idp.issuer);
    await signInThroughPages(agent, authorizeUrl(idp), { email: 'dup@example.com', password: 'password-1234' }, 'signup');
    const again = new Agent(idp.issuer);
    const page = await again.follow(authorizeUrl(idp));
    const form = formOf(page.body);
    const dup = await again.follow(form.action, { form: { x_csrf_token: form.csrf, email: 'DUP@example.com', password: 'password-1234' } });
    expect(dup.res.status).toBe(409);
    expect(dup.body).toContain('An account with this email address already exists.');
    const login = await again.follow(authorizeUrl(idp, { x_page: 'login' }));
    const lf = formOf(login.body);
    const wrong = await again.follow(lf.action, { form: { x_csrf_token: lf.csrf, email: 'dup@example.com', password: 'password-12345' } });
    const unknown = await again.follow(lf.action, { form: { x_csrf_token: lf.csrf, email: 'nobody@example.com', password: 'password-1234' } });
    expect(wrong.res.status).toBe(401);
    expect(unknown.res.status).toBe(401);
    expect(wrong.body).toContain('Incorrect email address or password.');
    expect(unknown.body).toContain('Incorrect email address or password.');
  });

  it('an expired sign-in request says so instead of failing silently', async () => {
    const agent = new Agent(idp.issuer);
    const page = await agent.follow(authorizeUrl(idp));
    idp.ctx.clock.advance(1501_000);
    try {
      const form = formOf(page.body);
      const r = await agent.follow(form.action, { form: { x_csrf_token: form.csrf, email: 'late@example.com', password: 'password-1234' } });
      expect(r.res.status).toBe(400);
      expect(r.body).toContain('This sign-in request has expired.');
    } finally {
      idp.ctx.clock.advance(-1501_000);
    }
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
    const start = await agent.follow('/settings');
    expect(new URL(start.url).pathname).toBe('/signup');
    const form = formOf(start.body);
    const done = await agent.follow(form.action, { form: { x_csrf_token: form.csrf, email: 'standalone@example.com', password: 'password-1234' } });
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
