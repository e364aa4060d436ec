// The console's Clients view against a real IdP in a real Chromium: a client added in the view
// signs a user in with openid-client at once (no restart), its generated secret included; edits
// apply at once; deleting asks first; authgear.yaml keeps the user's comments.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { parse } from 'yaml';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuild } from '../../scripts/ensure-build.js';
import { launchChromium } from '../helpers/chromium';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { Agent, signInThroughPages } from '../helpers/agent';
import { screenshot, tabTo } from '../helpers/console';

const CALLBACK = 'http://localhost:4567/callback';

let idp: TestIdp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let dialogs: string[] = [];
let acceptDialogs = true;
let backendId: string;
let backendSecret: string;

const card = (name: string) => page.getByRole('article', { name, exact: true });
const yamlFile = () => join(idp.dataDir, 'authgear.yaml');

/** Signs a new user in with openid-client through the built-in pages; the tokens of the exchange. */
async function signInWith(clientId: string, secret: string | undefined, email: string) {
  const config = await oidc.discovery(new URL(idp.issuer), clientId, secret, secret ? oidc.ClientSecretBasic(secret) : oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  const callback = await signInThroughPages(new Agent(idp.issuer), url.href, { email, password: 'password-1234' }, 'signup');
  return oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state });
}

beforeAll(async () => {
  await ensureBuild();
  idp = await startTestIdp();
  // The user's own comment must survive the console's edits.
  await writeFile(yamlFile(), `${await readFile(yamlFile(), 'utf8')}# my note: keep this\n`);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void (acceptDialogs ? dialog.accept() : dialog.dismiss());
  });
  await page.goto(idp.consoleUrl);
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Clients' }).click();
  await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await idp?.dispose();
});

describe('console clients', () => {
  it('lists the configured clients', async () => {
    await card('Sandbox SPA').waitFor();
    await card('Sandbox Web App').waitFor();
    expect(await card('Sandbox SPA').locator('code').first().textContent()).toBe('sandbox-spa');
  });

  it('adds a confidential client from the form, by keyboard, and shows its new secret', async () => {
    expect(await tabTo(page, 'button.button--primary')).toContain('button "Add client"');
    await page.keyboard.press('Enter');
    const form = page.getByRole('form', { name: 'Add a client' });
    await form.waitFor();
    // The form opens with the focus in its first field.
    expect(await page.locator('*:focus').ariaSnapshot()).toContain('textbox "Name"');
    await page.keyboard.type('Test backend');
    await page.keyboard.press('Tab');
    expect(await page.locator('*:focus').ariaSnapshot()).toContain('textbox "Client ID"');
    await page.keyboard.press('Tab');
    expect(await page.locator('*:focus').ariaSnapshot()).toContain('combobox "Application type"');
    await form.getByRole('combobox', { name: 'Application type' }).selectOption('confidential');
    await form.getByRole('textbox', { name: 'Redirect URIs', exact: true }).fill(CALLBACK);
    await form.getByRole('textbox', { name: 'Access token lifetime (seconds)' }).fill('900');
    await form.getByRole('button', { name: 'Add client' }).click();

    await page.getByRole('status').filter({ hasText: 'Added Test backend' }).waitFor();
    const added = card('Test backend');
    await added.waitFor();
    backendId = (await added.locator('code').first().textContent())!;
    expect(backendId).toMatch(/^[0-9a-f]{16}$/);
    backendSecret = (await page.locator('[data-new-secret] [data-secret]').textContent())!;
    expect(backendSecret).toMatch(/^[0-9A-Za-z_]{32}$/);
    // Revealable later in the card, hidden until asked.
    expect(await added.textContent()).not.toContain(backendSecret);
    await added.getByRole('button', { name: 'Show Client secret of Test backend' }).click();
    expect(await added.textContent()).toContain(backendSecret);
    expect(await added.textContent()).toContain('JWT, 15 min (900 s)');
  });

  it('saves a screenshot', async () => {
    await screenshot(page, 'clients');
  });

  it('the new client signs a user in with openid-client at once, with its secret', async () => {
    const tokens = await signInWith(backendId, backendSecret, 'clients-view@example.com');
    expect(tokens.claims()!.aud).toEqual([backendId]);
    expect(tokens.expires_in).toBe(900);
    // PII in tokens for confidential clients, as configured by the type chosen in the form.
    const access = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString());
    expect(access.client_id).toBe(backendId);
  });

  it('wrote the client to authgear.yaml and its secret to authgear.secrets.yaml, keeping comments', async () => {
    const text = await readFile(yamlFile(), 'utf8');
    expect(text).toContain('# my note: keep this');
    expect(parse(text).oauth.clients.find((c: any) => c.client_id === backendId)).toMatchObject({
      name: 'Test backend',
      client_name: 'Test backend',
      x_application_type: 'confidential',
      redirect_uris: [CALLBACK],
      access_token_lifetime_seconds: 900,
      issue_jwt_access_token: true,
    });
    const secrets = parse(await readFile(join(idp.dataDir, 'authgear.secrets.yaml'), 'utf8'));
    const item = secrets.secrets.find((s: any) => s.key === 'oauth.client_secrets').data.items.find((i: any) => i.client_id === backendId);
    expect(Buffer.from(item.keys[0].k, 'base64url').toString()).toBe(backendSecret);
  });

  it('shows the sandbox\'s refusal of an invalid edit and keeps the client unchanged', async () => {
    await card('Test backend').getByRole('button', { name: 'Edit Test backend' }).click();
    const form = page.getByRole('form', { name: 'Edit Test backend' });
    await form.getByRole('textbox', { name: 'Access token lifetime (seconds)' }).fill('10');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByRole('alert').filter({ hasText: 'access_token_lifetime_seconds: must be >= 300' }).waitFor();
    await form.getByRole('button', { name: 'Cancel' }).click();
    expect(await card('Test backend').textContent()).toContain('JWT, 15 min (900 s)');
  });

  it('edits an SPA client: a new redirect URI works at once', async () => {
    await card('Sandbox SPA').getByRole('button', { name: 'Edit Sandbox SPA' }).click();
    const form = page.getByRole('form', { name: 'Edit Sandbox SPA' });
    const uris = form.getByRole('textbox', { name: 'Redirect URIs', exact: true });
    await uris.fill(`${await uris.inputValue()}\n${CALLBACK}`);
    await form.getByRole('textbox', { name: 'Name' }).fill('Renamed SPA');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved Renamed SPA.' }).waitFor();
    expect(await card('Renamed SPA').textContent()).toContain(CALLBACK);

    const tokens = await signInWith('sandbox-spa', undefined, 'clients-spa@example.com');
    expect(tokens.claims()!.aud).toEqual(['sandbox-spa']);
    // The overview shows the change too.
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('region', { name: 'Clients' }).getByRole('article', { name: 'Renamed SPA' }).waitFor();
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Clients' }).click();
    await card('Renamed SPA').waitFor();
  });

  it('asks before deleting; a deleted client stops working at once', async () => {
    acceptDialogs = false;
    dialogs = [];
    await card('Test backend').getByRole('button', { name: 'Delete Test backend' }).click();
    expect(dialogs).toHaveLength(1);
    expect(dialogs[0]).toContain(`Delete the client "Test backend" (${backendId})?`);
    expect(await card('Test backend').count()).toBe(1);

    acceptDialogs = true;
    await card('Test backend').getByRole('button', { name: 'Delete Test backend' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted Test backend.' }).waitFor();
    expect(await card('Test backend').count()).toBe(0);
    const res = await fetch(`${idp.issuer}/oauth2/authorize?client_id=${backendId}&redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=code&scope=openid`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('invalid client ID');
    expect(await readFile(yamlFile(), 'utf8')).toContain('# my note: keep this');
  });
});
