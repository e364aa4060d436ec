/**
 * `/_resolver/resolve` under load, as nginx `auth_request` drives it: with a Bearer JWT access
 * token and with the IdP session cookie. Reference: a route that answers 204 and does nothing,
 * served by the same process through the same pipeline (Host check, routing, cookie parsing), in
 * the same run, so the ratio shows what resolving a session costs.
 */
import autocannon from 'autocannon';
import { spawnCli, consoleTokenOf } from './lib/cli';
import { tempDir, removeDir } from './lib/cleanup';
import { cpuSeconds } from './lib/proc';
import { obtainSession } from './lib/session';

export interface ResolverRun {
  reqPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
  /** 2xx answers that did not say what they should (a valid session, or 204). */
  wrong: number;
  idpCpuCores: number | null;
}

export interface ResolverResult {
  connections: number;
  durationS: number;
  hello: ResolverRun;
  bearer: ResolverRun;
  cookie: ResolverRun;
  bearerVsHello: number;
  cookieVsHello: number;
}

async function load(url: string, headers: Record<string, string>, expectValid: boolean, pid: number | undefined, connections: number, durationS: number): Promise<ResolverRun> {
  await autocannon({ url, connections, duration: 1, headers }); // warm-up
  let wrong = 0;
  const cpuBefore = await cpuSeconds(pid);
  const r = await autocannon({
    url,
    connections,
    duration: durationS,
    headers,
    requests: [
      {
        onResponse: (status, _body, _ctx, resHeaders) => {
          if (status >= 300) return;
          const valid = resHeaders?.['x-authgear-session-valid'];
          if (expectValid ? valid !== 'true' : status !== 204) wrong++;
        },
      },
    ],
  });
  const cpuAfter = await cpuSeconds(pid);
  return {
    reqPerSec: r.requests.average,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    wrong,
    idpCpuCores: cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / r.duration : null,
  };
}

export async function resolverThroughput({ durationS = 10, connections = 10 } = {}, log: (s: string) => void = () => {}): Promise<ResolverResult> {
  const dir = await tempDir();
  const cli = await spawnCli(dir, { env: { AUTHGEAR_SANDBOX_BENCH_ROUTES: '1' } });
  try {
    const { accessToken, cookie } = await obtainSession(cli.issuer, consoleTokenOf(cli.consoleUrl));
    const resolve = `${cli.issuer}/_resolver/resolve`;
    const hello = `${cli.issuer}/_sandbox/bench/hello`;
    // Checked once first: a broken resolver would otherwise bench as a fast stream of "false".
    for (const h of [{ authorization: `Bearer ${accessToken}` }, { cookie }] as Record<string, string>[]) {
      const res = await fetch(resolve, { headers: h });
      if (res.headers.get('x-authgear-session-valid') !== 'true') throw new Error(`resolver probe failed for ${Object.keys(h)[0]}`);
    }
    if ((await fetch(hello)).status !== 204) throw new Error('the bench route is not served (AUTHGEAR_SANDBOX_BENCH_ROUTES)');

    const pid = cli.child.pid;
    log(`  reference: GET /_sandbox/bench/hello, ${connections} connections for ${durationS} s`);
    const helloRun = await load(hello, {}, false, pid, connections, durationS);
    log('  resolver with Authorization: Bearer <JWT>');
    const bearer = await load(resolve, { authorization: `Bearer ${accessToken}` }, true, pid, connections, durationS);
    log('  resolver with Cookie: session=<IdP session>');
    const cookieRun = await load(resolve, { cookie }, true, pid, connections, durationS);
    return {
      connections,
      durationS,
      hello: helloRun,
      bearer,
      cookie: cookieRun,
      bearerVsHello: bearer.reqPerSec / helloRun.reqPerSec,
      cookieVsHello: cookieRun.reqPerSec / helloRun.reqPerSec,
    };
  } finally {
    await cli.stop();
    removeDir(dir);
  }
}
