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
  async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
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
