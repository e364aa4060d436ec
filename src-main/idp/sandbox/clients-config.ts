import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument, isMap, isSeq, type Document, type YAMLMap } from 'yaml';
import type { IdpContext } from '../context';
import type { AppConfig, ApplicationType, OAuthClientConfig } from '../config/types';
import { APP_CONFIG_FILE, SECRETS_FILE, validateAppConfig } from '../config/load';
import { ConfigError } from '../errors';
import { secretAlphabet } from '../random';
import { requiresSecret } from '../oauth/clients';
import { writeFileDurably } from '../store/durable-file';
import { serializedConfigWrite } from '../config/file-writes';

/**
 * Edits of `oauth.clients` in authgear.yaml (and of `oauth.client_secrets` in
 * authgear.secrets.yaml) made from the console. The files are edited as YAML documents, so the
 * user's comments, ordering and other sections stay as they were; the result is validated like
 * at start-up before anything is written, then applied to the running sandbox.
 */

/** Client fields the console edits; `null` removes the field (back to its default). */
export interface ClientPatch {
  name?: string;
  x_application_type?: Exclude<ApplicationType, ''>;
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  access_token_lifetime_seconds?: number | null;
  refresh_token_lifetime_seconds?: number | null;
  refresh_token_idle_timeout_enabled?: boolean | null;
  refresh_token_idle_timeout_seconds?: number | null;
  refresh_token_rotation_enabled?: boolean | null;
  issue_jwt_access_token?: boolean | null;
  x_max_concurrent_session?: 0 | 1 | null;
}

export const EDITABLE_FIELDS = [
  'name', 'x_application_type', 'redirect_uris', 'post_logout_redirect_uris', 'access_token_lifetime_seconds',
  'refresh_token_lifetime_seconds', 'refresh_token_idle_timeout_enabled', 'refresh_token_idle_timeout_seconds',
  'refresh_token_rotation_enabled', 'issue_jwt_access_token', 'x_max_concurrent_session',
] as const satisfies readonly (keyof ClientPatch)[];

/** Thrown for a client id that is not configured. */
export class ClientNotFound extends Error {}
/** Thrown when a new client's id is taken. */
export class DuplicateClientId extends Error {}
/** The edit would make authgear.yaml invalid; `location` is relative to the edited client when the problem is in it. */
export class InvalidClientConfig extends Error {
  constructor(
    message: string,
    readonly location: string | null,
  ) {
    super(message);
  }
}

/** A start-up config error, told relative to the client at `index` when it is about that client. */
function relativeTo(e: ConfigError, index: number): InvalidClientConfig {
  const m = /^authgear\.yaml: \/oauth\/clients\/(\d+)(\/\S*)?: (.*)$/.exec(e.message);
  if (m && Number(m[1]) === index) {
    const location = m[2] ?? '/';
    const field = location.slice(1).replace(/\//g, '.');
    return new InvalidClientConfig(field ? `${field}: ${m[3]}` : m[3]!, location);
  }
  return new InvalidClientConfig(e.message, null);
}

const CLIENTS = ['oauth', 'clients'] as const;
const SECRET_KEY = 'oauth.client_secrets';

interface Files {
  appPath: string;
  secretsPath: string;
  app: Document;
  secrets: Document;
  appMode: number;
}

function parse(text: string, file: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new ConfigError(`${file}: invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  if (!isMap(doc.contents)) throw new ConfigError(`${file}: must be a YAML mapping`);
  return doc;
}

async function readFiles(dataDir: string): Promise<Files> {
  const appPath = join(dataDir, APP_CONFIG_FILE);
  const secretsPath = join(dataDir, SECRETS_FILE);
  return {
    appPath,
    secretsPath,
    app: parse(await readFile(appPath, 'utf8'), APP_CONFIG_FILE),
    secrets: parse(await readFile(secretsPath, 'utf8'), SECRETS_FILE),
    appMode: (await stat(appPath)).mode & 0o777,
  };
}

function clientIndex(doc: Document, clientId: string): number {
  const seq = doc.getIn(CLIENTS);
  if (!isSeq(seq)) return -1;
  return seq.items.findIndex((item) => isMap(item) && String(item.get('client_id')) === clientId);
}

function setField(doc: Document, index: number, field: string, value: unknown): void {
  const path = [...CLIENTS, index, field];
  if (value === null || value === undefined) doc.deleteIn(path);
  else doc.setIn(path, doc.createNode(value));
}

/** The consent page shows `client_name`; clients that need it get it with their name. */
function syncClientName(doc: Document, index: number, name: string | undefined): void {
  const client = doc.getIn([...CLIENTS, index]) as YAMLMap;
  const type = String(client.get('x_application_type') ?? '');
  const current = client.get('name');
  if (name === undefined && current === undefined) return;
  if (client.has('client_name') || type === 'confidential' || type === 'third_party_app') {
    setField(doc, index, 'client_name', name ?? String(current));
  }
}

function applyPatch(doc: Document, index: number, patch: ClientPatch): void {
  for (const field of EDITABLE_FIELDS) {
    if (field in patch) setField(doc, index, field, patch[field]);
  }
  if ('name' in patch || 'x_application_type' in patch) syncClientName(doc, index, patch.name);
}

/** The `oauth.client_secrets` items of the secrets document (created when absent). */
function secretItems(doc: Document): YAMLMap[] {
  const list = doc.get('secrets');
  if (!isSeq(list)) throw new ConfigError(`${SECRETS_FILE}: /secrets: must be an array`);
  let entry = list.items.find((i) => isMap(i) && i.get('key') === SECRET_KEY) as YAMLMap | undefined;
  if (!entry) {
    entry = doc.createNode({ key: SECRET_KEY, data: { items: [] } }) as YAMLMap;
    list.add(entry);
  }
  let items = entry.getIn(['data', 'items']);
  if (!isSeq(items)) {
    entry.setIn(['data', 'items'], doc.createNode([]));
    items = entry.getIn(['data', 'items']);
  }
  return (items as { items: YAMLMap[] }).items;
}

function hasSecret(doc: Document, clientId: string): boolean {
  return secretItems(doc).some((i) => isMap(i) && String(i.get('client_id')) === clientId);
}

function addSecret(ctx: IdpContext, doc: Document, clientId: string): string {
  const secret = ctx.random.string(32, secretAlphabet);
  const key = { kid: ctx.random.uuid(), kty: 'oct', k: Buffer.from(secret).toString('base64url'), created_at: ctx.clock.nowSec() };
  secretItems(doc).push(doc.createNode({ client_id: clientId, keys: [key] }) as YAMLMap);
  return secret;
}

function removeSecret(doc: Document, clientId: string): boolean {
  const items = secretItems(doc);
  const i = items.findIndex((item) => isMap(item) && String(item.get('client_id')) === clientId);
  if (i < 0) return false;
  items.splice(i, 1);
  return true;
}

/** Validates the edited authgear.yaml, writes what changed (secrets first), then applies it live. */
async function commit(ctx: IdpContext, f: Files, index: number, secretsChanged: boolean, secretUpdate?: [string, string[] | null]): Promise<AppConfig> {
  const raw = f.app.toJS() as Record<string, any>;
  let app: AppConfig;
  try {
    app = validateAppConfig(raw);
  } catch (e) {
    throw e instanceof ConfigError ? relativeTo(e, index) : e;
  }
  // Secrets first: a client never exists on disk without the secret it needs.
  if (secretsChanged) await writeFileDurably(f.secretsPath, Buffer.from(f.secrets.toString({ lineWidth: 0 })), 0o600);
  await writeFileDurably(f.appPath, Buffer.from(f.app.toString({ lineWidth: 0 })), f.appMode);
  // Only the clients take effect at once; other sections still need a restart, as documented.
  ctx.config.app.oauth = { ...ctx.config.app.oauth, clients: app.oauth.clients };
  ctx.config.rawApp = { ...ctx.config.rawApp, oauth: raw.oauth };
  if (secretUpdate) {
    const [id, secrets] = secretUpdate;
    if (secrets) ctx.config.secrets.clientSecrets.set(id, secrets);
    else ctx.config.secrets.clientSecrets.delete(id);
  }
  return app;
}


function needsSecret(type: string | undefined): boolean {
  return requiresSecret({ x_application_type: (type ?? '') as ApplicationType } as OAuthClientConfig);
}

export interface EditResult {
  client: OAuthClientConfig;
  /** A secret generated by this edit (shown to the user once, also kept in the secrets file). */
  generatedSecret: string | null;
}

function resultFor(app: AppConfig, clientId: string, generatedSecret: string | null): EditResult {
  return { client: app.oauth.clients.find((c) => c.client_id === clientId)!, generatedSecret };
}

export function createClient(ctx: IdpContext, dataDir: string, clientId: string, patch: ClientPatch): Promise<EditResult> {
  return serializedConfigWrite(dataDir, async () => {
    const f = await readFiles(dataDir);
    if (clientIndex(f.app, clientId) >= 0 || ctx.config.app.oauth.clients.some((c) => c.client_id === clientId)) {
      throw new DuplicateClientId(clientId);
    }
    const m2m = patch.x_application_type === 'm2m';
    const base = {
      client_id: clientId,
      name: patch.name,
      x_application_type: patch.x_application_type,
      grant_types: m2m ? ['client_credentials'] : ['authorization_code', 'refresh_token'],
      response_types: m2m ? ['none'] : ['code', 'none'],
    };
    if (!isSeq(f.app.getIn(CLIENTS))) f.app.setIn(CLIENTS, f.app.createNode([]));
    f.app.addIn(CLIENTS, f.app.createNode(base));
    const index = clientIndex(f.app, clientId);
    applyPatch(f.app, index, patch);
    let secret: string | null = null;
    if (needsSecret(patch.x_application_type)) {
      removeSecret(f.secrets, clientId); // a stale secret of an earlier client with this id
      secret = addSecret(ctx, f.secrets, clientId);
    }
    const app = await commit(ctx, f, index, secret !== null, secret ? [clientId, [secret]] : undefined);
    return resultFor(app, clientId, secret);
  });
}

export function updateClient(ctx: IdpContext, dataDir: string, clientId: string, patch: ClientPatch): Promise<EditResult> {
  return serializedConfigWrite(dataDir, async () => {
    const f = await readFiles(dataDir);
    const index = clientIndex(f.app, clientId);
    if (index < 0) throw new ClientNotFound(clientId);
    applyPatch(f.app, index, patch);
    const type = String((f.app.getIn([...CLIENTS, index]) as YAMLMap).get('x_application_type') ?? '');
    let secret: string | null = null;
    if (needsSecret(type) && !hasSecret(f.secrets, clientId)) secret = addSecret(ctx, f.secrets, clientId);
    const app = await commit(ctx, f, index, secret !== null, secret ? [clientId, [secret]] : undefined);
    return resultFor(app, clientId, secret);
  });
}

export function deleteClient(ctx: IdpContext, dataDir: string, clientId: string): Promise<void> {
  return serializedConfigWrite(dataDir, async () => {
    const f = await readFiles(dataDir);
    const index = clientIndex(f.app, clientId);
    if (index < 0) throw new ClientNotFound(clientId);
    f.app.deleteIn([...CLIENTS, index]);
    const secretsChanged = removeSecret(f.secrets, clientId);
    await commit(ctx, f, -1, secretsChanged, [clientId, null]);
  });
}

/** Which editable fields authgear.yaml leaves to their defaults for a client. */
export function unsetFields(ctx: IdpContext, clientId: string): string[] {
  const clients = (ctx.config.rawApp.oauth as { clients?: Record<string, unknown>[] } | undefined)?.clients ?? [];
  const raw = clients.find((c) => String(c.client_id) === clientId) ?? {};
  return EDITABLE_FIELDS.filter((f) => raw[f] === undefined || raw[f] === null);
}
