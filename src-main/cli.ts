/**
 * Headless command line: `authgear-sandbox serve [--port N] [--host H] [--data DIR]` prints one
 * line with the issuer and the console URL once listening, like a notebook server;
 * `authgear-sandbox admin-token [--data DIR] [--lifetime SECONDS]` prints an Admin API JWT and
 * `authgear-sandbox rotate-key [--data DIR]` adds a token signing key.
 */
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { startIdp, type RunningIdp } from './idp/index';
import { ConfigError, StartupError } from './idp/errors';
import { lockDataDir } from './idp/store/dir-lock';
import { loadConfig } from './idp/config/load';
import { rotateSigningKey } from './idp/crypto/key-rotation';
import { retentionSeconds } from './idp/crypto/signing-keys';
import { createClock } from './idp/clock';
import { createRandom } from './idp/random';
import { mintAdminToken, DEFAULT_ADMIN_TOKEN_LIFETIME, MAX_ADMIN_TOKEN_LIFETIME } from './idp/adminapi/token';
import { ensureDir } from './idp/store/ensure-dir';

const USAGE = `Usage: authgear-sandbox serve [--port N] [--host H] [--data DIR]
       authgear-sandbox admin-token [--data DIR] [--lifetime SECONDS]
       authgear-sandbox rotate-key [--data DIR]

serve         run the identity provider
  --port N    port to listen on (default: the port of http.public_origin, else 3100; 0 = any free port)
  --host H    interface to bind (default 127.0.0.1)
  --data DIR  data directory (default: $AUTHGEAR_SANDBOX_DATA or ~/.authgear-sandbox)

admin-token   print an Admin API token (a JWT signed with the project's admin-api.auth key),
              whether or not a sandbox is running on DIR
  --lifetime  seconds until it expires (default 300, at most 2592000)

rotate-key    add a new token signing key to authgear.secrets.yaml (the old one stays published
              while tokens it signed may live); for a running sandbox use its console API instead
`;

export function defaultDataDir(): string {
  return process.env.AUTHGEAR_SANDBOX_DATA || join(homedir(), '.authgear-sandbox');
}

function fail(message: string): never {
  process.stderr.write(`authgear-sandbox: ${message}\n`);
  process.exit(1);
}

async function serve(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (e: any) {
    fail(`${e.message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) fail(`--port must be a number from 0 to 65535, got ${values.port}`);
    port = Number(values.port);
  }
  let idp: RunningIdp;
  try {
    idp = await startIdp({
      dataDir: values.data ?? defaultDataDir(),
      port,
      host: values.host,
      onNotice: (l) => process.stderr.write(`notice: ${l}\n`),
      // `npm run bench` sets this for its reference route; nothing else should.
      benchRoutes: process.env.AUTHGEAR_SANDBOX_BENCH_ROUTES === '1',
      // Nothing is really sent: show each code or link where the developer is looking.
      onOutbox: (m) => process.stderr.write(`outbox: ${m.channel} to ${m.recipient} (${m.messageType}): ${m.link ?? `code ${m.code}`}\n`),
    });
  } catch (e) {
    if (e instanceof StartupError || e instanceof ConfigError) fail(e.message);
    throw e;
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping...\n`);
    await idp.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Under npm (`npm run serve`, `npm start`), a signal to npm alone may not reach us: stop when
  // the process that started us is gone, so the port and the data directory are freed.
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) void stop('parent process exited');
    }, 500).unref();
  }
  // Only now announce readiness: a signal sent as soon as the line is seen must find the handlers.
  process.stdout.write(`Authgear Sandbox is running. Issuer: ${idp.issuer}  Console: ${idp.consoleUrl}\n`);
}

/** `rotate-key`: only while no sandbox runs on the directory (a running one rotates through its API). */
async function rotateKey(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { data: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (e: any) {
    fail(`${e.message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const dataDir = resolve(values.data ?? defaultDataDir());
  let unlock: () => Promise<void>;
  try {
    await ensureDir(dataDir);
    unlock = await lockDataDir(dataDir);
  } catch (e: any) {
    const running = e instanceof StartupError && e.message.includes('in use');
    fail(running ? `${e.message}; rotate through the running sandbox: POST /_sandbox/api/keys/rotate with the console token` : e.message);
  }
  try {
    const clock = createClock();
    const random = createRandom();
    const config = await loadConfig(dataDir, { random, clock, defaultOrigin: 'http://localhost:3100' });
    const retainSeconds = retentionSeconds(config.app.oauth.clients);
    const keys = await rotateSigningKey(dataDir, { kid: random.uuid(), nowSec: clock.nowSec(), retainSeconds });
    process.stdout.write(`New signing key ${keys[0].kid}; ${keys.length - 1} older key(s) stay published for verification (up to ${retainSeconds} s after each was replaced).\n`);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof StartupError) fail(e.message);
    throw e;
  } finally {
    await unlock!();
  }
}

/** Signs a token from the secrets file alone: no server, no lock on the data directory. */
async function adminToken(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { data: { type: 'string' }, lifetime: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (e: any) {
    fail(`${e.message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const lifetime = values.lifetime === undefined ? DEFAULT_ADMIN_TOKEN_LIFETIME : Number(values.lifetime);
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_ADMIN_TOKEN_LIFETIME) fail(`--lifetime must be a whole number of seconds from 1 to ${MAX_ADMIN_TOKEN_LIFETIME}, got ${values.lifetime}`);
  const clock = createClock();
  try {
    const dataDir = values.data ?? defaultDataDir();
    // A new data directory becomes a new project, as `serve` would make it.
    await ensureDir(dataDir);
    const config = await loadConfig(dataDir, { random: createRandom(), clock, defaultOrigin: 'http://localhost:3100' });
    const minted = await mintAdminToken(config.secrets.adminApiKeys, config.app.id, clock.nowSec(), lifetime);
    process.stdout.write(`${minted.token}\n`);
  } catch (e: any) {
    if (e instanceof ConfigError || e instanceof StartupError) fail(e.message);
    if (e?.code === 'ENOENT' || e?.code === 'EACCES') fail(`cannot read the data directory: ${e.message}`);
    fail(e.message);
  }
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'rotate-key':
      return rotateKey(rest);
    case 'admin-token':
      return adminToken(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return;
    default:
      fail(`unknown command ${command}\n${USAGE}`);
  }
}
