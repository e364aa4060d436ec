// The console's Outbox view against a real IdP in a real Chromium: codes from sign-ups appear
// (and keep appearing without a reload), the recipient filter narrows them, and clearing empties it.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuild } from '../../scripts/ensure-build.js'
import { launchChromium } from '../helpers/chromium'
import { startTestIdp, type TestIdp } from '../helpers/idp'

const SCREENSHOTS = join(import.meta.dirname, '../../test-results/screenshots')
const FIRST = 'outbox-test@example.com'
const SECOND = 'outbox-second@example.com'
const EMPTY_TEXT = 'No messages yet: sign up or sign in through the sandbox and codes appear here'

interface OutboxMessage {
  to: string
  message_type: string
  code: string | null
}

let idp: TestIdp
let browser: Browser
let context: BrowserContext
let page: Page

/** Starts a sign-up through the Authentication Flow API; the sandbox "sends" a verification code. */
async function signUp(email: string): Promise<void> {
  const res = await fetch(new URL('/api/v1/authentication_flows', idp.issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'signup',
      name: 'default',
      batch_input: [{ identification: 'email', login_id: email }],
    }),
  })
  expect(res.status).toBe(200)
}

async function latestMessage(to: string): Promise<OutboxMessage> {
  const url = new URL('/_sandbox/api/outbox/latest', idp.consoleUrl)
  url.searchParams.set('to', to)
  const res = await fetch(url, { headers: { Authorization: `Bearer ${idp.consoleToken}` } })
  expect(res.status).toBe(200)
  return (await res.json()) as OutboxMessage
}

const rows = () => page.locator('table tbody tr')
const rowTo = (to: string) => rows().filter({ has: page.getByRole('cell', { name: to, exact: true }) })

beforeAll(async () => {
  await ensureBuild()
  idp = await startTestIdp()
  browser = await launchChromium()
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  page = await context.newPage()
  page.on('dialog', (dialog) => void dialog.accept())
}, 180_000)

afterAll(async () => {
  await context?.close()
  await browser?.close()
  await idp?.dispose()
})

describe('console outbox', () => {
  it('is reachable from the navigation and shows the sign-up code', async () => {
    await signUp(FIRST)
    const expected = await latestMessage(FIRST)
    expect(expected.code).toMatch(/^\d{6}$/)

    await page.goto(idp.consoleUrl)
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor()
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Outbox' }).click()
    await page.getByRole('heading', { name: 'Outbox', level: 1 }).waitFor()
    expect(page.url()).toMatch(/#\/outbox$/)

    const row = rowTo(FIRST)
    await row.waitFor()
    expect(await row.locator('[data-otp]').textContent()).toBe(expected.code)
    expect(await row.getByRole('cell').nth(2).textContent()).toContain('Verification code')
    expect(await row.getByRole('button', { name: `Copy code for ${FIRST}` }).isVisible()).toBe(true)
  })

  it('shows a new message without reloading (auto refresh)', async () => {
    const before = await page.evaluate(() => performance.timeOrigin)
    await signUp(SECOND)
    const expected = await latestMessage(SECOND)
    const row = rowTo(SECOND)
    await row.waitFor({ timeout: 10_000 })
    expect(await row.locator('[data-otp]').textContent()).toBe(expected.code)
    expect(await page.evaluate(() => performance.timeOrigin)).toBe(before) // same document
    // Newest first.
    expect(await rows().first().getByRole('cell').nth(1).textContent()).toBe(SECOND)
    expect(await rows().count()).toBe(2)
  })

  it('saves a screenshot', async () => {
    await mkdir(SCREENSHOTS, { recursive: true })
    await page.screenshot({ path: join(SCREENSHOTS, 'outbox.png'), fullPage: true })
  })

  it('filters by recipient', async () => {
    const filter = page.getByRole('searchbox', { name: 'Filter by recipient' })
    await filter.fill('second')
    await expect.poll(() => rows().count()).toBe(1)
    expect(await rows().first().getByRole('cell').nth(1).textContent()).toBe(SECOND)

    await filter.fill('nobody@')
    await page.getByText('No messages to an address containing “nobody@”.').waitFor()
    expect(await rows().count()).toBe(0)

    await filter.fill('')
    await expect.poll(() => rows().count()).toBe(2)
  })

  it('refreshes on demand', async () => {
    await page.getByRole('button', { name: 'Refresh', exact: true }).click()
    await expect.poll(() => rows().count()).toBe(2)
  })

  it('clears the outbox after confirmation', async () => {
    await page.getByRole('button', { name: 'Clear outbox' }).click()
    await page.getByText(EMPTY_TEXT).waitFor()
    await page.getByRole('status').filter({ hasText: 'Deleted 2 messages.' }).waitFor()
    expect(await rows().count()).toBe(0)

    const res = await fetch(new URL('/_sandbox/api/outbox', idp.consoleUrl), {
      headers: { Authorization: `Bearer ${idp.consoleToken}` },
    })
    expect(((await res.json()) as { messages: unknown[] }).messages).toEqual([])
  })

  it('stops polling after leaving the view', async () => {
    let outboxRequests = 0
    page.on('request', (req) => {
      if (new URL(req.url()).pathname === '/_sandbox/api/outbox') outboxRequests++
    })
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Overview' }).click()
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor()
    outboxRequests = 0
    await page.waitForTimeout(4500)
    expect(outboxRequests).toBe(0)
  })
})
