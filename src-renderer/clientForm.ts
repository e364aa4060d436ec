// The Clients view's form model and the API payloads built from it. Pure functions, so the
// form and its tests agree on what is written to authgear.yaml.
import type { ApplicationType, ClientDetails, ClientFields } from './api/sandbox'

export const APPLICATION_TYPES: { value: ApplicationType; label: string }[] = [
  { value: 'spa', label: 'Single-page app (public, PKCE)' },
  { value: 'traditional_webapp', label: 'Traditional web app (public)' },
  { value: 'native', label: 'Native app (public, PKCE)' },
  { value: 'confidential', label: 'Confidential (server-side, with secret)' },
  { value: 'third_party_app', label: 'Third-party app (with secret, consent page)' },
  { value: 'm2m', label: 'Machine-to-machine (client credentials)' },
]

/** Defaults of upstream's client config, shown as placeholders. */
export const DEFAULT_LIFETIMES = {
  access_token_lifetime_seconds: 1800,
  refresh_token_lifetime_seconds: 31449600,
  refresh_token_idle_timeout_seconds: 2592000,
}

export interface ClientFormModel {
  client_id: string
  name: string
  x_application_type: ApplicationType
  /** One URI per line. */
  redirect_uris: string
  post_logout_redirect_uris: string
  issue_jwt_access_token: boolean
  /** Seconds as typed; empty: the default. */
  access_token_lifetime_seconds: string
  refresh_token_lifetime_seconds: string
  refresh_token_idle_timeout_enabled: boolean
  refresh_token_idle_timeout_seconds: string
  refresh_token_rotation_enabled: boolean
  /** x_max_concurrent_session: 1 */
  single_session: boolean
}

export function emptyModel(): ClientFormModel {
  return {
    client_id: '',
    name: '',
    x_application_type: 'spa',
    redirect_uris: '',
    post_logout_redirect_uris: '',
    // As on the seeded clients: JWT access tokens, which backends verify and the inspector reads.
    issue_jwt_access_token: true,
    access_token_lifetime_seconds: '',
    refresh_token_lifetime_seconds: '',
    refresh_token_idle_timeout_enabled: true,
    refresh_token_idle_timeout_seconds: '',
    refresh_token_rotation_enabled: false,
    single_session: false,
  }
}

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean)
const seconds = (c: ClientDetails, field: keyof typeof DEFAULT_LIFETIMES) => (c.defaults.includes(field) ? '' : String(c[field]))

export function modelOf(c: ClientDetails): ClientFormModel {
  return {
    client_id: c.client_id,
    name: c.name,
    x_application_type: c.x_application_type,
    redirect_uris: c.redirect_uris.join('\n'),
    post_logout_redirect_uris: c.post_logout_redirect_uris.join('\n'),
    issue_jwt_access_token: c.issue_jwt_access_token,
    access_token_lifetime_seconds: seconds(c, 'access_token_lifetime_seconds'),
    refresh_token_lifetime_seconds: seconds(c, 'refresh_token_lifetime_seconds'),
    refresh_token_idle_timeout_enabled: c.refresh_token_idle_timeout_enabled,
    refresh_token_idle_timeout_seconds: seconds(c, 'refresh_token_idle_timeout_seconds'),
    refresh_token_rotation_enabled: c.refresh_token_rotation_enabled,
    single_session: c.x_max_concurrent_session === 1,
  }
}

/** Problems the form can tell before asking the sandbox (which validates everything again). */
export function formProblems(m: ClientFormModel, creating: boolean): string[] {
  const problems: string[] = []
  if (!m.name.trim()) problems.push('Name is required.')
  if (creating && m.client_id.trim() && !/^[A-Za-z0-9][A-Za-z0-9._~-]{0,99}$/.test(m.client_id.trim())) {
    problems.push('Client ID: letters, digits and . _ ~ - only (or leave it empty to generate one).')
  }
  for (const [field, label] of [
    ['access_token_lifetime_seconds', 'Access token lifetime'],
    ['refresh_token_lifetime_seconds', 'Refresh token lifetime'],
    ['refresh_token_idle_timeout_seconds', 'Refresh token idle timeout'],
  ] as const) {
    const v = m[field].trim()
    if (v && !/^\d+$/.test(v)) problems.push(`${label}: a whole number of seconds.`)
  }
  return problems
}

const num = (v: string): number | null => (v.trim() ? Number(v.trim()) : null)

/** The fields of a new client: what the user set, and booleans that differ from upstream's defaults. */
export function createFields(m: ClientFormModel): Partial<ClientFields> & { client_id?: string } {
  const out: Partial<ClientFields> & { client_id?: string } = {
    name: m.name.trim(),
    x_application_type: m.x_application_type,
    redirect_uris: lines(m.redirect_uris),
    issue_jwt_access_token: m.issue_jwt_access_token,
  }
  if (m.client_id.trim()) out.client_id = m.client_id.trim()
  const logout = lines(m.post_logout_redirect_uris)
  if (logout.length) out.post_logout_redirect_uris = logout
  for (const field of ['access_token_lifetime_seconds', 'refresh_token_lifetime_seconds', 'refresh_token_idle_timeout_seconds'] as const) {
    const n = num(m[field])
    if (n !== null) out[field] = n
  }
  if (!m.refresh_token_idle_timeout_enabled) out.refresh_token_idle_timeout_enabled = false
  if (m.refresh_token_rotation_enabled) out.refresh_token_rotation_enabled = true
  if (m.single_session) out.x_max_concurrent_session = 1
  return out
}

/** Only what changed: an emptied lifetime goes back to its default (null). */
export function patchFields(original: ClientDetails, m: ClientFormModel): Partial<ClientFields> {
  const before = modelOf(original)
  const patch: Partial<ClientFields> = {}
  if (m.name.trim() !== before.name) patch.name = m.name.trim()
  if (m.x_application_type !== before.x_application_type) patch.x_application_type = m.x_application_type
  for (const field of ['redirect_uris', 'post_logout_redirect_uris'] as const) {
    if (lines(m[field]).join('\n') !== lines(before[field]).join('\n')) patch[field] = lines(m[field])
  }
  for (const field of ['access_token_lifetime_seconds', 'refresh_token_lifetime_seconds', 'refresh_token_idle_timeout_seconds'] as const) {
    if (m[field].trim() !== before[field]) patch[field] = num(m[field])
  }
  for (const field of ['issue_jwt_access_token', 'refresh_token_idle_timeout_enabled', 'refresh_token_rotation_enabled'] as const) {
    if (m[field] !== before[field]) patch[field] = m[field]
  }
  if (m.single_session !== before.single_session) patch.x_max_concurrent_session = m.single_session ? 1 : 0
  return patch
}
