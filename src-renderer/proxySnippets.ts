// nginx `auth_request` and Traefik ForwardAuth configurations for this sandbox's resolver. With
// the README's example values they produce exactly the README's blocks (a unit test checks it,
// and the README's nginx block is run for real in front of a backend).

export interface ProxyOptions {
  /** The sandbox's issuer, e.g. http://localhost:3100. */
  issuer: string
  /** Where the proxy listens, e.g. 127.0.0.1:8080. */
  listen: string
  /** The backend the proxy protects, e.g. http://127.0.0.1:8000. */
  backend: string
}

const HEADERS = [
  ['session_valid', 'Session-Valid'],
  ['user_id', 'User-Id'],
  ['user_anonymous', 'User-Anonymous'],
  ['user_verified', 'User-Verified'],
  ['user_can_reauthenticate', 'User-Can-Reauthenticate'],
  ['user_roles', 'User-Roles'],
  ['session_amr', 'Session-Amr'],
  ['session_authenticated_at', 'Session-Authenticated-At'],
] as const

/**
 * The resolver URL a proxy on this machine should call. `localhost` may resolve to ::1 first
 * while the sandbox listens on 127.0.0.1, so a loopback issuer is called at 127.0.0.1.
 */
export function resolverUrl(issuer: string): URL {
  const url = new URL('/_resolver/resolve', issuer)
  if (url.hostname === 'localhost') url.hostname = '127.0.0.1'
  return url
}

export function nginxSnippet({ issuer, listen, backend }: ProxyOptions): string {
  const host = new URL(issuer).host
  const set = HEADERS.map(([v, h]) => `        auth_request_set $${v} $upstream_http_x_authgear_${h.toLowerCase().replace(/-/g, '_')};`).join('\n')
  const pass = HEADERS.map(([v, h]) => `        proxy_set_header X-Authgear-${h} $${v};`).join('\n')
  return `server {
    listen ${listen};

    location / {
        auth_request /_authgear_resolve;
${set}
        # Set (or remove, when empty) every header: a client cannot forge them.
${pass}
        proxy_pass ${backend.replace(/\/+$/, '')};
    }

    location = /_authgear_resolve {
        internal;
        proxy_pass ${resolverUrl(issuer).href};
        proxy_pass_request_body off;
        proxy_set_header Content-Length "";
        # The sandbox only answers requests addressed to it (DNS-rebinding guard).
        proxy_set_header Host ${host};
    }
}
`
}

export function traefikSnippet({ issuer }: Pick<ProxyOptions, 'issuer'>): string {
  return `http:
  middlewares:
    authgear:
      forwardAuth:
        address: "${resolverUrl(issuer).href}"
        authResponseHeadersRegex: "^X-Authgear-"
`
}

/** A curl command that asks the resolver what it answers for these credentials. */
export function curlCommand(issuer: string, credentials: { authorization?: string; cookie?: string }): string {
  const parts = ['curl -i']
  if (credentials.authorization) parts.push(`-H ${shellQuote(`Authorization: ${credentials.authorization}`)}`)
  if (credentials.cookie) parts.push(`-H ${shellQuote(`Cookie: ${credentials.cookie}`)}`)
  parts.push(shellQuote(`${issuer}/_resolver/resolve`))
  return parts.join(' \\\n  ')
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}
