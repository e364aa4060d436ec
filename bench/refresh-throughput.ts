/**
 * Refresh-token grant under load. The IdP runs as a child process (the real CLI) so autocannon,
 * in this process, does not share its event loop. Reference: raw RS256 signing rate with jose in
 * this process, measured after the IdP has stopped so the two do not compete for CPU.
 */
import autocannon from 'autocannon';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnCli, consoleTokenOf } from './lib/cli';
import { tempDir, removeDir } from './lib/cleanup';
import { cpuSeconds, rssMb } from './lib/proc';
import { obtainRefreshToken, SPA } from './lib/refresh-token';
import { measureSignRate, type SignRate } from './lib/sign-rate';
import type { LoadStats } from './lib/load-stats';

export interface RefreshResult extends LoadStats {
  reqPerSec: number;
  /** 200 responses lacking access_token or id_token. */
  malformed: number;
  flushesDuringLoad: number | null;
  sign: SignRate;
  /** req/s ÷ (sequential signatures/s ÷ 2): 1.0 = as fast as the two signatures alone allow. */
  ratioVsSigning: number;
  ratioVsParallelSigning: number;
}

async function health(consoleUrl: string, issuer: string): Promise<{ flushes: number } | null> {
  const res = await fetch(`${issuer}/_sandbox/api/health`, { headers: { authorization: `Bearer ${consoleTokenOf(consoleUrl)}` } });
  return res.ok ? res.json() : null;
}

export async function refreshThroughput({ durationS = 10, connections = 10, signMs = 3000 } = {}, log: (s: string) => void = () => {}): Promise<RefreshResult> {
  const dir = await tempDir();
  const cli = await spawnCli(dir);
  try {
    const refreshToken = await obtainRefreshToken(cli.issuer, consoleTokenOf(cli.consoleUrl));
    const url = `${cli.issuer}/oauth2/token`;
    const body = new URLSearchParams({ grant_type: 'refresh_token', client_id: SPA, refresh_token: refreshToken }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };

    // One checked request first: a broken grant would otherwise show up only as a fast bench of 400s.
    const probe = await fetch(url, { method: 'POST', headers, body });
    const probeBody = await probe.text();
    if (probe.status !== 200 || !probeBody.includes('"id_token"')) throw new Error(`refresh probe failed: ${probe.status} ${probeBody}`);

    // Warm-up outside the measured run (JIT, connection setup), and before the "before" figures.
    await autocannon({ url, connections, duration: 1, method: 'POST', headers, body });

    const dbPath = join(dir, 'sandbox.db');
    const dbBytesBefore = (await stat(dbPath)).size;
    const flushesBefore = (await health(cli.consoleUrl, cli.issuer))?.flushes;

    const childCpuBefore = await cpuSeconds(cli.child.pid);
    const selfCpuBefore = process.cpuUsage();
    const errorSamples: { status: number; body: string }[] = [];
    let malformed = 0;
    const perSecond: number[] = [];
    log(`  refresh: ${connections} connections for ${durationS} s against ${url}`);
    const instance = autocannon({
      url,
      connections,
      duration: durationS,
      method: 'POST',
      headers,
      body,
      timeout: 10,
      requests: [
        {
          onResponse: (status, resBody) => {
            if (status === 200) {
              if (!resBody.includes('"access_token"') || !resBody.includes('"id_token"')) malformed++;
            } else if (errorSamples.length < 5 && !errorSamples.some((s) => s.status === status && s.body === resBody)) {
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

    const flushesAfter = (await health(cli.consoleUrl, cli.issuer))?.flushes;
    const childRssMbAfter = await rssMb(cli.child.pid);
    // The token must still work after the storm.
    const after = await fetch(url, { method: 'POST', headers, body });
    if (after.status !== 200) errorSamples.push({ status: after.status, body: `(after load) ${await after.text()}` });
    else await after.arrayBuffer();

    const code = await cli.stop();
    if (code !== 0) cli.stderr.push(`(bench) CLI exited with ${code} on SIGTERM`);
    const dbBytesAfter = (await stat(dbPath)).size;

    log(`  reference: RS256 signing with jose for ~${signMs / 1000} s sequential + ~${signMs / 2000} s parallel`);
    const sign = await measureSignRate({ ms: signMs, concurrency: connections });
    const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, Number(v.count)]));
    const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0);
    const reqPerSec = r.requests.average;
    return {
      connections,
      durationS: r.duration,
      requests,
      reqPerSec,
      latencyP50Ms: r.latency.p50,
      latencyP99Ms: r.latency.p99,
      latencyMaxMs: r.latency.max,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      malformed,
      statusCodes,
      errorSamples,
      // autocannon may emit one last tick for a partial second.
      perSecond: perSecond.slice(0, Math.round(r.duration)),
      dbBytesBefore,
      dbBytesAfter,
      flushesDuringLoad: flushesBefore !== undefined && flushesAfter !== undefined ? flushesAfter - flushesBefore : null,
      childRssMbAfter,
      idpCpuCores: childCpuBefore !== null && childCpuAfter !== null ? (childCpuAfter - childCpuBefore) / r.duration : null,
      loadGenCpuCores: (selfCpu.user + selfCpu.system) / 1e6 / r.duration,
      childStderr: cli.stderr.filter((l) => !/^SIGTERM: stopping/.test(l)),
      sign,
      ratioVsSigning: reqPerSec / (sign.sequential / 2),
      ratioVsParallelSigning: reqPerSec / (sign.parallel / 2),
    };
  } finally {
    await cli.stop();
    removeDir(dir);
  }
}
