/**
 * Password login through the Authentication Flow API under load: each request is one complete
 * login (`batch_input`: identify by e-mail, then the password), rotating over users signed up
 * through the same API first. The IdP runs as a child process (the real CLI), as for the refresh
 * bench. Reference: the raw password verification rate with the IdP's own `verifyPassword` and
 * hash format, measured in this process after the IdP has stopped.
 */
import autocannon, { type Request } from 'autocannon';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FlowClient } from '../test/helpers/authflow';
import { spawnCli, consoleTokenOf } from './lib/cli';
import { tempDir, removeDir } from './lib/cleanup';
import { cpuSeconds, rssMb } from './lib/proc';
import { measureBcryptRate, type BcryptRate } from './lib/bcrypt-rate';
import type { LoadStats } from './lib/load-stats';

const PASSWORD = 'bench-password-1234';

export interface LoginResult extends LoadStats {
  users: number;
  loginsPerSec: number;
  /** 200 responses whose `result.action.type` is not "finished". */
  unfinished: number;
  /** ms to sign up all users through the API (each hashes one password). */
  signupMs: number;
  bcrypt: BcryptRate;
  /** logins/s ÷ sequential verifications/s: 1.0 = as fast as bcrypt alone allows on one thread. */
  ratioVsBcrypt: number;
}

const email = (i: number) => `bench-login-${i}@example.com`;

function loginBody(user: string): string {
  return JSON.stringify({
    type: 'login',
    name: 'default',
    batch_input: [
      { identification: 'email', login_id: user },
      { authentication: 'primary_password', password: PASSWORD },
    ],
  });
}

/** Sign-up as a custom UI does it: identify → code from the outbox → new password → finished. */
async function signUp(issuer: string, consoleToken: string, user: string): Promise<void> {
  const c = new FlowClient(issuer, consoleToken);
  const steps: [string, () => Promise<Record<string, unknown>>][] = [
    ['verify', async () => ({ identification: 'email', login_id: user })],
    ['create_authenticator', async () => ({ code: await c.latestCode(user) })],
    ['finished', async () => ({ authentication: 'primary_password', new_password: PASSWORD })],
  ];
  let r = await c.create('signup');
  for (const [expected, input] of steps) {
    if (r.status !== 200) break;
    r = await c.input(r.body.result.state_token, await input());
    if (r.body?.result?.action?.type !== expected) break;
  }
  if (r.status !== 200 || r.body?.result?.action?.type !== 'finished') throw new Error(`sign-up of ${user} failed: ${r.status} ${JSON.stringify(r.body)}`);
}

/** 'ok', or why a login answer is not a finished login. */
function check(status: number, body: string): 'ok' | 'non2xx' | 'unfinished' {
  if (status !== 200) return 'non2xx';
  try {
    return JSON.parse(body)?.result?.action?.type === 'finished' ? 'ok' : 'unfinished';
  } catch {
    return 'unfinished';
  }
}

export async function passwordLogin({ durationS = 10, connections = 10, users = 20, bcryptMs = 3000 } = {}, log: (s: string) => void = () => {}): Promise<LoginResult> {
  const dir = await tempDir();
  const cli = await spawnCli(dir);
  try {
    const consoleToken = consoleTokenOf(cli.consoleUrl);
    const t0 = performance.now();
    for (let i = 0; i < users; i++) await signUp(cli.issuer, consoleToken, email(i));
    const signupMs = performance.now() - t0;
    log(`  login: signed up ${users} users through the API in ${Math.round(signupMs)} ms`);

    const url = `${cli.issuer}/api/v1/authentication_flows`;
    const headers = { 'content-type': 'application/json' };
    // One checked login per user first: a broken flow would otherwise show up only as a fast bench of 4xx.
    for (let i = 0; i < users; i++) {
      const probe = await fetch(url, { method: 'POST', headers, body: loginBody(email(i)) });
      const probeBody = await probe.text();
      if (check(probe.status, probeBody) !== 'ok') throw new Error(`login probe for ${email(i)} failed: ${probe.status} ${probeBody}`);
    }

    // Every request logs in the next user (a counter shared by all connections).
    let next = 0;
    const rotate = (req: Request): Request => ({ ...req, body: loginBody(email(next++ % users)) });

    // Warm-up outside the measured run (JIT, connection setup). A fixed number of requests, not a
    // duration: one login takes longer than a 1 s warm-up at 10 connections, and requests autocannon
    // abandons at the end keep the IdP busy into the measured run.
    await autocannon({ url, connections, amount: connections * 2, method: 'POST', headers, requests: [{ setupRequest: rotate }] });

    const dbPath = join(dir, 'sandbox.db');
    const dbBytesBefore = (await stat(dbPath)).size;
    const childCpuBefore = await cpuSeconds(cli.child.pid);
    const selfCpuBefore = process.cpuUsage();
    const errorSamples: { status: number; body: string }[] = [];
    let unfinished = 0;
    const perSecond: number[] = [];
    log(`  login: ${connections} connections for ${durationS} s against ${url}, ${users} users`);
    const instance = autocannon({
      url,
      connections,
      duration: durationS,
      method: 'POST',
      headers,
      timeout: 10,
      requests: [
        {
          setupRequest: rotate,
          onResponse: (status, resBody) => {
            const verdict = check(status, resBody);
            if (verdict === 'unfinished') unfinished++;
            if (verdict !== 'ok' && errorSamples.length < 5 && !errorSamples.some((s) => s.status === status && s.body === resBody.slice(0, 500))) {
              errorSamples.push({ status, body: resBody.slice(0, 500) });
            }
          },
        },
      ],
    });
    instance.on('tick', ({ counter }) => perSecond.push(counter));
    const r = await instance;
    const childCpuAfter = await cpuSeconds(cli.child.pid);
    const selfCpu = process.cpuUsage(selfCpuBefore);
    const childRssMbAfter = await rssMb(cli.child.pid);

    // Logins must still work after the storm.
    const after = await fetch(url, { method: 'POST', headers, body: loginBody(email(0)) });
    const afterBody = await after.text();
    if (check(after.status, afterBody) !== 'ok') errorSamples.push({ status: after.status, body: `(after load) ${afterBody.slice(0, 500)}` });

    const code = await cli.stop();
    if (code !== 0) cli.stderr.push(`(bench) CLI exited with ${code} on SIGTERM`);
    const dbBytesAfter = (await stat(dbPath)).size;

    log(`  reference: verifyPassword (bcrypt-sha512, hash-wasm) for ~${bcryptMs / 1000} s sequential`);
    const bcrypt = await measureBcryptRate(PASSWORD, { ms: bcryptMs, concurrency: connections });
    const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, Number(v.count)]));
    const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0);
    const loginsPerSec = r.requests.average;
    return {
      users,
      connections,
      durationS: r.duration,
      requests,
      loginsPerSec,
      latencyP50Ms: r.latency.p50,
      latencyP99Ms: r.latency.p99,
      latencyMaxMs: r.latency.max,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      unfinished,
      statusCodes,
      errorSamples,
      // autocannon may emit one last tick for a partial second.
      perSecond: perSecond.slice(0, Math.round(r.duration)),
      signupMs,
      dbBytesBefore,
      dbBytesAfter,
      childRssMbAfter,
      idpCpuCores: childCpuBefore !== null && childCpuAfter !== null ? (childCpuAfter - childCpuBefore) / r.duration : null,
      loadGenCpuCores: (selfCpu.user + selfCpu.system) / 1e6 / r.duration,
      childStderr: cli.stderr.filter((l) => !/^SIGTERM: stopping/.test(l)),
      bcrypt,
      ratioVsBcrypt: loginsPerSec / bcrypt.sequential,
    };
  } finally {
    await cli.stop();
    removeDir(dir);
  }
}
