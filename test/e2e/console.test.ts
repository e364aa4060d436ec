// The console (src-renderer) served by a real IdP and driven by a real Chromium.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuild } from '../../scripts/ensure-build.js'
import { startIdp, type RunningIdp } from '../../src-main/idp/index'
import { launchChromium } from '../helpers/chromium'

const SCREENSHOTS = join(import.meta.dirname, '../../test-results/screenshots')
const TOKEN_SCREEN_TEXT = 'Open the console URL printed by the sandbox (it carries a per-launch token)'

interface OverviewClient {
  client_id: string
  name: string
  x_application_type: string
  client_secret: string | null
}

let dataDir: string
let idp: RunningIdp
let browser: Browser
let consoleRoot: string
let clients: OverviewClient[]

beforeAll(async () => {
  await ensureBuild()
  dataDir = await mkdtemp(join(tmpdir(), 'authgear-sandbox-e2e-'))
  idp = await startIdp({ dataDir, port: 0 })
  consoleRoot = new URL('/_sandbox/', idp.consoleUrl).href
  const res = await fetch(new URL('api/overview', consoleRoot), {
    headers: { Authorization: `Bearer ${idp.consoleToken}` },
  })
  clients = ((await res.json()) as { clients: OverviewClient[] }).clients
  browser = await launchChromium()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await idp?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

async function openConsole(context: BrowserContext, url = idp.consoleUrl): Promise<Page> {
  const page = await context.newPage()
  await page.goto(url)
  return page
}

describe('console overview', () => {
  let context: BrowserContext
  let page: Page

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(consoleRoot).origin })
    page = await openConsole(context)
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor()
  })

  afterAll(async () => {
    await context?.close()
  })

  it('shows the issuer', async () => {
    const issuerRow = page.locator('.row', { has: page.locator('dt', { hasText: /^Issuer URL$/ }) })
    expect(await issuerRow.locator('code').textContent()).toBe(idp.issuer)
  })

  it('saves a screenshot', async () => {
    await page.evaluate(() => window.scrollTo(0, 0))
    await mkdir(SCREENSHOTS, { recursive: true })
    await page.screenshot({ path: join(SCREENSHOTS, 'overview.png'), fullPage: true })
  })

  it('lists both seeded clients with their ids', async () => {
    expect(clients.map((c) => c.x_application_type).sort()).toEqual(['confidential', 'spa'])
    const section = page.getByRole('region', { name: 'Clients' })
    for (const client of clients) {
      const card = section.getByRole('article', { name: client.name })
      await card.waitFor()
      expect(await card.locator('code').first().textContent()).toBe(client.client_id)
    }
  })

  it('keeps a confidential client secret hidden until revealed', async () => {
    const confidential = clients.find((c) => c.client_secret)!
    const card = page.getByRole('region', { name: 'Clients' }).getByRole('article', { name: confidential.name })
    expect(await card.textContent()).not.toContain(confidential.client_secret)
    await card.getByRole('button', { name: `Show Client secret of ${confidential.name}` }).click()
    expect(await card.textContent()).toContain(confidential.client_secret)
  })

  it('offers an @authgear/web snippet with the SPA client id and the issuer', async () => {
    const spa = clients.find((c) => c.x_application_type === 'spa')!
    const snippet = await page.getByRole('figure', { name: '@authgear/web configuration' }).locator('pre').textContent()
    expect(snippet).toContain(`clientID: ${JSON.stringify(spa.client_id)}`)
    expect(snippet).toContain(`endpoint: ${JSON.stringify(idp.issuer)}`)
    expect(snippet).toContain('sessionType: "refresh_token"')
    expect(snippet).toContain('startAuthentication({')
  })

  it('removes the console token from the address bar', async () => {
    expect(page.url()).not.toContain('token=')
    expect(page.url()).not.toContain(idp.consoleToken)
  })

  it('reaches the first copy button by keyboard, names it and copies with it', async () => {
    await page.reload() // the token survives in sessionStorage
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor()
    let focusedCopyButton = false
    // Past the skip link and the eleven section links of the navigation.
    for (let i = 0; i < 20 && !focusedCopyButton; i++) {
      await page.keyboard.press('Tab')
      focusedCopyButton = await page.evaluate(() => document.activeElement?.hasAttribute('data-copy') ?? false)
    }
    expect(focusedCopyButton).toBe(true)
    const focused = page.locator('*:focus')
    expect(await focused.ariaSnapshot()).toBe('- button "Copy Issuer URL"')

    await page.keyboard.press('Enter')
    await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor()
    expect(await focused.textContent()).toContain('Copied')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(idp.issuer)
  })
})

describe('console overview: SDK setup and server health', () => {
  let context: BrowserContext
  let page: Page
  const api = (path: string, init: RequestInit = {}) =>
    fetch(new URL(`api/${path}`, consoleRoot), {
      ...init,
      headers: { Authorization: `Bearer ${idp.consoleToken}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    })
  const snippet = (title: string | RegExp) => page.getByRole('figure', { name: title }).locator('pre').textContent()
  const tab = (name: string) => page.getByRole('tablist', { name: 'Platform' }).getByRole('tab', { name, exact: true })

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    page = await openConsole(context)
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor()
  })

  afterAll(async () => {
    await context?.close()
  })

  it('shows the server health and keeps it live', async () => {
    const health = (await (await api('health')).json()) as { users: number; flushes: number }
    await expect.poll(() => page.locator('[data-health-users]').textContent()).toBe(String(health.users))
    expect(await page.locator('[data-health-ok]').textContent()).toBe('OK')
    expect(await page.locator('[data-health-db]').textContent()).toMatch(/^\d+(\.\d)? (KiB|MiB)$/)
    // A sign-up elsewhere shows up without a reload.
    const res = await fetch(new URL('/api/v1/authentication_flows', idp.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'signup', name: 'default', batch_input: [{ identification: 'email', login_id: 'health@example.com' }] }),
    })
    expect(res.status).toBe(200)
    const flushes = Number((await page.locator('[data-health-flushes]').textContent())!.replace(/\D/g, ''))
    expect(flushes).toBeGreaterThanOrEqual(0)
    await expect.poll(() => page.locator('[data-health-flushes]').textContent().then((t) => Number(t!.replace(/\D/g, ''))), { timeout: 10_000 }).toBeGreaterThan(flushes)
  })

  it('offers each browser SDK set up with the SPA client and a pre-registered redirect URI', async () => {
    const spa = clients.find((c) => c.x_application_type === 'spa')!
    expect(await snippet('@authgear/web configuration')).toContain(`clientID: ${JSON.stringify(spa.client_id)}`)
    for (const [name, port] of [['React', 5173], ['Vue', 5173], ['Angular', 4200]] as const) {
      await tab(name).click()
      const code = (await snippet(new RegExp(`^${name} \\(`)))!
      expect(code).toContain(`endpoint: ${JSON.stringify(idp.issuer)}`)
      expect(code).toContain(`clientID: ${JSON.stringify(spa.client_id)}`)
      expect(code).toContain(`redirectURI: "http://localhost:${port}/auth-redirect"`)
      expect(code).toContain('authgear.finishAuthentication()')
    }
  })

  it('moves between platforms with the arrow keys', async () => {
    await tab('Web (JavaScript)').click()
    await page.keyboard.press('ArrowRight')
    expect(await page.locator('*:focus').ariaSnapshot()).toContain('tab "React" [selected]')
    await page.keyboard.press('End')
    expect(await page.locator('*:focus').ariaSnapshot()).toContain('tab "Any OIDC library" [selected]')
    await page.getByRole('figure', { name: 'openid-client 6 (Node)' }).waitFor()
    await page.keyboard.press('Home')
    expect(await page.locator('*:focus').ariaSnapshot()).toContain('tab "Web (JavaScript)" [selected]')
  })

  it('asks for a native-app client for mobile SDKs, then uses one', async () => {
    await tab('Flutter').click()
    await page.locator('[data-no-native-client]').waitFor()
    expect(await snippet('Flutter (Dart)')).toContain('clientID: "<client ID of a native app client>"')

    const res = await api('clients', {
      method: 'POST',
      body: JSON.stringify({ client_id: 'my-mobile', name: 'My mobile app', x_application_type: 'native', redirect_uris: ['com.example.mobile://host/path'] }),
    })
    expect(res.status).toBe(201)
    await page.reload()
    await tab('Flutter').click()
    const flutter = await snippet('Flutter (Dart)')
    expect(flutter).toContain(`endpoint: ${JSON.stringify(idp.issuer)}`)
    expect(flutter).toContain('clientID: "my-mobile"')
    expect(flutter).toContain('redirectURI: "com.example.mobile://host/path"')
    await tab('React Native').click()
    expect(await snippet('React Native (JavaScript)')).toContain('from "@authgear/react-native"')
    await tab('iOS').click()
    expect(await snippet('iOS (Swift)')).toContain(`Authgear(clientId: "my-mobile", endpoint: ${JSON.stringify(idp.issuer)})`)
    await tab('Android').click()
    expect(await snippet('Android (Java)')).toContain(`new Authgear(getApplication(), "my-mobile", ${JSON.stringify(idp.issuer)})`)
    expect(await page.getByRole('tabpanel').textContent()).toContain(`adb reverse tcp:${idp.port} tcp:${idp.port}`)
    await tab('Web (JavaScript)').click()
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: join(SCREENSHOTS, 'overview.png'), fullPage: true })
  })
})

describe('console without the console token', () => {
  it('asks the user to open the console URL', async () => {
    const context = await browser.newContext()
    try {
      const page = await openConsole(context, consoleRoot)
      await page.getByText(TOKEN_SCREEN_TEXT).waitFor()
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Console token required')
    } finally {
      await context.close()
    }
  })

  it('treats a token from another launch like no token', async () => {
    const context = await browser.newContext()
    try {
      const page = await openConsole(context, `${consoleRoot}?token=not-this-launch`)
      await page.getByText(TOKEN_SCREEN_TEXT).waitFor()
      expect(page.url()).not.toContain('token=')
    } finally {
      await context.close()
    }
  })

  it('the overview API answers 401 without the Authorization header', async () => {
    const res = await fetch(new URL('api/overview', consoleRoot))
    expect(res.status).toBe(401)
    const body = (await res.json()) as { error: { reason: string; code: number } }
    expect(body.error).toMatchObject({ reason: 'ConsoleTokenRequired', code: 401 })
  })
})
