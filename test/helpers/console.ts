// Shared pieces of the console's Chromium tests: a signed-in user's tokens, screenshots, and
// reaching a control by keyboard.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { Agent, signInThroughPages } from './agent';
import { pkcePair } from './pkce';

export const SCREENSHOTS = join(import.meta.dirname, '../../test-results/screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export interface SignedIn {
  agent: Agent;
  accessToken: string;
  idToken: string;
  refreshToken: string;
  userId: string;
}

/** Signs a new user up through the built-in pages with `sandbox-spa` and exchanges the code. */
export async function signUpWithTokens(issuer: string, email: string, clientId = 'sandbox-spa', redirect = 'http://localhost:3000/auth-redirect'): Promise<SignedIn> {
  const agent = new Agent(issuer);
  const { verifier, challenge } = pkcePair();
  const q = new URLSearchParams({ client_id: clientId, redirect_uri: redirect, response_type: 'code', scope: 'openid offline_access', code_challenge: challenge, code_challenge_method: 'S256' });
  const cb = await signInThroughPages(agent, `${issuer}/oauth2/authorize?${q}`, { email, password: 'password-1234' }, 'signup');
  const res = await fetch(`${issuer}/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code: new URL(cb).searchParams.get('code')!, redirect_uri: redirect, code_verifier: verifier }),
  });
  const t = (await res.json()) as { access_token: string; id_token: string; refresh_token: string };
  const userId = JSON.parse(Buffer.from(t.id_token.split('.')[1]!, 'base64url').toString()).sub as string;
  return { agent, accessToken: t.access_token, idToken: t.id_token, refreshToken: t.refresh_token, userId };
}

/**
 * Presses Tab from the start of the main region until the focused element matches `selector`; returns its
 * ARIA snapshot (role and accessible name), or throws after `max` presses.
 */
export async function tabTo(page: Page, selector: string, max = 80): Promise<string> {
  // The main region (tabindex -1) is where the skip link lands: Tab goes on through the view.
  await page.locator('#main').focus();
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return page.locator('*:focus').ariaSnapshot();
  }
  throw new Error(`${selector} was not reached by keyboard`);
}

/**
 * A Chromium with the console open on its Overview (1280×900), for one test file; `clipboard`
 * lets the page read and write the clipboard, as copy buttons need.
 */
export async function openConsole(consoleUrl: string, opts: { clipboard?: boolean; acceptDialogs?: boolean } = {}): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (opts.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(consoleUrl).origin });
  const page = await context.newPage();
  if (opts.acceptDialogs) page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(consoleUrl);
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  return { browser, context, page };
}
