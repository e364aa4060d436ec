// The console's Import wizard against a real IdP in a real Chromium: a JSON file in the User
// Import API's shape is picked (or dropped), every record previewed by a dry run that saves
// nothing, the options change the preview, the import runs with its progress read from the
// sandbox, and the per-record results are filtered and downloaded — checked against the Admin API.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuild } from '../../scripts/ensure-build.js';
import { launchChromium } from '../helpers/chromium';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { AdminClient } from '../helpers/admin';
import { screenshot, tabTo } from '../helpers/console';

const NEW = 250;

let idp: TestIdp;
let admin: AdminClient;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let dir: string;
let file: string;
const progressReads: string[] = [];

const pad = (n: number) => String(n).padStart(3, '0');
const records = [
  ...Array.from({ length: NEW }, (_, i) => ({ email: `import-${pad(i)}@example.com`, name: `Imported ${pad(i)}` })),
  { email: 'existing@example.com', name: 'Updated Name' },
  { email: 'not-an-email', name: 'Broken' },
];

async function userCount(): Promise<number> {
  return (await admin.ok('{ users(first: 1) { totalCount } }')).users.totalCount;
}

function section(title: string) {
  return page.getByRole('region', { name: title });
}

/** Picks one outcome filter of a results table; the rows then shown. */
async function showOnly(table: string, label: RegExp) {
  const region = section(table);
  await region.getByRole('radio', { name: label }).check();
  return region.locator('tbody tr');
}

beforeAll(async () => {
  await ensureBuild();
  idp = await startTestIdp();
  admin = await AdminClient.create(idp);
  await admin.ok(`mutation { createUser(input: {definition: {loginID: {key: "email", value: "existing@example.com"}}}) { user { id } } }`);
  dir = await mkdtemp(join(tmpdir(), 'console-import-'));
  file = join(dir, 'users.json');
  await writeFile(file, JSON.stringify({ identifier: 'email', upsert: false, records }));
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('request', (r) => {
    if (r.url().includes('/_sandbox/api/userimport/') && r.url().endsWith('/progress')) progressReads.push(r.url());
  });
  await page.goto(idp.consoleUrl);
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Import' }).click();
  await page.getByRole('heading', { name: 'Import users', level: 1 }).waitFor();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await idp?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('console import', () => {
  it('the file picker is reachable by keyboard and labelled', async () => {
    expect(await tabTo(page, '#import-file')).toContain('Choose a JSON file');
  });

  it('refuses a file that is not JSON, saying why', async () => {
    await page.getByLabel('Choose a JSON file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"records": [') });
    await page.getByRole('alert').filter({ hasText: 'The file is not valid JSON' }).waitFor();
  });

  it('previews every record with a dry run that saves nothing', async () => {
    const before = await userCount();
    await page.getByLabel('Choose a JSON file').setInputFiles(file);
    await page.locator('[data-file-summary]').filter({ hasText: `users.json: ${NEW + 2} records` }).waitFor();
    const preview = section('3. Preview (dry run: nothing saved yet)');
    await preview.waitFor();
    const filters = await preview.getByRole('radio').evaluateAll((els) => els.map((e) => e.parentElement!.textContent!.trim()));
    expect(filters).toEqual([`All (${NEW + 2})`, `would insert (${NEW})`, 'would update (0)', 'would skip (1)', 'would fail (1)']);
    const failed = await showOnly('3. Preview (dry run: nothing saved yet)', /would fail/);
    expect(await failed.count()).toBe(1);
    expect(await failed.textContent()).toContain('not-an-email');
    expect(await userCount()).toBe(before);
  });

  it('runs the preview again when an option changes (upsert)', async () => {
    await page.getByRole('checkbox', { name: /Update users that already exist/ }).check();
    const preview = section('3. Preview (dry run: nothing saved yet)');
    await preview.getByRole('radio', { name: 'would update (1)' }).waitFor();
    const updated = await showOnly('3. Preview (dry run: nothing saved yet)', /would update/);
    expect(await updated.textContent()).toContain('existing@example.com');
  });

  it('imports with a live progress bar read from the sandbox, then shows the results', async () => {
    const before = await userCount();
    await page.getByRole('button', { name: `Import ${NEW + 2} records` }).click();
    await page.getByRole('heading', { name: 'Imported', level: 2 }).waitFor();
    const bar = page.getByRole('progressbar', { name: 'Imported' });
    expect(await bar.getAttribute('value')).toBe(String(NEW + 2));
    expect(await bar.getAttribute('max')).toBe(String(NEW + 2));
    expect(await page.locator('[data-import-progress]').textContent()).toContain(`${NEW + 2} of ${NEW + 2} records (100%) — ${NEW} inserted, 1 updated, 0 skipped, 1 failed`);
    expect(progressReads.length).toBeGreaterThan(0);
    expect(await userCount()).toBe(before + NEW);
    const existing = await admin.ok(`{ getUserByLoginID(loginIDKey: "email", loginIDValue: "existing@example.com") { standardAttributes } }`);
    expect(existing.getUserByLoginID.standardAttributes.name).toBe('Updated Name');
  });

  it('filters the results by outcome and links inserted users', async () => {
    let rows = await showOnly('Results', /^updated/);
    expect(await rows.count()).toBe(1);
    expect(await rows.textContent()).toContain('existing@example.com');
    rows = await showOnly('Results', /^failed/);
    expect(await rows.count()).toBe(1);
    expect(await rows.textContent()).toMatch(/not-an-email.*failed/);
    rows = await showOnly('Results', /^skipped/);
    expect(await rows.count()).toBe(0);
    rows = await showOnly('Results', /^inserted/);
    // A few hundred at a time.
    expect(await rows.count()).toBe(200);
    await section('Results').getByRole('button', { name: 'Show more' }).click();
    expect(await rows.count()).toBe(NEW);
    const link = rows.first().getByRole('link', { name: 'import-000@example.com' });
    expect(await link.getAttribute('href')).toMatch(/^#\/users\/[A-Za-z0-9_-]+$/);
    // The screenshot shows the refusal with its reason.
    await showOnly('Results', /^failed/);
    await screenshot(page, 'import');
    await showOnly('Results', /^All/);
  });

  it('downloads the results as JSON', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download results (JSON)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^userimport_[A-Z0-9]+-results\.json$/);
    const saved = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(saved.status).toBe('completed');
    expect(saved.summary).toEqual({ total: NEW + 2, inserted: NEW, updated: 1, skipped: 0, failed: 1 });
    expect(saved.details).toHaveLength(NEW + 2);
  });

  it('takes a dropped file (an array of records) too', async () => {
    await page.getByRole('button', { name: 'Import another file' }).click();
    await page.locator('[data-drop-zone]').evaluate((zone) => {
      const data = new DataTransfer();
      data.items.add(new File([JSON.stringify([{ email: 'dropped@example.com' }])], 'dropped.json', { type: 'application/json' }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await page.locator('[data-file-summary]').filter({ hasText: 'dropped.json: 1 record' }).waitFor();
    await section('3. Preview (dry run: nothing saved yet)').getByRole('radio', { name: 'would insert (1)' }).waitFor();
  });
});
