/**
 * The headless CLI in a real child process (`node bin/authgear-sandbox.js ...`), for tests that
 * must observe exit codes, signals and crashes. Call `cleanupCli()` in afterEach.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerConsoleToken } from './agent';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BIN = join(REPO, 'bin', 'authgear-sandbox.js');
export const RUNNING = /^Authgear Sandbox is running\. Issuer: (\S+)  Console: (\S+)$/;

export interface Cli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited (code, or the signal that ended it). */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];

/** Kills children still running and deletes temporary directories. */
export async function cleanupCli(): Promise<void> {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export async function cliTempDir(prefix = 'agsb-cli-'): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

export function spawnCli(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('close', (code, signal) => res({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Starts `serve` and waits for the one "running" line; fails with the child's stderr if it exits first. */
export async function startCli(args: string[], env: Record<string, string> = {}): Promise<Cli & { issuer: string; consoleUrl: string }> {
  const cli = spawnCli(['serve', ...args], env);
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
  registerConsoleToken(m[1], new URL(m[2]).searchParams.get('token')!);
  return { ...cli, issuer: m[1], consoleUrl: m[2] };
}
