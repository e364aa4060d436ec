import { readFile, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { Ajv } from 'ajv';
import type { Random } from '../random';
import type { Clock } from '../clock';
import { ConfigError } from '../errors';
import { appConfigSchema, secretsSchema, SUPPORTED_SECTIONS, CLIENT_FIELDS } from './schema';
import { appWithDefaults } from './defaults';
import { defaultAppConfigYaml, defaultSecretsYaml, generateRsaJwk } from './generate';
import type { LoadedConfig, SecretsConfig, StoredJwk, AppConfig } from './types';
import { stringify } from 'yaml';

export const APP_CONFIG_FILE = 'authgear.yaml';
export const SECRETS_FILE = 'authgear.secrets.yaml';

const ajv = new Ajv({ allErrors: false, strict: false });
const validateApp = ajv.compile<any>(appConfigSchema);
const validateSecrets = ajv.compile<any>(secretsSchema);

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function parseYaml(text: string, file: string): Record<string, any> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const line = e.linePos?.[0]?.line;
      throw new ConfigError(`${file}: invalid YAML${line ? ` at line ${line}` : ''}: ${e.message.split('\n')[0]}`);
    }
    throw e;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(`${file}: must be a YAML mapping`);
  }
  return doc as Record<string, any>;
}

function schemaError(file: string, errors: typeof validateApp.errors): ConfigError {
  const e = errors![0];
  const where = e.instancePath || '/';
  let why = e.message ?? 'is invalid';
  if (e.keyword === 'enum') why += `: ${(e.params as any).allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
  return new ConfigError(`${file}: ${where}: ${why}`);
}

function checkOrigin(origin: string): void {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new ConfigError(`${APP_CONFIG_FILE}: /http/public_origin: must be an absolute URL like http://localhost:3100`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search || url.hash) {
    throw new ConfigError(`${APP_CONFIG_FILE}: /http/public_origin: must be scheme://host[:port] with no path, got ${origin}`);
  }
}

/** Checks the schema cannot express; each message names the field and why. */
function checkSemantics(app: AppConfig, notices: string[], rawClients: Record<string, unknown>[]): void {
  checkOrigin(app.http.public_origin);
  const seen = new Set<string>();
  app.oauth.clients.forEach((c, i) => {
    const at = `${APP_CONFIG_FILE}: /oauth/clients/${i}`;
    if (seen.has(c.client_id)) throw new ConfigError(`${at}/client_id: duplicate client_id ${c.client_id}`);
    seen.add(c.client_id);
    if (c.x_application_type !== 'm2m' && c.redirect_uris.length === 0) {
      throw new ConfigError(`${at}/redirect_uris: at least one redirect URI is required`);
    }
    c.redirect_uris.forEach((u, j) => {
      try {
        new URL(u);
      } catch {
        throw new ConfigError(`${at}/redirect_uris/${j}: not an absolute URI: ${u}`);
      }
    });
    if (c.x_application_type === 'traditional_webapp' && c.post_logout_redirect_uris.length === 0) {
      throw new ConfigError(`${at}/post_logout_redirect_uris: required for traditional_webapp clients`);
    }
    const unknown = Object.keys(rawClients[i] ?? {}).filter((k) => !CLIENT_FIELDS.includes(k));
    if (unknown.length) notices.push(`${at}: unknown fields ignored: ${unknown.join(', ')}`);
  });
}

/**
 * Checks a parsed authgear.yaml (schema, then what the schema cannot express) and applies the
 * defaults. Throws ConfigError naming the field and why; `notices` receives the warnings.
 * Start-up and the console's config edits validate through this one function.
 */
export function validateAppConfig(rawApp: Record<string, any>, notices: string[] = []): AppConfig {
  if (!validateApp(rawApp)) throw schemaError(APP_CONFIG_FILE, validateApp.errors);
  (rawApp.test_mode?.oob_otp?.rules ?? []).forEach((r: { regex: string }, i: number) => {
    try {
      new RegExp(r.regex);
    } catch {
      throw new ConfigError(`${APP_CONFIG_FILE}: /test_mode/oob_otp/rules/${i}/regex: not a valid regular expression`);
    }
  });
  const app = appWithDefaults(rawApp);
  checkSemantics(app, notices, rawApp.oauth?.clients ?? []);
  const unsupported = Object.keys(rawApp).filter((k) => !SUPPORTED_SECTIONS.has(k));
  if (unsupported.length) {
    notices.push(`${APP_CONFIG_FILE}: sections kept but not used by the sandbox yet: ${unsupported.join(', ')}`);
  }
  return app;
}

function readSecrets(raw: Record<string, any>): SecretsConfig {
  const items: any[] = raw.secrets;
  const find = (key: string) => items.find((i) => i.key === key)?.data;
  const clientSecrets = new Map<string, string[]>();
  for (const item of find('oauth.client_secrets')?.items ?? []) {
    const secrets = (item.keys ?? [])
      .filter((k: any) => typeof k?.k === 'string')
      .map((k: any) => Buffer.from(k.k, 'base64url').toString('utf8'));
    clientSecrets.set(String(item.client_id), secrets);
  }
  return {
    oauthKeys: (find('oauth')?.keys ?? []) as StoredJwk[],
    adminApiKeys: (find('admin-api.auth')?.keys ?? []) as StoredJwk[],
    clientSecrets,
  };
}

/**
 * Reads (creating on first start) authgear.yaml and authgear.secrets.yaml in `dataDir`.
 * `defaultOrigin` is written into a newly created authgear.yaml.
 */
export async function loadConfig(
  dataDir: string,
  opts: { random: Random; clock: Clock; defaultOrigin: string },
): Promise<LoadedConfig> {
  const appPath = join(dataDir, APP_CONFIG_FILE);
  const secretsPath = join(dataDir, SECRETS_FILE);
  const notices: string[] = [];

  if (!(await exists(appPath))) {
    await writeFile(appPath, defaultAppConfigYaml(opts.defaultOrigin), { mode: 0o644 });
  }
  if (!(await exists(secretsPath))) {
    await writeFile(secretsPath, await defaultSecretsYaml(opts.random, opts.clock.nowSec()), { mode: 0o600 });
  }

  const rawApp = parseYaml(await readFile(appPath, 'utf8'), APP_CONFIG_FILE);
  const app = validateAppConfig(rawApp, notices);

  const rawSecrets = parseYaml(await readFile(secretsPath, 'utf8'), SECRETS_FILE);
  if (!validateSecrets(rawSecrets)) throw schemaError(SECRETS_FILE, validateSecrets.errors);
  // A real project's secrets file may lack keys the sandbox needs: add them, keep the rest.
  let added = false;
  for (const key of ['oauth', 'admin-api.auth']) {
    if (!rawSecrets.secrets.some((s: any) => s.key === key)) {
      rawSecrets.secrets.push({ key, data: { keys: [await generateRsaJwk(opts.random.uuid(), opts.clock.nowSec())] } });
      notices.push(`${SECRETS_FILE}: generated a missing '${key}' key`);
      added = true;
    }
  }
  if (added) await writeFile(secretsPath, stringify(rawSecrets, { lineWidth: 0 }), { mode: 0o600 });
  const secrets = readSecrets(rawSecrets);
  secrets.oauthKeys.forEach((k, i) => {
    if (k.kty !== 'RSA' || typeof k.d !== 'string' || typeof k.kid !== 'string') {
      throw new ConfigError(`${SECRETS_FILE}: oauth key ${i}: must be an RSA private JWK with a kid`);
    }
  });
  if (secrets.oauthKeys.length === 0) throw new ConfigError(`${SECRETS_FILE}: oauth: at least one signing key is required`);
  for (const c of app.oauth.clients) {
    const needsSecret = ['confidential', 'third_party_app', 'm2m'].includes(c.x_application_type);
    if (needsSecret && !secrets.clientSecrets.get(c.client_id)?.length) {
      notices.push(`${SECRETS_FILE}: client ${c.client_id} has no secret in oauth.client_secrets`);
    }
  }
  return { app, secrets, rawApp, rawSecrets, notices };
}
