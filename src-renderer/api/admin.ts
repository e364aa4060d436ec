// The console as an Admin API client: it mints a short-lived admin JWT with the console token
// (`POST /_sandbox/api/admin-token`) and calls the same endpoints a developer's backend would
// (`/_api/admin/graphql`, `/_api/admin/users/import|export`). The token is minted again shortly
// before it expires, and once more when the sandbox answers 403 (a restart changes nothing about
// the key, but the clock may have been moved).
import { SandboxApiError, type SandboxApi } from './sandbox'

/** How long a minted admin token lives; it is replaced a minute before that. */
export const ADMIN_TOKEN_LIFETIME_S = 600
const RENEW_BEFORE_MS = 60_000

export interface GraphQLErrorEntry {
  message: string
  path?: (string | number)[]
  extensions?: { errorName?: string; reason?: string; info?: unknown }
}

/** The first GraphQL error of an answer, with its Authgear reason. */
export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly reason: string | null,
    readonly errors: GraphQLErrorEntry[] = [],
    readonly status = 200,
  ) {
    super(message)
    this.name = 'AdminApiError'
  }
}

/**
 * An error as a person should read it: the message, plus each cause of a validation error
 * (where, what rule, its details), which the message alone ("invalid value") does not tell.
 */
export function describeAdminError(e: unknown): string {
  if (!(e instanceof Error)) return String(e)
  if (!(e instanceof AdminApiError)) return e.message
  const info = e.errors[0]?.extensions?.info as { causes?: { location?: string; kind?: string; details?: unknown }[] } | undefined
  const causes = (info?.causes ?? []).map((c) =>
    [c.location || '(the whole object)', c.kind, c.details === undefined ? '' : JSON.stringify(c.details)].filter(Boolean).join(' '),
  )
  return causes.length ? `${e.message}: ${causes.join('; ')}` : e.message
}

export interface AdminToken {
  token: string
  /** Real time (ms) after which the console mints another. */
  renewAt: number
}

export function createAdminApi(sandbox: () => SandboxApi | null) {
  let current: AdminToken | null = null
  let minting: Promise<AdminToken> | null = null

  async function mint(): Promise<AdminToken> {
    const api = sandbox()
    if (!api) throw new SandboxApiError(401, 'ConsoleTokenRequired', 'console token required')
    const minted = await api.adminToken(ADMIN_TOKEN_LIFETIME_S)
    // expires_in is on the sandbox clock, which may run ahead; the lifetime is what counts here.
    current = { token: minted.token, renewAt: Date.now() + minted.expires_in * 1000 - RENEW_BEFORE_MS }
    return current
  }

  /** A live admin token, minted when there is none or it is about to expire. */
  async function token(force = false): Promise<string> {
    if (!force && current && Date.now() < current.renewAt) return current.token
    minting ??= mint().finally(() => (minting = null))
    return (await minting).token
  }

  /** One request with the admin token; on 403 the token is minted again and the request repeated once. */
  async function send(path: string, init: { method: 'GET' | 'POST'; body?: string; contentType?: string }): Promise<Response> {
    const attempt = async (force: boolean) => {
      const headers: Record<string, string> = { Authorization: `Bearer ${await token(force)}`, Accept: 'application/json' }
      if (init.body !== undefined) headers['Content-Type'] = init.contentType ?? 'application/json'
      try {
        return await fetch(path, { method: init.method, headers, body: init.body, cache: 'no-store', credentials: 'omit' })
      } catch (e) {
        throw new SandboxApiError(0, null, `The sandbox is not reachable (${(e as Error).message}).`)
      }
    }
    let res = await attempt(false)
    if (res.status === 403) res = await attempt(true)
    return res
  }

  /** Runs a GraphQL document; throws AdminApiError on any GraphQL error (the data is then of no use). */
  async function gql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const res = await send('/_api/admin/graphql', { method: 'POST', body: JSON.stringify({ query, variables }) })
    const text = await res.text()
    let body: { data?: T; errors?: GraphQLErrorEntry[] }
    try {
      body = JSON.parse(text)
    } catch {
      throw new AdminApiError(`The Admin API answered ${res.status}: ${text.trim().slice(0, 200)}`, null, [], res.status)
    }
    if (body.errors?.length) {
      const first = body.errors[0]!
      throw new AdminApiError(first.message, first.extensions?.reason ?? null, body.errors, res.status)
    }
    if (!res.ok || body.data === undefined) throw new AdminApiError(`The Admin API answered ${res.status}`, null, [], res.status)
    return body.data
  }

  /** A REST endpoint of the Admin API (import/export); `{result}` unwrapped, `{error}` thrown. */
  async function rest<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await send(path, { method, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await res.text()
    let parsed: { result?: T; error?: { reason?: string; message?: string } }
    try {
      parsed = JSON.parse(text)
    } catch {
      throw new SandboxApiError(res.status, null, `${path} answered ${res.status}: ${text.trim().slice(0, 200)}`)
    }
    if (!res.ok || parsed.error || parsed.result === undefined) {
      throw new SandboxApiError(res.status, parsed.error?.reason ?? null, parsed.error?.message ?? `${path} answered ${res.status}`)
    }
    return parsed.result
  }

  /** A GraphQL request as GraphiQL sends it; the answer's JSON whatever it holds (errors included). */
  async function graphqlRequest(body: unknown): Promise<unknown> {
    const res = await send('/_api/admin/graphql', { method: 'POST', body: JSON.stringify(body) })
    const text = await res.text()
    try {
      return JSON.parse(text)
    } catch {
      return { errors: [{ message: `The Admin API answered ${res.status}: ${text.trim().slice(0, 500)}` }] }
    }
  }

  return { token, gql, rest, graphqlRequest, forget: () => (current = null) }
}

export type AdminApi = ReturnType<typeof createAdminApi>
