// The console's token inspector against a real IdP in a real Chromium: a real access token is
// decoded, its claims explained, its signature verified against the sandbox's JWKS (and a JWKS URL
// or pasted JSON), and the resolver's headers shown; forged and malformed tokens are never verified.
import { generateKeyPair, exportJWK, SignJWT } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuild } from '../../scripts/ensure-build.js';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { screenshot, signUpWithTokens, tabTo, type SignedIn, openConsole } from '../helpers/console';

let idp: TestIdp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let user: SignedIn;

const tokenBox = () => page.getByRole('textbox', { name: 'Token', exact: true });
const claimRow = (name: string) => page.locator(`tr[data-claim="${name}"]`);
const signatureStatus = () => page.locator('[data-signature-status]');
const headerRow = (name: string) => page.locator(`tr[data-header="${name}"]`);

async function inspect(token: string): Promise<void> {
  await tokenBox().fill(token);
}

beforeAll(async () => {
  await ensureBuild();
  idp = await startTestIdp();
  user = await signUpWithTokens(idp.issuer, 'inspector@example.com');
  ({ browser, context, page } = await openConsole(idp.consoleUrl));
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await idp?.dispose();
});

describe('console token inspector', () => {
  it('opens on a token given in the address (#/tokens?token=...) and decodes it', async () => {
    await page.goto(`${idp.issuer}/_sandbox/#/tokens?token=${user.accessToken}`);
    await page.getByRole('heading', { name: 'Token inspector', level: 1 }).waitFor();
    expect(await tokenBox().inputValue()).toBe(user.accessToken);
    expect(page.url()).not.toContain('token=');
    await page.getByRole('heading', { name: 'Access token', level: 2 }).waitFor();
    expect(await claimRow('sub').locator('td').first().textContent()).toBe(user.userId);
    expect(await claimRow('client_id').locator('td').first().textContent()).toBe('sandbox-spa');
  });

  it('explains Authgear claims and shows times as dates', async () => {
    const verified = claimRow('https://authgear.com/claims/user/is_verified');
    expect(await verified.locator('th').textContent()).toContain('Verified user');
    expect(await verified.locator('td').nth(1).textContent()).toContain('e-mail addresses or phone numbers is verified');
    const amr = claimRow('amr');
    expect(await amr.textContent()).toContain('pwd');
    expect(await amr.textContent()).toContain('primary: password');
    const exp = claimRow('exp');
    expect(await exp.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await exp.locator('[data-relative]').textContent()).toMatch(/in (29|30) min/);
    expect(await claimRow('aud').textContent()).toContain('(this sandbox: an access token)');
  });

  it('verifies the signature against the sandbox JWKS and counts down to expiry', async () => {
    await expect.poll(() => signatureStatus().getAttribute('data-signature-status')).toBe('verified');
    const kid = JSON.parse(Buffer.from(user.accessToken.split('.')[0]!, 'base64url').toString()).kid;
    expect(await page.locator('[data-signature-text]').textContent()).toContain(`key ${kid}`);
    const first = await page.locator('[data-countdown]').textContent();
    expect(first).toMatch(/^Expires in (29|30) min/);
    await expect.poll(() => page.locator('[data-countdown]').textContent(), { timeout: 5000 }).not.toBe(first);
    for (const check of ['Issuer', 'Audience', 'Expiry']) {
      expect(await page.locator(`[data-check="${check}"]`).getAttribute('data-ok')).toBe('true');
    }
  });

  it('shows the exact headers the resolver returns for it', async () => {
    await page.getByRole('heading', { name: 'Resolver headers' }).waitFor();
    await expect.poll(() => page.locator('[data-resolver-state]').getAttribute('data-resolver-state')).toBe('valid');
    expect(await headerRow('x-authgear-user-id').locator('td').first().textContent()).toBe(user.userId);
    expect(await headerRow('x-authgear-session-valid').locator('td').first().textContent()).toBe('true');
    expect(await headerRow('x-authgear-session-amr').locator('td').first().textContent()).toBe('pwd x_primary_password');
    const real = await fetch(`${idp.issuer}/_resolver/resolve`, { headers: { authorization: `Bearer ${user.accessToken}` } });
    const names: string[] = [];
    real.headers.forEach((_, k) => k.startsWith('x-authgear-') && names.push(k));
    expect(await page.locator('tr[data-header]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-header'))).then((n) => n.sort())).toEqual(names.sort());
  });

  it('saves a screenshot', async () => {
    await screenshot(page, 'tokens');
  });

  it('recognises an ID token and decodes its sid', async () => {
    await inspect(user.idToken);
    await page.getByRole('heading', { name: 'ID token', level: 2 }).waitFor();
    expect(await claimRow('sid').locator('[data-sid]').textContent()).toMatch(/offline_grant:[0-9a-f-]{36}/);
    expect(await claimRow('aud').textContent()).toContain('(a client ID: an ID token)');
    await expect.poll(() => signatureStatus().getAttribute('data-signature-status')).toBe('verified');
    // An ID token is not an access token: the resolver rejects it.
    await expect.poll(() => page.locator('[data-resolver-state]').getAttribute('data-resolver-state')).toBe('invalid');
  });

  it('shows alg: none as unsigned and never verifies it', async () => {
    const [, payload] = user.accessToken.split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${payload}.`;
    await inspect(none);
    await expect.poll(() => signatureStatus().getAttribute('data-signature-status')).toBe('unsecured');
    expect(await signatureStatus().textContent()).toContain('Unsigned (alg: none)');
    await expect.poll(() => page.locator('[data-resolver-state]').getAttribute('data-resolver-state')).toBe('invalid');
    expect(await headerRow('x-authgear-session-valid').locator('td').first().textContent()).toBe('false');
  });

  it('refuses a tampered token', async () => {
    const [h, p, s] = user.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${s}`;
    await inspect(forged);
    await expect.poll(() => signatureStatus().getAttribute('data-signature-status')).toBe('invalid');
    expect(await page.locator('[data-signature-text]').textContent()).toContain('The signature does not match');
  });

  it('shows a malformed token as such', async () => {
    await inspect('eyJhbGciOiJSUzI1NiJ9.not-json!.sig');
    const alert = page.locator('[data-malformed]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('The payload (second part) is not base64url-encoded JSON.');
    expect(await signatureStatus().count()).toBe(0);
    await inspect('a.b');
    await expect.poll(() => alert.textContent()).toContain('this has 2');
  });

  it('verifies against a JWKS URL fetched by the sandbox, and against pasted JWKS JSON', async () => {
    await inspect(user.accessToken);
    await page.getByRole('radio', { name: 'A JWKS URL' }).check();
    await page.getByRole('textbox', { name: 'JWKS URL' }).fill(`${idp.issuer}/oauth2/jwks`);
    await page.getByRole('button', { name: 'Fetch keys' }).click();
    await expect.poll(() => signatureStatus().getAttribute('data-signature-status')).toBe('verified');
    expect(await page.locator('[data-signature-text]').textContent()).toContain('with the JWKS URL');

    // Another issuer's key: the token's kid is not in it.
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    const foreign = { keys: [{ ...(await exportJWK(publicKey)), kid: 'foreign', alg: 'RS256', use: 'sig' }] };
    await page.getByRole('radio', { name: 'JWKS JSON' }).check();
    await page.getByRole('textbox', { name: 'JWKS JSON' }).fill(JSON.stringify(foreign));
    await expect.poll(() => signatureStatus().getAttribute('data-signature-status')).toBe('no-key');

    // A token that key signed verifies against it, though its issuer is not this sandbox.
    const { privateKey: other, publicKey: otherPublic } = await generateKeyPair('RS256', { extractable: true });
    const otherToken = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid: 'k2' }).setIssuer('https://elsewhere.example').setExpirationTime('1h').sign(other);
    await page.getByRole('textbox', { name: 'JWKS JSON' }).fill(JSON.stringify({ keys: [{ ...(await exportJWK(otherPublic)), kid: 'k2' }] }));
    await inspect(otherToken);
    await expect.poll(() => signatureStatus().getAttribute('data-signature-status')).toBe('verified');
    expect(await page.locator('[data-check="Issuer"]').getAttribute('data-ok')).toBe('false');
    await page.getByRole('radio', { name: "This sandbox's JWKS" }).check();
    await expect.poll(() => signatureStatus().getAttribute('data-signature-status')).toBe('no-key');
  });

  it('reaches the token field and the key choice by keyboard, with labels', async () => {
    expect(await tabTo(page, '#token-input')).toContain('textbox "Token"');
    expect(await tabTo(page, 'input[name="key-source"]')).toMatch(/radio "This sandbox's JWKS"/);
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('*:focus').ariaSnapshot()).toContain('radio "A JWKS URL"');
  });
});
