// Electron main process: a thin desktop shell around the IdP. It starts the same startIdp() as the
// headless CLI, opens one window on the console and adds desktop comforts. See ARCHITECTURE.md.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, clipboard, dialog, Menu, session, shell, type MenuItemConstructorOptions } from 'electron'
import { startIdp, type RunningIdp } from './idp/index'
import { loadWindowState, trackWindowState } from './window-state'
import { decideNavigation, windowOrigins } from './navigation-policy'

const DEFAULT_PORT = 3100

let idp: RunningIdp | null = null
let mainWindow: BrowserWindow | null = null
let stopState: 'running' | 'stopping' | 'stopped' = 'running'

/** `--name value` or `--name=value` from the command line. */
function argValue(name: string): string | undefined {
  const args = process.argv.slice(1)
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === `--${name}`) return args[i + 1]
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3)
  }
  return undefined
}

function isAddressInUse(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null
  // startIdp reports a busy port as a StartupError whose message says "already in use".
  return e?.code === 'EADDRINUSE' || (typeof e?.message === 'string' && /EADDRINUSE|already in use/i.test(e.message))
}

async function startSandbox(dataDir: string): Promise<RunningIdp> {
  const port = Number(argValue('port') ?? DEFAULT_PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid --port: ${argValue('port')}`)
  // The console is built next to this file: out/main/index.js -> out/renderer/.
  const consoleDir = fileURLToPath(new URL('../renderer/', import.meta.url))
  try {
    return await startIdp({ dataDir, port, consoleDir })
  } catch (err) {
    if (port === 0 || !isAddressInUse(err)) throw err
    console.warn(`Port ${port} is busy; using a free port instead.`)
    return await startIdp({ dataDir, port: 0, consoleDir })
  }
}

function createWindow(running: RunningIdp): BrowserWindow {
  const stateFile = join(app.getPath('userData'), 'window-state.json')
  const state = loadWindowState(stateFile)
  const win = new BrowserWindow({
    ...state.bounds,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Authgear Sandbox',
    // Linux shows this in the task bar; macOS and Windows take the packaged app's icon.
    icon: join(app.getAppPath(), 'resources', 'icon.png'),
    webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
  })
  if (state.maximized) win.maximize()
  trackWindowState(win, stateFile)

  // The window only ever shows the IdP; web links elsewhere open in the user's browser.
  const allowedOrigins = windowOrigins(running.consoleUrl, running.issuer)
  const keepInside = (event: { url: string; preventDefault(): void }) => {
    const decision = decideNavigation(event.url, allowedOrigins)
    if (decision === 'allow') return
    event.preventDefault()
    if (decision === 'open-externally') void shell.openExternal(event.url)
  }
  win.webContents.on('will-navigate', keepInside)
  win.webContents.on('will-redirect', keepInside)
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (decideNavigation(url, allowedOrigins) !== 'block') void shell.openExternal(url)
    return { action: 'deny' }
  })

  win.once('ready-to-show', () => win.show())
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
  })
  void win.loadURL(running.consoleUrl)
  return win
}

function buildMenu(running: RunningIdp, dataDir: string): Menu {
  const sandboxMenu: MenuItemConstructorOptions = {
    label: 'Sandbox',
    submenu: [
      {
        label: 'Open data folder',
        click: () => {
          void shell.openPath(dataDir).then((error) => {
            if (error) dialog.showErrorBox('Could not open the data folder', `${dataDir}\n\n${error}`)
          })
        },
      },
      { label: 'Copy issuer URL', click: () => clipboard.writeText(running.issuer) },
      { type: 'separator' },
      process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
    ],
  }
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    sandboxMenu,
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ]
  return Menu.buildFromTemplate(template)
}

function focusMainWindow(): void {
  if (!mainWindow) return
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.show()
  mainWindow.focus()
}

async function onReady(): Promise<void> {
  // The console needs the clipboard (copy buttons) and nothing else.
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(permission === 'clipboard-sanitized-write')
  })

  const dataArg = argValue('data')
  const dataDir = dataArg ? resolve(dataArg) : join(app.getPath('userData'), 'data')
  mkdirSync(dataDir, { recursive: true })

  try {
    idp = await startSandbox(dataDir)
  } catch (err) {
    dialog.showErrorBox('Authgear Sandbox could not start', err instanceof Error ? err.message : String(err))
    app.exit(1)
    return
  }
  console.log(`Authgear Sandbox: issuer ${idp.issuer}`)
  console.log(`Console: ${idp.consoleUrl}`)

  Menu.setApplicationMenu(buildMenu(idp, dataDir))
  mainWindow = createWindow(idp)

  app.on('activate', () => {
    if (idp && !mainWindow) mainWindow = createWindow(idp)
    else focusMainWindow()
  })
}

if (!app.requestSingleInstanceLock()) {
  // Another sandbox is running: it focuses its window (below) and this instance leaves.
  app.quit()
} else {
  app.on('second-instance', focusMainWindow)

  // No <webview> anywhere: refuse to attach one, whatever the page asks.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  // Stop the IdP (flushing its database) before the process ends.
  app.on('will-quit', (event) => {
    if (!idp || stopState === 'stopped') return
    event.preventDefault()
    if (stopState === 'stopping') return
    stopState = 'stopping'
    idp
      .close()
      .catch((err: unknown) => console.error('Error while stopping the IdP:', err))
      .finally(() => {
        stopState = 'stopped'
        app.quit()
      })
  })

  app.whenReady().then(onReady, (err: unknown) => {
    console.error(err)
    app.exit(1)
  })
}
