import { access, readFile, constants } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import type { FastifyInstance } from 'fastify';
import { createClock, type Clock } from './clock';
import { createRandom, type Random } from './random';
import { loadConfig, APP_CONFIG_FILE } from './config/load';
import { openStore } from './store/store';
import { SigningKeys, retentionSeconds } from './crypto/signing-keys';
import { createEphemeral, type IdpContext } from './context';
import { buildServer } from './server';
import { allowedHosts } from './http/host-check';
import { StartupError } from './errors';
import { lockDataDir } from './store/dir-lock';
import type { OutboxMessage } from './store/repos/outbox';
import { ensureDir } from './store/ensure-dir';

export interface StartOptions {
  dataDir: string;
  /** Port to listen on; 0 picks a free one. Default: the port of http.public_origin, else 3100. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Built console (Vue) to serve at /_sandbox/. Default: <package>/out/renderer. */
  consoleDir?: string;
  clock?: Clock;
  random?: Random;
  /** Receives one-line start-up notices (unsupported config sections...). Default: console.warn. */
  onNotice?: (line: string) => void;
  /** Told about every message the sandbox "sends" (codes and links land in the outbox). */
  onOutbox?: (m: OutboxMessage) => void;
  /** Bench only: a trivial reference route (see ServerOptions.benchRoutes). */
  benchRoutes?: boolean;
}

export interface RunningIdp {
  issuer: string;
  consoleUrl: string;
  consoleToken: string;
  port: number;
  /** The running context: tests move its clock. */
  ctx: IdpContext;
  server: FastifyInstance;
  /** Stops accepting, finishes pending writes, flushes and closes the database. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 3100;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function packageRoot(): string {
  // src-main/idp/index.ts in development, out/main/*.js when bundled: walk up to package.json.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

async function configuredOrigin(dataDir: string): Promise<string | undefined> {
  try {
    const doc = parse(await readFile(join(dataDir, APP_CONFIG_FILE), 'utf8'));
    const origin = doc?.http?.public_origin;
    return typeof origin === 'string' ? origin : undefined;
  } catch {
    return undefined; // loadConfig reports a broken file with its reason.
  }
}

function portOf(origin: string | undefined): number | undefined {
  if (!origin) return undefined;
  try {
    const u = new URL(origin);
    return u.port ? Number(u.port) : undefined;
  } catch {
    return undefined;
  }
}

/** The issuer: public_origin, with the listening port when the origin is a loopback one. */
function issuerFor(publicOrigin: string, port: number): string {
  const u = new URL(publicOrigin);
  if (!LOOPBACK.has(u.hostname)) return publicOrigin.replace(/\/+$/, '');
  u.port = String(port);
  return u.origin;
}

async function prepareDataDir(dataDir: string): Promise<void> {
  try {
    await ensureDir(dataDir);
    await access(dataDir, constants.R_OK | constants.W_OK);
  } catch (e: any) {
    throw new StartupError(`cannot use data directory ${dataDir}: ${e.code ?? e.message}`);
  }
}

/** Starts the identity provider. Both shells (Electron, CLI) and every test call this. */
export async function startIdp(opts: StartOptions): Promise<RunningIdp> {
  const dataDir = resolve(opts.dataDir);
  const clock = opts.clock ?? createClock();
  const random = opts.random ?? createRandom();
  await prepareDataDir(dataDir);
  const unlock = await lockDataDir(dataDir);
  try {
    return await start(opts, dataDir, clock, random, unlock);
  } catch (e) {
    await unlock();
    throw e;
  }
}

async function start(opts: StartOptions, dataDir: string, clock: Clock, random: Random, unlock: () => Promise<void>): Promise<RunningIdp> {
  const notice = opts.onNotice ?? ((l: string) => console.warn(l));

  const existingOrigin = await configuredOrigin(dataDir);
  const port = opts.port ?? portOf(existingOrigin) ?? DEFAULT_PORT;
  const host = opts.host ?? '127.0.0.1';
  const config = await loadConfig(dataDir, { random, clock, defaultOrigin: `http://localhost:${port || DEFAULT_PORT}` });
  config.notices.forEach(notice);
  const store = await openStore(join(dataDir, 'sandbox.db'));
  const ctx: IdpContext = {
    issuer: config.app.http.public_origin,
    config,
    clock,
    random,
    store,
    keys: await SigningKeys.load(config.secrets.oauthKeys, { nowSec: () => clock.nowSec(), retainSeconds: retentionSeconds(config.app.oauth.clients) }),
    consoleToken: random.token(),
    csrfSecret: randomBytes(32),
    onOutbox: opts.onOutbox,
    ephemeral: createEphemeral(clock, () => ctx.config.app),
  };
  const hosts = new Set<string>();
  const server = await buildServer(ctx, {
    dataDir,
    consoleDir: opts.consoleDir ?? join(packageRoot(), 'out', 'renderer'),
    allowedHosts: hosts,
    benchRoutes: opts.benchRoutes,
  });
  try {
    await server.listen({ port, host });
  } catch (e: any) {
    await store.db.close();
    if (e.code === 'EADDRINUSE') throw new StartupError(`port ${port} on ${host} is already in use (choose another with --port, or --port 0 for any free port)`, 'EADDRINUSE');
    if (e.code === 'EACCES') throw new StartupError(`not allowed to listen on ${host}:${port}`);
    throw new StartupError(`cannot listen on ${host}:${port}: ${e.message}`);
  }
  const address = server.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  ctx.issuer = issuerFor(config.app.http.public_origin, actualPort);
  for (const h of allowedHosts(ctx.issuer, actualPort)) hosts.add(h);
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) hosts.add(`${host}:${actualPort}`);

  let closing: Promise<void> | undefined;
  return {
    issuer: ctx.issuer,
    consoleUrl: `${ctx.issuer}/_sandbox/?token=${ctx.consoleToken}`,
    consoleToken: ctx.consoleToken,
    port: actualPort,
    ctx,
    server,
    close: () =>
      (closing ??= (async () => {
        // close() reaps only the connections idle at that instant. A keep-alive connection whose
        // request is still running turns idle once answered and would hold the process until its
        // keep-alive timeout (72 s): keep reaping until the server has closed.
        const reaper = setInterval(() => server.server.closeIdleConnections(), 50);
        try {
          await server.close();
        } finally {
          clearInterval(reaper);
        }
        await store.db.close();
        await unlock();
      })()),
  };
}
