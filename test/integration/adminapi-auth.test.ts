/**
 * Admin API authentication over HTTP (spec admin-api.md 2): the same 403 `Forbidden\n` for every
 * bad token, tokens signed by the developer's own code with the downloaded key, the console's
 * token endpoints, and the CLI's `admin-token` with and without a running sandbox.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { importPKCS8, SignJWT, generateKeyPair } from 'jose';
import { startTestIdp, tempDir, type TestIdp } from '../helpers/idp';
import { adminToken } from '../helpers/admin';
import { REPO, cleanupCli, startCli } from '../helpers/cli';

const QUERY = JSON.stringify({ query: '{ users(first: 1) { totalCount } }' });

function post(issuer: string, authorization: string | undefined, body = QUERY, contentType = 'application/json') {
  return fetch(`${issuer}/_api/admin/graphql`, { method: 'POST', headers: { 'content-type': contentType, ...(authorization !== undefined ? { authorization } : {}) }, body });
}

/** `authgear-sandbox admin-token ...` in a child process: its stdout and exit code. */
function cliAdminToken(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'authgear-sandbox.js'), 'admin-token', ...args], { cwd: REPO });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('Admin API authentication', () => {
  let idp: TestIdp;
  let keys: { app_id: string; keys: { kid: string; private_key_pem: string; public_key_pem: string; public_jwk: Record<string, unknown> }[] };

  beforeAll(async () => {
    idp = await startTestIdp();
    const res = await fetch(`${idp.issuer}/_sandbox/api/admin-api-keys`, { headers: { authorization: `Bearer ${idp.consoleToken}` } });
    expect(res.status).toBe(200);
    keys = await res.json();
  });
  afterAll(() => idp.dispose());
  afterEach(cleanupCli);

  async function ownToken(payload: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
    const key = await importPKCS8(keys.keys[0].private_key_pem, 'RS256');
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: keys.keys[0].kid, typ: 'JWT', ...header }).sign(key);
  }
  const now = () => Math.floor(Date.now() / 1000);

  it('accepts a token signed with the downloaded PEM, aud as a string or an array', async () => {
    expect(keys.app_id).toBe('sandbox');
    expect(keys.keys[0].private_key_pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(keys.keys[0].public_jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: keys.keys[0].kid });
    for (const aud of ['sandbox', ['sandbox']]) {
      const res = await post(idp.issuer, `Bearer ${await ownToken({ aud, iat: now(), exp: now() + 300 })}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await res.json()).toEqual({ data: { users: { totalCount: 0 } } });
    }
  });

  it('answers every bad token with the same 403 "Forbidden\\n", no WWW-Authenticate, security headers', async () => {
    const foreign = await new SignJWT({ aud: 'sandbox' }).setProtectedHeader({ alg: 'RS256', kid: keys.keys[0].kid }).sign((await generateKeyPair('RS256')).privateKey);
    const cases: (string | undefined)[] = [
      undefined,
      'Basic abc',
      `bearer ${await ownToken({ aud: 'sandbox' })}`,
      'Bearer not-a-jwt',
      `Bearer ${await ownToken({ aud: 'sandbox' }, { kid: undefined })}`,
      `Bearer ${await ownToken({ aud: 'sandbox' }, { kid: 'unknown' })}`,
      `Bearer ${foreign}`,
      `Bearer ${await ownToken({ aud: 'myapp' })}`,
      `Bearer ${await ownToken({ iat: now() })}`,
      `Bearer ${await ownToken({ aud: 'sandbox', exp: now() - 600 })}`,
      `Bearer ${await ownToken({ aud: 'sandbox', iat: now() + 600 })}`,
    ];
    for (const authorization of cases) {
      const res = await post(idp.issuer, authorization);
      expect(res.status, String(authorization)).toBe(403);
      expect(await res.text()).toBe('Forbidden\n');
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('checks the token before anything else: GET (GraphiQL) and a bad content type are 403 without it', async () => {
    expect((await fetch(`${idp.issuer}/_api/admin/graphql`)).status).toBe(403);
    expect((await post(idp.issuer, undefined, 'x', 'text/plain')).status).toBe(403);
  });

  it('serves the same API at /graphql, GraphiQL on GET, and a query on GET ?query=', async () => {
    const token = await adminToken(idp);
    const page = await fetch(`${idp.issuer}/_api/admin/graphql`, { headers: { authorization: `Bearer ${token}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>GraphiQL: Admin API - Authgear</title>');
    const q = await fetch(`${idp.issuer}/_api/admin/graphql?query=${encodeURIComponent('{ users { totalCount } }')}`, { headers: { authorization: `Bearer ${token}` } });
    expect(await q.json()).toEqual({ data: { users: { totalCount: 0 } } });
    const m = await fetch(`${idp.issuer}/graphql?query=${encodeURIComponent('mutation { createRole(input: {key: "x"}) { role { key } } }')}`, { headers: { authorization: `Bearer ${token}` } });
    expect(m.status).toBe(400);
    expect((await m.json()).error.message).toBe('mutations must be sent with POST');
    const bare = await fetch(`${idp.issuer}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/graphql' }, body: '{ roles { totalCount } }' });
    expect(await bare.json()).toEqual({ data: { roles: { totalCount: 0 } } });
  });

  it('refuses other content types with 415 text/plain and accepts a JSON-string variables', async () => {
    const token = await adminToken(idp);
    const res = await post(idp.issuer, `Bearer ${token}`, QUERY, 'text/plain');
    expect(res.status).toBe(415);
    expect(await res.text()).toBe('invalid content type: text/plain');
    const latin = await post(idp.issuer, `Bearer ${token}`, QUERY, 'application/json; charset=latin1');
    expect(latin.status).toBe(415);
    const v = await post(idp.issuer, `Bearer ${token}`, JSON.stringify({ query: 'query ($f: Int) { users(first: $f) { totalCount } }', variables: '{"f": 1}' }));
    expect(await v.json()).toEqual({ data: { users: { totalCount: 0 } } });
  });

  it('the console mints a 5-minute token by default and a longer one on request; both need the console token', async () => {
    const denied = await fetch(`${idp.issuer}/_sandbox/api/admin-token`, { method: 'POST' });
    expect(denied.status).toBe(401);
    expect((await fetch(`${idp.issuer}/_sandbox/api/admin-api-keys`)).status).toBe(401);
    const res = await fetch(`${idp.issuer}/_sandbox/api/admin-token`, { method: 'POST', headers: { authorization: `Bearer ${idp.consoleToken}` } });
    const body = await res.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, app_id: 'sandbox', kid: keys.keys[0].kid });
    const [h, p] = body.token.split('.').slice(0, 2).map((s: string) => JSON.parse(Buffer.from(s, 'base64url').toString()));
    expect(h).toEqual({ alg: 'RS256', kid: keys.keys[0].kid, typ: 'JWT' });
    expect(p.aud).toEqual(['sandbox']);
    expect(p.exp - p.iat).toBe(300);
    const long = await fetch(`${idp.issuer}/_sandbox/api/admin-token`, { method: 'POST', headers: { authorization: `Bearer ${idp.consoleToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ lifetime_seconds: 86400 }) });
    expect((await long.json()).expires_in).toBe(86400);
    const tooLong = await fetch(`${idp.issuer}/_sandbox/api/admin-token`, { method: 'POST', headers: { authorization: `Bearer ${idp.consoleToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ lifetime_seconds: 31 * 86400 }) });
    expect(tooLong.status).toBe(400);
    expect((await tooLong.json()).error.reason).toBe('ValidationFailed');
  });

  it('a token stops working 5 minutes after exp, on the sandbox clock', async () => {
    const token = await adminToken(idp);
    try {
      idp.ctx.clock.advance(9 * 60_000);
      expect((await post(idp.issuer, `Bearer ${token}`)).status).toBe(200);
      idp.ctx.clock.advance(2 * 60_000);
      expect((await post(idp.issuer, `Bearer ${token}`)).status).toBe(403);
    } finally {
      idp.ctx.clock.reset();
    }
  });

  it('the CLI prints a token from the secrets file, with no sandbox running and with one running on the same data dir', async () => {
    const dir = await tempDir('agsb-admintoken-');
    const offline = await cliAdminToken(['--data', dir, '--lifetime', '600']);
    expect(offline.code).toBe(0);
    const token1 = offline.stdout.trim();
    expect(token1.split('.')).toHaveLength(3);
    const cli = await startCli(['--port', '0', '--data', dir]);
    const online = await cliAdminToken(['--data', dir]);
    expect(online.code).toBe(0);
    for (const t of [token1, online.stdout.trim()]) {
      const res = await post(cli.issuer, `Bearer ${t}`);
      expect(res.status).toBe(200);
    }
    const bad = await cliAdminToken(['--data', dir, '--lifetime', 'forever']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--lifetime must be a whole number of seconds');
  });
});
