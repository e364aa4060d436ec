/**
 * Admin API at scale: 100k users seeded straight into the bench's own data directory (through the
 * store's repositories, one transaction, so search terms are built as in real use), then the real
 * CLI serves them. Measured over HTTP with an admin JWT from `authgear-sandbox admin-token`:
 * keyword search (exact e-mail, prefix, name word), the first page of the listing, and
 * `updateUser` acknowledged one at a time (latency) and by 8 concurrent clients (writes/s).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeFile } from 'node:fs/promises';
import { spawnCli, childEnv, REPO_ROOT } from './lib/cli';
import { tempDir, removeDir } from './lib/cleanup';
import { openStore } from '../src-main/idp/store/store';
import { defaultAppConfigYaml, defaultSecretsYaml } from '../src-main/idp/config/generate';
import { createRandom } from '../src-main/idp/random';

export interface LatencyFigures {
  p50Ms: number;
  p99Ms: number;
  runs: number;
}

export interface AdminApiResult {
  users: number;
  seedMs: number;
  dbBytes: number;
  searchExact: LatencyFigures;
  searchPrefix: LatencyFigures;
  searchName: LatencyFigures;
  firstPage: LatencyFigures;
  updateUser: LatencyFigures;
  updateConcurrency: number;
  updateWritesPerSec: number;
  updateErrors: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function figures(samples: number[]): LatencyFigures {
  const s = [...samples].sort((a, b) => a - b);
  return { p50Ms: Math.round(percentile(s, 50) * 10) / 10, p99Ms: Math.round(percentile(s, 99) * 10) / 10, runs: s.length };
}

const GIVEN = ['Ada', 'Alan', 'Grace', 'Linus', 'Emmy', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken'];
const FAMILY = ['Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Noether', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson'];

/** 100k users with an e-mail login ID and names, written in one transaction before the server starts. */
async function seed(dir: string, users: number): Promise<number> {
  const random = createRandom();
  await writeFile(join(dir, 'authgear.yaml'), defaultAppConfigYaml('http://localhost:3100'));
  await writeFile(join(dir, 'authgear.secrets.yaml'), await defaultSecretsYaml(random, Math.floor(Date.now() / 1000)), { mode: 0o600 });
  const t0 = performance.now();
  const store = await openStore(join(dir, 'sandbox.db'));
  const base = Date.now() - users * 1000;
  await store.db.write(() => {
    for (let i = 0; i < users; i++) {
      const id = random.uuid();
      const at = base + i * 1000;
      const email = `user${i}@example${i % 50}.com`;
      const attrs = { email, given_name: GIVEN[i % 10], family_name: `${FAMILY[(i / 10) % 10 | 0]}${i % 1000 === 0 ? ' Unique' : ''}` };
      store.users.insert({ id, createdAt: at, updatedAt: at, lastLoginAt: null, isDisabled: false, disableReason: null, standardAttributes: attrs, customAttributes: {} });
      store.identities.insert({ id: random.uuid(), userId: id, type: 'login_id', loginIdKey: 'email', loginIdType: 'email', loginId: email, originalLoginId: email, claims: { email }, createdAt: at, updatedAt: at });
    }
  });
  await store.db.close();
  return performance.now() - t0;
}

async function cliToken(dir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'authgear-sandbox.js'), 'admin-token', '--data', dir, '--lifetime', '3600'], { cwd: REPO_ROOT, env: childEnv() });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`admin-token exited ${code}`))));
  });
}

export async function adminApiBench({ users = 100_000, runs = 200, durationS = 10, concurrency = 8 } = {}, log: (s: string) => void = () => {}): Promise<AdminApiResult> {
  const dir = await tempDir('agsb-bench-admin-');
  try {
    log(`  seeding ${users} users...`);
    const seedMs = await seed(dir, users);
    log(`  seeded in ${Math.round(seedMs)} ms; starting the CLI`);
    const cli = await spawnCli(dir, { timeoutMs: 120_000 });
    try {
      const token = await cliToken(dir);
      const url = `${cli.issuer}/_api/admin/graphql`;
      const gql = async (query: string, variables: Record<string, unknown>) => {
        const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
        const body = await res.json();
        if (res.status !== 200 || body.errors) throw new Error(`admin API: ${res.status} ${JSON.stringify(body.errors ?? body)}`);
        return body.data;
      };
      const timed = async (n: number, make: (i: number) => [string, Record<string, unknown>], check?: (d: any) => void) => {
        const samples: number[] = [];
        for (let i = 0; i < n; i++) {
          const [q, v] = make(i);
          const t = performance.now();
          const d = await gql(q, v);
          samples.push(performance.now() - t);
          check?.(d);
        }
        return figures(samples);
      };
      const SEARCH = 'query ($kw: String) { users(searchKeyword: $kw, first: 20) { totalCount edges { node { id standardAttributes } } } }';
      // Warm-up: JIT and statement caches.
      await timed(20, (i) => [SEARCH, { kw: `user${i}@example${i % 50}.com` }]);

      log('  search: exact e-mail, prefix, name word; first page of the listing');
      const pick = (i: number) => (i * 7919) % users;
      const searchExact = await timed(runs, (i) => [SEARCH, { kw: `user${pick(i)}@example${pick(i) % 50}.com` }], (d) => {
        if (d.users.totalCount !== 1) throw new Error(`exact search found ${d.users.totalCount}`);
      });
      const searchPrefix = await timed(runs, (i) => [SEARCH, { kw: `user${pick(i) % 10000}` }]);
      const searchName = await timed(runs, () => [SEARCH, { kw: 'unique' }], (d) => {
        if (d.users.totalCount !== users / 1000) throw new Error(`name search found ${d.users.totalCount}`);
      });
      const firstPage = await timed(runs, () => ['{ users(first: 100) { totalCount edges { cursor node { id createdAt standardAttributes } } } }', {}]);

      const ids: string[] = (await gql('{ users(first: 100) { edges { node { id } } } }', {})).users.edges.map((e: any) => e.node.id);
      const UPDATE = 'mutation ($id: ID!, $a: UserStandardAttributes!) { updateUser(input: {userID: $id, standardAttributes: $a}) { user { id updatedAt } } }';
      const attrsFor = (i: number) => ({ given_name: `Bench${i}` });
      log('  updateUser: sequential latency, then 8 concurrent clients');
      // The e-mail attribute refills from the identity, so only the name is sent.
      const updateUser = await timed(Math.min(runs, 100), (i) => [UPDATE, { id: ids[i % ids.length], a: attrsFor(i) }]);
      let done = 0;
      let errors = 0;
      const end = performance.now() + durationS * 1000;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async (_, c) => {
          for (let i = 0; performance.now() < end; i++) {
            try {
              await gql(UPDATE, { id: ids[(c * 13 + i) % ids.length], a: attrsFor(i) });
              done++;
            } catch {
              errors++;
            }
          }
        }),
      );
      const elapsed = (performance.now() - t0) / 1000;
      const health = await (await fetch(`${cli.issuer}/_sandbox/api/health`, { headers: { authorization: `Bearer ${new URL(cli.consoleUrl).searchParams.get('token')}` } })).json();
      return {
        users,
        seedMs,
        dbBytes: health.db_bytes,
        searchExact,
        searchPrefix,
        searchName,
        firstPage,
        updateUser,
        updateConcurrency: concurrency,
        updateWritesPerSec: done / elapsed,
        updateErrors: errors,
      };
    } finally {
      await cli.stop();
    }
  } finally {
    removeDir(dir);
  }
}

/** The bench table's rows for this run. */
export function adminApiRows(r: AdminApiResult): [string, string, string][] {
  const lat = (f: LatencyFigures) => `${f.p50Ms} / ${f.p99Ms} ms`;
  return [
    [`seed ${r.users} users (repositories, 1 transaction)`, `${Math.round(r.seedMs / 100) / 10} s`, `database ${Math.round(r.dbBytes / 1024 / 1024)} MiB`],
    ['users(searchKeyword: e-mail) p50 / p99', lat(r.searchExact), `${r.searchExact.runs} runs, 1 match each, first: 20`],
    ['users(searchKeyword: prefix) p50 / p99', lat(r.searchPrefix), 'e.g. "user1234": up to 11 matches'],
    ['users(searchKeyword: name word) p50 / p99', lat(r.searchName), `${r.users / 1000} matches`],
    ['users(first: 100) first page p50 / p99', lat(r.firstPage), 'with totalCount'],
    ['updateUser acknowledged p50 / p99', lat(r.updateUser), `one at a time, ${r.updateUser.runs} runs (durable before the answer)`],
    [`updateUser, ${r.updateConcurrency} concurrent clients`, `${Math.round(r.updateWritesPerSec)} writes/s`, `errors ${r.updateErrors}; group commit shares each flush`],
  ];
}
