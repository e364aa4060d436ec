// Types for scripts/ensure-build.js, so TypeScript tests can import it.
export interface EnsureBuildOptions {
  /** Repository root (default: the one containing scripts/). */
  root?: string
  /** Build even when the output is up to date. */
  force?: boolean
  /** Receives the one line printed when a build starts (default: stderr). */
  log?: (line: string) => void
}

/** Builds when needed: true if it built, false if up to date. Rejects with the build output on failure. */
export function ensureBuild(options?: EnsureBuildOptions): Promise<boolean>

/** Why a build is needed, or null when the outputs are newer than every input. */
export function staleReason(root?: string): string | null

/** The environment electron-vite needs (ELECTRON_MAJOR_VER when Electron is not installed). */
export function buildEnv(root?: string, env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv
