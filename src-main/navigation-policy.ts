// What the console window may show: only the IdP's own origins. Everything else the page tries to
// open goes to the user's browser if it is a web link, and nowhere otherwise. Kept free of
// Electron imports so it is unit-tested in plain Node.

export type NavigationDecision = 'allow' | 'open-externally' | 'block'

function parse(url: string): URL | undefined {
  try {
    return new URL(url)
  } catch {
    return undefined
  }
}

/** `allowedOrigins`: the console's and the issuer's origins (e.g. `http://localhost:3100`). */
export function decideNavigation(url: string, allowedOrigins: ReadonlySet<string>): NavigationDecision {
  const u = parse(url)
  if (!u) return 'block'
  const web = u.protocol === 'http:' || u.protocol === 'https:'
  if (web && allowedOrigins.has(u.origin)) return 'allow'
  // mailto:, file:, javascript:, custom schemes: never from the console window.
  return web && !u.username && !u.password ? 'open-externally' : 'block'
}

/** The origins the window may stay on, from the running IdP's URLs. */
export function windowOrigins(consoleUrl: string, issuer: string): Set<string> {
  return new Set([consoleUrl, issuer].map((u) => parse(u)?.origin).filter((o): o is string => Boolean(o)))
}
