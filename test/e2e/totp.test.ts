import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { startTestIdp, addClient, type TestIdp } from '../helpers/idp';
import { launchChromium } from '../helpers/chromium';
import { latestCode } from '../helpers/agent';
import { pkcePair } from '../helpers/pkce';
import { totpCode } from '../../src-main/idp/crypto/totp';


describe('two-factor authentication with TOTP in the built-in pages, in real Chromium', () => {
  let idp: TestIdp;
  let browser: Browser;
  let app: Server;
  let APP: string;

  beforeAll(async () => {
    // The app's callback: a tiny page so the browser has somewhere to land.
    app = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>App</h1>'));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    APP = `http://localhost:${(app.address() as { port: number }).port}/cb`;
    idp = await startTestIdp({
      editConfig: (doc) => {
        doc.authentication.secondary_authentication_mode = 'required';
        addClient(doc, { client_id: 'totp-app', name: 'TOTP app', x_application_type: 'spa', redirect_uris: [APP] });
      },
    });
    browser = await launchChromium();
    await mkdir('test-results/screenshots', { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await idp?.dispose();
    app?.close();
  });

  const authorizeUrl = (page: 'signup' | 'login') =>
    `${idp.issuer}/oauth2/authorize?${new URLSearchParams({ client_id: 'totp-app', redirect_uri: APP, response_type: 'code', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256', x_page: page })}`;

  async function newPage(): Promise<Page> {
    return (await browser.newContext()).newPage();
  }

  it('enrols an authenticator app at sign-up (QR code drawn locally), then asks for its code at sign-in', async () => {
    const email = 'totp-user@example.com';
    const page = await newPage();
    const external: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.origin !== idp.issuer && !r.url().startsWith(APP)) external.push(r.url());
    });
    await page.goto(authorizeUrl('signup'));
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByLabel('Code').fill(await latestCode(idp.issuer, email));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Use an authenticator app' }).click();

    await page.getByRole('figure', { name: 'QR code for your authenticator app' }).locator('svg').waitFor();
    const secret = (await page.locator('#totp-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.screenshot({ path: 'test-results/screenshots/totp-setup.png' });
    await page.getByLabel('Code from your authenticator app').fill(totpCode(secret, idp.ctx.clock.nowMs()));
    await page.getByRole('button', { name: 'Continue' }).click();

    const codes = await page.locator('#recovery-codes li').allTextContents();
    expect(codes).toHaveLength(16);
    await Promise.all([page.waitForURL(`${APP}?**`), page.getByRole('button', { name: 'I have saved these codes' }).click()]);
    expect(new URL(page.url()).searchParams.get('code')).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(external).toEqual([]);

    // Later, in another browser: password, then the authenticator's code.
    const later = await newPage();
    await later.goto(authorizeUrl('login'));
    await later.getByLabel('Email address').fill(email);
    await later.getByLabel('Password').fill('a long enough password');
    await later.getByRole('button', { name: 'Continue' }).click();
    await later.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await later.getByLabel('Code from your authenticator app').fill('000000' === totpCode(secret, idp.ctx.clock.nowMs()) ? '111111' : '000000');
    await later.getByRole('button', { name: 'Continue' }).first().click();
    expect(await later.getByRole('alert').textContent()).toContain('The code is incorrect or has expired.');
    await later.getByLabel('Code from your authenticator app').fill(totpCode(secret, idp.ctx.clock.nowMs()));
    await Promise.all([later.waitForURL(`${APP}?**`), later.getByRole('button', { name: 'Continue' }).first().click()]);

    // And with a recovery code instead.
    const lost = await newPage();
    await lost.goto(authorizeUrl('login'));
    await lost.getByLabel('Email address').fill(email);
    await lost.getByLabel('Password').fill('a long enough password');
    await lost.getByRole('button', { name: 'Continue' }).click();
    await lost.getByText('Use a recovery code instead').click();
    await lost.getByLabel('Recovery code').fill(codes[0]);
    await Promise.all([lost.waitForURL(`${APP}?**`), lost.locator('details').getByRole('button', { name: 'Continue' }).click()]);
  });
});
