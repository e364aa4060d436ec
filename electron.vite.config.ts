import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLogger, defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import type { Plugin } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

// electron-vite derives its Node/Chrome targets from node_modules/electron/package.json. The
// Electron binary (and often the package) cannot be installed everywhere, so fall back to the
// major version declared in our own package.json. scripts/ensure-build.js sets the same variable.
if (!process.env.ELECTRON_MAJOR_VER && !existsSync(resolve(root, 'node_modules/electron/package.json'))) {
  const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'))
  const range: string = pkg.optionalDependencies?.electron ?? pkg.devDependencies?.electron ?? ''
  process.env.ELECTRON_MAJOR_VER = /\d+/.exec(range)?.[0] ?? '41'
}

// The console is served by the IdP under /_sandbox/ (in Electron and in any browser alike).
const CONSOLE_BASE = '/_sandbox/'

// electron-vite forces base './' for production renderer builds; put ours back after its preset.
function consoleBase(): Plugin {
  return { name: 'sandbox:console-base', config: () => ({ base: CONSOLE_BASE }) }
}

// ...and drop the one warning electron-vite prints about a custom base, which is intended here.
const rendererLogger = createLogger()
const warn = rendererLogger.warn.bind(rendererLogger)
rendererLogger.warn = (msg, opts) => {
  if (!msg.includes('Should not set "base" option')) warn(msg, opts)
}

// For `electron-vite dev`: the renderer dev server forwards API calls to a running sandbox.
const devIdp = process.env.SANDBOX_IDP_URL ?? 'http://localhost:3100'

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      externalizeDeps: true,
      lib: { entry: resolve(root, 'src-main/index.ts') },
    },
  },
  // No preload script: the renderer talks to the IdP over HTTP only and gets no Electron APIs.
  renderer: {
    root: resolve(root, 'src-renderer'),
    base: CONSOLE_BASE,
    plugins: [vue(), consoleBase()],
    customLogger: rendererLogger,
    build: {
      outDir: resolve(root, 'out/renderer'),
      // The same build also runs in ordinary browsers, not only in Electron's Chromium.
      target: 'es2022',
      minify: true,
      rolldownOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
    server: {
      proxy: {
        '/_sandbox/api': devIdp,
      },
    },
  },
})
