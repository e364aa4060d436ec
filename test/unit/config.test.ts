/**
 * loadConfig on real temp directories: what the first start writes, the defaults applied to what
 * authgear.yaml leaves out, the messages for invalid values, and how a real project's extra
 * sections are kept and reported.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readFile, writeFile, stat, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { importJWK, SignJWT, jwtVerify } from 'jose';
import { loadConfig } from '../../src-main/idp/config/load';
import { defaultAppConfigYaml } from '../../src-main/idp/config/generate';
import { createRandom } from '../../src-main/idp/random';
import { createClock } from '../../src-main/idp/clock';
import { ConfigError } from '../../src-main/idp/errors';
import type { LoadedConfig } from '../../src-main/idp/config/types';

const ORIGIN = 'http://localhost:3100';
const dirs: string[] = [];
let seededSecrets: string; // a valid authgear.secrets.yaml, reused so each case skips RSA key generation

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'agsb-config-'));
  dirs.push(d);
  return d;
}

function load(dir: string): Promise<LoadedConfig> {
  return loadConfig(dir, { random: createRandom(), clock: createClock(), defaultOrigin: ORIGIN });
}

/** Loads `app` (YAML text or an object) with valid secrets. */
async function loadApp(app: string | object, secrets = seededSecrets): Promise<LoadedConfig> {
  const dir = await tempDir();
  await writeFile(join(dir, 'authgear.yaml'), typeof app === 'string' ? app : stringify(app));
  await writeFile(join(dir, 'authgear.secrets.yaml'), secrets, { mode: 0o600 });
  return load(dir);
}

/** The ConfigError message loading `app` ends with. */
async function configError(app: string | object, secrets?: string): Promise<string> {
  try {
    await loadApp(app, secrets);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const minimal = (extra: Record<string, unknown> = {}) => ({ http: { public_origin: ORIGIN }, ...extra });
const spa = (extra: Record<string, unknown> = {}) => ({ client_id: 'app', x_application_type: 'spa', redirect_uris: ['http://localhost:3000/'], ...extra });

afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('first start', () => {
  let dir: string;
  let config: LoadedConfig;

  beforeAll(async () => {
    dir = await tempDir();
    config = await load(dir);
    seededSecrets = await readFile(join(dir, 'authgear.secrets.yaml'), 'utf8');
  });

  it('writes authgear.yaml and a private authgear.secrets.yaml', async () => {
    const app = parse(await readFile(join(dir, 'authgear.yaml'), 'utf8'));
    expect(app.http.public_origin).toBe(ORIGIN);
    expect((await stat(join(dir, 'authgear.secrets.yaml'))).mode & 0o777).toBe(0o600);
    expect(config.app.http.public_origin).toBe(ORIGIN);
    expect(config.notices).toEqual([]);
  });

  it('seeds a public SPA client that issues JWT access tokens', () => {
    const c = config.app.oauth.clients.find((x) => x.client_id === 'sandbox-spa')!;
    expect(c).toBeDefined();
    expect(c.x_application_type).toBe('spa');
    expect(c.issue_jwt_access_token).toBe(true);
    expect(c.redirect_uris).toContain('http://localhost:3000/auth-redirect');
    expect(c.grant_types).toEqual(['authorization_code', 'refresh_token']);
    expect(config.secrets.clientSecrets.has('sandbox-spa')).toBe(false);
  });

  it('seeds a confidential web-app client whose secret is in authgear.secrets.yaml under oauth.client_secrets', () => {
    const c = config.app.oauth.clients.find((x) => x.client_id === 'sandbox-webapp')!;
    expect(c).toBeDefined();
    expect(c.x_application_type).toBe('confidential');
    expect(c.post_logout_redirect_uris.length).toBeGreaterThan(0);
    const [secret] = config.secrets.clientSecrets.get('sandbox-webapp')!;
    expect(secret).toMatch(/^[0-9a-zA-Z_]{32}$/);

    const raw = parse(seededSecrets);
    const item = raw.secrets.find((s: any) => s.key === 'oauth.client_secrets').data.items[0];
    expect(item.client_id).toBe('sandbox-webapp');
    expect(item.keys[0].kty).toBe('oct');
    expect(typeof item.keys[0].kid).toBe('string');
    expect(Buffer.from(item.keys[0].k, 'base64url').toString()).toBe(secret);
  });

  it('holds an RSA signing key with a kid under oauth, and an admin-api.auth key', async () => {
    const raw = parse(seededSecrets);
    const [oauth] = raw.secrets.find((s: any) => s.key === 'oauth').data.keys;
    const [admin] = raw.secrets.find((s: any) => s.key === 'admin-api.auth').data.keys;
    for (const k of [oauth, admin]) {
      expect(k).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(typeof k.kid).toBe('string');
      expect(typeof k.d).toBe('string');
    }
    expect(oauth.kid).not.toBe(admin.kid);
    expect(config.secrets.oauthKeys.map((k) => k.kid)).toEqual([oauth.kid]);
    expect(config.secrets.adminApiKeys.map((k) => k.kid)).toEqual([admin.kid]);

    // The key is usable: it signs, and its public half verifies.
    const { d, p, q, dp, dq, qi, ...pub } = oauth;
    const jwt = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: 'RS256', kid: oauth.kid }).sign(await importJWK(oauth, 'RS256'));
    const { payload } = await jwtVerify(jwt, await importJWK(pub, 'RS256'));
    expect(payload.a).toBe(1);
    expect(d && p && q && dp && dq && qi).toBeTruthy();
  });

  it('a second start reads the same files back unchanged', async () => {
    const before = await readFile(join(dir, 'authgear.yaml'), 'utf8');
    const again = await load(dir);
    expect(await readFile(join(dir, 'authgear.yaml'), 'utf8')).toBe(before);
    expect(await readFile(join(dir, 'authgear.secrets.yaml'), 'utf8')).toBe(seededSecrets);
    expect(again.secrets.oauthKeys[0].kid).toBe(config.secrets.oauthKeys[0].kid);
    expect(again.secrets.clientSecrets.get('sandbox-webapp')).toEqual(config.secrets.clientSecrets.get('sandbox-webapp'));
    expect(again.app).toEqual(config.app);
  });

  it('writes the given default origin into a new authgear.yaml', async () => {
    const other = await tempDir();
    await copyFile(join(dir, 'authgear.secrets.yaml'), join(other, 'authgear.secrets.yaml'));
    const c = await loadConfig(other, { random: createRandom(), clock: createClock(), defaultOrigin: 'http://localhost:4567' });
    expect(c.app.http.public_origin).toBe('http://localhost:4567');
  });
});

describe('defaults for what authgear.yaml leaves out', () => {
  it("applies upstream's token lifetimes and idle timeout to a client", async () => {
    const { app } = await loadApp(minimal({ oauth: { clients: [spa()] } }));
    expect(app.oauth.clients[0]).toMatchObject({
      access_token_lifetime_seconds: 1800,
      refresh_token_lifetime_seconds: 31449600,
      refresh_token_idle_timeout_enabled: true,
      refresh_token_idle_timeout_seconds: 2592000,
      refresh_token_rotation_enabled: false,
      issue_jwt_access_token: false,
      post_logout_redirect_uris: [],
      name: 'app',
    });
  });

  it('the seeded clients carry the same lifetimes', async () => {
    const { app } = await loadApp(defaultAppConfigYaml(ORIGIN));
    expect(app.oauth.clients).toHaveLength(2);
    for (const c of app.oauth.clients) {
      expect(c.access_token_lifetime_seconds).toBe(1800);
      expect(c.refresh_token_lifetime_seconds).toBe(31449600);
      expect(c.refresh_token_idle_timeout_enabled).toBe(true);
      expect(c.refresh_token_idle_timeout_seconds).toBe(2592000);
    }
  });

  it('a refresh token never lives shorter than its access token by default', async () => {
    const { app } = await loadApp(minimal({ oauth: { clients: [spa({ access_token_lifetime_seconds: 40000000 })] } }));
    expect(app.oauth.clients[0].refresh_token_lifetime_seconds).toBe(40000000);
  });

  it('m2m clients always issue JWT access tokens', async () => {
    const { app } = await loadApp(minimal({ oauth: { clients: [{ client_id: 'svc', x_application_type: 'm2m', issue_jwt_access_token: false }] } }));
    expect(app.oauth.clients[0].issue_jwt_access_token).toBe(true);
  });

  it('password policy, session, login ID and authentication defaults', async () => {
    const { app } = await loadApp(minimal());
    expect(app.authenticator.password.policy).toMatchObject({ min_length: 8, uppercase_required: false, digit_required: false, history_size: 0 });
    expect(app.session).toEqual({ lifetime_seconds: 31449600, idle_timeout_enabled: true, idle_timeout_seconds: 2592000, use_session_cookie: false });
    expect(app.identity.login_id.keys).toEqual([{ type: 'email', key: 'email', max_length: 320 }]);
    expect(app.authentication).toMatchObject({ primary_authenticators: ['password'], secondary_authentication_mode: 'if_exists', public_signup_disabled: false });
    expect(app.oauth.clients).toEqual([]);
    expect(app.id).toBe('sandbox');
  });

  it('keeps the values it is given', async () => {
    const { app } = await loadApp(
      minimal({
        oauth: { clients: [spa({ access_token_lifetime_seconds: 600, refresh_token_idle_timeout_enabled: false, refresh_token_lifetime_seconds: 7200 })] },
        authenticator: { password: { policy: { min_length: 12, digit_required: true } } },
        session: { idle_timeout_enabled: false },
      }),
    );
    expect(app.oauth.clients[0]).toMatchObject({ access_token_lifetime_seconds: 600, refresh_token_lifetime_seconds: 7200, refresh_token_idle_timeout_enabled: false });
    expect(app.authenticator.password.policy).toMatchObject({ min_length: 12, digit_required: true });
    expect(app.session.idle_timeout_enabled).toBe(false);
  });

  it('strips a trailing slash from public_origin', async () => {
    const { app } = await loadApp({ http: { public_origin: 'http://localhost:3100/' } });
    expect(app.http.public_origin).toBe('http://localhost:3100');
  });
});

describe('invalid values name the file, the field path and why', () => {
  const cases: [string, object, RegExp][] = [
    ['public_origin of the wrong type', { http: { public_origin: 42 } }, /^authgear\.yaml: \/http\/public_origin: must be string$/],
    ['no http section', { oauth: {} }, /^authgear\.yaml: \/: must have required property 'http'$/],
    ['public_origin with a path', { http: { public_origin: 'http://localhost:3100/app' } }, /^authgear\.yaml: \/http\/public_origin: .*no path/],
    ['public_origin that is not a URL', { http: { public_origin: 'not a url' } }, /^authgear\.yaml: \/http\/public_origin: must be an absolute URL/],
    ['unknown application type', minimal({ oauth: { clients: [spa({ x_application_type: 'desktop' })] } }), /^authgear\.yaml: \/oauth\/clients\/0\/x_application_type: must be equal to one of the allowed values: .*"spa"/],
    ['access token lifetime below 300 s', minimal({ oauth: { clients: [spa({ access_token_lifetime_seconds: 10 })] } }), /^authgear\.yaml: \/oauth\/clients\/0\/access_token_lifetime_seconds: must be >= 300$/],
    ['negative refresh token lifetime', minimal({ oauth: { clients: [spa({ refresh_token_lifetime_seconds: -1 })] } }), /^authgear\.yaml: \/oauth\/clients\/0\/refresh_token_lifetime_seconds: must be >= 0$/],
    ['SPA without redirect URIs', minimal({ oauth: { clients: [spa({ redirect_uris: undefined })] } }), /^authgear\.yaml: \/oauth\/clients\/0\/redirect_uris: at least one redirect URI is required$/],
    ['relative redirect URI', minimal({ oauth: { clients: [spa({ redirect_uris: ['http://ok/', '/callback'] })] } }), /^authgear\.yaml: \/oauth\/clients\/0\/redirect_uris\/1: not an absolute URI: \/callback$/],
    ['duplicate client_id', minimal({ oauth: { clients: [spa(), spa()] } }), /^authgear\.yaml: \/oauth\/clients\/1\/client_id: duplicate client_id app$/],
    ['client without client_id', minimal({ oauth: { clients: [{ redirect_uris: ['http://x/'] }] } }), /^authgear\.yaml: \/oauth\/clients\/0: must have required property 'client_id'$/],
    ['web app without post-logout URIs', minimal({ oauth: { clients: [spa({ x_application_type: 'traditional_webapp' })] } }), /^authgear\.yaml: \/oauth\/clients\/0\/post_logout_redirect_uris: required/],
    ['password min_length 0', minimal({ authenticator: { password: { policy: { min_length: 0 } } } }), /^authgear\.yaml: \/authenticator\/password\/policy\/min_length: must be >= 1$/],
    ['non-boolean idle_timeout_enabled', minimal({ session: { idle_timeout_enabled: 'yes' } }), /^authgear\.yaml: \/session\/idle_timeout_enabled: must be boolean$/],
    ['unknown login ID type', minimal({ identity: { login_id: { keys: [{ type: 'fax' }] } } }), /^authgear\.yaml: \/identity\/login_id\/keys\/0\/type: must be equal to one of the allowed values/],
  ];
  for (const [what, app, message] of cases) {
    it(what, async () => {
      expect(await configError(app)).toMatch(message);
    });
  }

  it('a YAML syntax error names its line', async () => {
    const text = ['http:', '  public_origin: http://localhost:3100', 'oauth:', '  clients: [', '    {client_id: a', ''].join('\n');
    expect(await configError(text)).toMatch(/^authgear\.yaml: invalid YAML at line \d+: /);
    const tab = ['http:', '  public_origin: http://localhost:3100', 'session:', '\tlifetime_seconds: 1', ''].join('\n');
    expect(await configError(tab)).toMatch(/^authgear\.yaml: invalid YAML at line 4: /);
  });

  it('a YAML document that is not a mapping', async () => {
    expect(await configError('- just\n- a list\n')).toBe('authgear.yaml: must be a YAML mapping');
    expect(await configError('')).toBe('authgear.yaml: must be a YAML mapping');
  });

  it('each message is a single line', async () => {
    for (const [, app] of cases) expect(await configError(app)).not.toContain('\n');
    expect(await configError('a: [\n')).not.toContain('\n');
  });

  it('a secrets file without a secrets list', async () => {
    expect(await configError(minimal(), 'db: {}\n')).toBe("authgear.secrets.yaml: /: must have required property 'secrets'");
  });

  it('an oauth key that is not an RSA private key', async () => {
    const raw = parse(seededSecrets);
    const oauth = raw.secrets.find((s: any) => s.key === 'oauth');
    const { d, p, q, dp, dq, qi, ...pub } = oauth.data.keys[0];
    oauth.data.keys = [pub];
    expect(d && p && q && dp && dq && qi).toBeTruthy();
    expect(await configError(minimal(), stringify(raw))).toBe('authgear.secrets.yaml: oauth key 0: must be an RSA private JWK with a kid');
    oauth.data.keys = [];
    expect(await configError(minimal(), stringify(raw))).toBe('authgear.secrets.yaml: oauth: at least one signing key is required');
  });
});

describe('a real Authgear project config', () => {
  const project = {
    id: 'my-project',
    http: { public_origin: ORIGIN },
    oauth: {
      clients: [spa({ name: 'My App', x_future_flag: true, another_unknown: 1 }), { client_id: 'backend', x_application_type: 'confidential', redirect_uris: ['http://localhost:8000/cb'] }],
    },
    authentication: { identities: ['login_id', 'oauth'], primary_authenticators: ['password'], device_token: { disabled: false } },
    identity: { login_id: { keys: [{ type: 'email', key: 'email', modify_disabled: false }] }, oauth: { providers: [] } },
    hook: { blocking_handlers: [{ event: 'user.pre_create', url: 'https://example.com/hook' }] },
    messaging: { sms_provider: 'twilio' },
    localization: { supported_languages: ['en', 'zh-HK'], fallback_language: 'en' },
  };

  it('keeps unknown sections in rawApp and reports them in one notice', async () => {
    const config = await loadApp(project);
    expect(config.rawApp.hook).toEqual(project.hook);
    expect(config.rawApp.messaging).toEqual(project.messaging);
    expect(config.rawApp.localization).toEqual(project.localization);
    expect((config.app as any).hook).toBeUndefined();

    const sections = config.notices.filter((n) => n.includes('localization'));
    expect(sections).toEqual(['authgear.yaml: sections kept but not used by the sandbox yet: hook, messaging, localization']);
  });

  it('reports unknown client fields with the client path, and reads the rest of the client', async () => {
    const config = await loadApp(project);
    expect(config.notices).toContain('authgear.yaml: /oauth/clients/0: unknown fields ignored: x_future_flag, another_unknown');
    expect(config.app.oauth.clients[0]).toMatchObject({ client_id: 'app', name: 'My App', x_application_type: 'spa' });
    // Known fields of known sections that the sandbox does not model are not reported.
    expect(config.notices.filter((n) => /device_token|modify_disabled|providers/.test(n))).toEqual([]);
  });

  it('reports a confidential client that has no secret', async () => {
    const config = await loadApp(project);
    expect(config.notices).toContain('authgear.secrets.yaml: client backend has no secret in oauth.client_secrets');
  });

  it("completes a project's secrets file with the keys the sandbox needs, keeping the rest", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'authgear.yaml'), stringify(minimal()));
    const db = { key: 'db', data: { database_url: 'postgres://x', database_schema: 'public' } };
    await writeFile(join(dir, 'authgear.secrets.yaml'), stringify({ secrets: [db] }), { mode: 0o600 });
    const config = await load(dir);
    expect(config.notices).toEqual([
      "authgear.secrets.yaml: generated a missing 'oauth' key",
      "authgear.secrets.yaml: generated a missing 'admin-api.auth' key",
    ]);
    const raw = parse(await readFile(join(dir, 'authgear.secrets.yaml'), 'utf8'));
    expect(raw.secrets.map((s: any) => s.key)).toEqual(['db', 'oauth', 'admin-api.auth']);
    expect(raw.secrets[0]).toEqual(db);
    expect((await stat(join(dir, 'authgear.secrets.yaml'))).mode & 0o777).toBe(0o600);
    expect(config.secrets.oauthKeys[0].kid).toBe(raw.secrets[1].data.keys[0].kid);
    // Next start: nothing more to add.
    expect((await load(dir)).notices).toEqual([]);
  });
});
