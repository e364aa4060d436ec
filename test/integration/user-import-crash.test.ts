/**
 * Crash safety of the user import (issue 6; spec import-export.md 9.4): the real CLI is killed
 * with SIGKILL in the middle of a large import. After a restart the database opens, every record
 * the progress endpoint had reported done is there, and the job reads as completed with an
 * `error` that says it was interrupted (its progress as `interrupted`), never pending forever.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cleanupCli, cliTempDir, startCli, type Cli } from '../helpers/cli';
import { mintAdminToken } from '../../src-main/idp/adminapi/token';
import { loginIdsOf } from '../helpers/store';

afterEach(cleanupCli);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TOTAL = 4000;

async function adminTokenFor(data: string): Promise<string> {
  const app = parse(await readFile(join(data, 'authgear.yaml'), 'utf8'));
  const secrets = parse(await readFile(join(data, 'authgear.secrets.yaml'), 'utf8'));
  const keys = secrets.secrets.find((s: any) => s.key === 'admin-api.auth').data.keys;
  return (await mintAdminToken(keys, app.id, Math.floor(Date.now() / 1000), 3600)).token;
}

async function call(cli: Cli & { issuer: string; consoleUrl: string }, method: string, path: string, token: string, body?: unknown): Promise<any> {
  const res = await fetch(`${cli.issuer}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, json: await res.json() };
}

/** As the next start sees the database: the snapshot file plus the journal. */
const loginIds = loginIdsOf;

describe('a user import killed with SIGKILL', () => {
  it('keeps every record reported done and reads as interrupted after the restart', { timeout: 180_000 }, async () => {
    const data = await cliTempDir('agsb-import-crash-');
    let cli = await startCli(['--port', '0', '--data', data]);
    const admin = await adminTokenFor(data);
    const consoleToken = () => new URL(cli.consoleUrl).searchParams.get('token')!;

    // Four requests of 4,000 records (40 chunks each), queued one after another.
    const jobs: string[] = [];
    for (let j = 0; j < 4; j++) {
      const records = Array.from({ length: TOTAL }, (_, i) => ({ email: `crash-${j}-${String(i).padStart(4, '0')}@example.com`, name: `Crash ${j} ${i}` }));
      const r = await call(cli, 'POST', '/_api/admin/users/import', admin, { identifier: 'email', records });
      expect(r.status).toBe(200);
      jobs.push(r.json.result.id);
    }

    // Kill while a job is part done: no grace period for a last flush.
    let reported: any[] = [];
    let cut = -1;
    while (cut < 0) {
      reported = [];
      for (const id of jobs) reported.push((await call(cli, 'GET', `/_sandbox/api/userimport/${id}/progress`, consoleToken())).json);
      // A job part done, with a later one still waiting: something is surely cut by the kill.
      cut = reported.findIndex((p, j) => j < jobs.length - 1 && p.status === 'running' && p.processed > 0 && p.processed < TOTAL);
      expect(reported.every((p) => p.status === 'completed'), 'the import finished before the kill').toBe(false);
    }
    cli.child.kill('SIGKILL');
    expect((await cli.exit).signal).toBe('SIGKILL');
    expect(reported[cut].processed % 100).toBe(0);

    // The file is whole and holds every record reported done.
    const { integrity, emails } = await loginIds(join(data, 'sandbox.db'));
    expect(integrity).toBe('ok');
    const missing: string[] = [];
    reported.forEach((p, j) => {
      for (let i = 0; i < p.processed; i++) {
        const email = `crash-${j}-${String(i).padStart(4, '0')}@example.com`;
        if (!emails.has(email)) missing.push(email);
      }
    });
    expect(missing).toEqual([]);

    // After the restart nothing stays pending: the cut job tells where it stopped.
    cli = await startCli(['--port', '0', '--data', data]);
    let interrupted = 0;
    for (let j = 0; j < jobs.length; j++) {
      const got = await call(cli, 'GET', `/_api/admin/users/import/${jobs[j]}`, admin);
      expect(got.status).toBe(200);
      const result = got.json.result;
      expect(result.status).toBe('completed');
      const p = (await call(cli, 'GET', `/_sandbox/api/userimport/${jobs[j]}/progress`, consoleToken())).json;
      // A job up to the cut one may have finished between the last poll and the kill; a later one cannot have.
      if (reported[j].status === 'completed' || (j <= cut && !result.error)) {
        expect(result.error).toBeUndefined();
        expect(result.summary).toMatchObject({ total: TOTAL, inserted: TOTAL });
        expect(p.status).toBe('completed');
        continue;
      }
      interrupted++;
      expect(result.error).toMatchObject({ name: 'InternalError', reason: 'UserImportInterrupted', code: 500 });
      expect(result.error.message).toMatch(/^import interrupted: the sandbox stopped before this import finished; records \d+ to 3999 were not imported/);
      // What it reports as done is at least what the progress had reported, and it is all there.
      expect(result.summary.total).toBeGreaterThanOrEqual(reported[j].processed);
      expect(result.summary.total % 100).toBe(0);
      for (const d of result.details ?? []) expect(d.outcome).toBe('inserted');
      expect(p).toMatchObject({ status: 'interrupted', processed: result.summary.total });
    }
    expect(interrupted).toBeGreaterThan(0);
    const after = await loginIds(join(data, 'sandbox.db'));
    const second = await call(cli, 'GET', `/_api/admin/users/import/${jobs[cut]}`, admin);
    for (const d of second.json.result.details) expect(after.emails.has(d.record.email)).toBe(true);
    // Re-sending the cut job's records finishes it: done ones are skipped.
    const resend = await call(cli, 'POST', '/_api/admin/users/import', admin, {
      identifier: 'email',
      records: Array.from({ length: TOTAL }, (_, i) => ({ email: `crash-${cut}-${String(i).padStart(4, '0')}@example.com` })),
    });
    let done: any;
    do {
      await sleep(50);
      done = (await call(cli, 'GET', `/_api/admin/users/import/${resend.json.result.id}`, admin)).json.result;
    } while (done.status === 'pending');
    expect(done.summary.skipped).toBe(second.json.result.summary.total);
    expect(done.summary.inserted + done.summary.skipped).toBe(TOTAL);
    cli.child.kill('SIGKILL');
  });
});
