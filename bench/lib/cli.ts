/**
 * Spawns the real headless CLI (`bin/authgear-sandbox.js serve`) the way a user would, so timings
 * include Node start, tsx registration and transpiling, not just startIdp().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { trackChild } from './cleanup';
import { sleep } from './stats';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(REPO_ROOT, 'bin', 'authgear-sandbox.js');
const READY_LINE = /^Authgear Sandbox is running\. Issuer: (\S+)\s+Console: (\S+)$/m;

/** The children get a clean environment: NODE_OPTIONS from the runner (e.g. a tsx loader) would skew timings. */
export function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

export interface RunningCli {
  child: ChildProcess;
  issuer: string;
  consoleUrl: string;
  /** ms from spawn until the "is running" line. */
  lineMs: number;
  /** ms from spawn until discovery answered 200. */
  readyMs: number;
  /** Everything the child wrote to stderr so far (and later). */
  stderr: string[];
  /** SIGTERM (graceful: the CLI flushes the database), SIGKILL after a grace period. */
  stop(): Promise<number | null>;
}

/** The console's bearer token: the `token` parameter of the console URL the CLI prints. */
export function consoleTokenOf(consoleUrl: string): string {
  const token = new URL(consoleUrl).searchParams.get('token');
  if (!token) throw new Error(`no token in the console URL ${consoleUrl}`);
  return token;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

export async function spawnCli(dataDir: string, { timeoutMs = 20_000, env = {} as Record<string, string> } = {}): Promise<RunningCli> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', dataDir], {
    cwd: REPO_ROOT,
    env: { ...childEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (d: string) => stderr.push(...d.split('\n').filter(Boolean)));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitExit(child, 5_000))) {
        child.kill('SIGKILL');
        await waitExit(child, 5_000);
      }
    }
    return child.exitCode;
  };

  try {
    const { issuer, consoleUrl, lineMs } = await new Promise<{ issuer: string; consoleUrl: string; lineMs: number }>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`CLI not ready after ${timeoutMs} ms`)), timeoutMs);
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = READY_LINE.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve({ issuer: m[1], consoleUrl: m[2], lineMs: performance.now() - t0 });
        }
      });
      child.once('exit', (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`CLI exited (${code ?? sig}) before ready; stderr:\n${stderr.join('\n')}`));
      });
      child.once('error', reject);
    });
    // "Ready" means a client can discover it, not merely that the line was printed.
    const url = `${issuer}/.well-known/openid-configuration`;
    for (;;) {
      const res = await fetch(url).catch(() => undefined);
      if (res) await res.arrayBuffer();
      if (res?.status === 200) break;
      if (performance.now() - t0 > timeoutMs) throw new Error(`${url} not 200 after ${timeoutMs} ms (last: ${res?.status ?? 'no answer'})`);
      await sleep(5);
    }
    return { child, issuer, consoleUrl, lineMs, readyMs: performance.now() - t0, stderr, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** ms from spawn to exit of `node <args>`: the reference for what a bare Node start costs here. */
export async function timeNode(args: string[]): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: childEnv(), stdio: 'ignore' });
  trackChild(child);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('exit', resolve);
    child.once('error', reject);
  });
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}`);
  return performance.now() - t0;
}
