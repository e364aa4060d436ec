// Pure pieces of the console: proxy configurations (checked against the README's tested blocks),
// token decoding and claim explanations, time wording, request-log redaction.
import { readFile } from 'node:fs/promises';
import { describe, it, expect } from 'vitest';
import { nginxSnippet, traefikSnippet, curlCommand } from '../../src-renderer/proxySnippets';
import { generateKeyPair, exportJWK, SignJWT } from 'jose';
import { parseToken, tokenKind, verifySignature, claimChecks, parseJwksJson } from '../../src-renderer/tokens/inspect';
import { claimInfo, decodeSid, AMR_VALUES } from '../../src-renderer/tokens/claims';
import { formatDuration, formatRelative, formatOffset } from '../../src-renderer/time';
import { createFields, patchFields, modelOf, formProblems, emptyModel } from '../../src-renderer/clientForm';
import { sdkSnippet, redirectUriOnPort } from '../../src-renderer/snippets';
import { redactUrl, rejectionOf, RequestLog, REDACTED } from '../../src-main/idp/sandbox/request-log';
import type { ClientDetails, SandboxClient } from '../../src-renderer/api/sandbox';

describe('proxy snippets', () => {
  it('the generated nginx block for the README example values is the README block (which the nginx test runs)', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /```nginx\n([\s\S]*?)```/.exec(readme)![1];
    expect(nginxSnippet({ issuer: 'http://localhost:3100', listen: '127.0.0.1:8080', backend: 'http://127.0.0.1:8000' })).toBe(block);
  });

  it('the generated Traefik block for the README example is the README block', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /```yaml\n(http:\n  middlewares:[\s\S]*?)```/.exec(readme)![1];
    expect(traefikSnippet({ issuer: 'http://localhost:3100' })).toBe(block);
  });

  it('uses the sandbox origin: its port, and a non-loopback issuer as is', () => {
    const local = nginxSnippet({ issuer: 'http://localhost:49152', listen: '127.0.0.1:8080', backend: 'http://127.0.0.1:8000/' });
    expect(local).toContain('proxy_pass http://127.0.0.1:49152/_resolver/resolve;');
    expect(local).toContain('proxy_set_header Host localhost:49152;');
    expect(local).toContain('proxy_pass http://127.0.0.1:8000;');
    const remote = nginxSnippet({ issuer: 'https://auth.example.test', listen: '443 ssl', backend: 'http://app:8000' });
    expect(remote).toContain('proxy_pass https://auth.example.test/_resolver/resolve;');
    expect(remote).toContain('proxy_set_header Host auth.example.test;');
    expect(traefikSnippet({ issuer: 'http://127.0.0.1:3200' })).toContain('address: "http://127.0.0.1:3200/_resolver/resolve"');
  });

  it('quotes a curl command for the shell', () => {
    expect(curlCommand('http://localhost:3100', { authorization: "Bearer a'b", cookie: 'session=x' })).toBe(
      "curl -i \\\n  -H 'Authorization: Bearer a'\\''b' \\\n  -H 'Cookie: session=x' \\\n  'http://localhost:3100/_resolver/resolve'",
    );
  });
});


const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('token decoding', () => {
  it('takes a pasted token apart, ignoring "Bearer " and line breaks', () => {
    const token = `${b64({ alg: 'RS256', typ: 'at+jwt' })}.${b64({ sub: 'u' })}.c2ln`;
    const parsed = parseToken(`Bearer ${token.slice(0, 10)}\n${token.slice(10)}`);
    expect(parsed).toMatchObject({ kind: 'jwt', token, header: { alg: 'RS256' }, payload: { sub: 'u' }, unsecured: false });
  });

  it('names malformed tokens, JWE, alg none and opaque tokens', () => {
    expect(parseToken('')).toEqual({ kind: 'empty' });
    expect(parseToken('a.b.c.d')).toMatchObject({ kind: 'malformed', reason: 'A JWT has three base64url parts separated by dots; this has 4.' });
    expect(parseToken('a.b.c.d.e')).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('encrypted token (JWE') });
    expect(parseToken(`${b64([1])}.${b64({})}.`)).toMatchObject({ kind: 'malformed', reason: 'The header (first part) is not a JSON object.' });
    expect(parseToken(`${b64({ alg: 'RS256' })}.e30.%%%`)).toMatchObject({ kind: 'malformed', reason: 'The signature (third part) is not base64url.' });
    expect(parseToken(`${b64({ alg: 'none' })}.${b64({})}.`)).toMatchObject({ kind: 'jwt', unsecured: true });
    expect(parseToken(`${b64({ typ: 'JWT' })}.${b64({})}.`)).toMatchObject({ kind: 'jwt', unsecured: true }); // no alg at all
    expect(parseToken('A'.repeat(32))).toMatchObject({ kind: 'opaque', form: 'bearer' });
    expect(parseToken(`0f8fad5b-d9cb-469f-a165-70867728950e.${'x'.repeat(32)}`)).toMatchObject({ kind: 'opaque', form: 'grant' });
  });

  it('tells access, M2M, ID tokens apart', () => {
    expect(tokenKind({ typ: 'at+jwt' }, { sub: 'u' })).toBe('Access token');
    expect(tokenKind({ typ: 'at+jwt' }, { sub: 'client_id_abc' })).toBe('M2M access token');
    expect(tokenKind({ typ: 'JWT' }, { iss: 'http://i', aud: ['spa'], sid: 'x' })).toBe('ID token');
    expect(tokenKind({}, {})).toBe('JWT');
  });

  it('verifies RS256 with the matching key only; never alg none or HMAC', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
    const token = await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
    const parsed = parseToken(token) as Extract<ReturnType<typeof parseToken>, { kind: 'jwt' }>;
    expect(await verifySignature(parsed, { keys: [jwk] })).toEqual({ status: 'verified', kid: 'k1', alg: 'RS256' });
    expect((await verifySignature(parsed, { keys: [{ ...jwk, kid: 'other' }] })).status).toBe('no-key');
    // Without a kid, each key of the set is tried.
    const noKid = parseToken(await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).sign(privateKey)) as typeof parsed;
    const { publicKey: other } = await generateKeyPair('RS256', { extractable: true });
    expect((await verifySignature(noKid, { keys: [await exportJWK(other), await exportJWK(publicKey)] as any })).status).toBe('verified');
    // A private JWK pasted by mistake verifies as its public half.
    const privateJwk = { ...(await exportJWK(privateKey)), kid: 'k1' };
    expect((await verifySignature(parsed, parseJwksJson(JSON.stringify(privateJwk)))).status).toBe('verified');
    const tampered = parseToken(token.replace(/\.[^.]+\./, `.${b64({ sub: 'v' })}.`)) as typeof parsed;
    expect((await verifySignature(tampered, { keys: [jwk] })).status).toBe('invalid');
    const none = parseToken(`${b64({ alg: 'none' })}.${b64({ sub: 'u' })}.`) as typeof parsed;
    expect((await verifySignature(none, { keys: [jwk] })).status).toBe('unsecured');
    const hs = parseToken(`${b64({ alg: 'HS256' })}.${b64({ sub: 'u' })}.c2ln`) as typeof parsed;
    expect((await verifySignature(hs, { keys: [jwk] })).status).toBe('invalid');
    expect(() => parseJwksJson('{')).toThrow('The JWKS is not valid JSON.');
  });

  it('checks issuer, audience and expiry against the sandbox time', () => {
    const now = 1_800_000_000_000;
    const ok = claimChecks({ iss: 'http://i', aud: ['http://i'], exp: now / 1000 + 60 }, { typ: 'at+jwt' }, 'http://i', now);
    expect(ok.every((c) => c.ok)).toBe(true);
    const bad = claimChecks({ iss: 'http://x', aud: ['c'], exp: now / 1000 - 1, iat: now / 1000 + 3600 }, { typ: 'at+jwt' }, 'http://i', now);
    expect(bad.filter((c) => !c.ok).map((c) => c.label)).toEqual(['Issuer', 'Audience', 'Expiry', 'Issued at']);
  });

  it('explains claims and decodes sid', () => {
    expect(claimInfo('https://authgear.com/claims/user/can_reauthenticate').label).toBe('Can re-authenticate');
    expect(claimInfo('https://authgear.com/claims/user/recovery_code_enabled').label).toBe('Recovery codes enabled');
    expect(claimInfo('made_up').label).toBe('Custom claim');
    expect(AMR_VALUES.x_secondary_totp).toContain('TOTP');
    expect(decodeSid(Buffer.from('idp:abc').toString('base64url'))).toEqual({ type: 'idp', id: 'abc' });
    expect(decodeSid(Buffer.from('other:abc').toString('base64url'))).toBeNull();
    expect(decodeSid(42)).toBeNull();
  });
});

describe('time wording', () => {
  it('uses the two largest units', () => {
    expect(formatDuration(29 * 60_000 + 41_000)).toBe('29 min 41 s');
    expect(formatDuration(3_600_000)).toBe('1 h');
    expect(formatDuration(2 * 86_400_000 + 5 * 60_000)).toBe('2 days');
    expect(formatDuration(500)).toBe('0 s');
    expect(formatRelative(10_000, 0)).toBe('in 10 s');
    expect(formatRelative(0, 90_000)).toBe('1 min 30 s ago');
    expect(formatOffset(-60_000)).toBe('−1 min');
    expect(formatOffset(0)).toBe('none');
  });
});

describe('client form payloads', () => {
  const details: ClientDetails = {
    client_id: 'c',
    name: 'C',
    x_application_type: 'spa',
    redirect_uris: ['http://a/cb'],
    post_logout_redirect_uris: [],
    access_token_lifetime_seconds: 1800,
    refresh_token_lifetime_seconds: 31449600,
    refresh_token_idle_timeout_enabled: true,
    refresh_token_idle_timeout_seconds: 2592000,
    refresh_token_rotation_enabled: false,
    issue_jwt_access_token: true,
    x_max_concurrent_session: 0,
    defaults: ['access_token_lifetime_seconds', 'refresh_token_lifetime_seconds', 'refresh_token_idle_timeout_seconds'],
    client_secret: null,
  };

  it('creates with what the user set and non-default flags only', () => {
    const m = { ...emptyModel(), name: ' App ', redirect_uris: 'http://a/cb\n\n http://b/cb ', access_token_lifetime_seconds: '600', single_session: true };
    expect(createFields(m)).toEqual({ name: 'App', x_application_type: 'spa', redirect_uris: ['http://a/cb', 'http://b/cb'], issue_jwt_access_token: true, access_token_lifetime_seconds: 600, x_max_concurrent_session: 1 });
  });

  it('patches only what changed; an emptied lifetime resets to the default', () => {
    expect(patchFields(details, modelOf(details))).toEqual({});
    const m = { ...modelOf(details), name: 'D', refresh_token_rotation_enabled: true };
    expect(patchFields(details, m)).toEqual({ name: 'D', refresh_token_rotation_enabled: true });
    const set = { ...details, access_token_lifetime_seconds: 600, defaults: details.defaults.filter((d) => d !== 'access_token_lifetime_seconds') };
    expect(modelOf(set).access_token_lifetime_seconds).toBe('600');
    expect(patchFields(set, { ...modelOf(set), access_token_lifetime_seconds: '' })).toEqual({ access_token_lifetime_seconds: null });
  });

  it('reports problems before asking the sandbox', () => {
    expect(formProblems({ ...emptyModel(), access_token_lifetime_seconds: '1.5' }, true)).toEqual(['Name is required.', 'Access token lifetime: a whole number of seconds.']);
    expect(formProblems({ ...emptyModel(), name: 'x', client_id: 'bad id' }, true)).toHaveLength(1);
  });
});

describe('SDK snippets', () => {
  const spa: SandboxClient = { client_id: 'spa', name: 'S', x_application_type: 'spa', redirect_uris: ['http://localhost:3000/cb', 'http://localhost:4200/cb'], post_logout_redirect_uris: [], issue_jwt_access_token: true, client_secret: null };

  it('pick the redirect URI of the framework\'s dev-server port', () => {
    expect(redirectUriOnPort(spa, 4200)).toBe('http://localhost:4200/cb');
    expect(redirectUriOnPort(spa, 9999)).toBe('http://localhost:3000/cb');
    expect(sdkSnippet('angular', 'http://localhost:3100', spa)).toContain('redirectURI: "http://localhost:4200/cb"');
  });

  it('use placeholders for mobile SDKs without a native client', () => {
    const code = sdkSnippet('android', 'http://localhost:3100', null);
    expect(code).toContain('new Authgear(getApplication(), "<client ID of a native app client>", "http://localhost:3100")');
    expect(code).toContain('new AuthenticateOptions("com.example.myapp://host/path")');
  });
});

describe('request log', () => {
  it('redacts secret query values and keeps the rest as sent', () => {
    expect(redactUrl('/oauth2/authorize?client_id=a&code_challenge=x&state=s')).toBe('/oauth2/authorize?client_id=a&code_challenge=x&state=s');
    expect(redactUrl('/x?code=1&client_secret=2&refresh_token=3&x_state_token=4&password=5&Code_Verifier=6&foo')).toBe(
      `/x?code=${REDACTED}&client_secret=${REDACTED}&refresh_token=${REDACTED}&x_state_token=${REDACTED}&password=${REDACTED}&Code_Verifier=${REDACTED}&foo`,
    );
    expect(redactUrl('/x?my_api_token=1&login_hint=ann%40example.com')).toBe(`/x?my_api_token=${REDACTED}&login_hint=ann%40example.com`);
    expect(redactUrl(`/x?login_hint=${encodeURIComponent('https://authgear.com/login_hint?type=app_session_token&app_session_token=s')}`)).toBe(`/x?login_hint=${REDACTED}`);
    expect(redactUrl('/plain')).toBe('/plain');
  });

  it('reads the refusal from each error envelope', () => {
    const json = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(rejectionOf(json(400, { error: 'invalid_grant', error_description: 'bad' }))).toEqual({ error: 'invalid_grant', description: 'bad' });
    expect(rejectionOf(json(401, { error: { name: 'Unauthorized', reason: 'InvalidCredentials', message: 'no' } }))).toEqual({ error: 'InvalidCredentials', description: 'no' });
    expect(rejectionOf(json(200, { ok: true }))).toBeNull();
    expect(rejectionOf({ status: 303, headers: { location: 'http://app/cb?error=access_denied&state=1' }, body: '' })).toEqual({ error: 'access_denied', description: null });
    expect(rejectionOf({ status: 303, headers: { location: 'http://app/cb#error=login_required&error_description=x' }, body: '' })).toEqual({ error: 'login_required', description: 'x' });
    expect(rejectionOf({ status: 303, headers: { location: 'http://app/cb?code=abc' }, body: '' })).toBeNull();
    expect(
      rejectionOf({ status: 200, headers: { 'content-type': 'text/html' }, body: '<input type="hidden" name="error" value="invalid_scope">\n<input type="hidden" name="error_description" value="a &amp; b">' }),
    ).toEqual({ error: 'invalid_scope', description: 'a & b' });
    expect(rejectionOf({ status: 400, headers: { 'content-type': 'text/plain' }, body: 'Invalid OAuth authorization request:\nerror: invalid_request\nerror_description: redirect URI is not allowed\n' })).toEqual({
      error: 'invalid_request',
      description: 'redirect URI is not allowed',
    });
    expect(rejectionOf({ status: 404, headers: { 'content-type': 'text/plain' }, body: '404 page not found\n' })).toEqual({ error: '404 page not found', description: null });
  });

  it('keeps the newest entries of its capacity and tells a reader what it missed', () => {
    const log = new RequestLog(3);
    const add = (path: string) => log.add({ time: 't', method: 'GET', path, status: 200, duration_ms: 1, rejection: null });
    ['/1', '/2', '/3', '/4', '/5'].forEach(add);
    expect(log.list(0, 10).entries.map((e) => e.path)).toEqual(['/3', '/4', '/5']);
    expect(log.list(1, 10).truncated).toBe(true); // /2 was dropped
    expect(log.list(3, 10)).toMatchObject({ truncated: false, last_id: 5 });
    expect(log.list(0, 1)).toMatchObject({ truncated: true, entries: [{ path: '/5' }] });
    expect(log.clear()).toBe(3);
    add('/6');
    expect(log.list(5, 10).entries.map((e) => e.id)).toEqual([6]);
  });
});
