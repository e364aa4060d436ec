// The console's private API (/_sandbox/api/*) for the token inspector, resolver, clock, request
// log and clients views, against a real IdP over HTTP.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { Agent, signInThroughPages } from '../helpers/agent';
import { pkcePair } from '../helpers/pkce';

const REDIRECT = 'http://localhost:3000/auth-redirect';

let idp: TestIdp;
let agent: Agent;
let jwt: string;
let idToken: string;
let userId: string;

async function api(method: string, path: string, body?: unknown, token = idp.consoleToken) {
  const res = await fetch(`${idp.issuer}/_sandbox/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** A code from the authorize endpoint for a signed-in agent. */
async function authorize(clientId: string, redirect = REDIRECT, extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkcePair();
  const q = new URLSearchParams({ client_id: clientId, redirect_uri: redirect, response_type: 'code', scope: 'openid offline_access', code_challenge: challenge, code_challenge_method: 'S256', ...extra });
  const { url, res } = await agent.follow(`${idp.issuer}/oauth2/authorize?${q}`);
  return { url, status: res.status, verifier, code: new URL(url).searchParams.get('code') };
}

async function exchange(clientId: string, code: string, verifier: string, extra: Record<string, string> = {}, redirect = REDIRECT) {
  const res = await fetch(`${idp.issuer}/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: redirect, code_verifier: verifier, ...extra }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  idp = await startTestIdp();
  // A commented authgear.yaml with a section the sandbox does not read: both must survive edits.
  agent = new Agent(idp.issuer);
  const { challenge, verifier } = pkcePair();
  const q = new URLSearchParams({ client_id: 'sandbox-spa', redirect_uri: REDIRECT, response_type: 'code', scope: 'openid offline_access', code_challenge: challenge, code_challenge_method: 'S256' });
  const cb = await signInThroughPages(agent, `${idp.issuer}/oauth2/authorize?${q}`, { email: 'console-api@example.com', password: 'password-1234' }, 'signup');
  const t = await exchange('sandbox-spa', new URL(cb).searchParams.get('code')!, verifier);
  jwt = t.body.access_token;
  idToken = t.body.id_token;
  userId = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).sub;
});
afterAll(() => idp.dispose());

describe('every console endpoint requires the console token', () => {
  it.each([
    ['POST', '/resolve'],
    ['POST', '/fetch-jwks'],
    ['GET', '/clock'],
    ['POST', '/clock'],
    ['DELETE', '/clock'],
    ['GET', '/request-log'],
    ['DELETE', '/request-log'],
    ['GET', '/clients'],
    ['POST', '/clients'],
    ['PATCH', '/clients/sandbox-spa'],
    ['DELETE', '/clients/sandbox-spa'],
  ])('%s %s answers 401 ConsoleTokenRequired without it', async (method, path) => {
    const r = await api(method, path, method === 'GET' || method === 'DELETE' ? undefined : {}, 'wrong');
    expect(r.status).toBe(401);
    expect(r.body.error.reason).toBe('ConsoleTokenRequired');
  });
});

describe('POST /_sandbox/api/resolve', () => {
  it('answers the headers /_resolver/resolve would, for a JWT access token', async () => {
    const r = await api('POST', '/resolve', { authorization: `Bearer ${jwt}` });
    expect(r.status).toBe(200);
    const real = await fetch(`${idp.issuer}/_resolver/resolve`, { headers: { authorization: `Bearer ${jwt}` } });
    const expected: Record<string, string> = {};
    real.headers.forEach((v, k) => {
      if (k.startsWith('x-authgear-')) expected[k] = v;
    });
    expect(r.body.state).toBe('valid');
    expect(r.body.headers).toEqual(expected);
    expect(r.body.headers['x-authgear-user-id']).toBe(userId);
  });

  it('takes a session cookie as a Cookie header or as the bare cookie value', async () => {
    const value = agent.cookies.get('session')!;
    for (const cookie of [`session=${value}`, value]) {
      const r = await api('POST', '/resolve', { cookie });
      expect(r.body).toMatchObject({ state: 'valid', session_cookie_name: 'session' });
      expect(r.body.headers['x-authgear-user-id']).toBe(userId);
    }
  });

  it('reports no credentials, and bad ones (an ID token, alg none, garbage) as invalid', async () => {
    expect((await api('POST', '/resolve', {})).body).toMatchObject({ state: 'none', headers: {} });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${jwt.split('.')[1]}.`;
    for (const token of [idToken, none, 'garbage']) {
      const r = await api('POST', '/resolve', { authorization: `Bearer ${token}` });
      expect(r.body).toMatchObject({ state: 'invalid', headers: { 'x-authgear-session-valid': 'false' } });
    }
  });

  it('refuses wrong types, unknown fields and non-JSON bodies', async () => {
    expect((await api('POST', '/resolve', { authorization: 1 })).body.error.reason).toBe('ValidationFailed');
    expect((await api('POST', '/resolve', { other: 'x' })).body.error.reason).toBe('ValidationFailed');
    expect((await api('POST', '/resolve', '{"authorization":')).body.error.reason).toBe('InvalidJSON');
  });
});

describe('POST /_sandbox/api/fetch-jwks', () => {
  it('fetches a JWK set over http', async () => {
    const r = await api('POST', '/fetch-jwks', { url: `${idp.issuer}/oauth2/jwks` });
    expect(r.status).toBe(200);
    expect(r.body.jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' });
  });

  it('refuses other schemes, and answers that are not a JWK set', async () => {
    const file = await api('POST', '/fetch-jwks', { url: 'file:///etc/passwd' });
    expect(file.status).toBe(400);
    expect(file.body.error.reason).toBe('ValidationFailed');
    const notJwks = await api('POST', '/fetch-jwks', { url: `${idp.issuer}/.well-known/openid-configuration` });
    expect(notJwks.body.error).toMatchObject({ reason: 'JWKSFetchFailed', message: 'the answer is not a JWK set ({"keys": [...]})' });
    const missing = await api('POST', '/fetch-jwks', { url: `${idp.issuer}/nope` });
    expect(missing.body.error).toMatchObject({ reason: 'JWKSFetchFailed', message: 'the server answered HTTP 404' });
    const refused = await api('POST', '/fetch-jwks', { url: 'http://127.0.0.1:1/jwks' });
    expect(refused.body.error.reason).toBe('JWKSFetchFailed');
  });
});

describe('/_sandbox/api/clock', () => {
  afterAll(() => idp.ctx.clock.reset());

  it('moves the sandbox clock forward and back, to an instant, and resets it', async () => {
    const start = await api('GET', '/clock');
    expect(start.body.offset_ms).toBe(0);
    const moved = await api('POST', '/clock', { advance_seconds: 3600 });
    expect(moved.body.offset_ms).toBe(3_600_000);
    expect(idp.ctx.clock.offsetMs()).toBe(3_600_000);
    expect((await api('POST', '/clock', { advance_seconds: -60 })).body.offset_ms).toBe(3_540_000);
    const target = '2040-01-01T00:00:00Z';
    const set = await api('POST', '/clock', { set_to: target });
    expect(Math.abs(set.body.now_ms - Date.parse(target))).toBeLessThan(1000);
    expect(set.body.now.startsWith('2040-01-01T00:00:0')).toBe(true);
    const reset = await api('DELETE', '/clock');
    expect(reset.body.offset_ms).toBe(0);
  });

  it('makes an authorization code expire', async () => {
    const a = await authorize('sandbox-spa');
    await api('POST', '/clock', { advance_seconds: 301 });
    try {
      const r = await exchange('sandbox-spa', a.code!, a.verifier);
      expect(r.body.error).toBe('invalid_grant');
    } finally {
      await api('DELETE', '/clock');
    }
  });

  it('refuses bad input and moves beyond 100 years, leaving the clock alone', async () => {
    for (const body of [{}, { advance_seconds: 'x' }, { advance_seconds: 1, set_to: '2030-01-01T00:00:00Z' }, { set_to: 'tomorrow' }, { advance_seconds: 1e12 }]) {
      const r = await api('POST', '/clock', body);
      expect(r.status).toBe(400);
      expect(r.body.error.reason).toBe('ValidationFailed');
    }
    expect(idp.ctx.clock.offsetMs()).toBe(0);
  });
});

describe('/_sandbox/api/request-log', () => {
  it('lists requests with status, duration and the reason of a refusal, secrets redacted', async () => {
    const before = (await api('GET', '/request-log')).body.last_id as number;
    await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'sandbox-spa', code: 'not-a-code', redirect_uri: REDIRECT, code_verifier: 'x' }) });
    await fetch(`${idp.issuer}/oauth2/end_session?id_token_hint=${idToken}&state=visible`, { redirect: 'manual' });
    await fetch(`${idp.issuer}/oauth2/authorize?client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT)}`);
    await fetch(`${idp.issuer}/api/v1/authentication_flows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"login","name":"nope"}' });
    const { body } = await api('GET', `/request-log?after=${before}`);
    const entries = body.entries as any[];
    expect(entries.map((e) => `${e.method} ${e.path.split('?')[0]} ${e.status}`)).toEqual([
      'POST /oauth2/token 400',
      'GET /oauth2/end_session 302',
      'GET /oauth2/authorize 400',
      'POST /api/v1/authentication_flows 404',
    ]);
    expect(entries[0].rejection).toEqual({ error: 'invalid_grant', description: 'invalid authorization code' });
    expect(entries[1].path).toBe('/oauth2/end_session?id_token_hint=[redacted]&state=visible');
    expect(JSON.stringify(body)).not.toContain(idToken);
    expect(entries[2].rejection).toEqual({ error: 'unauthorized_client', description: 'invalid client ID' });
    expect(entries[3].rejection).toEqual({ error: 'AuthenticationFlowFlowNotFound', description: 'flow not found' });
    for (const e of entries) {
      expect(e.id).toBeGreaterThan(before);
      expect(e.duration_ms).toBeGreaterThanOrEqual(0);
      expect(Date.parse(e.time)).not.toBeNaN();
    }
    // The console's own requests are not logged.
    expect(entries.some((e) => e.path.startsWith('/_sandbox/'))).toBe(false);
  });

  it('records an OAuth error delivered to the redirect URI', async () => {
    const before = (await api('GET', '/request-log')).body.last_id as number;
    await authorize('sandbox-spa', REDIRECT, { scope: 'offline_access' });
    const { body } = await api('GET', `/request-log?after=${before}`);
    const entry = body.entries.find((e: any) => e.path.startsWith('/oauth2/authorize'));
    expect(entry.rejection).toEqual({ error: 'invalid_scope', description: "must request 'openid' scope" });
  });

  it('clears the log; ids keep counting', async () => {
    const last = (await api('GET', '/request-log')).body.last_id as number;
    const cleared = await api('DELETE', '/request-log');
    expect(cleared.body.deleted).toBeGreaterThan(0);
    expect((await api('GET', '/request-log')).body.entries).toEqual([]);
    await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    const after = (await api('GET', '/request-log')).body.entries;
    expect(after).toHaveLength(1);
    expect(after[0].id).toBeGreaterThan(last);
  });
});

describe('/_sandbox/api/clients', () => {
  const file = () => join(idp.dataDir, 'authgear.yaml');
  const secretsFile = () => join(idp.dataDir, 'authgear.secrets.yaml');

  beforeAll(async () => {
    const text = await readFile(file(), 'utf8');
    await writeFile(file(), `${text}# kept: a comment of the user\nhook:\n  blocking_handlers: []  # kept too\n`);
  });

  it('adds a public client that works at once, keeping the file\'s comments and other sections', async () => {
    const r = await api('POST', '/clients', { client_id: 'my-spa', name: 'My SPA', x_application_type: 'spa', redirect_uris: ['http://localhost:4000/cb'], issue_jwt_access_token: true });
    expect(r.status).toBe(201);
    expect(r.body.client).toMatchObject({ client_id: 'my-spa', name: 'My SPA', x_application_type: 'spa', access_token_lifetime_seconds: 1800, client_secret: null });
    expect(r.body.client.defaults).toContain('access_token_lifetime_seconds');
    expect(r.body.generated_client_secret).toBeNull();

    const a = await authorize('my-spa', 'http://localhost:4000/cb');
    expect(a.code).toBeTruthy();
    const t = await exchange('my-spa', a.code!, a.verifier, {}, 'http://localhost:4000/cb');
    expect(t.body.access_token.split('.')).toHaveLength(3);

    const text = await readFile(file(), 'utf8');
    expect(text).toContain('# kept: a comment of the user');
    expect(text).toContain('blocking_handlers: [] # kept too');
    expect(text).toContain('# Project configuration in the shape of Authgear');
    const client = parse(text).oauth.clients.find((c: any) => c.client_id === 'my-spa');
    expect(client).toEqual({
      client_id: 'my-spa',
      name: 'My SPA',
      x_application_type: 'spa',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code', 'none'],
      redirect_uris: ['http://localhost:4000/cb'],
      issue_jwt_access_token: true,
    });
  });

  it('gives a confidential client a generated secret, in the secrets file and accepted at once', async () => {
    const r = await api('POST', '/clients', { name: 'Backend', x_application_type: 'confidential', redirect_uris: ['http://localhost:4001/cb'] });
    expect(r.status).toBe(201);
    const { client_id, client_secret } = r.body.client;
    expect(client_id).toMatch(/^[0-9a-f]{16}$/);
    expect(client_secret).toMatch(/^[0-9A-Za-z_]{32}$/);
    expect(r.body.generated_client_secret).toBe(client_secret);

    const secrets = parse(await readFile(secretsFile(), 'utf8')).secrets.find((s: any) => s.key === 'oauth.client_secrets').data.items;
    const item = secrets.find((i: any) => i.client_id === client_id);
    expect(Buffer.from(item.keys[0].k, 'base64url').toString()).toBe(client_secret);
    expect((await readFile(secretsFile(), 'utf8')).startsWith('# Secrets of the sandbox project')).toBe(true);
    const stored = parse(await readFile(file(), 'utf8')).oauth.clients.find((c: any) => c.client_id === client_id);
    expect(stored.client_name).toBe('Backend');

    const a = await authorize(client_id, 'http://localhost:4001/cb');
    expect((await exchange(client_id, a.code!, a.verifier, { client_secret: 'wrong' }, 'http://localhost:4001/cb')).status).toBe(400);
    const b = await authorize(client_id, 'http://localhost:4001/cb');
    const ok = await exchange(client_id, b.code!, b.verifier, { client_secret }, 'http://localhost:4001/cb');
    expect(ok.status).toBe(200);
  });

  it('edits a client: changed fields written, null back to the default, effective at once', async () => {
    const r = await api('PATCH', '/clients/my-spa', { name: 'Renamed', access_token_lifetime_seconds: 600, redirect_uris: ['http://localhost:4000/cb', 'http://localhost:4000/other'] });
    expect(r.status).toBe(200);
    expect(r.body.client).toMatchObject({ name: 'Renamed', access_token_lifetime_seconds: 600 });
    expect(r.body.client.defaults).not.toContain('access_token_lifetime_seconds');
    const a = await authorize('my-spa', 'http://localhost:4000/other');
    const t = await exchange('my-spa', a.code!, a.verifier, {}, 'http://localhost:4000/other');
    expect(t.body.expires_in).toBe(600);

    const back = await api('PATCH', '/clients/my-spa', { access_token_lifetime_seconds: null });
    expect(back.body.client.access_token_lifetime_seconds).toBe(1800);
    expect(parse(await readFile(file(), 'utf8')).oauth.clients.find((c: any) => c.client_id === 'my-spa').access_token_lifetime_seconds).toBeUndefined();
  });

  it('refuses what start-up would refuse, and writes nothing', async () => {
    const before = await readFile(file(), 'utf8');
    const cases: [string, string, unknown, string][] = [
      ['PATCH', '/clients/my-spa', { redirect_uris: [] }, 'redirect_uris: at least one redirect URI is required'],
      ['PATCH', '/clients/my-spa', { redirect_uris: ['not a uri'] }, 'redirect_uris.0: not an absolute URI: not a uri'],
      ['PATCH', '/clients/my-spa', { access_token_lifetime_seconds: 10 }, 'access_token_lifetime_seconds: must be >= 300'],
      ['PATCH', '/clients/my-spa', { x_application_type: 'traditional_webapp' }, 'post_logout_redirect_uris: required for traditional_webapp clients'],
      ['POST', '/clients', { name: 'X', x_application_type: 'spa' }, 'redirect_uris: at least one redirect URI is required'],
    ];
    for (const [method, path, body, message] of cases) {
      const r = await api(method, path, body);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ reason: 'ValidationFailed', message });
    }
    expect((await api('PATCH', '/clients/my-spa', { unknown: 1 })).body.error.reason).toBe('ValidationFailed');
    expect((await api('PATCH', '/clients/my-spa', { name: 5 })).body.error.reason).toBe('ValidationFailed');
    expect((await api('POST', '/clients', { client_id: 'my-spa', name: 'Again', x_application_type: 'spa', redirect_uris: [REDIRECT] })).body.error.reason).toBe('DuplicateClientID');
    expect((await api('PATCH', '/clients/nope', { name: 'x' })).body.error.reason).toBe('ClientNotFound');
    expect(await readFile(file(), 'utf8')).toBe(before);
    expect((await api('GET', '/clients')).body.clients.find((c: any) => c.client_id === 'my-spa').redirect_uris).toHaveLength(2);
  });

  it('deletes a client and its secret; it stops working at once', async () => {
    const list = (await api('GET', '/clients')).body.clients as any[];
    const backend = list.find((c) => c.name === 'Backend');
    expect((await api('DELETE', `/clients/${backend.client_id}`)).status).toBe(200);
    expect((await api('DELETE', '/clients/my-spa')).status).toBe(200);
    const a = await authorize('my-spa', 'http://localhost:4000/cb');
    expect(a.status).toBe(400);
    const secrets = parse(await readFile(secretsFile(), 'utf8')).secrets.find((s: any) => s.key === 'oauth.client_secrets').data.items;
    expect(secrets.some((i: any) => i.client_id === backend.client_id)).toBe(false);
    expect((await api('GET', '/clients')).body.clients.map((c: any) => c.client_id)).toEqual(['sandbox-spa', 'sandbox-webapp']);
    expect(await readFile(file(), 'utf8')).toContain('# kept: a comment of the user');
  });

  it('keeps the edits across a restart', async () => {
    await api('POST', '/clients', { client_id: 'durable', name: 'Durable', x_application_type: 'native', redirect_uris: ['com.example.app://host/cb'] });
    await idp.close();
    const again = await startTestIdp({ dataDir: idp.dataDir });
    try {
      const r = await fetch(`${again.issuer}/_sandbox/api/clients`, { headers: { authorization: `Bearer ${again.consoleToken}` } });
      const clients = ((await r.json()) as any).clients;
      expect(clients.find((c: any) => c.client_id === 'durable')).toMatchObject({ name: 'Durable', x_application_type: 'native' });
    } finally {
      await again.close();
    }
  });
});
