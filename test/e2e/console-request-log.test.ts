// The console's Request log view against a real IdP in a real Chromium: requests appear live
// with their status and refusal reason, secrets are redacted, filters narrow the list, and the
// console's own traffic is left out.
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

const rows = () => page.locator('table tbody tr');
const paths = () => rows().locator('td:nth-child(3)').allTextContents();

beforeAll(async () => {
  await ensureBuild();
  idp = await startTestIdp();
  user = await signUpWithTokens(idp.issuer, 'request-log@example.com');
  ({ browser, context, page } = await openConsole(idp.consoleUrl, { acceptDialogs: true }));
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await idp?.dispose();
});

describe('console request log', () => {
  it('lists the requests made so far, the sign-up among them', async () => {
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Request log' }).click();
    await page.getByRole('heading', { name: 'Request log', level: 1 }).waitFor();
    await rows().first().waitFor();
    const all = await paths();
    expect(all.some((p) => p.startsWith('/oauth2/authorize?'))).toBe(true);
    expect(all).toContain('/oauth2/token');
    // The console's own API and files are not logged.
    expect(all.some((p) => p.startsWith('/_sandbox/'))).toBe(false);
  });

  it('shows new requests live, with the reason of a refusal and secrets redacted', async () => {
    const before = await page.evaluate(() => performance.timeOrigin);
    await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'sandbox-spa', refresh_token: 'not-a-token' }) });
    await fetch(`${idp.issuer}/oauth2/end_session?id_token_hint=${user.idToken}&state=kept`, { redirect: 'manual' });
    await fetch(`${idp.issuer}/authflow/v2/reset_password?code=SECRETCODE123`, { redirect: 'manual' });

    const refused = rows().filter({ hasText: 'invalid_grant' });
    await refused.waitFor({ timeout: 10_000 });
    expect(await refused.textContent()).toContain('invalid refresh token');
    expect(await refused.getAttribute('data-status')).toBe('400');
    await rows().filter({ hasText: '/authflow/v2/reset_password' }).waitFor();
    expect(await page.evaluate(() => performance.timeOrigin)).toBe(before); // same document

    const text = await page.locator('table').textContent();
    expect(text).toContain('/oauth2/end_session?id_token_hint=[redacted]&state=kept');
    expect(text).toContain('/authflow/v2/reset_password?code=[redacted]');
    expect(text).not.toContain(user.idToken);
    expect(text).not.toContain('SECRETCODE123');
    // Newest first.
    expect((await paths())[0]).toBe('/authflow/v2/reset_password?code=[redacted]');
  });

  it('saves a screenshot', async () => {
    await screenshot(page, 'request-log');
  });

  it('filters by status class and by path, reached by keyboard', async () => {
    expect(await tabTo(page, '#log-status')).toContain('combobox "Status"');
    await page.getByRole('combobox', { name: 'Status' }).selectOption('4xx');
    await expect.poll(async () => (await rows().evaluateAll((r) => r.map((x) => x.getAttribute('data-status')))).every((s) => s!.startsWith('4'))).toBe(true);
    expect(await rows().count()).toBeGreaterThan(0);

    await page.getByRole('combobox', { name: 'Status' }).selectOption('refused');
    await expect.poll(() => rows().filter({ hasText: 'invalid_grant' }).count()).toBe(1);

    await page.getByRole('combobox', { name: 'Status' }).selectOption('all');
    expect(await tabTo(page, '#log-path')).toContain('searchbox "Filter by path"');
    await page.keyboard.type('end_session');
    await expect.poll(() => rows().count()).toBe(1);
    await page.getByRole('searchbox', { name: 'Filter by path' }).fill('nothing-like-this');
    await page.locator('[data-no-match]').waitFor();
    await page.getByRole('searchbox', { name: 'Filter by path' }).fill('');
  });

  it('pauses and resumes following', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    expect(await page.getByRole('button', { name: 'Resume' }).getAttribute('aria-pressed')).toBe('true');
    const count = await rows().count();
    await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    await page.waitForTimeout(2500);
    expect(await rows().count()).toBe(count);
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => rows().count()).toBe(count + 1);
  });

  it('clears the log after confirmation', async () => {
    await page.getByRole('button', { name: 'Clear log' }).click();
    await page.locator('[data-empty]').waitFor();
    await page.getByRole('status').filter({ hasText: /^Cleared \d+ entries\.$/ }).waitFor();
    await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    await expect.poll(() => paths()).toEqual(['/.well-known/openid-configuration']);
  });
});
