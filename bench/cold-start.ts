/**
 * Cold start of the real CLI: spawn → discovery answers 200, for a fresh data directory (first
 * start writes config and generates the RSA signing key) and a warm restart on the same directory.
 * References, measured in the same loop so machine drift hits both: bare `node -e 0`, and Node
 * plus tsx registration (the floor the CLI pays before any project code runs).
 */
import { spawnCli, timeNode } from './lib/cli';
import { tempDir, removeDir } from './lib/cleanup';
import { median, round } from './lib/stats';

const TSX_ONLY = ['--input-type=module', '-e', "const { register } = await import('tsx/esm/api'); register();"];

export interface ColdStartResult {
  runs: number;
  nodeBareMs: number;
  nodeTsxMs: number;
  freshMs: number;
  warmMs: number;
  freshVsNode: number;
  warmVsNode: number;
  samples: { nodeBare: number[]; nodeTsx: number[]; fresh: number[]; warm: number[] };
}

export async function coldStart(runs = 5, log: (s: string) => void = () => {}): Promise<ColdStartResult> {
  // One discarded round: fills tsx's transform cache and the OS file cache, which a developer's
  // second start also enjoys; otherwise the first sample is an outlier of transpile time.
  {
    const dir = await tempDir();
    const cli = await spawnCli(dir);
    await cli.stop();
    removeDir(dir);
  }
  const s = { nodeBare: [] as number[], nodeTsx: [] as number[], fresh: [] as number[], warm: [] as number[] };
  for (let i = 0; i < runs; i++) {
    s.nodeBare.push(await timeNode(['-e', '0']));
    s.nodeTsx.push(await timeNode(TSX_ONLY));
    const dir = await tempDir();
    try {
      const fresh = await spawnCli(dir);
      s.fresh.push(fresh.readyMs);
      const code = await fresh.stop();
      if (code !== 0) throw new Error(`CLI exited with ${code} on SIGTERM; stderr:\n${fresh.stderr.join('\n')}`);
      const warm = await spawnCli(dir);
      s.warm.push(warm.readyMs);
      await warm.stop();
    } finally {
      removeDir(dir);
    }
    log(`  cold start ${i + 1}/${runs}: fresh ${round(s.fresh[i])} ms, warm ${round(s.warm[i])} ms, node -e 0 ${round(s.nodeBare[i])} ms`);
  }
  const nodeBareMs = median(s.nodeBare);
  const freshMs = median(s.fresh);
  const warmMs = median(s.warm);
  return {
    runs,
    nodeBareMs,
    nodeTsxMs: median(s.nodeTsx),
    freshMs,
    warmMs,
    freshVsNode: freshMs / nodeBareMs,
    warmVsNode: warmMs / nodeBareMs,
    samples: s,
  };
}
