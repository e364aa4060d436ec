// Typed client for the sandbox's private API (`/_sandbox/api/*`). Every call carries the
// per-launch console token; see ARCHITECTURE.md ("Renderer").

export type ApplicationType = 'spa' | 'confidential' | 'traditional_webapp' | 'native' | (string & {})

export interface SandboxClient {
  client_id: string
  name: string
  x_application_type: ApplicationType
  redirect_uris: string[]
  post_logout_redirect_uris: string[]
  issue_jwt_access_token: boolean
  /** Present for confidential clients only. */
  client_secret: string | null
}

export interface SandboxEndpoints {
  discovery: string
  authorization: string
  token: string
  userinfo: string
  jwks: string
  revocation: string
  end_session: string
  /** Endpoints added as the sandbox serves them (resolver, Admin API...). */
  [name: string]: string
}

export interface Overview {
  issuer: string
  version: string
  data_dir: string
  endpoints: SandboxEndpoints
  clients: SandboxClient[]
}

export type OutboxMessageType = 'verification' | 'authenticate-primary-oob' | 'forgot-password' | (string & {})

/** A message the sandbox would have sent (it sends nothing; the console shows it instead). */
export interface OutboxMessage {
  id: string
  /** RFC 3339 */
  created_at: string
  channel: 'email' | 'sms' | 'whatsapp' | (string & {})
  to: string
  message_type: OutboxMessageType
  otp_form: 'code' | 'link' | null
  code: string | null
  link: string | null
  user_id: string | null
  subject: string | null
  body_text: string
}

/** What the resolver answers for some credentials (`POST /_sandbox/api/resolve`). */
export interface ResolveResult {
  /** none: no credentials; invalid: credentials that resolve to no live session. */
  state: 'none' | 'invalid' | 'valid'
  /** Exactly the `x-authgear-*` headers `/_resolver/resolve` would answer, lower-case names. */
  headers: Record<string, string>
  session_cookie_name: string
}

export interface JsonWebKeySet {
  keys: Record<string, unknown>[]
}

/** The sandbox's clock, from which every expiry is computed. */
export interface ClockState {
  /** RFC 3339 */
  now: string
  now_ms: number
  /** Sandbox time minus real time. */
  offset_ms: number
  real_now: string
}

export interface Rejection {
  error: string
  description: string | null
}

export interface RequestLogEntry {
  id: number
  /** RFC 3339, sandbox clock. */
  time: string
  method: string
  /** Path and query, secrets redacted. */
  path: string
  status: number
  duration_ms: number
  rejection: Rejection | null
}

export interface RequestLogPage {
  /** Oldest first. */
  entries: RequestLogEntry[]
  /** Entries between the cursor and these were dropped (ring buffer) or skipped (limit). */
  truncated: boolean
  last_id: number
  capacity: number
}

/** Client fields the console edits; `null` resets one to its default. */
export interface ClientFields {
  name: string
  x_application_type: ApplicationType
  redirect_uris: string[]
  post_logout_redirect_uris: string[]
  access_token_lifetime_seconds: number | null
  refresh_token_lifetime_seconds: number | null
  refresh_token_idle_timeout_enabled: boolean | null
  refresh_token_idle_timeout_seconds: number | null
  refresh_token_rotation_enabled: boolean | null
  issue_jwt_access_token: boolean | null
  x_max_concurrent_session: 0 | 1 | null
}

/** A configured client with its effective values (defaults applied). */
export interface ClientDetails extends Omit<ClientFields, 'access_token_lifetime_seconds' | 'refresh_token_lifetime_seconds' | 'refresh_token_idle_timeout_enabled' | 'refresh_token_idle_timeout_seconds' | 'refresh_token_rotation_enabled' | 'issue_jwt_access_token' | 'x_max_concurrent_session'> {
  client_id: string
  access_token_lifetime_seconds: number
  refresh_token_lifetime_seconds: number
  refresh_token_idle_timeout_enabled: boolean
  refresh_token_idle_timeout_seconds: number
  refresh_token_rotation_enabled: boolean
  issue_jwt_access_token: boolean
  x_max_concurrent_session: 0 | 1
  /** Fields authgear.yaml leaves to their defaults. */
  defaults: (keyof ClientFields)[]
  client_secret: string | null
}

export interface ClientEditResult {
  client: ClientDetails
  /** Set when this edit generated the client's secret. */
  generated_client_secret: string | null
}

export interface Health {
  ok: boolean
  users: number
  db_bytes: number
  flushes: number
}

/** A minted Admin API token (`POST /_sandbox/api/admin-token`). */
export interface MintedAdminToken {
  token: string
  token_type: 'Bearer'
  /** Seconds. */
  expires_in: number
  expires_at: number
  kid: string
  app_id: string
  endpoint: string
}

export type ImportIdentifier = 'email' | 'phone_number' | 'preferred_username'

/** The body of the User Import API. */
export interface ImportRequest {
  identifier: ImportIdentifier
  upsert?: boolean
  records: Record<string, unknown>[]
}

export type ImportOutcome = 'inserted' | 'updated' | 'skipped' | 'failed'

export interface ImportSummary {
  total: number
  inserted: number
  updated: number
  skipped: number
  failed: number
}

export interface ImportDetail {
  index: number
  record?: Record<string, unknown>
  outcome: ImportOutcome
  user_id?: string
  warnings?: { message: string }[]
  errors?: { name: string; reason: string; message: string; info?: unknown }[]
}

/** An import job as `GET /_api/admin/users/import/{id}` (or the dry run) answers it. */
export interface ImportJob {
  id: string
  created_at: string
  completed_at?: string
  status: 'pending' | 'completed'
  error?: { reason?: string; message?: string }
  summary?: ImportSummary
  details?: ImportDetail[]
  dry_run?: boolean
}

export interface ImportProgress {
  id: string
  status: 'pending' | 'running' | 'completed' | 'interrupted'
  total: number
  processed: number
  chunks_total: number
  chunks_done: number
  counts: { inserted: number; updated: number; skipped: number; failed: number }
  started_at: string | null
  updated_at: string
}

export interface ExportField {
  pointer: string
  field_name?: string
}

/** The body of `POST /_sandbox/api/userexport` (the compatible export plus sandbox options). */
export interface SandboxExportRequest {
  format: 'ndjson' | 'csv'
  csv?: { fields?: ExportField[] }
  neutralize_formulas?: boolean
}

/** An export task as `GET /_api/admin/users/export/{id}` answers it. */
export interface ExportTask {
  id: string
  created_at: string
  /** `completed` also when it failed (then `failed_at` and `error` are set), as upstream. */
  status: 'pending' | 'completed'
  request: { format: 'ndjson' | 'csv'; csv?: { fields?: ExportField[] } }
  completed_at?: string
  failed_at?: string
  download_url?: string
  error?: { reason?: string; message?: string }
}

export interface ExportProgress {
  id: string
  status: 'pending' | 'running' | 'completed' | 'failed'
  users_total: number | null
  users_written: number
  bytes_written: number
}

/** The `{error:{...}}` envelope of Authgear's JSON APIs. */
export interface ApiErrorBody {
  error: { name: string; reason: string; message: string; code: number; info?: unknown }
}

export class SandboxApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string | null,
    message: string,
  ) {
    super(message)
    this.name = 'SandboxApiError'
  }

  get unauthorized(): boolean {
    return this.status === 401
  }
}

const API_BASE = `${import.meta.env.BASE_URL}api`

export function createSandboxApi(token: string) {
  async function request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    let res: Response
    try {
      res = await fetch(`${API_BASE}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
      })
    } catch (e) {
      throw new SandboxApiError(0, null, `The sandbox is not reachable (${(e as Error).message}).`)
    }
    if (!res.ok) throw await toApiError(res)
    return (await res.json()) as T
  }

  return {
    overview: () => request<Overview>('GET', '/overview'),
    /** Newest first; `to` matches one address exactly. */
    outbox: (params: { to?: string; limit?: number } = {}) => {
      const query = new URLSearchParams()
      if (params.to) query.set('to', params.to)
      if (params.limit !== undefined) query.set('limit', String(params.limit))
      const qs = query.toString()
      return request<{ messages: OutboxMessage[] }>('GET', `/outbox${qs ? `?${qs}` : ''}`)
    },
    clearOutbox: () => request<{ deleted: number }>('DELETE', '/outbox'),
    health: () => request<Health>('GET', '/health'),
    /** The resolver's answer to a request with these headers (`cookie`: a Cookie header or a session cookie value). */
    resolve: (credentials: { authorization?: string; cookie?: string }) => request<ResolveResult>('POST', '/resolve', credentials),
    /** Fetches a JWK set server-side (the console may not fetch other origins). */
    fetchJwks: (url: string) => request<{ jwks: JsonWebKeySet }>('POST', '/fetch-jwks', { url }),
    clock: () => request<ClockState>('GET', '/clock'),
    moveClock: (move: { advance_seconds: number } | { set_to: string }) => request<ClockState>('POST', '/clock', move),
    resetClock: () => request<ClockState>('DELETE', '/clock'),
    requestLog: (params: { after?: number; limit?: number } = {}) => {
      const query = new URLSearchParams()
      if (params.after) query.set('after', String(params.after))
      if (params.limit !== undefined) query.set('limit', String(params.limit))
      const qs = query.toString()
      return request<RequestLogPage>('GET', `/request-log${qs ? `?${qs}` : ''}`)
    },
    clearRequestLog: () => request<{ deleted: number }>('DELETE', '/request-log'),
    clients: () => request<{ clients: ClientDetails[] }>('GET', '/clients'),
    createClient: (fields: Partial<ClientFields> & { client_id?: string }) => request<ClientEditResult>('POST', '/clients', fields),
    updateClient: (clientId: string, patch: Partial<ClientFields>) =>
      request<ClientEditResult>('PATCH', `/clients/${encodeURIComponent(clientId)}`, patch),
    deleteClient: (clientId: string) => request<{ deleted: string }>('DELETE', `/clients/${encodeURIComponent(clientId)}`),
    /** A short-lived Admin API token, as Authgear's portal mints one. */
    adminToken: (lifetimeSeconds: number) => request<MintedAdminToken>('POST', '/admin-token', { lifetime_seconds: lifetimeSeconds }),
    /** The real import over every record in a transaction that is rolled back. */
    importDryRun: (body: ImportRequest) => request<{ result: ImportJob }>('POST', '/userimport/dry-run', body).then((r) => r.result),
    importProgress: (id: string) => request<ImportProgress>('GET', `/userimport/${encodeURIComponent(id)}/progress`),
    createExport: (body: SandboxExportRequest) => request<{ result: ExportTask }>('POST', '/userexport', body).then((r) => r.result),
    exportProgress: (id: string) => request<ExportProgress>('GET', `/userexport/${encodeURIComponent(id)}/progress`),
  }
}

export type SandboxApi = ReturnType<typeof createSandboxApi>

async function toApiError(res: Response): Promise<SandboxApiError> {
  try {
    const body = (await res.json()) as Partial<ApiErrorBody>
    if (body.error) return new SandboxApiError(res.status, body.error.reason ?? null, body.error.message)
  } catch {
    // not JSON: fall through
  }
  return new SandboxApiError(res.status, null, `${res.status} ${res.statusText}`.trim())
}

/**
 * The sandbox's live JWKS (`/oauth2/jwks`: the signing key and, after a rotation, retired keys).
 * The console is served by the sandbox itself, so this is a same-origin request.
 */
export async function fetchSandboxJwks(): Promise<JsonWebKeySet> {
  let res: Response
  try {
    res = await fetch('/oauth2/jwks', { cache: 'no-store', credentials: 'omit' })
  } catch (e) {
    throw new SandboxApiError(0, null, `The sandbox is not reachable (${(e as Error).message}).`)
  }
  if (!res.ok) throw new SandboxApiError(res.status, null, `/oauth2/jwks answered ${res.status}`)
  return (await res.json()) as JsonWebKeySet
}
