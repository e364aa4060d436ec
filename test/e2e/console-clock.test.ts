// The console's Clock view against a real IdP in a real Chromium: moving the sandbox clock makes
// an authorization code and an access token expire without waiting; resetting restores real time.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuild } from '../../scripts/ensure-build.js';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { pkcePair } from '../helpers/pkce';
import { screenshot, signUpWithTokens, tabTo, type SignedIn, openConsole } from '../helpers/console';

const REDIRECT = 'http://localhost:3000/auth-redirect';

let idp: TestIdp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let user: SignedIn;

/** A fresh authorization code for the signed-in user. */
async function code(): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair();
  const q = new URLSearchParams({ client_id: 'sandbox-spa', redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
  const { url } = await user.agent.follow(`${idp.issuer}/oauth2/authorize?${q}`);
  return { code: new URL(url).searchParams.get('code')!, verifier };
}

async function exchange(c: { code: string; verifier: string }) {
  const res = await fetch(`${idp.issuer}/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'sandbox-spa', code: c.code, redirect_uri: REDIRECT, code_verifier: c.verifier }),
  });
  return (await res.json()) as { error?: string; access_token?: string };
}

const sessionValid = async (token: string) =>
  (await fetch(`${idp.issuer}/_resolver/resolve`, { headers: { authorization: `Bearer ${token}` } })).headers.get('x-authgear-session-valid');

beforeAll(async () => {
  await ensureBuild();
  idp = await startTestIdp();
  user = await signUpWithTokens(idp.issuer, 'clock@example.com');
  ({ browser, context, page } = await openConsole(idp.consoleUrl));
}, 180_000);

afterAll(async () => {
  idp?.ctx.clock.reset();
  await context?.close();
  await browser?.close();
  await idp?.dispose();
});

describe('console clock', () => {
  it('shows the sandbox time with no offset', async () => {
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Clock' }).click();
    await page.getByRole('heading', { name: 'Clock', level: 1 }).waitFor();
    expect(await page.locator('[data-offset]').textContent()).toBe('none');
    expect(await page.getByRole('button', { name: 'Reset to real time' }).isDisabled()).toBe(true);
  });

  it('moves forward by a custom amount by keyboard, and an authorization code expires', async () => {
    const fresh = await code();
    const stale = await code();
    expect((await exchange(fresh)).access_token).toBeTruthy();

    expect(await tabTo(page, '#clock-amount')).toContain('spinbutton "Amount"');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('6');
    await page.keyboard.press('Tab');
    expect(await page.locator('*:focus').ariaSnapshot()).toContain('combobox "Unit"');
    await page.keyboard.press('Tab');
    expect(await page.locator('*:focus').ariaSnapshot()).toContain('radio "Forward"');
    await page.keyboard.press('Tab');
    expect(await page.locator('*:focus').ariaSnapshot()).toContain('button "Move"');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Moved forward 6 min.' }).waitFor();
    expect(await page.locator('[data-offset]').textContent()).toBe('+6 min');
    expect(idp.ctx.clock.offsetMs()).toBe(360_000);

    // Codes live 5 minutes: the one not exchanged yet has expired.
    expect(await exchange(stale)).toMatchObject({ error: 'invalid_grant' });
  });

  it('moves forward an hour with a quick button, and the access token expires', async () => {
    expect(await sessionValid(user.accessToken)).toBe('true');
    await page.getByRole('button', { name: 'Forward 1 hour' }).click();
    await expect.poll(() => page.locator('[data-offset]').textContent()).toBe('+1 h 6 min');
    expect(await sessionValid(user.accessToken)).toBe('false');
  });

  it('shows the moved time', async () => {
    const shown = Date.parse((await page.locator('[data-sandbox-time]').getAttribute('datetime'))!);
    // The view ticks each second: within a few seconds of the sandbox's own clock, an hour ahead of real time.
    expect(Math.abs(shown - idp.ctx.clock.nowMs())).toBeLessThan(5000);
    expect(shown - Date.now()).toBeGreaterThan(3_900_000);
  });

  it('saves a screenshot', async () => {
    await screenshot(page, 'clock');
  });

  it('moves back, and resets to real time', async () => {
    await page.getByRole('button', { name: 'Back 1 minute' }).click();
    await expect.poll(() => page.locator('[data-offset]').textContent()).toBe('+1 h 5 min');
    await page.getByRole('button', { name: 'Reset to real time' }).click();
    await expect.poll(() => page.locator('[data-offset]').textContent()).toBe('none');
    expect(idp.ctx.clock.offsetMs()).toBe(0);
    expect(await sessionValid(user.accessToken)).toBe('true');
  });

  it('sets the clock to a date and time', async () => {
    await page.getByLabel('Date and time (local)').fill('2040-06-01T12:00');
    await page.getByRole('button', { name: 'Set clock' }).click();
    await page.getByRole('status').filter({ hasText: 'Clock set.' }).waitFor();
    const expected = await page.evaluate(() => new Date('2040-06-01T12:00').getTime());
    expect(Math.abs(idp.ctx.clock.nowMs() - expected)).toBeLessThan(60_000);
    await page.getByRole('button', { name: 'Reset to real time' }).click();
    await expect.poll(() => page.locator('[data-offset]').textContent()).toBe('none');
  });
});
