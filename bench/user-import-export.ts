/**
 * User Import and Export through the real CLI: 100k users with bcrypt hashes imported through
 * POST /_api/admin/users/import in requests of at most 500,000 bytes (as a script against
 * Authgear must send them), while a client keeps asking for the discovery document; then an
 * NDJSON and a CSV export of all of them. Reference: the raw sql.js insert rate of the same rows
 * (user, login ID, password) in transactions of 100, measured in this process in the same run.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { parse } from 'yaml';
import initSqlJs from 'sql.js';
import { spawnCli } from './lib/cli';
import { tempDir, removeDir } from './lib/cleanup';
import { rssMb } from './lib/proc';
import { sleep } from './lib/stats';
import { mintAdminToken } from '../src-main/idp/adminapi/token';
import { MIGRATIONS } from '../src-main/idp/store/migrations';

const HASH = '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';
const LIMIT = 500 * 1000;

export interface TransferResult {
  users: number;
  requests: number;
  importS: number;
  importUsersPerSec: number;
  rawInsertUsersPerSec: number;
  ratioVsRawInsert: number;
  discovery: { idleP99Ms: number; duringP50Ms: number; duringP99Ms: number; duringMaxMs: number; samples: number };
  exportNdjsonS: number;
  exportNdjsonMb: number;
  exportCsvS: number;
  exportCsvMb: number;
  dbMb: number;
  childRssMbAfter: number | null;
  failed: number;
}

/** Requests of at most 500,000 bytes each, filled greedily with records. */
function batches(users: number): string[] {
  const out: string[] = [];
  const head = '{"identifier":"email","records":[';
  let body = head;
  let count = 0;
  for (let i = 0; i < users; i++) {
    const rec = JSON.stringify({ email: `bench-${i}@example.com`, password: { type: 'bcrypt', password_hash: HASH } });
    if (Buffer.byteLength(body) + rec.length + 2 > LIMIT) {
      out.push(`${body}]}`);
      body = head;
      count = 0;
    }
    body += (count ? ',' : '') + rec;
    count++;
  }
  if (count) out.push(`${body}]}`);
  return out;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : 0;
};

/** Sequential discovery requests until `stop()`; latencies in ms. */
function discoveryProbe(issuer: string) {
  const samples: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const t = performance.now();
      const res = await fetch(`${issuer}/.well-known/openid-configuration`);
      await res.arrayBuffer();
      samples.push(performance.now() - t);
      await sleep(5);
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** Raw sql.js: the rows one imported user needs, 100 users per transaction, no flush. */
async function rawInsertRate(users: number): Promise<number> {
  const SQL = await initSqlJs({ locateFile: () => createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm') });
  const db = new SQL.Database();
  for (const m of [...MIGRATIONS].sort((a, b) => a.version - b.version)) db.exec(m.sql);
  const u = db.prepare('INSERT INTO user (id, created_at, updated_at, standard_attributes, custom_attributes) VALUES (?, ?, ?, ?, ?)');
  const i = db.prepare("INSERT INTO identity (id, user_id, type, login_id_key, login_id_type, login_id, original_login_id, claims, created_at, updated_at) VALUES (?, ?, 'login_id', 'email', 'email', ?, ?, ?, ?, ?)");
  const a = db.prepare("INSERT INTO authenticator (id, user_id, type, kind, password_hash, created_at, updated_at) VALUES (?, ?, 'password', 'primary', ?, ?, ?)");
  const t0 = performance.now();
  for (let n = 0; n < users; n += 100) {
    db.exec('BEGIN');
    for (let k = n; k < Math.min(users, n + 100); k++) {
      const id = randomUUID();
      const email = `raw-${k}@example.com`;
      const now = Date.now();
      u.run([id, now, now, JSON.stringify({ email }), '{}']);
      i.run([randomUUID(), id, email, email, JSON.stringify({ email }), now, now]);
      a.run([randomUUID(), id, HASH, now, now]);
    }
    db.exec('COMMIT');
  }
  const s = (performance.now() - t0) / 1000;
  db.close();
  return users / s;
}

async function adminToken(dir: string): Promise<string> {
  const app = parse(await readFile(join(dir, 'authgear.yaml'), 'utf8'));
  const secrets = parse(await readFile(join(dir, 'authgear.secrets.yaml'), 'utf8'));
  const keys = secrets.secrets.find((x: any) => x.key === 'admin-api.auth').data.keys;
  return (await mintAdminToken(keys, app.id, Math.floor(Date.now() / 1000), 3600)).token;
}

async function timedExport(issuer: string, token: string, body: unknown): Promise<{ s: number; mb: number }> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const t0 = performance.now();
  const created = await (await fetch(`${issuer}/_api/admin/users/export`, { method: 'POST', headers, body: JSON.stringify(body) })).json();
  for (;;) {
    const r = (await (await fetch(`${issuer}/_api/admin/users/export/${created.result.id}`, { headers })).json()).result;
    if (r.status !== 'pending') {
      const s = (performance.now() - t0) / 1000;
      if (!r.download_url) throw new Error(`export failed: ${JSON.stringify(r)}`);
      const file = await (await fetch(r.download_url)).arrayBuffer();
      return { s, mb: file.byteLength / 1e6 };
    }
    await sleep(100);
  }
}

export async function userImportExport({ users = 100_000 } = {}, log: (s: string) => void = () => {}): Promise<TransferResult> {
  const dir = await tempDir();
  const cli = await spawnCli(dir);
  try {
    const token = await adminToken(dir);
    const bodies = batches(users);
    log(`  import: ${users} users in ${bodies.length} requests of at most ${LIMIT} bytes`);
    const idle = discoveryProbe(cli.issuer);
    await sleep(2000);
    await idle.stop();

    const probe = discoveryProbe(cli.issuer);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const t0 = performance.now();
    const ids: string[] = [];
    for (const body of bodies) {
      const res = await fetch(`${cli.issuer}/_api/admin/users/import`, { method: 'POST', headers, body });
      if (res.status !== 200) throw new Error(`import POST: ${res.status} ${await res.text()}`);
      ids.push((await res.json()).result.id);
    }
    let failed = 0;
    for (const id of ids) {
      for (;;) {
        const r = (await (await fetch(`${cli.issuer}/_api/admin/users/import/${id}`, { headers })).json()).result;
        if (r.status !== 'pending') {
          failed += r.summary.failed;
          break;
        }
        await sleep(100);
      }
    }
    const importS = (performance.now() - t0) / 1000;
    await probe.stop();
    log(`  import: ${Math.round(importS)} s; exports...`);
    const nd = await timedExport(cli.issuer, token, { format: 'ndjson' });
    const csv = await timedExport(cli.issuer, token, { format: 'csv' });
    const childRssMbAfter = await rssMb(cli.child.pid);
    await cli.stop();
    const dbMb = (await stat(join(dir, 'sandbox.db'))).size / 1e6;
    log('  reference: raw sql.js inserts of the same rows');
    const raw = await rawInsertRate(users);
    const importUsersPerSec = users / importS;
    return {
      users,
      requests: bodies.length,
      importS,
      importUsersPerSec,
      rawInsertUsersPerSec: raw,
      ratioVsRawInsert: importUsersPerSec / raw,
      discovery: { idleP99Ms: pct(idle.samples, 99), duringP50Ms: pct(probe.samples, 50), duringP99Ms: pct(probe.samples, 99), duringMaxMs: pct(probe.samples, 100), samples: probe.samples.length },
      exportNdjsonS: nd.s,
      exportNdjsonMb: nd.mb,
      exportCsvS: csv.s,
      exportCsvMb: csv.mb,
      dbMb,
      childRssMbAfter,
      failed,
    };
  } finally {
    await cli.stop();
    removeDir(dir);
  }
}
