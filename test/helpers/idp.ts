import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startIdp, type RunningIdp, type StartOptions } from '../../src-main/idp/index';
import { defaultAppConfigYaml } from '../../src-main/idp/config/generate';
import { registerConsoleToken } from './agent';

export interface TestIdp extends RunningIdp {
  dataDir: string;
  /** Closes the IdP and deletes its data directory. */
  dispose(): Promise<void>;
}

export async function tempDir(prefix = 'agsb-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/**
 * Starts a real IdP on 127.0.0.1:0 with a fresh data directory. `editConfig` may change the
 * generated authgear.yaml (as a parsed object) before start.
 */
export async function startTestIdp(
  opts: { editConfig?: (doc: any) => void; dataDir?: string } & Partial<StartOptions> = {},
): Promise<TestIdp> {
  const dataDir = opts.dataDir ?? (await tempDir());
  if (opts.editConfig) {
    const doc = parse(defaultAppConfigYaml('http://localhost:3100'));
    opts.editConfig(doc);
    await writeFile(join(dataDir, 'authgear.yaml'), stringify(doc));
  }
  const idp = await startIdp({ port: 0, onNotice: () => {}, ...opts, dataDir });
  registerConsoleToken(idp.issuer, idp.consoleToken);
  return {
    ...idp,
    dataDir,
    dispose: async () => {
      await idp.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A client registration added to the generated config in tests. */
export function addClient(doc: any, client: Record<string, unknown>): void {
  doc.oauth.clients.push(client);
}

/** Config edit for a passwordless project: e-mail OTP as the only primary authenticator, no 2FA. */
export function makePasswordless(doc: any): void {
  doc.authentication.primary_authenticators = ['oob_otp_email'];
  doc.authentication.secondary_authentication_mode = 'disabled';
}
