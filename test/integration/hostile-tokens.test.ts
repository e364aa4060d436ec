import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SignJWT, importJWK, generateKeyPair, decodeProtectedHeader, type JWK } from 'jose';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { Agent } from '../helpers/agent';
import { FlowClient } from '../helpers/authflow';
import { codeFlowTokens, jwtClaims, postJson, resolverHeaders } from '../helpers/oauth';

/**
 * Tokens an attacker can make: signed by a foreign key under our kid, expired, for another
 * audience, `alg: none`, HS256 keyed with our public key. Every surface must refuse them.
 */
describe('forged, expired, wrong-audience and alg:none tokens are refused everywhere', () => {
  let idp: TestIdp;
  let good: Awaited<ReturnType<typeof codeFlowTokens>>;
  let ourKey: JWK;
  const bad: Record<string, string> = {};

  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

  beforeAll(async () => {
    idp = await startTestIdp();
    good = await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { signup: 'target@example.com' });
    const secrets = parse(await readFile(join(idp.dataDir, 'authgear.secrets.yaml'), 'utf8'));
    ourKey = secrets.secrets.find((s: any) => s.key === 'oauth').data.keys[0];
    const kid = decodeProtectedHeader(good.access_token).kid!;
    const claims = jwtClaims(good.access_token);
    const { privateKey: foreign } = await generateKeyPair('RS256');
    const ours = await importJWK({ ...ourKey, alg: 'RS256' }, 'RS256');
    const now = idp.ctx.clock.nowSec();
    bad.foreign = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid }).sign(foreign);
    bad.expired = await new SignJWT({ ...claims, iat: now - 7200, exp: now - 3600 }).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid }).sign(ours);
    bad.wrongAudience = await new SignJWT({ ...claims, aud: ['https://other.example'] }).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid }).sign(ours);
    bad.none = `${b64({ alg: 'none', typ: 'at+jwt', kid })}.${good.access_token.split('.')[1]}.`;
    // The classic confusion attack: our public key used as an HMAC secret.
    const hmacKey = new TextEncoder().encode(JSON.stringify({ kty: 'RSA', n: ourKey.n, e: ourKey.e }));
    bad.hs256 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid }).sign(hmacKey);
    bad.tampered = `${good.access_token.split('.')[0]}.${b64({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })}.${good.access_token.split('.')[2]}`;
  });
  afterAll(() => idp.dispose());

  it('the real token works (control)', async () => {
    expect((await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${good.access_token}` } })).status).toBe(200);
    expect((await resolverHeaders(idp.issuer, { authorization: `Bearer ${good.access_token}` }))['x-authgear-session-valid']).toBe('true');
  });

  it('a JWT that verified before (and is remembered) is refused once its exp passes', async () => {
    const fresh = await codeFlowTokens(idp.issuer, new Agent(idp.issuer), { login: 'target@example.com' });
    expect((await resolverHeaders(idp.issuer, { authorization: `Bearer ${fresh.access_token}` }))['x-authgear-session-valid']).toBe('true');
    try {
      idp.ctx.clock.advance(1801_000);
      expect(await resolverHeaders(idp.issuer, { authorization: `Bearer ${fresh.access_token}` })).toEqual({ 'x-authgear-session-valid': 'false' });
    } finally {
      idp.ctx.clock.reset();
    }
  });

  it('userinfo: 401 invalid_grant', async () => {
    for (const [name, t] of Object.entries(bad)) {
      const res = await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${t}` } });
      expect(res.status, name).toBe(401);
      expect(await res.json(), name).toEqual({ error: 'invalid_grant', error_description: 'invalid session' });
    }
  });

  it('resolver: X-Authgear-Session-Valid: false, as Bearer and as app_access_token cookie', async () => {
    for (const [name, t] of Object.entries(bad)) {
      expect(await resolverHeaders(idp.issuer, { authorization: `Bearer ${t}` }), name).toEqual({ 'x-authgear-session-valid': 'false' });
      expect(await resolverHeaders(idp.issuer, { cookie: `app_access_token=${t}` }), name).toEqual({ 'x-authgear-session-valid': 'false' });
    }
  });

  it('/settings and the settings pages: sent to sign in', async () => {
    for (const [name, t] of Object.entries(bad)) {
      const res = await fetch(`${idp.issuer}/settings/profile`, { headers: { authorization: `Bearer ${t}` }, redirect: 'manual' });
      expect(res.headers.get('location'), name).toBe('/?redirect_uri=%2Fsettings%2Fprofile');
    }
  });

  it('id-token grant, biometric setup, promotion codes and app session tokens: refused', async () => {
    for (const [name, t] of Object.entries(bad)) {
      const idt = await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', headers: { authorization: `Bearer ${t}` }, body: new URLSearchParams({ grant_type: 'urn:authgear:params:oauth:grant-type:id-token', client_id: 'sandbox-spa' }) });
      expect(idt.status, name).toBe(401);
      const bio = await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', headers: { authorization: `Bearer ${t}` }, body: new URLSearchParams({ grant_type: 'urn:authgear:params:oauth:grant-type:biometric-request', client_id: 'sandbox-spa', jwt: `${b64({ typ: 'vnd.authgear.biometric-request', alg: 'none' })}.${b64({ action: 'setup' })}.` }) });
      expect(bio.status, name).toBe(401);
      // A JWT where a refresh token belongs: never a refresh token.
      expect((await postJson(`${idp.issuer}/oauth2/app_session_token`, { refresh_token: t })).body.error?.reason, name).toBe('InvalidGrant');
      expect((await postJson(`${idp.issuer}/api/anonymous_user/promotion_code`, { session_type: 'refresh_token', refresh_token: t })).status, name).toBe(403);
    }
  });

  it('prompt=none with a bad Bearer token: login_required', async () => {
    for (const [name, t] of Object.entries(bad)) {
      const q = new URLSearchParams({ client_id: 'sandbox-spa', redirect_uri: 'http://localhost:3000/auth-redirect', response_type: 'code', scope: 'openid', prompt: 'none', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
      const res = await fetch(`${idp.issuer}/oauth2/authorize?${q}`, { headers: { authorization: `Bearer ${t}` }, redirect: 'manual' });
      expect(new URL(res.headers.get('location')!).searchParams.get('error'), name).toBe('login_required');
    }
  });

  it('ID tokens as hints: a forged or alg:none id_token_hint is refused at authorize, end_session and the reauth flow', async () => {
    const kid = decodeProtectedHeader(good.id_token).kid!;
    const claims = jwtClaims(good.id_token);
    const { privateKey: foreign } = await generateKeyPair('RS256');
    const hints = {
      foreign: await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(foreign),
      none: `${b64({ alg: 'none', typ: 'JWT', kid })}.${good.id_token.split('.')[1]}.`,
    };
    const flows = new FlowClient(idp.issuer, idp.consoleToken);
    for (const [name, hint] of Object.entries(hints)) {
      const q = new URLSearchParams({ client_id: 'sandbox-spa', redirect_uri: 'http://localhost:3000/auth-redirect', response_type: 'code', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256', id_token_hint: hint });
      const res = await fetch(`${idp.issuer}/oauth2/authorize?${q}`, { redirect: 'manual' });
      expect(new URL(res.headers.get('location')!).searchParams.get('error_description'), name).toBe('invalid id_token_hint');
      expect((await fetch(`${idp.issuer}/oauth2/end_session?${new URLSearchParams({ id_token_hint: hint })}`, { redirect: 'manual' })).status, name).toBe(400);
      const r = await flows.create('reauth');
      const input = await flows.input(r.body.result.state_token, { identification: 'id_token', id_token: hint });
      expect(input.body.error?.reason, name).toBe('ValidationFailed');
    }
    // The real one is accepted by the same flow.
    const r = await flows.create('reauth');
    expect((await flows.input(r.body.result.state_token, { identification: 'id_token', id_token: good.id_token })).status).toBe(200);
  });
});
