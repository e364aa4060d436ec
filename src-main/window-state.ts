// Remembers the console window's size and position between launches, in a small JSON file.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { BrowserWindow, Rectangle } from 'electron'
import { screen } from 'electron'

export interface WindowState {
  bounds: Rectangle
  maximized: boolean
}

const DEFAULT_SIZE = { width: 1200, height: 820 }

/** The saved state if it is well-formed and still on a connected display; else a default size. */
export function loadWindowState(file: string): { bounds: Partial<Rectangle>; maximized: boolean } {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<WindowState>
    const b = saved.bounds
    const valid =
      b !== undefined &&
      [b.x, b.y, b.width, b.height].every((n) => Number.isInteger(n)) &&
      b.width >= 400 &&
      b.height >= 300
    if (valid && isOnSomeDisplay(b)) return { bounds: b, maximized: saved.maximized === true }
  } catch {
    // first launch or unreadable file: use the default
  }
  return { bounds: DEFAULT_SIZE, maximized: false }
}

/** Saves the window's state whenever it is about to close. */
export function trackWindowState(win: BrowserWindow, file: string): void {
  win.on('close', () => {
    const state: WindowState = { bounds: win.getNormalBounds(), maximized: win.isMaximized() }
    try {
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, JSON.stringify(state))
    } catch (err) {
      console.warn(`Could not save window state to ${file}:`, err)
    }
  })
}

function isOnSomeDisplay(b: Rectangle): boolean {
  return screen.getAllDisplays().some(({ workArea: a }) => {
    // at least a 100×50 corner of the title bar area must be visible
    const overlapX = Math.min(b.x + b.width, a.x + a.width) - Math.max(b.x, a.x)
    const overlapY = Math.min(b.y + b.height, a.y + a.height) - Math.max(b.y, a.y)
    return overlapX >= 100 && overlapY >= 50
  })
}
