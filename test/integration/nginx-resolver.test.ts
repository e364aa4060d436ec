/**
 * The README's nginx configuration, run for real in front of a tiny backend: nginx asks the
 * sandbox's resolver, the backend sees the X-Authgear-* headers and refuses anonymous calls.
 * Needs nginx on PATH (CI installs it from Debian); without it this file is skipped.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, connect } from 'node:net';
import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { Agent, signInThroughPages } from '../helpers/agent';
import { pkcePair } from '../helpers/pkce';

function findNginx(): string | undefined {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}
const NGINX = findNginx();

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1', () => (c.end(), r(true)));
      c.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

// Skipped only where nginx is not installed; .ci/run installs it, so CI always runs this file.
describe.skipIf(!NGINX)('the README nginx configuration in front of a backend', () => {
  let idp: TestIdp;
  let backend: Server;
  let nginx: ChildProcess;
  let dir: string;
  let base: string;
  let jwt: string;
  let userId: string;

  beforeAll(async () => {
    idp = await startTestIdp();
    // The backend: refuses unless the proxy says the session is valid; echoes what it was told.
    backend = createServer((req, res) => {
      const seen = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith('x-authgear-')));
      res.writeHead(req.headers['x-authgear-session-valid'] === 'true' ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify(seen));
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    const backendPort = (backend.address() as { port: number }).port;
    const proxyPort = await freePort();

    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /```nginx\n([\s\S]*?)```/.exec(readme)![1]
      .replaceAll('127.0.0.1:8080', `127.0.0.1:${proxyPort}`)
      .replaceAll('127.0.0.1:8000', `127.0.0.1:${backendPort}`)
      .replaceAll(':3100', `:${idp.port}`);
    dir = await mkdtemp(join(tmpdir(), 'agsb-nginx-'));
    const temp = (name: string) => `${name}_temp_path ${join(dir, name)};`;
    await writeFile(
      join(dir, 'nginx.conf'),
      `daemon off;\nuser root;\nworker_processes 1;\npid ${join(dir, 'nginx.pid')};\nerror_log ${join(dir, 'error.log')};\nevents {}\nhttp {\naccess_log off;\n${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n')}\n${block}\n}\n`,
    );
    nginx = spawn(NGINX!, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
    await waitForPort(proxyPort);
    base = `http://127.0.0.1:${proxyPort}`;

    const agent = new Agent(idp.issuer);
    const { verifier, challenge } = pkcePair();
    const q = new URLSearchParams({ client_id: 'sandbox-spa', redirect_uri: 'http://localhost:3000/auth-redirect', response_type: 'code', scope: 'openid offline_access', code_challenge: challenge, code_challenge_method: 'S256' });
    const cb = await signInThroughPages(agent, `${idp.issuer}/oauth2/authorize?${q}`, { email: 'nginx@example.com', password: 'password-1234' }, 'signup');
    const t = await (
      await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'sandbox-spa', code: new URL(cb).searchParams.get('code')!, redirect_uri: 'http://localhost:3000/auth-redirect', code_verifier: verifier }) })
    ).json();
    jwt = t.access_token;
    userId = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()).sub;
  });

  afterAll(async () => {
    nginx?.kill('SIGTERM');
    backend?.close();
    await idp?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('passes a signed-in call with the resolver headers', async () => {
    const res = await fetch(`${base}/api/things`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      'x-authgear-session-valid': 'true',
      'x-authgear-user-id': userId,
      'x-authgear-user-anonymous': 'false',
      'x-authgear-user-verified': 'true',
      'x-authgear-user-can-reauthenticate': 'true',
      'x-authgear-session-amr': 'pwd x_primary_password',
      'x-authgear-session-authenticated-at': expect.stringMatching(/^\d{10}$/),
    });
  });

  it('refuses calls without credentials or with bad ones', async () => {
    const none = await fetch(`${base}/api/things`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({});
    const bad = await fetch(`${base}/api/things`, { headers: { authorization: 'Bearer forged' } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ 'x-authgear-session-valid': 'false' });
  });

  it('does not let a client forge the headers', async () => {
    const forged = await fetch(`${base}/api/things`, { headers: { 'x-authgear-session-valid': 'true', 'x-authgear-user-id': 'someone-else' } });
    expect(forged.status).toBe(401);
    const mixed = await fetch(`${base}/api/things`, { headers: { authorization: `Bearer ${jwt}`, 'x-authgear-user-id': 'someone-else' } });
    expect((await mixed.json())['x-authgear-user-id']).toBe(userId);
  });
});
