// The console token is minted per launch and handed to the user in the console URL
// (`/_sandbox/?token=...`). It is kept for this tab only and never left in the address bar.

const STORAGE_KEY = 'authgear-sandbox.console-token'

/** Moves `?token=` from the address bar into sessionStorage; returns the token in effect. */
export function captureConsoleToken(): string | null {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl !== null) {
    url.searchParams.delete('token')
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash)
    if (fromUrl) sessionStorage.setItem(STORAGE_KEY, fromUrl)
  }
  return readConsoleToken()
}

export function readConsoleToken(): string | null {
  return sessionStorage.getItem(STORAGE_KEY) || null
}

export function forgetConsoleToken(): void {
  sessionStorage.removeItem(STORAGE_KEY)
}
