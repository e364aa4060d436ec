/**
 * The store's durability promise, checked against a real process killed with SIGKILL: a write
 * is answered only after its flush (temp file, fsync, rename), so an answered write is never
 * lost and sandbox.db is never half-written.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Database } from '../../src-main/idp/store/database';
import { Agent, formOf, prepareSignUp } from '../helpers/agent';
import { cleanupCli, cliTempDir, startCli, type Cli } from '../helpers/cli';
import { loginIdsOf } from '../helpers/store';

const PASSWORD = 'password-1234';

afterEach(cleanupCli);

const tempDir = () => cliTempDir('agsb-crash-');

/** Starts `serve --port 0` on `data` and waits for its "running" line. */
const startOn = (data: string) => startCli(['--port', '0', '--data', data]);
/** The same server, snapshotting whenever its journal passes 8 KiB (every few writes). */
const startSnapshotting = (data: string) => startCli(['--port', '0', '--data', data], { AUTHGEAR_SANDBOX_CHECKPOINT_BYTES: String(8 * 1024) });

async function kill9(cli: Cli): Promise<void> {
  cli.child.kill('SIGKILL');
  expect((await cli.exit).signal).toBe('SIGKILL');
}

/** Signs up through the built-in page; returns the agent (holding the session cookie) and the answer. */
async function signUp(issuer: string, email: string): Promise<{ agent: Agent; res: Response }> {
  const agent = new Agent(issuer);
  const form = await prepareSignUp(agent, email);
  const res = await agent.request(form.action, { form: { x_csrf_token: form.csrf, x_state_token: form.token, new_password: PASSWORD } });
  return { agent, res };
}

/** Logs in through the built-in page; a known user with the right password gets 302 → /settings. */
async function logIn(issuer: string, email: string): Promise<Response> {
  const agent = new Agent(issuer);
  const form = formOf(await (await agent.request('/login')).text());
  return agent.request(form.action, { form: { x_csrf_token: form.csrf, x_state_token: form.token, email, password: PASSWORD } });
}

/** Opens the file as a fresh reader would: full integrity check, and the login IDs it holds. */
/** The snapshot must pass SQLite's integrity check as it lies on disk; users are read as the next start sees them. */
async function inspect(path: string): Promise<{ integrity: string; emails: Set<string> }> {
  try {
    return await loginIdsOf(path);
  } catch (e: any) {
    return { integrity: e.message, emails: new Set() };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('crash safety of the data directory', () => {
  it('a write answered with 2xx survives SIGKILL', async () => {
    const data = await tempDir();
    const answered: { email: string; agent: Agent }[] = [];
    for (let i = 0; i < 5; i++) {
      const cli = await startOn(data);
      const email = `killed-${i}@example.com`;
      const { agent, res } = await signUp(cli.issuer, email);
      // Nothing between the answer and the kill: no grace period for a late flush.
      cli.child.kill('SIGKILL');
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/settings');
      expect(agent.cookies.has('session')).toBe(true);
      expect((await cli.exit).signal).toBe('SIGKILL');
      answered.push({ email, agent });
    }

    const cli = await startOn(data);
    for (const { email, agent } of answered) {
      // The user (first write of the sign-up) is there: the password logs in.
      const res = await logIn(cli.issuer, email);
      expect(res.status, email).toBe(302);
      expect(res.headers.get('location'), email).toBe('/settings');
      // The IdP session (second write) is there too: the cookie from before the kill still works.
      const settings = await agent.request(`${cli.issuer}/settings`);
      expect(settings.status, email).toBe(200);
      expect(await settings.text()).toContain(email);
    }
    // The check tells users apart: one never signed up does not log in.
    const stranger = await logIn(cli.issuer, 'never-signed-up@example.com');
    expect(stranger.status).not.toBe(302);
    await kill9(cli);
  });

  it('a kill in the middle of a flush leaves the file intact', async () => {
    const data = await tempDir();
    const dbPath = join(data, 'sandbox.db');
    // Ballast makes each snapshot write ~12 MB (export, write, fsync, rename take tens of ms), and
    // a tiny checkpoint threshold makes the server snapshot every few sign-ups, so kills at random
    // moments under a stream of writes land inside journal appends and inside snapshots.
    const seed = await Database.open(dbPath);
    const blob = new Uint8Array(64 * 1024).fill(7);
    await seed.write(() => {
      seed.run('CREATE TABLE test_ballast (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
      for (let i = 0; i < 192; i++) seed.run('INSERT INTO test_ballast (data) VALUES (?)', [blob]);
    });
    await seed.close();

    const everAnswered = new Set<string>();
    let leftovers = 0;
    const rounds = 4;
    for (let round = 0; round < rounds; round++) {
      const cli = await startSnapshotting(data);
      // Concurrent sign-ups until the kill; each 302 is a write the server promised to keep.
      let killed = false;
      let failure: unknown;
      let n = 0;
      let answeredThisRound = 0;
      const worker = async (w: number) => {
        while (!killed && !failure) {
          const email = `r${round}-w${w}-${n++}@example.com`;
          try {
            const { res } = await signUp(cli.issuer, email);
            if (res.status === 302) {
              everAnswered.add(email);
              answeredThisRound++;
            } else if (!killed) {
              throw new Error(`sign-up of ${email} answered ${res.status}`);
            }
          } catch (e) {
            if (!killed) failure ??= e; // errors after the kill are expected
          }
        }
      };
      const workers = Array.from({ length: 6 }, (_, w) => worker(w));
      // Kill at a random moment once writes are flowing.
      await until(() => answeredThisRound > 0 || failure !== undefined);
      await sleep(Math.random() * 1500);
      killed = true;
      await kill9(cli);
      await Promise.all(workers);
      if (failure) throw failure;

      const leftover = `sandbox.db.tmp-${cli.child.pid}`;
      if ((await readdir(data)).includes(leftover)) leftovers++;
      const { integrity, emails } = await inspect(dbPath);
      expect(integrity, `round ${round}`).toBe('ok');
      const lost = [...everAnswered].filter((e) => !emails.has(e));
      expect(lost, `round ${round}: answered with 302 but missing after SIGKILL`).toEqual([]);
      // A leftover from a killed writer, as a crash in the middle of a flush would leave it.
      await writeFile(join(data, leftover), (await readFile(dbPath)).subarray(0, 4096));
    }
    expect(everAnswered.size).toBeGreaterThanOrEqual(rounds);

    // The last restart: the leftovers do not get in the way, and answered users log in.
    const cli = await startOn(data);
    // Temp files of dead writers are full copies of the database: start-up deletes them.
    expect((await readdir(data)).filter((f) => f.startsWith('sandbox.db.tmp-'))).toEqual([]);
    const sample = [...everAnswered].filter((_, i) => i % Math.ceil(everAnswered.size / 5) === 0);
    for (const email of sample) {
      const res = await logIn(cli.issuer, email);
      expect(res.status, email).toBe(302);
    }
    await kill9(cli);
    expect((await inspect(dbPath)).integrity).toBe('ok');
    // For the record: how many kills found a flush in progress (its temp file left behind).
    console.info(`crash-safety: ${everAnswered.size} answered sign-ups over ${rounds} kills; ${leftovers} kills left a temp file`);
  });
});
