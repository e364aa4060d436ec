/**
 * The headless CLI as a user runs it: `node bin/authgear-sandbox.js serve ...` in a real child
 * process, with a real data directory and real HTTP on 127.0.0.1.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { createServer, type Server } from 'node:net';
import http from 'node:http';
import { stat, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, formOf, prepareSignUp } from '../helpers/agent';
import { cleanupCli, cliTempDir as tempDir, spawnCli, startCli, REPO, type Cli } from '../helpers/cli';

afterEach(cleanupCli);

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The exit of `cli`, or an error if it is still running after `ms`. */
async function exitWithin(cli: Cli, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`still running ${ms} ms later; stderr:\n${cli.stderr()}`)), ms)));
  try {
    return await Promise.race([cli.exit, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `serve` expecting a start-up failure; returns its exit code and output. */
async function failingStart(args: string[]): Promise<{ code: number | null; stdout: string; stderrLines: string[] }> {
  const cli = spawnCli(['serve', ...args]);
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), 20_000);
  const { code } = await cli.exit;
  clearTimeout(timer);
  return { code, stdout: cli.stdout(), stderrLines: cli.stderr().split('\n').filter((l) => l !== '') };
}

/** The single stderr line of a failed start, checked for the `authgear-sandbox: ` prefix. */
function onlyFailureLine(r: { code: number | null; stdout: string; stderrLines: string[] }): string {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderrLines).toHaveLength(1);
  expect(r.stderrLines[0]).toMatch(/^authgear-sandbox: /);
  return r.stderrLines[0];
}

describe('authgear-sandbox serve', () => {
  it('with --port 0 prints one line with the issuer and console URL, creates the data files and answers discovery', async () => {
    const data = join(await tempDir(), 'nested', 'data'); // created on demand
    const cli = await startCli(['--port', '0', '--data', data]);

    expect(cli.stdout().split('\n').filter(Boolean)).toHaveLength(1);
    const port = Number(new URL(cli.issuer).port);
    expect(port).toBeGreaterThan(0);
    expect(cli.issuer).toBe(`http://localhost:${port}`);
    expect(cli.consoleUrl).toMatch(new RegExp(`^http://localhost:${port}/_sandbox/\\?token=[A-Za-z0-9]{32}$`));

    expect((await stat(join(data, 'authgear.yaml'))).isFile()).toBe(true);
    expect((await stat(join(data, 'authgear.secrets.yaml'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(data, 'sandbox.db'))).size).toBeGreaterThan(0);

    const res = await fetch(`${cli.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.issuer).toBe(cli.issuer);
    expect(doc.token_endpoint).toBe(`${cli.issuer}/oauth2/token`);
    // The listener is on loopback, as the default --host says.
    const direct = await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`);
    expect(direct.status).toBe(200);

    cli.child.kill('SIGTERM');
    expect((await exitWithin(cli, 10_000)).code).toBe(0);
  });

  it('reuses the data directory: a second start keeps the same secrets and config', async () => {
    const data = await tempDir();
    const first = await startCli(['--port', '0', '--data', data]);
    const secrets = await readFile(join(data, 'authgear.secrets.yaml'), 'utf8');
    const app = await readFile(join(data, 'authgear.yaml'), 'utf8');
    first.child.kill('SIGTERM');
    expect((await exitWithin(first, 10_000)).code).toBe(0);

    const second = await startCli(['--port', '0', '--data', data]);
    expect(await readFile(join(data, 'authgear.secrets.yaml'), 'utf8')).toBe(secrets);
    expect(await readFile(join(data, 'authgear.yaml'), 'utf8')).toBe(app);
    // A fresh console token per launch.
    expect(second.consoleUrl).not.toBe(first.consoleUrl);
    second.child.kill('SIGTERM');
    expect((await exitWithin(second, 10_000)).code).toBe(0);
  });

  it('exits 1 with one stderr line naming the port when the port is busy', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', res));
    const port = (blocker.address() as { port: number }).port;
    try {
      const line = onlyFailureLine(await failingStart(['--port', String(port), '--data', await tempDir()]));
      expect(line).toContain(String(port));
      expect(line).toMatch(/in use/);
    } finally {
      await new Promise((res) => blocker.close(res));
    }
  });

  it('exits 1 with one stderr line when the data directory cannot be created', async () => {
    const parent = await tempDir();
    const file = join(parent, 'a-file');
    await writeFile(file, 'not a directory');
    const data = join(file, 'data');
    const line = onlyFailureLine(await failingStart(['--port', '0', '--data', data]));
    expect(line).toContain(data);
    expect(line).toMatch(/data directory/);
  });

  it.runIf(process.platform === 'linux')('exits 1 (and does not hang) for a data directory under /proc', async () => {
    const line = onlyFailureLine(await failingStart(['--port', '0', '--data', '/proc/agsb-nope/data']));
    expect(line).toMatch(/cannot use data directory \/proc\/agsb-nope\/data/);
  });

  it('exits 1 with one stderr line for a bad --port value', async () => {
    const line = onlyFailureLine(await failingStart(['--port', 'eighty', '--data', await tempDir()]));
    expect(line).toContain('--port');
  });

  describe('a broken authgear.yaml ends start-up with the file, the field path and why', () => {
    async function startWithConfig(yaml: string): Promise<string> {
      const data = await tempDir();
      await writeFile(join(data, 'authgear.yaml'), yaml);
      return onlyFailureLine(await failingStart(['--port', '0', '--data', data]));
    }

    it('names /http/public_origin when it is not a string', async () => {
      const line = await startWithConfig('http: {public_origin: 42}\n');
      expect(line).toContain('authgear.yaml');
      expect(line).toContain('/http/public_origin');
      expect(line).toMatch(/string/);
    });

    it('names the line of a YAML syntax error', async () => {
      const line = await startWithConfig('http:\n  public_origin: "http://localhost:3100"\nsession:\n\tlifetime_seconds: 1\n');
      expect(line).toMatch(/^authgear-sandbox: authgear\.yaml: invalid YAML at line 4: /);
    });

    it('names /oauth/clients/0/redirect_uris when an SPA client has none', async () => {
      const line = await startWithConfig(
        ['http:', '  public_origin: http://localhost:3100', 'oauth:', '  clients:', '    - client_id: my-spa', '      x_application_type: spa', ''].join('\n'),
      );
      expect(line).toContain('authgear.yaml');
      expect(line).toContain('/oauth/clients/0/redirect_uris');
    });

    it('names authgear.secrets.yaml when it has no secrets list', async () => {
      const data = await tempDir();
      await writeFile(join(data, 'authgear.secrets.yaml'), 'db: {}\n');
      const line = onlyFailureLine(await failingStart(['--port', '0', '--data', data]));
      expect(line).toContain('authgear.secrets.yaml');
      expect(line).toMatch(/secrets/);
    });
  });

  it('starts with a real Authgear project config and reports the unsupported parts once on stderr', async () => {
    const data = await tempDir();
    await writeFile(
      join(data, 'authgear.yaml'),
      `id: my-project
http:
  public_origin: http://localhost:3100
  cookie_prefix: ""
oauth:
  clients:
    - client_id: 0123456789abcdef
      name: My App
      x_application_type: spa
      redirect_uris:
        - http://localhost:3000/auth-redirect
      post_logout_redirect_uris:
        - http://localhost:3000/
      grant_types: [authorization_code, refresh_token]
      response_types: [code, none]
      x_some_future_field: true
      access_token_lifetime_seconds: 1800
authentication:
  identities: [login_id, oauth]
  primary_authenticators: [password]
  secondary_authenticators: [totp, oob_otp_sms]
  secondary_authentication_mode: if_exists
  device_token:
    disabled: false
identity:
  login_id:
    keys:
      - type: email
        key: email
        max_length: 320
        modify_disabled: false
  oauth:
    providers: []
authenticator:
  password:
    policy:
      min_length: 8
      history_size: 0
  totp:
    maximum: 99
hook:
  blocking_handlers:
    - event: user.pre_create
      url: authgeardeno:///deno/hook.ts
messaging:
  sms_provider: twilio
localization:
  supported_languages: [en, zh-HK]
  fallback_language: en
ui:
  signup_login_flow_enabled: true
`,
    );
    const cli = await startCli(['--port', '0', '--data', data]);
    const res = await fetch(`${cli.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    cli.child.kill('SIGTERM');
    expect((await exitWithin(cli, 10_000)).code).toBe(0);

    const lines = cli.stderr().split('\n').filter(Boolean);
    const sections = lines.filter((l) => /\bhook\b/.test(l));
    expect(sections).toHaveLength(1);
    expect(sections[0]).toMatch(/^notice: authgear\.yaml: /);
    for (const name of ['hook', 'messaging', 'localization']) expect(sections[0]).toMatch(new RegExp(`\\b${name}\\b`));
    // `ui` is read in part (forgot_password, authentication_flow.groups), so it is not listed.
    for (const name of ['http', 'oauth', 'authentication', 'identity', 'authenticator', 'ui']) expect(sections[0]).not.toMatch(new RegExp(`\\b${name}\\b`));
    const field = lines.filter((l) => l.includes('x_some_future_field'));
    expect(field).toHaveLength(1);
    expect(field[0]).toMatch(/^notice: authgear\.yaml: \/oauth\/clients\/0/);
    // Besides the notices, only the stop line: no warnings, no stack traces.
    expect(lines.filter((l) => !l.startsWith('notice: '))).toEqual(['SIGTERM: stopping...']);
    // The project config is left as the user wrote it.
    expect(await readFile(join(data, 'authgear.yaml'), 'utf8')).toContain('x_some_future_field: true');
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`exits 0 with a "stopping" line on ${signal} while idle`, async () => {
      const cli = await startCli(['--port', '0', '--data', await tempDir()]);
      cli.child.kill(signal);
      const { code, signal: by } = await exitWithin(cli, 10_000);
      expect(by).toBeNull();
      expect(code).toBe(0);
      expect(cli.stderr()).toBe(`${signal}: stopping...\n`);
      // The port is released.
      await expect(fetch(`${cli.issuer}/.well-known/openid-configuration`)).rejects.toThrow();
    });
  }

  it('on SIGTERM answers the request in progress, keeps its write, and exits 0 without waiting for the client to hang up', async () => {
    const data = await tempDir();
    const cli = await startCli(['--port', '0', '--data', data]);
    const agent = new Agent(cli.issuer);
    const user = { email: 'term@example.com', password: 'password-1234' };
    const form = await prepareSignUp(agent, user.email);
    // Codes are printed where the developer is looking, besides landing in the outbox.
    expect(cli.stderr()).toMatch(/^outbox: email to term@example\.com \(verification\): code \d{6}$/m);
    const body = new URLSearchParams({ x_csrf_token: form.csrf, x_state_token: form.token, new_password: user.password }).toString();

    // A browser-like client: keeps its connection alive after the answer.
    const keepAlive = new http.Agent({ keepAlive: true });
    try {
      const req = http.request(new URL(form.action, cli.issuer), {
        method: 'POST',
        agent: keepAlive,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(Buffer.byteLength(body)),
          cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          // The server answers "100 Continue" once it has taken the request: then it is in progress.
          expect: '100-continue',
        },
      });
      const answered = new Promise<http.IncomingMessage>((res, rej) => {
        req.on('response', res);
        req.on('error', rej);
      });
      const taken = new Promise((res) => req.on('continue', res));
      req.flushHeaders();
      await taken;
      cli.child.kill('SIGTERM');
      await until(() => cli.stderr().includes('SIGTERM: stopping...'));
      req.end(body);
      const res = await answered;
      res.resume();
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/settings');
      // Well within the 72 s keep-alive timeout the open connection would otherwise hold it for.
      expect((await exitWithin(cli, 5_000)).code).toBe(0);
    } finally {
      keepAlive.destroy();
    }

    const again = await startCli(['--port', '0', '--data', data]);
    const login = new Agent(again.issuer);
    const lf = formOf(await (await login.request('/login')).text());
    const ok = await login.request(lf.action, { form: { x_csrf_token: lf.csrf, x_state_token: lf.token, ...user } });
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe('/settings');
    again.child.kill('SIGTERM');
    expect((await exitWithin(again, 10_000)).code).toBe(0);
  });
});

describe('started by npm', () => {
  it('stops (freeing the port and the data directory) when the npm process that started it dies', async () => {
    const { spawn } = await import('node:child_process');
    const data = await tempDir();
    // A stand-in for npm: starts the CLI as its child (with npm's environment variable), then is
    // killed without passing anything on, as happens when only npm's pid gets the signal.
    const bin = join(REPO, 'bin/authgear-sandbox.js');
    const launcher = spawn(process.execPath, ['-e', `
      const { spawn } = require('node:child_process');
      const c = spawn(process.execPath, [${JSON.stringify(bin)}, 'serve', '--port', '0', '--data', ${JSON.stringify(data)}], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, npm_lifecycle_event: 'serve' } });
      c.stdout.on('data', (d) => process.stdout.write('pid=' + c.pid + ' ' + d));
      setInterval(() => {}, 1000);
    `], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    launcher.stdout!.on('data', (d) => (out += d));
    await expect.poll(() => out, { timeout: 30_000 }).toMatch(/Authgear Sandbox is running/);
    const pid = Number(/pid=(\d+)/.exec(out)![1]);
    const issuer = /Issuer: (\S+)/.exec(out)![1];
    expect((await fetch(`${issuer}/.well-known/openid-configuration`)).status).toBe(200);
    launcher.kill('SIGKILL');
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await expect.poll(alive, { timeout: 15_000 }).toBe(false);
    // The data directory is free again: a new sandbox starts on it.
    const again = await startCli(['--port', '0', '--data', data]);
    expect((await fetch(`${again.issuer}/.well-known/openid-configuration`)).status).toBe(200);
  });
});
