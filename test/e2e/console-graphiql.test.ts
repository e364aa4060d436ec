// The console's GraphiQL view against a real IdP in a real Chromium: GraphiQL (React, Monaco)
// mounted in the Vue console, signed in with a minted admin token, with the schema's docs and the
// saved example operations; Monaco's workers load from the console's origin under its CSP, a run
// shows the Admin API's answer, a token gone stale (sandbox clock moved) is minted again, and
// GraphiQL's styles leave with it.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuild } from '../../scripts/ensure-build.js';
import { launchChromium } from '../helpers/chromium';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { AdminClient } from '../helpers/admin';
import { screenshot, tabTo } from '../helpers/console';

let idp: TestIdp;
let admin: AdminClient;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let adaId: string;
const workers: string[] = [];
const problems: string[] = [];

const nav = () => page.getByRole('navigation', { name: 'Console sections' });
const result = () => page.getByRole('region', { name: 'Result Window' });
const operationTab = (name: string) => page.getByRole('tab', { name }).getByRole('button', { name, exact: true });
/** The result editor's text with Monaco's line wrapping and indentation taken out. */
const resultText = async () => (await result().innerText()).replace(/\s+/g, '');

/**
 * Opens a saved operation's tab and runs it. GraphiQL learns the tab's operation name a moment
 * after the switch; a run before that answers "Unknown operation named" (and runs nothing), so
 * the run is repeated until GraphiQL sends the tab's own operation.
 */
async function runTab(name: string): Promise<string> {
  await operationTab(name).click();
  await expect.poll(() => page.getByRole('region', { name: 'Operation Editor' }).innerText()).toContain(name);
  let text = '';
  await expect
    .poll(async () => {
      await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).click();
      await expect.poll(async () => (text = await resultText())).toMatch(/"(data|errors)":/);
      return text.includes('Unknownoperationnamed') ? 'stale' : 'ran';
    })
    .toBe('ran');
  return text;
}

beforeAll(async () => {
  await ensureBuild();
  idp = await startTestIdp();
  admin = await AdminClient.create(idp);
  adaId = await admin.createUser('graphiql-ada@example.com', 'password-1234');
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  page = await context.newPage();
  page.on('worker', (w) => workers.push(w.url()));
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.goto(idp.consoleUrl);
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await idp?.dispose();
});

describe('console GraphiQL', () => {
  it('opens GraphiQL with the saved example operations as tabs', async () => {
    await nav().getByRole('link', { name: 'GraphiQL' }).click();
    await page.getByRole('heading', { name: 'GraphiQL', level: 1 }).waitFor();
    await page.locator('.graphiql-container').waitFor();
    const tabs = await page
      .getByRole('tablist', { name: 'Select active operation' })
      .getByRole('tab')
      .evaluateAll((els) => els.map((el) => el.querySelector('button')?.textContent?.trim()));
    expect(tabs).toEqual(['SearchUsers', 'GetUser', 'CreateUser', 'UpdateStandardAttributes', 'GenerateOTPCode', 'AuditLogs', 'RolesAndGroups']);
    // The first tab opens with its variables.
    await expect.poll(async () => (await page.getByRole('region', { name: 'Variables' }).innerText()).replace(/\s+/g, '')).toContain('"first":10');
  });

  it('runs a query with the admin token (Ctrl-Enter) and shows the answer', async () => {
    await page.getByRole('region', { name: 'Operation Editor' }).locator('.monaco-editor').click();
    await page.keyboard.press('Control+Enter');
    await expect.poll(resultText).toContain('"graphiql-ada@example.com"');
    expect(await resultText()).toContain('"totalCount":1');
  });

  it('fills the examples with a real user: GetUser runs as saved', async () => {
    const text = await runTab('GetUser');
    expect(await page.getByRole('region', { name: 'Variables' }).innerText()).toContain(adaId);
    expect(text).toContain(`"id":"${adaId}"`);
    expect(text).toContain('"type":"LOGIN_ID"');
  });

  it('a mutation from the examples changes the sandbox', async () => {
    expect(await runTab('CreateUser')).toContain('"email":"new-user@example.com"');
    const found = await admin.ok(`{ getUserByLoginID(loginIDKey: "email", loginIDValue: "new-user@example.com") { id } }`);
    expect(found.getUserByLoginID.id).toBeTruthy();
  });

  it('shows the schema documentation, reachable by keyboard', async () => {
    expect(await tabTo(page, 'button[aria-label="Show Documentation Explorer"]')).toContain('button "Show Documentation Explorer"');
    await page.keyboard.press('Enter');
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.waitFor();
    await docs.getByText('Query', { exact: true }).first().click();
    await docs.getByText('searchKeyword', { exact: false }).first().waitFor();
    expect(await docs.innerText()).toContain('users');
  });

  it('saves a screenshot', async () => {
    expect(await runTab('SearchUsers')).toContain('"totalCount":2');
    await screenshot(page, 'graphiql');
  });

  it('mints a new admin token when the sandbox refuses the old one', async () => {
    // Two hours on the sandbox clock: the token the console holds has expired there.
    const moved = await fetch(`${idp.issuer}/_sandbox/api/clock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${idp.consoleToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ advance_seconds: 7200 }),
    });
    expect(moved.status).toBe(200);
    const text = await runTab('AuditLogs');
    expect(text).toContain('"activityType":"ADMIN_API_MUTATION_CREATE_USER_EXECUTED"');
    expect(text).not.toContain('Forbidden');
    // The old token was refused once (the browser notes the 403), then the new one worked.
    expect(problems.filter((p) => p.includes('status of 403'))).toHaveLength(1);
  });

  it('loaded Monaco\'s workers from the console\'s own origin, with no CSP violation or error', () => {
    expect(workers.length).toBeGreaterThan(0);
    for (const url of workers) expect(url.startsWith(`${idp.issuer}/_sandbox/assets/`)).toBe(true);
    // The one refusal expected: the stale token's 403 before the console minted a new one.
    expect(problems.filter((p) => !p.includes('status of 403'))).toEqual([]);
  });

  it('takes its styles away when another view opens', async () => {
    expect(await page.locator('style[data-graphiql]').count()).toBe(1);
    await nav().getByRole('link', { name: 'Clock' }).click();
    await page.getByRole('heading', { name: 'Clock', level: 1 }).waitFor();
    expect(await page.locator('style[data-graphiql]').count()).toBe(0);
    expect(await page.evaluate(() => document.body.className)).not.toContain('graphiql');
    // The console's own look is intact (font and button styling).
    const look = await page.evaluate(() => {
      const b = document.querySelector('.button')!;
      const s = getComputedStyle(b);
      return { font: getComputedStyle(document.body).fontFamily, radius: s.borderTopLeftRadius, padding: s.paddingLeft };
    });
    expect(look.font).toContain('system-ui');
    expect(look.radius).toBe('6px');
    expect(look.padding).toBe('13.5px');
  });
});
