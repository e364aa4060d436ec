import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { decodeProtectedHeader, createRemoteJWKSet, jwtVerify } from 'jose';
import { startTestIdp, tempDir, type TestIdp } from '../helpers/idp';
import { Agent } from '../helpers/agent';
import { codeFlowTokens } from '../helpers/oauth';
import { spawnCli, cleanupCli } from '../helpers/cli';

describe('signing key rotation (spec oidc.md 4)', () => {
  let idp: TestIdp;

  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp?.dispose());
  afterEach(() => cleanupCli());

  const jwksKids = async (issuer = idp.issuer) => ((await (await fetch(`${issuer}/oauth2/jwks`)).json()).keys as { kid: string }[]).map((k) => k.kid);
  const rotate = (token = idp.consoleToken) => fetch(`${idp.issuer}/_sandbox/api/keys/rotate`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  const secretsKids = async (dir = idp.dataDir) => (parse(await readFile(join(dir, 'authgear.secrets.yaml'), 'utf8')).secrets.find((s: any) => s.key === 'oauth').data.keys as { kid: string }[]).map((k) => k.kid);
  const endSessionHint = async (idToken: string) => (await fetch(`${idp.issuer}/oauth2/end_session?${new URLSearchParams({ id_token_hint: idToken })}`, { redirect: 'manual' })).status;

  it('the console API adds a key without a restart; the old key stays published until its tokens are dead, then is dropped', async () => {
    const [first] = await jwksKids();
    const before = await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { signup: 'rotate-before@example.com' });
    expect(decodeProtectedHeader(before.access_token).kid).toBe(first);

    expect((await rotate('wrong')).status).toBe(401);
    const res = await rotate();
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.kid).not.toBe(first);
    expect(body.keys.map((k: any) => [k.kid, k.status])).toEqual([[body.kid, 'signing'], [first, 'retired']]);
    expect(await jwksKids()).toEqual([body.kid, first]);
    expect(await secretsKids()).toEqual([body.kid, first]);

    // New tokens carry the new, published kid; old ones still verify and resolve.
    const after = await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { signup: 'rotate-after@example.com' });
    for (const t of [after.access_token, after.id_token]) expect(decodeProtectedHeader(t).kid).toBe(body.kid);
    const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/oauth2/jwks`));
    await jwtVerify(before.access_token, jwks, { issuer: idp.issuer, audience: idp.issuer, currentDate: new Date(idp.ctx.clock.nowMs()) });
    await jwtVerify(after.access_token, jwks, { issuer: idp.issuer, audience: idp.issuer, currentDate: new Date(idp.ctx.clock.nowMs()) });
    expect((await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${before.access_token}` } })).status).toBe(200);
    expect(await endSessionHint(before.id_token)).toBe(302);

    try {
      // Past the longest access token lifetime (1800 s) after the rotation, the old key is gone.
      idp.ctx.clock.advance(1801_000);
      expect(await jwksKids()).toEqual([body.kid]);
      expect(await endSessionHint(before.id_token)).toBe(400);
      expect(await endSessionHint(after.id_token)).toBe(302);
      const list = await (await fetch(`${idp.issuer}/_sandbox/api/keys`, { headers: { authorization: `Bearer ${idp.consoleToken}` } })).json();
      expect(list.keys.map((k: any) => k.status)).toEqual(['signing', 'expired']);
      // The next rotation prunes it from authgear.secrets.yaml.
      const again = await (await rotate()).json();
      expect(await secretsKids()).toEqual([again.kid, body.kid]);
    } finally {
      idp.ctx.clock.reset();
    }
  });

  it('rotated keys survive a restart', async () => {
    const dir = await tempDir();
    const a = await startTestIdp({ dataDir: dir });
    const rotated = await (await fetch(`${a.issuer}/_sandbox/api/keys/rotate`, { method: 'POST', headers: { authorization: `Bearer ${a.consoleToken}` } })).json();
    await a.close();
    const b = await startTestIdp({ dataDir: dir });
    try {
      expect((await jwksKids(b.issuer))[0]).toBe(rotated.kid);
      const t = await codeFlowTokens(b.issuer, new Agent(b.issuer), { signup: 'restart@example.com' });
      expect(decodeProtectedHeader(t.id_token).kid).toBe(rotated.kid);
    } finally {
      await b.dispose();
    }
  });

  it('`authgear-sandbox rotate-key` rotates a stopped sandbox and refuses a running one', async () => {
    const dir = await tempDir();
    const a = await startTestIdp({ dataDir: dir });
    const [original] = await jwksKids(a.issuer);
    const refused = spawnCli(['rotate-key', '--data', dir]);
    expect((await refused.exit).code).toBe(1);
    expect(refused.stderr()).toMatch(/in use by another Authgear Sandbox.*POST \/_sandbox\/api\/keys\/rotate/);
    await a.close();

    const cli = spawnCli(['rotate-key', '--data', dir]);
    expect((await cli.exit).code).toBe(0);
    const kid = /New signing key ([0-9a-f-]{36});/.exec(cli.stdout())?.[1];
    expect(kid).toBeTruthy();
    expect(await secretsKids(dir)).toEqual([kid, original]);
    const b = await startTestIdp({ dataDir: dir });
    try {
      expect(await jwksKids(b.issuer)).toEqual([kid, original]);
    } finally {
      await b.dispose();
    }
  });
});
