/** What every load run reports, whatever it drives. */
export interface LoadStats {
  connections: number;
  durationS: number;
  requests: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** First few distinct bad bodies, for the bug report. */
  errorSamples: { status: number; body: string }[];
  /** Completed requests in each second: shows whether throughput decays as the database grows. */
  perSecond: number[];
  dbBytesBefore: number;
  dbBytesAfter: number;
  childRssMbAfter: number | null;
  /** CPU use during the run, in cores (1.0 = one core busy): shows who is the bottleneck on a small machine. */
  idpCpuCores: number | null;
  loadGenCpuCores: number;
  childStderr: string[];
}
