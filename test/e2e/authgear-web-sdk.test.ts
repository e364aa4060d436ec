import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { latestCode } from '../helpers/agent';
import { startTestIdp, addClient, type TestIdp } from '../helpers/idp';
import { launchChromium } from '../helpers/chromium';

const require = createRequire(import.meta.url);

/** Serves the published SDK bundle from node_modules and a one-page test app. */
async function startApp(): Promise<{ server: Server; origin: string }> {
  const sdk = await readFile(require.resolve('@authgear/web/dist/authgear-web.iife.js'));
  const page = await readFile(new URL('./fixtures/sdk-app.html', import.meta.url));
  const server = createServer((req, res) => {
    if (req.url === '/sdk.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(sdk);
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { server, origin: `http://localhost:${port}` };
}

/** The built-in sign-up pages, as a person uses them: e-mail, the code from the outbox, a password. */
async function signUpInBrowser(page: Page, idp: TestIdp, email: string, until: string): Promise<void> {
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByLabel('Code').fill(await latestCode(idp.issuer, email));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Password').fill('a long enough password');
  await Promise.all([page.waitForURL(until), page.getByRole('button', { name: 'Continue' }).click()]);
}

describe('the published @authgear/web SDK in real Chromium', () => {
  let idp: TestIdp;
  let app: { server: Server; origin: string };
  let browser: Browser;

  beforeAll(async () => {
    app = await startApp();
    idp = await startTestIdp({
      editConfig: (doc) =>
        addClient(doc, {
          client_id: 'e2e-spa',
          name: 'E2E SPA',
          x_application_type: 'spa',
          redirect_uris: [`${app.origin}/auth-redirect`],
          post_logout_redirect_uris: [`${app.origin}/`],
          issue_jwt_access_token: true,
        }),
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await idp?.dispose();
    app?.server.close();
  });

  it('configure → startAuthentication → built-in sign-up → finishAuthentication → fetchUserInfo → logout', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.origin}/#issuer=${encodeURIComponent(idp.issuer)}`);
    await page.evaluate(() => (window as any).app.ready);
    expect(await page.evaluate(() => (window as any).app.state())).toBe('NO_SESSION');

    await Promise.all([page.waitForURL(`${idp.issuer}/signup?**`), page.evaluate(() => (window as any).app.login('signup'))]);
    await page.screenshot({ path: 'test-results/screenshots/signup.png' });
    await signUpInBrowser(page, idp, 'sdk-user@example.com', `${app.origin}/auth-redirect?**`);

    await page.evaluate(() => (window as any).app.ready);
    expect(await page.evaluate(() => (window as any).app.finish())).toBe('AUTHENTICATED');
    const info = await page.evaluate(() => (window as any).app.userInfo());
    expect(info.email).toBe('sdk-user@example.com');
    expect(info.isAnonymous).toBe(false);
    expect(info.canReauthenticate).toBe(true);
    expect(info.identities?.[0]?.type).toBe('login_id');

    // The SDK's refresh (90 % of expires_in normally) works against the sandbox.
    const before = await page.evaluate(() => (window as any).app.accessToken());
    const after = await page.evaluate(() => (window as any).app.refresh());
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);

    // The SDK in refresh_token mode suppresses the IdP session cookie.
    const cookies = await page.context().cookies(idp.issuer);
    expect(cookies.find((c) => c.name === 'session')).toBeUndefined();

    expect(await page.evaluate(() => (window as any).app.logout())).toBe('NO_SESSION');
    const res = await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${after}` } });
    expect(res.status).toBe(401);
    expect(errors).toEqual([]);
  });

  it('cookie mode: response_type=none, userinfo with the IdP session cookie, logout through end_session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.origin}/#mode=cookie&issuer=${encodeURIComponent(idp.issuer)}`);
    await page.evaluate(() => (window as any).app.ready);
    await Promise.all([page.waitForURL(`${idp.issuer}/signup?**`), page.evaluate(() => (window as any).app.login('signup'))]);
    await signUpInBrowser(page, idp, 'cookie-mode@example.com', `${app.origin}/auth-redirect**`);
    expect(new URL(page.url()).searchParams.has('code')).toBe(false);
    await page.evaluate(() => (window as any).app.ready);
    // In cookie mode the SDK holds no token, so its state stays UNKNOWN by design; the session is the cookie.
    expect(await page.evaluate(() => (window as any).app.finish())).toBe('UNKNOWN');
    expect((await page.evaluate(() => (window as any).app.userInfo())).email).toBe('cookie-mode@example.com');
    expect((await context.cookies(idp.issuer)).find((c) => c.name === 'session')).toBeTruthy();
    await Promise.all([page.waitForURL(`${app.origin}/`), page.evaluate(() => (window as any).app.logout())]);
    expect((await context.cookies(idp.issuer)).find((c) => c.name === 'session')).toBeUndefined();
    await context.close();
  });
});
