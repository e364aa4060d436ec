/**
 * The Admin API JWT check (spec admin-api.md 2) against a real project config loaded from a temp
 * directory: tokens are signed here with jose and the project's private key, as a developer's
 * own code would, and each rejection names its reason.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, importJWK, SignJWT, type CryptoKey } from 'jose';
import { loadConfig } from '../../src-main/idp/config/load';
import { createRandom } from '../../src-main/idp/random';
import { createClock } from '../../src-main/idp/clock';
import { authenticateAdminRequest } from '../../src-main/idp/adminapi/auth';
import { mintAdminToken } from '../../src-main/idp/adminapi/token';
import { AdminApiAuthError } from '../../src-main/idp/errors';
import type { IdpContext } from '../../src-main/idp/context';

let dir: string;
let ctx: IdpContext;
let kid: string;
let privateKey: CryptoKey;
// A fixed instant: the boundaries below are exact to the second.
const clock = createClock(() => 1_750_000_000_000);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agsb-adminauth-'));
  const config = await loadConfig(dir, { random: createRandom(), clock, defaultOrigin: 'http://localhost:3100' });
  // Only what the check reads; every value is the real loaded one.
  ctx = { config, clock } as IdpContext;
  const key = config.secrets.adminApiKeys[0];
  kid = key.kid;
  const { created_at, use, ...jwk } = key as Record<string, any>;
  void created_at, use;
  privateKey = (await importJWK({ ...jwk, alg: 'RS256' }, 'RS256')) as CryptoKey;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function sign(payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', kid, typ: 'JWT' }, key: CryptoKey = privateKey): Promise<string> {
  return new SignJWT(payload).setProtectedHeader(header as any).sign(key);
}

async function reason(authorization: string | undefined): Promise<string> {
  try {
    await authenticateAdminRequest(ctx, { headers: { authorization } });
  } catch (e) {
    if (e instanceof AdminApiAuthError) return e.reason;
    throw e;
  }
  return 'accepted';
}

const now = () => clock.nowSec();

describe('Admin API JWT check', () => {
  it('accepts aud as a string and as an array containing the project ID', async () => {
    expect(await reason(`Bearer ${await sign({ aud: 'sandbox', iat: now(), exp: now() + 300 })}`)).toBe('accepted');
    expect(await reason(`Bearer ${await sign({ aud: ['other', 'sandbox'], iat: now(), exp: now() + 300 })}`)).toBe('accepted');
  });

  it('accepts a token without exp or iat (upstream validates them only when present)', async () => {
    expect(await reason(`Bearer ${await sign({ aud: 'sandbox' })}`)).toBe('accepted');
  });

  it('accepts the token the sandbox mints and carries audit_context when it is an object', async () => {
    const minted = await mintAdminToken(ctx.config.secrets.adminApiKeys, 'sandbox', now());
    expect(minted.expiresIn).toBe(300);
    await expect(authenticateAdminRequest(ctx, { headers: { authorization: `Bearer ${minted.token}` } })).resolves.toEqual({ kid });
    const withAudit = await sign({ aud: 'sandbox', audit_context: { actor: 'ops' } });
    await expect(authenticateAdminRequest(ctx, { headers: { authorization: `Bearer ${withAudit}` } })).resolves.toEqual({ kid, auditContext: { actor: 'ops' } });
    const notObject = await sign({ aud: 'sandbox', audit_context: 'ops' });
    await expect(authenticateAdminRequest(ctx, { headers: { authorization: `Bearer ${notObject}` } })).resolves.toEqual({ kid });
  });

  it('rejects a missing header, a lower-case scheme and an empty token', async () => {
    const token = await sign({ aud: 'sandbox' });
    expect(await reason(undefined)).toMatch(/Authorization header/);
    expect(await reason(`bearer ${token}`)).toMatch(/Authorization header/);
    expect(await reason('Bearer ')).toMatch(/not a compact JWS/);
  });

  it('rejects a token without kid even though the project has one key', async () => {
    expect(await reason(`Bearer ${await sign({ aud: 'sandbox' }, { alg: 'RS256', typ: 'JWT' })}`)).toBe('token has no kid header');
  });

  it('rejects an unknown kid, a foreign key under our kid, and alg none', async () => {
    expect(await reason(`Bearer ${await sign({ aud: 'sandbox' }, { alg: 'RS256', kid: 'nope' })}`)).toBe('kid not found: nope');
    const other = (await generateKeyPair('RS256')).privateKey as CryptoKey;
    expect(await reason(`Bearer ${await sign({ aud: 'sandbox' }, { alg: 'RS256', kid }, other)}`)).toBe('signature verification failed');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')}.${Buffer.from(JSON.stringify({ aud: 'sandbox' })).toString('base64url')}.`;
    expect(await reason(`Bearer ${none}`)).toBe('alg must be RS256, got none');
  });

  it('rejects a wrong or missing aud', async () => {
    expect(await reason(`Bearer ${await sign({ aud: 'myapp' })}`)).toBe('aud mismatch: expected sandbox, got "myapp"');
    expect(await reason(`Bearer ${await sign({ iat: now() })}`)).toBe('aud mismatch: expected sandbox, got null');
  });

  it('allows 5 minutes of skew on exp and iat, not more', async () => {
    expect(await reason(`Bearer ${await sign({ aud: 'sandbox', exp: now() - 299 })}`)).toBe('accepted');
    expect(await reason(`Bearer ${await sign({ aud: 'sandbox', exp: now() - 300 })}`)).toBe('expired 300s ago');
    expect(await reason(`Bearer ${await sign({ aud: 'sandbox', iat: now() + 300 })}`)).toBe('accepted');
    expect(await reason(`Bearer ${await sign({ aud: 'sandbox', iat: now() + 301 })}`)).toBe('iat is 301s in the future');
    expect(await reason(`Bearer ${await sign({ aud: 'sandbox', nbf: now() + 301 })}`)).toMatch(/^not valid before/);
    expect(await reason(`Bearer ${await sign({ aud: 'sandbox', exp: 'tomorrow' })}`)).toBe('exp is not a number');
  });

  it('checks time on the sandbox clock: a minted token expires when the clock moves past exp + skew', async () => {
    const minted = await mintAdminToken(ctx.config.secrets.adminApiKeys, 'sandbox', now());
    try {
      clock.advance(599_000);
      expect(await reason(`Bearer ${minted.token}`)).toBe('accepted');
      clock.advance(1_000);
      expect(await reason(`Bearer ${minted.token}`)).toBe('expired 300s ago');
    } finally {
      clock.reset();
    }
  });
});
