// The console's Users view against a real IdP in a real Chromium, through the Admin API only:
// a few hundred users seeded through the import API are searched, sorted and paged by the
// sandbox; a user is created, edited (standard and custom attributes), given a new password,
// disabled and enabled, given roles and groups, signed out, and deleted after a confirmation —
// each checked against the Admin API or a real sign-in — and their audit trail is shown.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuild } from '../../scripts/ensure-build.js';
import { launchChromium } from '../helpers/chromium';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { AdminClient, appTokens, passwordLogin, refresh } from '../helpers/admin';
import { runImport } from '../helpers/transfer';
import { screenshot, signUpWithTokens, tabTo, type SignedIn } from '../helpers/console';

const SEEDED = 300;

let idp: TestIdp;
let admin: AdminClient;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let dialogs: string[] = [];
let acceptDialogs = true;
let signedIn: SignedIn;
let createdId: string;

const nav = () => page.getByRole('navigation', { name: 'Console sections' });
const range = () => page.locator('[data-range]');
const userRows = () => page.getByRole('table', { name: 'Users' }).locator('tbody tr');
const firstColumn = () => userRows().locator('td:first-child').allTextContents();
/** Creation times of the rows on screen, in ms. */
const createdTimes = async () => (await userRows().locator('td:nth-child(3) time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')!))).map((t) => Date.parse(t));
const isSorted = (xs: number[], dir: 1 | -1) => xs.every((x, i) => i === 0 || (x - xs[i - 1]!) * dir >= 0);
const status = () => page.getByRole('status').filter({ hasText: /\S/ });
const pad = (n: number) => String(n).padStart(3, '0');

async function userByEmail(email: string): Promise<any> {
  const d = await admin.ok(
    `query ($v: String!) { getUserByLoginID(loginIDKey: "email", loginIDValue: $v) { id isDisabled standardAttributes customAttributes roles { edges { node { key } } } groups { edges { node { key } } } } }`,
    { v: email },
  );
  return d.getUserByLoginID;
}

async function openUsers(): Promise<void> {
  await nav().getByRole('link', { name: 'Users' }).click();
  await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
}

beforeAll(async () => {
  await ensureBuild();
  idp = await startTestIdp({
    editConfig: (doc) => {
      doc.user_profile = { custom_attributes: { attributes: [{ id: 'a1', pointer: '/membership_tier', type: 'enum', enum: ['gold', 'silver'] }] } };
    },
  });
  admin = await AdminClient.create(idp);
  // Seeded through the User Import API, oldest first: user-000 ... user-299.
  const records = Array.from({ length: SEEDED }, (_, i) => ({ email: `user-${pad(i)}@example.com`, name: i === 123 ? 'Grace Hopper' : `Seeded ${pad(i)}` }));
  const imported = await runImport(idp, { identifier: 'email', records });
  expect(imported.summary.inserted).toBe(SEEDED);
  await admin.ok(`mutation { createRole(input: {key: "editor", name: "Editor"}) { role { id } } createGroup(input: {key: "staff", name: "Staff"}) { group { id } } }`);
  // The newest user, with sessions (a sign-in through the built-in pages).
  signedIn = await signUpWithTokens(idp.issuer, 'session-user@example.com');
  await appTokens(idp, 'session-user@example.com', 'password-1234');
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void (acceptDialogs ? dialog.accept() : dialog.dismiss());
  });
  await page.goto(idp.consoleUrl);
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await idp?.dispose();
});

describe('console users: the list', () => {
  it('shows the first page, newest first, with the total the sandbox counts', async () => {
    await openUsers();
    await expect.poll(() => range().textContent()).toBe(`Users 1–25 of ${SEEDED + 1}.`);
    expect(await userRows().count()).toBe(25);
    // The imported users share a few milliseconds; the one who signed up later comes first.
    expect((await firstColumn())[0]).toBe('session-user@example.com');
    expect(isSorted(await createdTimes(), -1)).toBe(true);
  });

  it('the search field is reachable by keyboard and labelled', async () => {
    expect(await tabTo(page, '#users-search')).toContain('searchbox "Search users"');
  });

  it('pages forward and back with Relay cursors, every user exactly once', async () => {
    const page1 = await firstColumn();
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => range().textContent()).toBe(`Users 26–50 of ${SEEDED + 1}.`);
    const page2 = await firstColumn();
    expect(page2).toHaveLength(25);
    expect(page2.filter((e) => page1.includes(e))).toEqual([]);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => range().textContent()).toBe(`Users 51–75 of ${SEEDED + 1}.`);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => range().textContent()).toBe(`Users 26–50 of ${SEEDED + 1}.`);
    expect(await firstColumn()).toEqual(page2);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => range().textContent()).toBe(`Users 1–25 of ${SEEDED + 1}.`);
    expect(await page.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);
  });

  it('walks every page, 100 at a time: each user once, the last page ends the list', async () => {
    await page.getByRole('combobox', { name: 'Per page' }).selectOption('100');
    await expect.poll(() => userRows().count()).toBe(100);
    const seen: string[] = [];
    for (let p = 0; p < 4; p++) {
      const from = p * 100 + 1;
      await expect.poll(() => range().textContent()).toBe(`Users ${from}–${Math.min(from + 99, SEEDED + 1)} of ${SEEDED + 1}.`);
      seen.push(...(await firstColumn()));
      if (p < 3) await page.getByRole('button', { name: 'Next page' }).click();
    }
    expect(seen).toHaveLength(SEEDED + 1);
    expect(new Set(seen).size).toBe(SEEDED + 1);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
  });

  it('sorts on the server (oldest first) and changes the page size', async () => {
    await page.getByRole('combobox', { name: 'Sort by' }).selectOption({ label: 'Oldest first' });
    await expect.poll(async () => (await firstColumn())[0]).toMatch(/^user-\d{3}@example\.com$/);
    expect(await range().textContent()).toBe(`Users 1–100 of ${SEEDED + 1}.`);
    expect(isSorted(await createdTimes(), 1)).toBe(true);
    expect(await firstColumn()).not.toContain('session-user@example.com');
    // Last sign-in: the one user who signed in comes first.
    await page.getByRole('combobox', { name: 'Sort by' }).selectOption({ label: 'Last sign-in, most recent first' });
    await expect.poll(async () => (await firstColumn())[0]).toBe('session-user@example.com');
    await page.getByRole('combobox', { name: 'Per page' }).selectOption('25');
    await expect.poll(() => userRows().count()).toBe(25);
    await page.getByRole('combobox', { name: 'Sort by' }).selectOption({ label: 'Newest first' });
    await expect.poll(async () => (await firstColumn())[0]).toBe('session-user@example.com');
  });

  it('searches on the server by e-mail and by name', async () => {
    await page.getByRole('searchbox', { name: 'Search users' }).fill('user-123@');
    await expect.poll(() => range().textContent()).toBe('Users 1–1 of 1 matching “user-123@”.');
    expect(await firstColumn()).toEqual(['user-123@example.com']);
    await page.getByRole('searchbox', { name: 'Search users' }).fill('Hopper');
    await expect.poll(async () => (await userRows().textContent()) ?? '').toContain('Grace Hopper');
    expect(await firstColumn()).toEqual(['user-123@example.com']);
    await page.getByRole('searchbox', { name: 'Search users' }).fill('no-such-person');
    await expect.poll(() => range().textContent()).toBe('No users match “no-such-person”.');
    await page.getByRole('searchbox', { name: 'Search users' }).fill('');
    await expect.poll(() => range().textContent()).toBe(`Users 1–25 of ${SEEDED + 1}.`);
  });

  it('saves a screenshot of the list', async () => {
    await screenshot(page, 'users');
  });
});

describe('console users: one user', () => {
  it('creates a user with a password and opens it', async () => {
    await page.getByRole('button', { name: 'Create user' }).click();
    const form = page.getByRole('form', { name: 'Create a user' });
    // The form opens with the focus in its first field.
    expect(await page.locator('*:focus').ariaSnapshot()).toContain('combobox "Login ID type"');
    await form.getByRole('textbox', { name: 'Login ID' }).fill('created@example.com');
    await form.getByLabel('Password').fill('password-1234');
    await form.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('heading', { name: 'created@example.com', level: 1 }).waitFor();
    createdId = (await userByEmail('created@example.com')).id;
    expect(page.url()).toContain(`#/users/${createdId}`);
    expect((await passwordLogin(idp, 'created@example.com', 'password-1234')).status).toBe(200);
    const identities = page.getByRole('table', { name: 'Identities' });
    expect(await identities.textContent()).toContain('created@example.com');
    expect(await page.getByRole('table', { name: 'Authenticators' }).textContent()).toContain('password');
  });

  it('edits standard and custom attributes', async () => {
    await page.getByRole('textbox', { name: 'Given name' }).fill('Ada');
    await page.getByRole('textbox', { name: 'Family name' }).fill('Lovelace');
    await page.getByRole('textbox', { name: 'City or locality' }).fill('London');
    await page.getByRole('textbox', { name: 'Custom attributes (JSON)' }).fill('{"membership_tier": "gold"}');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await status().filter({ hasText: 'Saved the profile.' }).waitFor();
    const u = await userByEmail('created@example.com');
    expect(u.standardAttributes).toMatchObject({ email: 'created@example.com', given_name: 'Ada', family_name: 'Lovelace', address: { locality: 'London' } });
    expect(u.customAttributes).toEqual({ membership_tier: 'gold' });
  });

  it('shows the sandbox\'s refusal of an invalid custom attribute and changes nothing', async () => {
    await page.getByRole('textbox', { name: 'Custom attributes (JSON)' }).fill('{"membership_tier": "platinum"}');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('alert').first().waitFor();
    expect(await page.getByRole('alert').first().textContent()).toMatch(/invalid|validation/i);
    // Which attribute and which rule, not only "invalid value".
    expect(await page.getByRole('alert').first().textContent()).toContain('/membership_tier');
    expect((await userByEmail('created@example.com')).customAttributes).toEqual({ membership_tier: 'gold' });
    await page.getByRole('textbox', { name: 'Custom attributes (JSON)' }).fill('not json');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('alert').filter({ hasText: 'Custom attributes are not valid JSON' }).waitFor();
  });

  it('resets the password: the new one signs in, the old one no longer does', async () => {
    await page.getByRole('textbox', { name: 'New password', exact: true }).fill('another-password-5678');
    await page.getByRole('button', { name: 'Set password' }).click();
    await status().filter({ hasText: 'Set the new password.' }).waitFor();
    expect((await passwordLogin(idp, 'created@example.com', 'another-password-5678')).status).toBe(200);
    expect((await passwordLogin(idp, 'created@example.com', 'password-1234')).status).not.toBe(200);
  });

  it('disables (after asking) and enables the user; a disabled user cannot sign in', async () => {
    dialogs = [];
    expect(await tabTo(page, '.account-actions button:first-child')).toContain('button "Disable user"');
    await page.getByRole('button', { name: 'Disable user' }).click();
    expect(dialogs[0]).toContain('Disable created@example.com?');
    await page.locator('[data-user-status]').filter({ hasText: 'Disabled' }).waitFor();
    expect((await userByEmail('created@example.com')).isDisabled).toBe(true);
    expect((await passwordLogin(idp, 'created@example.com', 'another-password-5678')).status).not.toBe(200);
    await page.getByRole('button', { name: 'Enable user' }).click();
    await page.locator('[data-user-status]').filter({ hasText: 'Active' }).waitFor();
    expect((await userByEmail('created@example.com')).isDisabled).toBe(false);
    expect((await passwordLogin(idp, 'created@example.com', 'another-password-5678')).status).toBe(200);
  });

  it('adds and removes a role and a group', async () => {
    const roles = page.locator('[data-key-list="role"]');
    await roles.getByRole('combobox', { name: 'Add a role by key' }).fill('editor');
    await roles.getByRole('button', { name: 'Add role' }).click();
    await roles.getByRole('button', { name: 'Remove role editor' }).waitFor();
    const groups = page.locator('[data-key-list="group"]');
    await groups.getByRole('combobox', { name: 'Add a group by key' }).fill('staff');
    await groups.getByRole('button', { name: 'Add group' }).click();
    await groups.getByRole('button', { name: 'Remove group staff' }).waitFor();
    let u = await userByEmail('created@example.com');
    expect(u.roles.edges.map((e: any) => e.node.key)).toEqual(['editor']);
    expect(u.groups.edges.map((e: any) => e.node.key)).toEqual(['staff']);
    // An unknown key is refused with the sandbox's reason.
    await roles.getByRole('combobox', { name: 'Add a role by key' }).fill('no-such-role');
    await roles.getByRole('button', { name: 'Add role' }).click();
    await page.getByRole('alert').first().waitFor();
    await roles.getByRole('button', { name: 'Remove role editor' }).click();
    await expect.poll(() => roles.getByRole('button', { name: 'Remove role editor' }).count()).toBe(0);
    await groups.getByRole('button', { name: 'Remove group staff' }).click();
    await expect.poll(() => groups.getByRole('button', { name: 'Remove group staff' }).count()).toBe(0);
    u = await userByEmail('created@example.com');
    expect(u.roles.edges).toEqual([]);
    expect(u.groups.edges).toEqual([]);
  });

  it('shows the user\'s audit trail, newest first', async () => {
    // More history than one page holds: a few edits through the Admin API, then one here.
    for (let i = 0; i < 4; i++) await admin.ok(`mutation ($id: ID!) { updateUser(input: {userID: $id, customAttributes: "{}"}) { user { id } } }`, { id: createdId });
    await page.getByRole('button', { name: 'Save profile' }).click();
    await status().filter({ hasText: 'Saved the profile.' }).waitFor();
    await page.locator('[data-key-list="group"]').getByRole('combobox', { name: 'Add a group by key' }).fill('staff');
    await page.locator('[data-key-list="group"]').getByRole('button', { name: 'Add group' }).click();
    await page.getByRole('button', { name: 'Remove group staff' }).click();
    const log = page.locator('[data-audit-log]');
    // The latest two changes lead. (Wait for them, not for the text: an earlier test removed a
    // group too, so the text alone may be there before the log has refreshed.)
    const top = async () => (await log.locator('tbody tr td:nth-child(2)').allTextContents()).slice(0, 2);
    await expect.poll(top).toEqual(['ADMIN_API_MUTATION_REMOVE_USER_FROM_GROUPS_EXECUTED', 'ADMIN_API_MUTATION_ADD_USER_TO_GROUPS_EXECUTED']);
    const activities = await log.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(activities).toContain('ADMIN_API_MUTATION_UPDATE_USER_EXECUTED');
    // Twenty at a time; older entries on request.
    expect(activities.length).toBe(20);
    await page.getByRole('button', { name: 'Show older entries' }).click();
    await expect.poll(() => log.locator('tbody tr').count()).toBeGreaterThan(20);
    const all = await log.locator('tbody tr td:nth-child(2)').allTextContents();
    for (const a of ['ADMIN_API_MUTATION_RESET_PASSWORD_EXECUTED', 'ADMIN_API_MUTATION_SET_DISABLED_STATUS_EXECUTED', 'USER_DISABLED', 'USER_REENABLED', 'ADMIN_API_MUTATION_CREATE_USER_EXECUTED']) {
      expect(all).toContain(a);
    }
    expect(all.at(-1)).toBe('USER_CREATED');
  });

  it('saves a screenshot of a user', async () => {
    await screenshot(page, 'user');
  });

  it('revokes one session, then all: the refresh token stops working', async () => {
    await openUsers();
    await page.getByRole('searchbox', { name: 'Search users' }).fill('session-user');
    await page.getByRole('link', { name: 'session-user@example.com' }).click();
    await page.getByRole('heading', { name: 'session-user@example.com', level: 1 }).waitFor();
    const sessions = page.getByRole('table', { name: 'Sessions' }).locator('tbody tr');
    const before = await sessions.count();
    // Two sign-ins, each an IdP session and a refresh-token (offline) session.
    expect(before).toBe(4);
    const revoked = await sessions.first().getAttribute('data-session-id');
    await sessions.first().getByRole('button', { name: /^Revoke session/ }).click();
    await status().filter({ hasText: 'Revoked the session.' }).waitFor();
    const left = await sessions.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-session-id')));
    expect(left).not.toContain(revoked);
    expect(left.length).toBeGreaterThan(0);
    dialogs = [];
    await page.getByRole('button', { name: 'Revoke all sessions' }).click();
    expect(dialogs[0]).toContain('Sign session-user@example.com out of every session?');
    await page.getByText('No active sessions.').waitFor();
    expect((await refresh(idp, signedIn.refreshToken)).error).toBe('invalid_grant');
  });

  it('deletes a user only after confirmation', async () => {
    await page.goto(`${new URL(idp.consoleUrl).origin}/_sandbox/#/users/${createdId}`);
    await page.getByRole('heading', { name: 'created@example.com', level: 1 }).waitFor();
    acceptDialogs = false;
    dialogs = [];
    await page.getByRole('button', { name: 'Delete user' }).click();
    expect(dialogs[0]).toContain('Delete created@example.com for good?');
    expect(await userByEmail('created@example.com')).not.toBeNull();
    acceptDialogs = true;
    await page.getByRole('button', { name: 'Delete user' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    expect(await userByEmail('created@example.com')).toBeNull();
    const gone = await admin.ok(`query ($id: ID!) { node(id: $id) { id } }`, { id: createdId });
    expect(gone.node).toBeNull();
  });

  it('says so for a user that does not exist', async () => {
    await page.goto(`${new URL(idp.consoleUrl).origin}/_sandbox/#/users/${createdId}`);
    await page.getByRole('heading', { name: 'No such user', level: 1 }).waitFor();
  });
});
