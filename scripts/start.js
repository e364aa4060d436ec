#!/usr/bin/env node
// `npm start [-- args]`: builds if needed, then runs the desktop app when Electron can run here,
// otherwise the headless sandbox (`authgear-sandbox serve args`). Exit codes are passed through.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { ensureBuild } from './ensure-build.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = fileURLToPath(new URL('../bin/authgear-sandbox.js', import.meta.url))
/** An Electron that dies this soon with an error is treated as unable to run here. */
const ELECTRON_GRACE_MS = 3000
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP']

/** Path of the Electron binary, or the reason Electron cannot be used. */
function findElectron() {
  const require = createRequire(import.meta.url)
  try {
    require.resolve('electron')
  } catch {
    return { reason: 'the electron package is not installed' }
  }
  let binary
  try {
    binary = require('electron') // the package exports the binary's path; it throws without one
  } catch {
    return { reason: 'the Electron binary is not installed' }
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return { reason: 'the Electron binary is not installed' }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)' }
  }
  if (process.env.CI) return { reason: 'CI is set' }
  return { binary }
}

/**
 * Runs a child with inherited output and forwards our termination signals to it exactly once.
 * On POSIX the child gets its own process group, so a terminal's Ctrl-C reaches it only through
 * us (not twice, which a server could take as "force quit").
 */
function run(command, args) {
  const posix = process.platform !== 'win32'
  const child = spawn(command, args, {
    stdio: [posix ? 'ignore' : 'inherit', 'inherit', 'inherit'],
    detached: posix,
  })
  let signalled = false
  const handlers = FORWARDED_SIGNALS.map((signal) => {
    const handler = () => {
      signalled = true
      // On Windows the console delivers Ctrl-C to the child itself; kill() would be abrupt.
      if (posix || signal !== 'SIGINT') child.kill(signal)
    }
    process.on(signal, handler)
    return [signal, handler]
  })
  // npm may exit on a signal without passing it on: when our parent is gone, stop the child.
  const parent = process.ppid
  const orphanWatch = setInterval(() => {
    if (process.ppid !== parent && !signalled) {
      signalled = true
      child.kill('SIGTERM')
    }
  }, 500)
  orphanWatch.unref()
  const done = new Promise((resolve) => {
    child.once('error', (error) => resolve({ error }))
    child.once('exit', (code, signal) => resolve({ code, signal }))
  }).finally(() => {
    clearInterval(orphanWatch)
    for (const [signal, handler] of handlers) process.off(signal, handler)
  })
  return { child, done, wasSignalled: () => signalled }
}

/** Ends this process the way the child ended (never resolves). */
function exitLike({ code, signal, error }) {
  if (error) {
    console.error(error.message)
    process.exit(1)
  }
  if (!signal) process.exit(code ?? 1)
  process.exitCode = 128 + (os.constants.signals[signal] ?? 0)
  process.kill(process.pid, signal) // our forwarding handlers are gone: this ends us too
  return new Promise(() => {})
}

async function startElectron(binary, args) {
  const electron = run(binary, [ROOT, ...args])
  const early = await Promise.race([
    electron.done,
    new Promise((resolve) => setTimeout(() => resolve(null), ELECTRON_GRACE_MS).unref()),
  ])
  if (early && !electron.wasSignalled() && (early.error || early.code !== 0)) {
    return early.error ? `Electron failed to start (${early.error.message})` : `Electron exited early (${early.signal ?? `code ${early.code}`})`
  }
  return exitLike(await electron.done)
}

async function startHeadless(args) {
  return exitLike(await run(process.execPath, [CLI, 'serve', ...args]).done)
}

async function main() {
  const args = process.argv.slice(2)
  try {
    await ensureBuild()
  } catch (err) {
    console.error(err.message)
    process.exit(1)
  }
  const electron = findElectron()
  if (electron.binary) {
    const failure = await startElectron(electron.binary, args)
    console.error(`${failure}; starting the headless sandbox instead.`)
  } else {
    console.error(`Not using Electron: ${electron.reason}; starting the headless sandbox.`)
  }
  await startHeadless(args)
}

void main()
