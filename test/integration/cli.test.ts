/**
 * The headless CLI as a user runs it: `node bin/authgear-sandbox.js serve ...` in a real child
 * process, with a real data directory and real HTTP on 127.0.0.1.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdtemp, rm, stat, writeFile, readFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, formOf } from '../helpers/agent';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BIN = join(REPO, 'bin', 'authgear-sandbox.js');
const RUNNING = /^Authgear Sandbox is running\. Issuer: (\S+)  Console: (\S+)$/;

interface Cli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited (code, or the signal that ended it). */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'agsb-cli-'));
  dirs.push(d);
  return d;
}

function spawnCli(args: string[]): Cli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('close', (code, signal) => res({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Starts `serve` and waits for the one "running" line; fails with the child's stderr if it exits first. */
async function startCli(args: string[]): Promise<Cli & { issuer: string; consoleUrl: string }> {
  const cli = spawnCli(['serve', ...args]);
  const line = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`no "running" line within 20 s; stderr:\n${cli.stderr()}`)), 20_000);
    const check = () => {
      const nl = cli.stdout().indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        res(cli.stdout().slice(0, nl));
      }
    };
    cli.child.stdout!.on('data', check);
    cli.exit.then(({ code, signal }) => {
      clearTimeout(timer);
      rej(new Error(`CLI exited (${code ?? signal}) before listening; stderr:\n${cli.stderr()}`));
    });
  });
  const m = RUNNING.exec(line);
  if (!m) throw new Error(`unexpected first stdout line: ${JSON.stringify(line)}`);
  return { ...cli, issuer: m[1], consoleUrl: m[2] };
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
    expect((await cli.exit).code).toBe(0);
  });

  it('reuses the data directory: a second start keeps the same secrets and config', async () => {
    const data = await tempDir();
    const first = await startCli(['--port', '0', '--data', data]);
    const secrets = await readFile(join(data, 'authgear.secrets.yaml'), 'utf8');
    const app = await readFile(join(data, 'authgear.yaml'), 'utf8');
    first.child.kill('SIGTERM');
    expect((await first.exit).code).toBe(0);

    const second = await startCli(['--port', '0', '--data', data]);
    expect(await readFile(join(data, 'authgear.secrets.yaml'), 'utf8')).toBe(secrets);
    expect(await readFile(join(data, 'authgear.yaml'), 'utf8')).toBe(app);
    // A fresh console token per launch.
    expect(second.consoleUrl).not.toBe(first.consoleUrl);
    second.child.kill('SIGTERM');
    expect((await second.exit).code).toBe(0);
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
      const line = await startWithConfig('http:\n  public_origin: "http://localhost:3100"\noauth:\n  clients: [\n    {client_id: x\n');
      expect(line).toContain('authgear.yaml');
      expect(line).toMatch(/invalid YAML at line \d+/);
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
    await mkdir(data, { recursive: true });
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
    expect((await cli.exit).code).toBe(0);

    const lines = cli.stderr().split('\n').filter(Boolean);
    const sections = lines.filter((l) => /\bhook\b/.test(l));
    expect(sections).toHaveLength(1);
    expect(sections[0]).toMatch(/^notice: authgear\.yaml: /);
    for (const name of ['hook', 'messaging', 'localization', 'ui']) expect(sections[0]).toMatch(new RegExp(`\\b${name}\\b`));
    for (const name of ['http', 'oauth', 'authentication', 'identity', 'authenticator']) expect(sections[0]).not.toMatch(new RegExp(`\\b${name}\\b`));
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
      const { code, signal: by } = await cli.exit;
      expect(by).toBeNull();
      expect(code).toBe(0);
      expect(cli.stderr()).toBe(`${signal}: stopping...\n`);
      // The port is released.
      await expect(fetch(`${cli.issuer}/.well-known/openid-configuration`)).rejects.toThrow();
    });
  }

  it('on SIGTERM during a sign-up, finishes it: the answer arrives and the user is there after restart', async () => {
    const data = await tempDir();
    const cli = await startCli(['--port', '0', '--data', data]);
    const agent = new Agent(cli.issuer);
    const form = formOf(await (await agent.request('/signup')).text());
    const user = { email: 'term@example.com', password: 'password-1234' };
    // bcrypt makes the sign-up take tens of milliseconds: the signal lands while it is being handled.
    const pending = agent.request(form.action, { form: { x_csrf_token: form.csrf, ...user } });
    await new Promise((r) => setTimeout(r, 15));
    cli.child.kill('SIGTERM');
    const res = await pending;
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/settings');
    expect((await cli.exit).code).toBe(0);

    const again = await startCli(['--port', '0', '--data', data]);
    const login = new Agent(again.issuer);
    const lf = formOf(await (await login.request('/login')).text());
    const ok = await login.request(lf.action, { form: { x_csrf_token: lf.csrf, ...user } });
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe('/settings');
    again.child.kill('SIGTERM');
    expect((await again.exit).code).toBe(0);
  });
});
