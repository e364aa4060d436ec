// The console's Export wizard against a real IdP in a real Chromium: NDJSON and CSV exports of
// users seeded through the import API, CSV columns picked from the known JSON pointers and named,
// formula neutralisation on request, progress read from the sandbox, and the file downloaded
// through the signed URL — its content checked.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuild } from '../../scripts/ensure-build.js';
import { launchChromium } from '../helpers/chromium';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { runImport } from '../helpers/transfer';
import { screenshot, tabTo } from '../helpers/console';

const USERS = 40;

let idp: TestIdp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const progressReads: string[] = [];

const progressText = () => page.locator('[data-export-progress]').textContent();

/** Clicks the download link; the downloaded file's name and text. */
async function download(): Promise<{ name: string; text: string; url: string }> {
  const link = page.locator('[data-download]');
  const url = (await link.getAttribute('href'))!;
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  return { name: file.suggestedFilename(), text: await readFile((await file.path())!, 'utf8'), url };
}

beforeAll(async () => {
  await ensureBuild();
  idp = await startTestIdp();
  const records = Array.from({ length: USERS }, (_, i) => ({ email: `export-${i}@example.com`, name: i === 0 ? '=HYPERLINK("http://evil")' : `Person ${i}` }));
  await runImport(idp, { identifier: 'email', records });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('request', (r) => {
    if (r.url().includes('/_sandbox/api/userexport/') && r.url().endsWith('/progress')) progressReads.push(r.url());
  });
  await page.goto(idp.consoleUrl);
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Export' }).click();
  await page.getByRole('heading', { name: 'Export users', level: 1 }).waitFor();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await idp?.dispose();
});

describe('console export', () => {
  it('exports NDJSON with progress and downloads it through the signed URL', async () => {
    expect(await tabTo(page, 'button[type="submit"]')).toContain('button "Export users"');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Exported', level: 2 }).waitFor();
    expect(await progressText()).toContain(`${USERS} of ${USERS} users (100%)`);
    expect(progressReads.length).toBeGreaterThan(0);
    const file = await download();
    expect(file.url).toMatch(new RegExp(`^${idp.issuer}/_sandbox/files/userexport/.+\\?expires=\\d+&sig=`));
    expect(file.name).toMatch(/\.ndjson$/);
    const lines = file.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(USERS);
    expect(lines.map((l) => l.email).sort()).toEqual(Array.from({ length: USERS }, (_, i) => `export-${i}@example.com`).sort());
  });

  it('refuses two columns with one name, saying why', async () => {
    await page.getByRole('radio', { name: 'CSV' }).check();
    await page.getByRole('combobox', { name: 'Known field' }).selectOption('/email');
    await page.getByRole('button', { name: 'Add column' }).click();
    await page.getByRole('button', { name: 'Add column' }).click();
    await page.getByRole('button', { name: 'Export users' }).click();
    await page.getByRole('alert').filter({ hasText: 'Column names must differ: email.' }).waitFor();
    await page.getByRole('button', { name: 'Remove column 2' }).click();
  });

  it('exports CSV with the picked and named columns, formulas neutralised on request', async () => {
    await page.getByRole('combobox', { name: 'Known field' }).selectOption('/name');
    await page.getByRole('button', { name: 'Add column' }).click();
    await page.getByRole('textbox', { name: 'Column name 2' }).fill('full_name');
    await page.getByRole('combobox', { name: 'Known field' }).selectOption('/sub');
    await page.getByRole('button', { name: 'Add column' }).click();
    await page.getByRole('button', { name: 'Move column 3 up' }).click();
    expect(await page.getByRole('combobox', { name: 'Pointer 2' }).inputValue()).toBe('/sub');
    await page.getByRole('checkbox', { name: /Neutralise formulas/ }).check();
    await page.getByRole('button', { name: 'Export users' }).click();
    await page.getByRole('link', { name: 'Download CSV' }).waitFor();
    await screenshot(page, 'export');
    const file = await download();
    expect(file.name).toMatch(/\.csv$/);
    const rows = parse(file.text) as string[][];
    expect(rows[0]).toEqual(['email', 'sub', 'full_name']);
    expect(rows).toHaveLength(USERS + 1);
    const evil = rows.find((r) => r[0] === 'export-0@example.com')!;
    expect(evil[2]).toBe(`'=HYPERLINK("http://evil")`);
    expect(evil[1]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gets a new download link on request', async () => {
    const before = await page.locator('[data-download]').getAttribute('href');
    // The link is signed with its expiry (on the sandbox clock): move the clock so a new link differs.
    await fetch(`${idp.issuer}/_sandbox/api/clock`, { method: 'POST', headers: { authorization: `Bearer ${idp.consoleToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ advance_seconds: 30 }) });
    await page.getByRole('button', { name: 'New download link' }).click();
    await expect.poll(() => page.locator('[data-download]').getAttribute('href')).not.toBe(before);
    const file = await download();
    expect(file.text.split('\n')[0]).toBe('email,sub,full_name');
  });
});
