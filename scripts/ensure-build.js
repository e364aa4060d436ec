#!/usr/bin/env node
// Builds the app (electron-vite: main process + console) only when the build is missing or older
// than its sources. Used by `npm start` and by tests that serve the console.
//
//   node scripts/ensure-build.js           build if stale
//   node scripts/ensure-build.js --force   build anyway
//
// Also importable: `await ensureBuild()` resolves to true when it built, false when up to date.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUTPUTS = ['out/renderer/index.html', 'out/main/index.js']
const INPUTS = ['src-main', 'src-renderer', 'electron.vite.config.ts', 'package.json']
const LOCK_STALE_MS = 5 * 60_000

/** Newest modification time under `path` (a file or a directory tree); 0 if absent. */
function newestMtime(path) {
  let stat
  try {
    stat = statSync(path)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs // catches deleted files too
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

/** Why a build is needed, or null when the outputs are newer than every input. */
export function staleReason(root = ROOT) {
  let oldestOutput = Infinity
  for (const output of OUTPUTS) {
    const path = join(root, output)
    if (!existsSync(path)) return `${output} is missing`
    oldestOutput = Math.min(oldestOutput, statSync(path).mtimeMs)
  }
  for (const input of INPUTS) {
    if (newestMtime(join(root, input)) > oldestOutput) return `${input} changed`
  }
  return null
}

/** Environment for electron-vite, which needs the Electron major version even without Electron. */
export function buildEnv(root = ROOT, env = process.env) {
  if (env.ELECTRON_MAJOR_VER || existsSync(join(root, 'node_modules/electron/package.json'))) return { ...env }
  return { ...env, ELECTRON_MAJOR_VER: '41' }
}

function runElectronViteBuild(root) {
  const require = createRequire(join(root, 'package.json'))
  const bin = join(require.resolve('electron-vite/package.json'), '..', 'bin', 'electron-vite.js')
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'build', '--ignoreConfigWarning'], {
      cwd: root,
      env: buildEnv(root),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (code === 0) resolve()
      else {
        const error = new Error(`electron-vite build failed (${signal ?? `exit code ${code}`})\n${output.trim()}`)
        error.buildOutput = output
        reject(error)
      }
    })
  })
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Serializes builds across processes (parallel test files, `npm start` twice) with a lock dir. */
async function withBuildLock(root, fn) {
  const lock = join(root, 'out', '.build-lock')
  mkdirSync(join(root, 'out'), { recursive: true })
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch (err) {
      if (err.code !== 'EEXIST') throw err
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true })
      } catch {
        // released meanwhile
      }
      await sleep(200)
    }
  }
  try {
    return await fn()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

/**
 * Builds when needed. Resolves to true if it built, false if the build was up to date; rejects
 * (with the build output in the message) when the build fails.
 */
export async function ensureBuild({ root = ROOT, force = false, log = (line) => console.error(line) } = {}) {
  if (!force && staleReason(root) === null) return false
  return withBuildLock(root, async () => {
    // Another process may have built while this one waited for the lock.
    const reason = force ? 'forced' : staleReason(root)
    if (reason === null) return false
    log(`Building Authgear Sandbox (${reason})…`)
    await runElectronViteBuild(root)
    return true
  })
}

function isMainModule() {
  try {
    return process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href
  } catch {
    return false
  }
}

if (isMainModule()) {
  ensureBuild({ force: process.argv.includes('--force') }).catch((err) => {
    console.error(err.message)
    process.exitCode = 1
  })
}
