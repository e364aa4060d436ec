// The console's Resolver view against a real IdP in a real Chromium: a session cookie and an
// access token resolve to the user's X-Authgear-* headers (as /_resolver/resolve answers them),
// and the nginx / Traefik configurations name this sandbox's origin.
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

const headerValue = (name: string) => page.locator(`tr[data-header="${name}"] td`).first().textContent();
const state = () => page.locator('[data-resolver-state]').getAttribute('data-resolver-state');

beforeAll(async () => {
  await ensureBuild();
  idp = await startTestIdp();
  user = await signUpWithTokens(idp.issuer, 'resolver-view@example.com');
  ({ browser, context, page } = await openConsole(idp.consoleUrl, { clipboard: true }));
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await idp?.dispose();
});

describe('console resolver view', () => {
  it('is reachable from the navigation', async () => {
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Resolver' }).click();
    await page.getByRole('heading', { name: 'Resolver', level: 1 }).waitFor();
    expect(page.url()).toMatch(/#\/resolver$/);
  });

  it('resolves a session cookie value, typed and submitted by keyboard, to the user\'s headers', async () => {
    expect(await tabTo(page, '#resolver-cookie')).toContain('textbox "Session cookie"');
    await page.keyboard.type(user.agent.cookies.get('session')!);
    await page.keyboard.press('Tab');
    expect(await page.locator('*:focus').ariaSnapshot()).toContain('button "Resolve"');
    await page.keyboard.press('Enter');
    await expect.poll(state).toBe('valid');
    expect(await headerValue('x-authgear-user-id')).toBe(user.userId);
    expect(await headerValue('x-authgear-session-valid')).toBe('true');
    expect(await headerValue('x-authgear-user-verified')).toBe('true');
    expect(await page.getByRole('figure', { name: 'The same request with curl' }).locator('pre').textContent()).toContain(`-H 'Cookie: ${user.agent.cookies.get('session')}'`);
  });

  it('resolves an access token exactly as /_resolver/resolve does', async () => {
    await page.getByRole('textbox', { name: 'Session cookie' }).fill('');
    await page.getByRole('textbox', { name: 'Access token' }).fill(user.accessToken);
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await expect.poll(state).toBe('valid');
    const real = await fetch(`${idp.issuer}/_resolver/resolve`, { headers: { authorization: `Bearer ${user.accessToken}` } });
    const expected: Record<string, string> = {};
    real.headers.forEach((v, k) => {
      if (k.startsWith('x-authgear-')) expected[k] = v;
    });
    const shown = await page.locator('tr[data-header]').evaluateAll((rows) =>
      Object.fromEntries(rows.map((r) => [r.getAttribute('data-header'), r.querySelector('td code')?.textContent ?? ''])),
    );
    expect(shown).toEqual(expected);
  });

  it('saves a screenshot', async () => {
    await screenshot(page, 'resolver');
  });

  it('shows a wrong cookie as Session-Valid: false only', async () => {
    await page.getByRole('textbox', { name: 'Access token' }).fill('');
    await page.getByRole('textbox', { name: 'Session cookie' }).fill('session=00000000-0000-4000-8000-000000000000.nope');
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await expect.poll(state).toBe('invalid');
    expect(await page.locator('tr[data-header]').count()).toBe(1);
    expect(await headerValue('x-authgear-session-valid')).toBe('false');
  });

  it('offers nginx and Traefik configurations for this sandbox\'s origin', async () => {
    const nginx = page.getByRole('figure', { name: 'nginx (auth_request)' });
    const text = await nginx.locator('pre').textContent();
    expect(text).toContain(`proxy_pass http://127.0.0.1:${idp.port}/_resolver/resolve;`);
    expect(text).toContain(`proxy_set_header Host localhost:${idp.port};`);
    await page.getByRole('textbox', { name: 'Backend URL' }).fill('http://127.0.0.1:9999');
    await expect.poll(() => nginx.locator('pre').textContent()).toContain('proxy_pass http://127.0.0.1:9999;');
    const traefik = await page.getByRole('figure', { name: /^Traefik/ }).locator('pre').textContent();
    expect(traefik).toContain(`address: "http://127.0.0.1:${idp.port}/_resolver/resolve"`);
    await nginx.getByRole('button', { name: 'Copy nginx (auth_request)' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await nginx.locator('pre').textContent());
  });
});
