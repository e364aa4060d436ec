import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { connect } from 'node:net';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { Agent, formOf, signInThroughPages, submit, prepareSignUp } from '../helpers/agent';
import { pkcePair } from '../helpers/pkce';

const SPA = 'sandbox-spa';
const REDIRECT = 'http://localhost:3000/auth-redirect';

/** Sends raw bytes and returns the raw answer (for requests fetch refuses to make). */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.end(request));
    let out = '';
    s.on('data', (d) => (out += d));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

describe('hostile input gets a clear answer and changes nothing', () => {
  let idp: TestIdp;
  let agent: Agent;
  const health = async () => (await fetch(`${idp.issuer}/_sandbox/api/health`, { headers: { authorization: `Bearer ${idp.consoleToken}` } })).json();

  beforeAll(async () => {
    idp = await startTestIdp();
    agent = new Agent(idp.issuer);
    const q = new URLSearchParams({ client_id: SPA, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
    await signInThroughPages(agent, `${idp.issuer}/oauth2/authorize?${q}`, { email: 'hostile@example.com', password: 'password-1234' }, 'signup');
  });
  afterAll(() => idp.dispose());

  describe('redirects after sign-in and logout never leave the origin', () => {
    for (const target of ['//evil.example/x', '/\\evil.example/x', '/\t/evil.example/x', '/\n/evil.example', 'https://evil.example/', 'javascript:alert(1)', `${'http://localhost:1'}/x`]) {
      it(`redirect_uri=${JSON.stringify(target)} stays on the issuer`, async () => {
        const res = await agent.request(`/logout?${new URLSearchParams({ redirect_uri: target })}`);
        expect(res.status).toBeLessThan(500);
        const page = await res.text();
        const value = /name="redirect_uri" value="([^"]*)"/.exec(page)?.[1] ?? res.headers.get('location')!;
        const resolved = new URL(value.replace(/&amp;/g, '&'), idp.issuer);
        expect(resolved.origin).toBe(idp.issuer);
        // A standalone sign-in with the same target also stays home.
        const other = new Agent(idp.issuer);
        const login = await other.follow(`/login?${new URLSearchParams({ redirect_uri: target })}`);
        const f = formOf(login.body);
        const done = await other.request(f.action, { form: { x_csrf_token: f.csrf, x_state_token: f.token, email: 'hostile@example.com', password: 'password-1234' } });
        expect(done.status).toBe(302);
        expect(new URL(done.headers.get('location')!, idp.issuer).origin).toBe(idp.issuer);
      });
    }
  });

  it('one authorization code exchanged 30 times in parallel yields at most one live token set', async () => {
    const { verifier, challenge } = pkcePair();
    const q = new URLSearchParams({ client_id: SPA, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid offline_access', code_challenge: challenge, code_challenge_method: 'S256' });
    const code = new URL((await agent.follow(`/oauth2/authorize?${q}`)).url).searchParams.get('code')!;
    const body = new URLSearchParams({ grant_type: 'authorization_code', client_id: SPA, code, redirect_uri: REDIRECT, code_verifier: verifier });
    const answers = await Promise.all(Array.from({ length: 30 }, () => fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body }).then((r) => r.json())));
    const issued = answers.filter((a) => a.refresh_token);
    expect(issued.length).toBeLessThanOrEqual(1);
    expect(answers.filter((a) => a.error === 'invalid_grant').length).toBeGreaterThanOrEqual(29);
    // The replays revoked whatever the first exchange issued.
    for (const a of issued) {
      const r = await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: SPA, refresh_token: a.refresh_token }) });
      expect((await r.json()).error).toBe('invalid_grant');
    }
  });

  it('end_session POSTs keep only known parameters of a sane size in memory', async () => {
    const res = await fetch(`${idp.issuer}/oauth2/end_session`, {
      method: 'POST',
      body: new URLSearchParams({ id_token_hint: 'x'.repeat(500_000), state: 's', junk: 'y'.repeat(1000) }),
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const ref = new URL(res.headers.get('location')!).searchParams.get('x_end_session_ref')!;
    expect(idp.ctx.ephemeral.endSessionStash.get(ref)?.params).toEqual({ state: 's' });
  });

  it('grant_type names of Object.prototype are unsupported_grant_type, not a 500', async () => {
    for (const g of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      const res = await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: g, client_id: SPA }) });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'unsupported_grant_type', error_description: 'grant type is not supported' });
    }
  });

  it('sign-up refuses a password over 8192 bytes and e-mails with control characters, creating nothing', async () => {
    const before = (await health()).users;
    for (const email of ['nul\u0000user@example.com', 'bad\uFFFDuser@example.com']) {
      const a = new Agent(idp.issuer);
      const r = await submit(a, (await a.follow('/signup')).body, { email });
      expect(r.res.status).toBe(400);
      expect(r.body).toContain('Enter a valid email address.');
    }
    const a = new Agent(idp.issuer);
    const f = await prepareSignUp(a, 'long@example.com');
    const r = await a.follow(f.action, { form: { x_csrf_token: f.csrf, x_state_token: f.token, new_password: 'x'.repeat(100_000) } });
    expect(r.res.status).toBe(400);
    expect(r.body).toContain('Password is too long.');
    expect((await health()).users).toBe(before);
  });

  it('a malformed URL, oversized headers, two Host headers or an absolute-form target get a plain 400/431', async () => {
    const bad = await fetch(`${idp.issuer}/login%ff`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('malformed request\n');
    const big = await raw(idp.port, `GET /login HTTP/1.1\r\nHost: localhost:${idp.port}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(big).not.toContain('{');
    const twoHosts = await raw(idp.port, `GET /login HTTP/1.1\r\nHost: localhost:${idp.port}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`);
    expect(twoHosts).toMatch(/^HTTP\/1\.1 400 /);
    const absolute = await raw(idp.port, `GET http://evil.example/login HTTP/1.1\r\nHost: localhost:${idp.port}\r\nConnection: close\r\n\r\n`);
    expect(absolute).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('CR, LF or NUL in a redirect target never reach a header', async () => {
    for (const target of ['/\r\nSet-Cookie: x=1', '/\u0000x', '/\u2028x', '/é']) {
      const res = await fetch(`${idp.issuer}/logout?${new URLSearchParams({ redirect_uri: target })}`, { redirect: 'manual' });
      expect(res.status).toBeLessThan(500);
    }
  });

  it('odd ui_locales fall back to English', async () => {
    const res = await fetch(`${idp.issuer}/login?ui_locales=__proto__%20constructor`);
    expect(await res.text()).toContain('<html lang="en">');
  });
});
