/**
 * One read-modify-write of the config files at a time per data directory: the console's client
 * edits and key rotation both rewrite authgear.secrets.yaml, and each must read what the
 * previous one wrote.
 */
const queues = new Map<string, Promise<unknown>>();

export function serializedConfigWrite<T>(dataDir: string, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(dataDir) ?? Promise.resolve()).then(fn, fn);
  const tail = run.catch(() => {});
  queues.set(dataDir, tail);
  // Forget an idle directory so the map does not grow with every test's temp dir.
  void tail.then(() => {
    if (queues.get(dataDir) === tail) queues.delete(dataDir);
  });
  return run;
}
