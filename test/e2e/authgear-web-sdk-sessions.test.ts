import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { latestCode } from '../helpers/agent';
import { FlowClient } from '../helpers/authflow';
import { startTestIdp, addClient, type TestIdp } from '../helpers/idp';
import { launchChromium } from '../helpers/chromium';

const require = createRequire(import.meta.url);

/** Serves the published SDK bundle from node_modules and the one-page test app. */
async function startApp(): Promise<{ server: Server; origin: string }> {
  const sdk = await readFile(require.resolve('@authgear/web/dist/authgear-web.iife.js'));
  const page = await readFile(new URL('./fixtures/sdk-app.html', import.meta.url));
  const server = createServer((req, res) => {
    if (req.url === '/sdk.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(sdk);
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://localhost:${(server.address() as { port: number }).port}` };
}

const call = <T = any>(page: Page, fn: string, ...args: unknown[]) => page.evaluate(([f, a]) => (window as any).app[f as string](...(a as unknown[])), [fn, args] as const) as Promise<T>;

describe('@authgear/web in real Chromium: anonymous users, promotion, open(Page.Settings), reauthentication, settings actions', () => {
  let idp: TestIdp;
  let app: { server: Server; origin: string };
  let browser: Browser;

  beforeAll(async () => {
    app = await startApp();
    idp = await startTestIdp({
      editConfig: (doc) => {
        doc.authentication.identities = ['login_id', 'anonymous'];
        addClient(doc, {
          client_id: 'e2e-spa',
          name: 'E2E SPA',
          x_application_type: 'spa',
          redirect_uris: [`${app.origin}/auth-redirect`],
          post_logout_redirect_uris: [`${app.origin}/`],
          issue_jwt_access_token: true,
        });
      },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await idp?.dispose();
    app?.server.close();
  });

  async function openApp(mode = 'refresh_token'): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    (page as any).errors = errors;
    await page.goto(`${app.origin}/#mode=${mode}&issuer=${encodeURIComponent(idp.issuer)}`);
    await page.evaluate(() => (window as any).app.ready);
    return page;
  }

  async function signUp(page: Page, email: string): Promise<void> {
    await Promise.all([page.waitForURL(`${idp.issuer}/signup?**`), call(page, 'login', 'signup')]);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByLabel('Code').fill(await latestCode(idp.issuer, email));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password').fill('a long enough password');
    await Promise.all([page.waitForURL(`${app.origin}/auth-redirect?**`), page.getByRole('button', { name: 'Continue' }).click()]);
    await page.evaluate(() => (window as any).app.ready);
    expect(await call(page, 'finish')).toBe('AUTHENTICATED');
  }

  it('authenticateAnonymously(), then startPromoteAnonymousUser() through the promote page keeps the user', async () => {
    const page = await openApp();
    const anonymous = await call(page, 'anonymous');
    expect(anonymous.isAnonymous).toBe(true);
    expect(await call(page, 'state')).toBe('AUTHENTICATED');
    expect(await call(page, 'canReauthenticate')).toBe(false);

    await Promise.all([page.waitForURL(`${idp.issuer}/flows/promote_user?**`), call(page, 'promote')]);
    await expect(page.getByRole('heading', { name: 'Save your account' }).isVisible()).resolves.toBe(true);
    await page.getByLabel('Email address').fill('promoted-in-browser@example.com');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByLabel('Code').fill(await latestCode(idp.issuer, 'promoted-in-browser@example.com'));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password').fill('a long enough password');
    await Promise.all([page.waitForURL(`${app.origin}/auth-redirect?**`), page.getByRole('button', { name: 'Continue' }).click()]);
    await page.evaluate(() => (window as any).app.ready);
    const promoted = await call(page, 'finishPromote');
    expect(promoted.sub).toBe(anonymous.sub);
    expect(promoted.isAnonymous).toBe(false);
    expect(promoted.email).toBe('promoted-in-browser@example.com');
    expect(await call(page, 'canReauthenticate')).toBe(true);
    expect((page as any).errors).toEqual([]);
    await page.context().close();
  });

  it('cookie mode: authenticateAnonymously() sets an IdP session cookie; promotion keeps the user and the cookie session', async () => {
    const page = await openApp('cookie');
    const anonymous = await call(page, 'anonymous');
    expect(anonymous.isAnonymous).toBe(true);
    expect((await page.context().cookies(idp.issuer)).find((c) => c.name === 'session')).toBeTruthy();
    await Promise.all([page.waitForURL(`${idp.issuer}/flows/promote_user?**`), call(page, 'promote')]);
    await page.getByLabel('Email address').fill('cookie-promoted@example.com');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByLabel('Code').fill(await latestCode(idp.issuer, 'cookie-promoted@example.com'));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password').fill('a long enough password');
    await Promise.all([page.waitForURL(`${app.origin}/auth-redirect**`), page.getByRole('button', { name: 'Continue' }).click()]);
    await page.evaluate(() => (window as any).app.ready);
    const promoted = await call(page, 'finishPromote');
    expect(promoted).toMatchObject({ sub: anonymous.sub, isAnonymous: false, email: 'cookie-promoted@example.com' });
    expect((page as any).errors).toEqual([]);
    await page.context().close();
  });

  it('open(Page.Settings) exchanges an app session token and shows /settings signed in with the app_session cookie', async () => {
    const page = await openApp();
    await signUp(page, 'opens-settings@example.com');
    await Promise.all([page.waitForURL(`${idp.issuer}/settings`), call(page, 'openSettings')]);
    await expect(page.locator('#signed-in-as').textContent()).resolves.toBe('Signed in as opens-settings@example.com.');
    const cookies = await page.context().cookies(idp.issuer);
    expect(cookies.find((c) => c.name === 'app_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookies.find((c) => c.name === 'session')).toBeUndefined(); // refresh_token mode: no IdP session
    await page.screenshot({ path: 'test-results/screenshots/settings.png' });
    // The devices page lists this SDK session under the client's name.
    await page.getByRole('link', { name: 'Signed-in devices' }).click();
    await expect(page.locator('.session-title').first().textContent()).resolves.toBe('E2E SPA');
    await page.screenshot({ path: 'test-results/screenshots/settings-sessions.png' });
    await page.context().close();
  });

  it('startReauthentication() asks for the password again and moves auth_time; refreshIDToken() keeps can_reauthenticate', async () => {
    const page = await openApp();
    await signUp(page, 'reauth-in-browser@example.com');
    const before = await call<number>(page, 'authTime');
    expect(await call(page, 'refreshIDToken')).toBe(true);
    idp.ctx.clock.advance(120_000);
    try {
      await Promise.all([page.waitForURL(`${idp.issuer}/reauth?**`), call(page, 'reauth')]);
      await page.getByLabel('Password').fill('a long enough password');
      await Promise.all([page.waitForURL(`${app.origin}/auth-redirect?**`), page.getByRole('button', { name: 'Continue' }).click()]);
      await page.evaluate(() => (window as any).app.ready);
      const info = await call(page, 'finishReauth');
      expect(info.email).toBe('reauth-in-browser@example.com');
      const after = await call<number>(page, 'authTime');
      expect(after - before).toBeGreaterThanOrEqual(120_000);
      expect(await call(page, 'state')).toBe('AUTHENTICATED');
    } finally {
      idp.ctx.clock.reset();
    }
    await page.context().close();
  });

  it('startChangePassword() opens the settings page with the app session, finishChangePassword() completes the settings action', async () => {
    const page = await openApp();
    await signUp(page, 'change-in-browser@example.com');
    await Promise.all([page.waitForURL(`${idp.issuer}/settings/change_password?**`), call(page, 'changePassword')]);
    await page.getByLabel('Current password').fill('a long enough password');
    await page.getByLabel('New password').fill('another long password');
    await Promise.all([page.waitForURL(`${app.origin}/auth-redirect?**`), page.getByRole('button', { name: 'Change password' }).click()]);
    await page.evaluate(() => (window as any).app.ready);
    await call(page, 'finishChangePassword');
    expect(await call(page, 'state')).toBe('AUTHENTICATED');
    // The new password signs in; the old one no longer does.
    const login = async (password: string) => {
      const flows = new FlowClient(idp.issuer, idp.consoleToken);
      const r = await flows.create('login');
      const id = await flows.input(r.body.result.state_token, { identification: 'email', login_id: 'change-in-browser@example.com' });
      return (await flows.input(id.body.result.state_token, { authentication: 'primary_password', password })).body;
    };
    expect((await login('another long password')).result.action.type).toBe('finished');
    expect((await login('a long enough password')).error.reason).toBe('InvalidCredentials');
    await page.context().close();
  });
});
