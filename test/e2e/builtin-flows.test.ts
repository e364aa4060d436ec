// The built-in pages in real Chromium, used the way a person would: by labels and roles, from an
// OAuth authorization request of the seeded `sandbox-spa` client, each scenario in a fresh context.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { latestCode } from '../helpers/agent';
import { startTestIdp, makePasswordless, type TestIdp } from '../helpers/idp';
import { launchChromium } from '../helpers/chromium';
import { pkcePair } from '../helpers/pkce';

const REDIRECT = 'http://localhost:3000/auth-redirect';
const SHOTS = 'test-results/screenshots';

/** An authorization URL of `sandbox-spa` with a fresh S256 challenge. */
function authorizeUrl(idp: TestIdp, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({
    client_id: 'sandbox-spa',
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid offline_access',
    state: 'e2e-state',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
  return `${idp.issuer}/oauth2/authorize?${q}`;
}

/** A fresh browser context (no cookies) and its page. */
async function freshPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  return { context, page };
}

/**
 * Does `action` (the last click or key press of a flow) and returns the app URL the browser is
 * then sent to, checking it carries an authorization code and the state.
 *
 * Nothing listens on :3000 and Playwright never routes a request reached through a redirect
 * (`route()` fires for the first URL of a redirect chain only), so the main-frame navigation
 * request to the redirect URI is what is awaited; Chromium then shows its own
 * connection-refused page, which is not the IdP's concern.
 */
async function intoApp(page: Page, action: () => Promise<void>): Promise<URL> {
  const request = page.waitForRequest((r) => r.isNavigationRequest() && r.frame() === page.mainFrame() && r.url().startsWith(`${REDIRECT}?`), { timeout: 15_000 });
  const [sent] = await Promise.all([request, action()]);
  const url = new URL(sent.url());
  expect(url.searchParams.get('code')).toMatch(/^[A-Za-z0-9]{32}$/);
  expect(url.searchParams.get('state')).toBe('e2e-state');
  expect(url.searchParams.has('error')).toBe(false);
  return url;
}

/**
 * Clicks a submit button and waits for the page the form post answers with (also when it is the
 * same URL again), returning the HTTP status of that answer.
 */
async function submitWith(page: Page, button: Locator): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST'),
    page.waitForEvent('load'),
    button.click(),
  ]);
  return response.status();
}

/** Waits for the page whose title (h1) is `text`: a form post has landed on the next page. */
async function expectHeading(page: Page, text: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor({ timeout: 10_000 });
  await page.waitForLoadState('domcontentloaded');
}

async function outboxLatest(idp: TestIdp, to: string): Promise<Record<string, any>> {
  const res = await fetch(`${idp.issuer}/_sandbox/api/outbox/latest?to=${encodeURIComponent(to)}`, {
    headers: { authorization: `Bearer ${idp.consoleToken}` },
  });
  expect(res.status).toBe(200);
  return res.json();
}

/** Sign-up with e-mail, the code from the outbox and a password (password projects). */
async function signUpWithPassword(page: Page, idp: TestIdp, email: string, password: string): Promise<void> {
  await page.goto(authorizeUrl(idp));
  await expectHeading(page, 'Create an account');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByLabel('Code').fill(await latestCode(idp.issuer, email));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expectHeading(page, 'Create a password');
  await page.getByLabel('Password').fill(password);
  await intoApp(page, () => page.getByRole('button', { name: 'Continue' }).click());
}

describe('built-in pages in real Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe('a passwordless (e-mail OTP) project', () => {
    let idp: TestIdp;
    beforeAll(async () => {
      idp = await startTestIdp({
        editConfig: (doc) => {
          makePasswordless(doc);
        },
      });
    });
    afterAll(() => idp?.dispose());

    /** Sign-up: e-mail, then the code from the outbox; nothing else to ask, so it goes back to the app. */
    async function signUp(page: Page, email: string): Promise<void> {
      await page.goto(authorizeUrl(idp));
      await expectHeading(page, 'Create an account');
      // No password on a passwordless project.
      expect(await page.getByLabel('Password').count()).toBe(0);
      await page.getByLabel('Email address').fill(email);
      await page.getByRole('button', { name: 'Create account' }).click();
      await expectHeading(page, 'Enter the code');
      await page.getByLabel('Code').fill(await latestCode(idp.issuer, email));
      await intoApp(page, () => page.getByRole('button', { name: 'Continue' }).click());
    }

    /** Sign-in up to the code page: e-mail only, the single OTP option is chosen automatically. */
    async function signInToCodePage(page: Page, email: string): Promise<void> {
      await page.goto(authorizeUrl(idp, { x_page: 'login' }));
      await expectHeading(page, 'Sign in');
      expect(await page.getByLabel('Password').count()).toBe(0);
      expect(await page.getByRole('link', { name: 'Forgot password?' }).count()).toBe(0);
      await page.getByLabel('Email address').fill(email);
      await page.getByRole('button', { name: 'Continue' }).click();
      await expectHeading(page, 'Enter the code');
      await expect(page.getByText(/We sent a code to .*@example\.com/).isVisible()).resolves.toBe(true);
    }

    it('signs up and then signs in with a code e-mailed to the address', async () => {
      const email = 'otp-user@example.com';
      const signup = await freshPage(browser);
      await signUp(signup.page, email);
      await signup.context.close();

      const { context, page } = await freshPage(browser);
      const before = (await outboxLatest(idp, email)).id;
      await signInToCodePage(page, email);
      const message = await outboxLatest(idp, email);
      expect(message.id).not.toBe(before);
      expect(message.code).toMatch(/^\d{6}$/);
      await expect(page.getByLabel('Code').evaluate((e) => e === document.activeElement)).resolves.toBe(true);
      await page.screenshot({ path: `${SHOTS}/otp-code.png` });
      // A wrong code is refused on the same page.
      await page.getByLabel('Code').fill(message.code === '000000' ? '111111' : '000000');
      const refused = await submitWith(page, page.getByRole('button', { name: 'Continue' }));
      expect(refused >= 400 && refused < 500).toBe(true);
      await expect(page.getByRole('alert').textContent()).resolves.toContain('The code is incorrect or has expired.');
      await expectHeading(page, 'Enter the code');
      await page.getByLabel('Code').fill(message.code);
      await intoApp(page, () => page.getByRole('button', { name: 'Continue' }).click());
      await context.close();
    });

    it('"Send a new code" answers with the cooldown before 60 s and sends a new code after', async () => {
      const email = 'otp-resend@example.com';
      const signup = await freshPage(browser);
      await signUp(signup.page, email);
      await signup.context.close();

      const { context, page } = await freshPage(browser);
      await signInToCodePage(page, email);
      const first = await outboxLatest(idp, email);
      await expect(page.locator('#resend-hint').textContent()).resolves.toMatch(/You can ask for a new code in \d+ seconds\./);

      expect(await submitWith(page, page.getByRole('button', { name: 'Send a new code' }))).toBe(429);
      await expect(page.getByRole('alert').textContent()).resolves.toContain('Please wait a moment before asking for another code.');
      expect((await outboxLatest(idp, email)).id).toBe(first.id);

      idp.ctx.clock.advance(61_000);
      try {
        expect(await submitWith(page, page.getByRole('button', { name: 'Send a new code' }))).toBe(200);
        expect(await page.getByRole('alert').count()).toBe(0);
        await expectHeading(page, 'Enter the code');
        await expect(page.locator('#resend-hint').textContent()).resolves.toContain('You can ask for a new code in 60 seconds.');
        const second = await outboxLatest(idp, email);
        expect(second.id).not.toBe(first.id);
        expect(second.code).toMatch(/^\d{6}$/);
        await page.getByLabel('Code').fill(second.code);
        await intoApp(page, () => page.getByRole('button', { name: 'Continue' }).click());
      } finally {
        idp.ctx.clock.advance(-61_000);
      }
      await context.close();
    });
  });

  describe('a password project', () => {
    let idp: TestIdp;
    beforeAll(async () => {
      idp = await startTestIdp();
    });
    afterAll(() => idp?.dispose());

    it('recovers an account through "Forgot password?" and the e-mailed link', async () => {
      const email = 'recover-me@example.com';
      const signup = await freshPage(browser);
      await signUpWithPassword(signup.page, idp, email, 'the old password 1');
      await signup.context.close();

      const { context, page } = await freshPage(browser);
      await page.goto(authorizeUrl(idp, { x_page: 'login' }));
      await expectHeading(page, 'Sign in');
      await page.getByRole('link', { name: 'Forgot password?' }).click();
      await expectHeading(page, 'Forgot password');
      await page.screenshot({ path: `${SHOTS}/forgot-password.png` });
      await page.getByLabel('Email address').fill(email);
      await page.getByRole('button', { name: 'Send reset link' }).click();
      await expectHeading(page, 'Check your email');
      await expect(page.getByText(/we sent it a link to reset the password/).isVisible()).resolves.toBe(true);

      const message = await outboxLatest(idp, email);
      expect(message.message_type).toBe('forgot-password');
      expect(message.link).toBeTruthy();
      await page.goto(message.link);
      await expectHeading(page, 'Set a new password');
      await page.screenshot({ path: `${SHOTS}/reset-password.png` });
      await page.getByLabel('Password').fill('the new password 2');
      expect(await submitWith(page, page.getByRole('button', { name: 'Reset password' }))).toBe(200);
      await expect(page.getByRole('status').textContent()).resolves.toContain('Your password has been reset.');
      // The link works once.
      await page.goto(message.link);
      await expect(page.getByText('The code is incorrect or has expired.').isVisible()).resolves.toBe(true);
      await context.close();

      const again = await freshPage(browser);
      await again.page.goto(authorizeUrl(idp, { x_page: 'login' }));
      // The old password no longer works.
      await again.page.getByLabel('Email address').fill(email);
      await again.page.getByLabel('Password').fill('the old password 1');
      expect(await submitWith(again.page, again.page.getByRole('button', { name: 'Continue' }))).toBe(401);
      await expect(again.page.getByRole('alert').textContent()).resolves.toContain('Incorrect email address or password.');
      await again.page.getByLabel('Password').fill('the new password 2');
      await intoApp(again.page, () => again.page.getByRole('button', { name: 'Continue' }).click());
      await again.context.close();
    });

    it('the sign-in page works by keyboard, in order, and every field has an accessible name', async () => {
      const email = 'keyboard@example.com';
      const signup = await freshPage(browser);
      await signUpWithPassword(signup.page, idp, email, 'typed by keyboard 3');
      await signup.context.close();

      const { context, page } = await freshPage(browser);
      await page.goto(authorizeUrl(idp, { x_page: 'login' }));
      await expectHeading(page, 'Sign in');

      // Every visible input has an accessible name, and the name is its label.
      const inputs = page.locator('input:not([type=hidden])');
      const count = await inputs.count();
      expect(count).toBe(2);
      for (let i = 0; i < count; i++) {
        const snapshot = await inputs.nth(i).ariaSnapshot();
        expect(snapshot).toMatch(/^- textbox "[^"]+"/);
      }
      expect(await page.getByRole('textbox', { name: 'Email address' }).count()).toBe(1);
      expect(await page.getByRole('textbox', { name: 'Password' }).count()).toBe(1);

      const focused = () =>
        page.evaluate(() => {
          const e = document.activeElement as HTMLElement | null;
          if (!e || e === document.body) return 'body';
          return `${e.tagName.toLowerCase()}:${e.getAttribute('name') ?? ''}:${e.textContent?.trim() ?? ''}`;
        });
      // Start from the top of the page: Tab until the e-mail field (it is also autofocused).
      await page.getByRole('heading', { name: 'Sign in' }).click();
      const path: string[] = [];
      for (let i = 0; i < 5 && !path.includes('input:email:'); i++) {
        await page.keyboard.press('Tab');
        path.push(await focused());
      }
      expect(path.at(-1)).toBe('input:email:');
      await page.keyboard.type(email);
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('input:password:');
      await page.keyboard.type('typed by keyboard 3');
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('button::Continue');
      await intoApp(page, () => page.keyboard.press('Enter'));
      await context.close();
    });
  });
});
