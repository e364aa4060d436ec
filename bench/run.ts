/**
 * `npm run bench`: cold start, refresh-grant throughput, password login through the
 * Authentication Flow API and user import/export through the Admin API of the real CLI, each printed as a ratio to a reference measured in the
 * same run (bare Node start, raw RS256 signing, raw bcrypt verification), because absolute figures
 * mean little across machines. Nothing here asserts speed; it reports.
 *
 * The Admin API part seeds 100k users and reports latencies and writes per second.
 *
 *   npm run bench [-- --runs 5 --duration 10 --connections 10 --users 20 --admin-users 100000 --import-users 100000]
 *   npm run bench -- --only admin        (just the Admin API part)
 *   npm run bench -- --only import       (just the user import/export part)
 */
import { parseArgs } from 'node:util';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import os from 'node:os';
import { installCleanupHandlers, cleanupNow } from './lib/cleanup';
import { REPO_ROOT } from './lib/cli';
import { round } from './lib/stats';
import { coldStart } from './cold-start';
import { refreshThroughput } from './refresh-throughput';
import { passwordLogin } from './password-login';
import { resolverThroughput } from './resolver-throughput';
import { adminApiBench, adminApiRows } from './admin-api';
import { userImportExport } from './user-import-export';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    users: { type: 'string', default: '20' },
    'admin-users': { type: 'string', default: '100000' },
    'import-users': { type: 'string', default: '100000' },
    only: { type: 'string' },
  },
});

const log = (s: string) => process.stderr.write(`${s}\n`);

function table(rows: [string, string, string][]): string {
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `${r[0].padEnd(w[0])}  ${r[1].padStart(w[1])}  ${r[2]}`.trimEnd()).join('\n');
}

async function adminOnly() {
  const started = Date.now();
  log('Admin API at scale...');
  const admin = await adminApiBench({ users: Number(values['admin-users']), durationS: Number(values.duration) }, log);
  const outDir = join(REPO_ROOT, 'bench', 'results');
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'admin-latest.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, admin }, null, 2)}\n`);
  console.log(`\nAuthgear Sandbox bench (Admin API) — ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model}, ${round((Date.now() - started) / 1000)} s\n`);
  console.log(table([['metric', 'value', 'reference / note'], ...adminApiRows(admin)]));
  console.log('\nwrote bench/results/admin-latest.json');
}

type Transfer = Awaited<ReturnType<typeof userImportExport>>;

function transferRows(transfer: Transfer): [string, string, string][] {
  const x = (r: number) => `${round(r, 2)}×`;
  return [
    ['user import (Admin API)', `${round(transfer.importUsersPerSec)} users/s`, `${transfer.users} users with bcrypt hashes in ${transfer.requests} requests ≤ 500 kB, ${round(transfer.importS, 1)} s, ${transfer.failed} failed`],
    ['raw sql.js insert, same rows', `${round(transfer.rawInsertUsersPerSec)} users/s`, 'reference: user + login ID + password rows, 100 per transaction, no flush'],
    ['import ÷ raw insert', x(transfer.ratioVsRawInsert), 'validation, normalisation, search terms, durable flushes'],
    ['discovery during import p50 / p99', `${round(transfer.discovery.duringP50Ms)} / ${round(transfer.discovery.duringP99Ms)} ms`, `max ${round(transfer.discovery.duringMaxMs)} ms, ${transfer.discovery.samples} requests; idle p99 ${round(transfer.discovery.idleP99Ms)} ms`],
    ['export NDJSON', `${round(transfer.exportNdjsonS, 1)} s`, `${transfer.users} users, ${round(transfer.exportNdjsonMb, 1)} MB`],
    ['export CSV (default columns)', `${round(transfer.exportCsvS, 1)} s`, `${transfer.users} users, ${round(transfer.exportCsvMb, 1)} MB`],
    ['db file / IdP RSS after', `${round(transfer.dbMb, 1)} MB`, `RSS ${transfer.childRssMbAfter === null ? '?' : round(transfer.childRssMbAfter)} MB`],
  ];
}

async function importOnly() {
  const started = Date.now();
  log('user import and export through the Admin API...');
  const transfer = await userImportExport({ users: Number(values['import-users']) }, log);
  const outDir = join(REPO_ROOT, 'bench', 'results');
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'import-latest.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, transfer }, null, 2)}\n`);
  console.log(`\nAuthgear Sandbox bench (user import/export) — ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model}, ${round((Date.now() - started) / 1000)} s\n`);
  console.log(table([['metric', 'value', 'reference / note'], ...transferRows(transfer)]));
  console.log('\nwrote bench/results/import-latest.json');
}

async function main() {
  installCleanupHandlers();
  if (values.only === 'admin') return adminOnly();
  if (values.only === 'import') return importOnly();
  const started = Date.now();
  log('cold start (spawn → discovery 200)...');
  const cold = await coldStart(Number(values.runs), log);
  log('refresh-token grant throughput...');
  const refresh = await refreshThroughput({ durationS: Number(values.duration), connections: Number(values.connections) }, log);
  log('password login through the Authentication Flow API...');
  const login = await passwordLogin({ durationS: Number(values.duration), connections: Number(values.connections), users: Number(values.users) }, log);
  log('resolver (nginx auth_request) throughput...');
  const resolver = await resolverThroughput({ durationS: Number(values.duration), connections: Number(values.connections) }, log);
  log('Admin API at scale...');
  const admin = await adminApiBench({ users: Number(values['admin-users']), durationS: Number(values.duration) }, log);

  log('user import and export through the Admin API...');
  const transfer = await userImportExport({ users: Number(values['import-users']) }, log);

  const ms = (x: number) => `${round(x)} ms`;
  const x = (r: number) => `${round(r, 2)}×`;
  const rows: [string, string, string][] = [
    ['metric', 'value', 'reference / note'],
    ['cold start, fresh data dir', ms(cold.freshMs), `${x(cold.freshVsNode)} node -e 0 (median of ${cold.runs})`],
    ['cold start, warm restart', ms(cold.warmMs), `${x(cold.warmVsNode)} node -e 0`],
    ['node -e 0', ms(cold.nodeBareMs), 'reference'],
    ['node + tsx register only', ms(cold.nodeTsxMs), `${x(cold.nodeTsxMs / cold.nodeBareMs)} node -e 0 (floor of the CLI)`],
    ['refresh grant', `${round(refresh.reqPerSec)} req/s`, `${refresh.connections} connections, ${refresh.requests} requests in ${refresh.durationS} s`],
    ['refresh latency p50 / p99', `${refresh.latencyP50Ms} / ${refresh.latencyP99Ms} ms`, `max ${refresh.latencyMaxMs} ms`],
    ['refresh non-2xx / errors', `${refresh.non2xx} / ${refresh.errors}`, `timeouts ${refresh.timeouts}, malformed 200s ${refresh.malformed}`],
    ['RS256 sign (jose, 2048)', `${round(refresh.sign.sequential)} sig/s`, 'reference: one in flight'],
    ['RS256 sign, parallel', `${round(refresh.sign.parallel)} sig/s`, `${refresh.sign.concurrency} in flight`],
    ['refresh ÷ (sig/s ÷ 2)', x(refresh.ratioVsSigning), `vs parallel signing: ${x(refresh.ratioVsParallelSigning)}`],
    ['refresh req/s by second', refresh.perSecond.join(' '), ''],
    ['CPU during load (cores)', `IdP ${refresh.idpCpuCores === null ? '?' : round(refresh.idpCpuCores, 2)}`, `autocannon ${round(refresh.loadGenCpuCores, 2)}, of ${os.cpus().length} cores`],
    ['db file during load', `${round(refresh.dbBytesBefore / 1024)} → ${round(refresh.dbBytesAfter / 1024)} KiB`, `${refresh.flushesDuringLoad ?? '?'} flushes`],
    ['password login (flow API)', `${round(login.loginsPerSec)} logins/s`, `${login.connections} connections, ${login.requests} requests in ${login.durationS} s, ${login.users} users`],
    ['login latency p50 / p99', `${login.latencyP50Ms} / ${login.latencyP99Ms} ms`, `max ${login.latencyMaxMs} ms`],
    ['login non-2xx / unfinished', `${login.non2xx} / ${login.unfinished}`, `errors ${login.errors}, timeouts ${login.timeouts}`],
    [
      `bcrypt verify (cost ${login.bcrypt.cost})`,
      `${round(login.bcrypt.sequential)} verif/s`,
      login.bcrypt.offMainThread
        ? `reference: one in flight; ${login.bcrypt.concurrency} in flight: ${round(login.bcrypt.parallel ?? 0)} verif/s`
        : `reference: one in flight; hash-wasm is synchronous WASM on the main thread (event loop ${round(login.bcrypt.eventLoopUtilization * 100)}% busy), so no parallel figure`,
    ],
    ['logins ÷ verif/s', x(login.ratioVsBcrypt), 'one verification per login'],
    ['login req/s by second', login.perSecond.join(' '), ''],
    ['CPU during login load', `IdP ${login.idpCpuCores === null ? '?' : round(login.idpCpuCores, 2)}`, `autocannon ${round(login.loadGenCpuCores, 2)}, of ${os.cpus().length} cores`],
    ['sign-up through the API', `${round(login.signupMs / login.users)} ms/user`, `${login.users} users in ${round(login.signupMs / 1000, 2)} s (one bcrypt hash each)`],
    ['hello route (204, same server)', `${round(resolver.hello.reqPerSec)} req/s`, `reference: ${resolver.connections} connections, p50 ${resolver.hello.latencyP50Ms} ms`],
    ['resolver, Bearer JWT', `${round(resolver.bearer.reqPerSec)} req/s`, `${x(resolver.bearerVsHello)} hello; p50 / p99 ${resolver.bearer.latencyP50Ms} / ${resolver.bearer.latencyP99Ms} ms`],
    ['resolver, session cookie', `${round(resolver.cookie.reqPerSec)} req/s`, `${x(resolver.cookieVsHello)} hello; p50 / p99 ${resolver.cookie.latencyP50Ms} / ${resolver.cookie.latencyP99Ms} ms`],
    ['resolver non-2xx / wrong', `${resolver.bearer.non2xx + resolver.cookie.non2xx} / ${resolver.bearer.wrong + resolver.cookie.wrong}`, `errors ${resolver.bearer.errors + resolver.cookie.errors}; IdP CPU ${resolver.bearer.idpCpuCores === null ? '?' : round(resolver.bearer.idpCpuCores, 2)} / ${resolver.cookie.idpCpuCores === null ? '?' : round(resolver.cookie.idpCpuCores, 2)} cores`],
    ...adminApiRows(admin),
    ...transferRows(transfer),
  ];
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    elapsedS: (Date.now() - started) / 1000,
    coldStart: cold,
    refresh,
    login,
    resolver,
    admin,
    transfer,
  };
  const outDir = join(REPO_ROOT, 'bench', 'results');
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);

  console.log(`\nAuthgear Sandbox bench — ${result.node}, ${result.cpus} × ${result.cpuModel}, ${round(result.elapsedS)} s\n`);
  console.log(table(rows));
  if (refresh.errorSamples.length) {
    console.log('\nnon-2xx responses (first distinct):');
    for (const s of refresh.errorSamples) console.log(`  ${s.status} ${s.body}`);
  }
  if (refresh.childStderr.length) {
    console.log('\nIdP stderr during the refresh run:');
    for (const l of refresh.childStderr.slice(0, 20)) console.log(`  ${l}`);
  }
  if (login.errorSamples.length) {
    console.log('\nlogin responses other than 200 finished (first distinct):');
    for (const s of login.errorSamples) console.log(`  ${s.status} ${s.body}`);
  }
  if (login.childStderr.length) {
    console.log('\nIdP stderr during the login run:');
    for (const l of login.childStderr.slice(0, 20)) console.log(`  ${l}`);
  }
  console.log(`\nwrote bench/results/latest.json`);
}

main().then(
  () => cleanupNow(),
  (e) => {
    console.error(e);
    cleanupNow();
    process.exit(1);
  },
);
