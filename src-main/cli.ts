/**
 * Headless command line: `authgear-sandbox serve [--port N] [--host H] [--data DIR]`.
 * Prints one line with the issuer and the console URL once listening, like a notebook server.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { startIdp, type RunningIdp } from './idp/index';
import { ConfigError, StartupError } from './idp/errors';

const USAGE = `Usage: authgear-sandbox serve [--port N] [--host H] [--data DIR]

  --port N    port to listen on (default: the port of http.public_origin, else 3100; 0 = any free port)
  --host H    interface to bind (default 127.0.0.1)
  --data DIR  data directory (default: $AUTHGEAR_SANDBOX_DATA or ~/.authgear-sandbox)
`;

export function defaultDataDir(): string {
  return process.env.AUTHGEAR_SANDBOX_DATA || join(homedir(), '.authgear-sandbox');
}

function fail(message: string): never {
  process.stderr.write(`authgear-sandbox: ${message}\n`);
  process.exit(1);
}

async function serve(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (e: any) {
    fail(`${e.message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) fail(`--port must be a number from 0 to 65535, got ${values.port}`);
    port = Number(values.port);
  }
  let idp: RunningIdp;
  try {
    idp = await startIdp({
      dataDir: values.data ?? defaultDataDir(),
      port,
      host: values.host,
      onNotice: (l) => process.stderr.write(`notice: ${l}\n`),
      // Nothing is really sent: show each code or link where the developer is looking.
      onOutbox: (m) => process.stderr.write(`outbox: ${m.channel} to ${m.recipient} (${m.messageType}): ${m.link ?? `code ${m.code}`}\n`),
    });
  } catch (e) {
    if (e instanceof StartupError || e instanceof ConfigError) fail(e.message);
    throw e;
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping...\n`);
    await idp.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Only now announce readiness: a signal sent as soon as the line is seen must find the handlers.
  process.stdout.write(`Authgear Sandbox is running. Issuer: ${idp.issuer}  Console: ${idp.consoleUrl}\n`);
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return;
    default:
      fail(`unknown command ${command}\n${USAGE}`);
  }
}
