// Decoding and signature verification of a pasted token, in the browser (jose). Pure functions:
// the token inspector view and the unit tests call the same code.
import { compactVerify, createLocalJWKSet, errors, type CryptoKey, type JSONWebKeySet } from 'jose'
import { AUTHGEAR_USER } from './claims'

export type JsonObject = Record<string, unknown>

export type ParsedToken =
  | { kind: 'empty' }
  | {
      kind: 'jwt'
      token: string
      header: JsonObject
      payload: JsonObject
      /** `alg: none` (or no alg): never verified, never to be accepted. */
      unsecured: boolean
    }
  /** `bearer`: may be an opaque access token; `grant`: a refresh token or a session cookie value. */
  | { kind: 'opaque'; token: string; form: 'bearer' | 'grant'; description: string }
  | { kind: 'malformed'; token: string; reason: string }

const B64URL = /^[A-Za-z0-9_-]*$/
const OPAQUE = /^[A-Za-z0-9]{32}$/
const GRANT_TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[A-Za-z0-9]{32}$/

function decodeSegment(segment: string): unknown {
  if (!B64URL.test(segment)) throw new Error('not base64url')
  const b64 = segment.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (segment.length % 4)) % 4)
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
}

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v)

/** Takes what a user pastes (with or without `Bearer `, spaces, line breaks) apart. */
export function parseToken(input: string): ParsedToken {
  const token = input.trim().replace(/^bearer\s+/i, '').replace(/\s+/g, '')
  if (!token) return { kind: 'empty' }
  if (OPAQUE.test(token)) {
    return { kind: 'opaque', token, form: 'bearer', description: 'An opaque token (32 characters): an access token of a client without JWT access tokens, an authorization code or an app session token. It carries no claims; the resolver below tells whose it is if it is an access token.' }
  }
  if (GRANT_TOKEN.test(token)) {
    return { kind: 'opaque', token, form: 'grant', description: 'A refresh token or a session cookie value ("<session id>.<secret>"). It carries no claims; a session cookie value can be resolved in the Resolver view.' }
  }
  const parts = token.split('.')
  if (parts.length === 5) return { kind: 'malformed', token, reason: 'This is an encrypted token (JWE, five parts). Authgear issues signed tokens (JWS) only; an encrypted one cannot be read without its key.' }
  if (parts.length !== 3) return { kind: 'malformed', token, reason: `A JWT has three base64url parts separated by dots; this has ${parts.length}.` }
  let header: unknown
  let payload: unknown
  try {
    header = decodeSegment(parts[0]!)
  } catch {
    return { kind: 'malformed', token, reason: 'The header (first part) is not base64url-encoded JSON.' }
  }
  if (!isObject(header)) return { kind: 'malformed', token, reason: 'The header (first part) is not a JSON object.' }
  try {
    payload = decodeSegment(parts[1]!)
  } catch {
    return { kind: 'malformed', token, reason: 'The payload (second part) is not base64url-encoded JSON.' }
  }
  if (!isObject(payload)) return { kind: 'malformed', token, reason: 'The payload (second part) is not a JSON object.' }
  if (!B64URL.test(parts[2]!)) return { kind: 'malformed', token, reason: 'The signature (third part) is not base64url.' }
  const alg = header.alg
  const unsecured = typeof alg !== 'string' || alg.toLowerCase() === 'none'
  return { kind: 'jwt', token, header, payload, unsecured }
}

/** What kind of Authgear token a JWT looks like. */
export function tokenKind(header: JsonObject, payload: JsonObject): string {
  if (header.typ === 'at+jwt') {
    return typeof payload.sub === 'string' && payload.sub.startsWith('client_id_') ? 'M2M access token' : 'Access token'
  }
  if (payload.sid !== undefined || payload.nonce !== undefined) return 'ID token'
  const aud = audiences(payload)
  if (header.typ === 'JWT' && aud.length > 0 && !aud.includes(String(payload.iss))) return 'ID token'
  if (payload.client_id !== undefined && payload.scope !== undefined) return 'Access token'
  return 'JWT'
}

export function audiences(payload: JsonObject): string[] {
  const aud = payload.aud
  return Array.isArray(aud) ? aud.map(String) : aud === undefined ? [] : [String(aud)]
}

/** Asymmetric algorithms only: HMAC needs a shared secret, and `none` is never verified. */
export const VERIFY_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']

export type SignatureCheck =
  | { status: 'verified'; kid: string | null; alg: string }
  | { status: 'unsecured'; reason: string }
  | { status: 'invalid'; reason: string }
  | { status: 'no-key'; reason: string }
  | { status: 'bad-jwks'; reason: string }

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

/** Keeps public members only: a pasted private JWK verifies as its public half. */
export function publicJwks(jwks: unknown): JSONWebKeySet {
  if (!isObject(jwks) || !Array.isArray(jwks.keys)) throw new Error('a JWK set is a JSON object {"keys": [...]}')
  const keys = jwks.keys.filter(isObject).map((k) => Object.fromEntries(Object.entries(k).filter(([name]) => !PRIVATE_MEMBERS.includes(name))))
  return { keys } as JSONWebKeySet
}

/** Parses JWKS JSON typed by the user; a single JWK is accepted as a set of one. */
export function parseJwksJson(text: string): JSONWebKeySet {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new Error('The JWKS is not valid JSON.')
  }
  if (isObject(value) && typeof value.kty === 'string') value = { keys: [value] }
  try {
    return publicJwks(value)
  } catch (e) {
    throw new Error(`The JWKS is not a JWK set: ${(e as Error).message}.`)
  }
}

/** Checks the signature only (time claims are checked against the sandbox clock elsewhere). */
export async function verifySignature(parsed: Extract<ParsedToken, { kind: 'jwt' }>, jwks: JSONWebKeySet): Promise<SignatureCheck> {
  const alg = typeof parsed.header.alg === 'string' ? parsed.header.alg : 'none'
  const kid = typeof parsed.header.kid === 'string' ? parsed.header.kid : null
  if (parsed.unsecured) return { status: 'unsecured', reason: 'The token is unsigned (alg: none): anyone can forge it. It is never verified, and no Authgear endpoint accepts it.' }
  if (alg.startsWith('HS')) return { status: 'invalid', reason: `${alg} is an HMAC algorithm (a shared secret, not a public key): Authgear never signs with it, and a JWKS cannot verify it.` }
  if (!VERIFY_ALGORITHMS.includes(alg)) return { status: 'invalid', reason: `Algorithm ${alg} is not accepted.` }
  let getKey: ReturnType<typeof createLocalJWKSet>
  try {
    getKey = createLocalJWKSet(publicJwks(jwks))
  } catch (e) {
    return { status: 'bad-jwks', reason: `The JWKS is not usable: ${(e as Error).message}.` }
  }
  const options = { algorithms: VERIFY_ALGORITHMS }
  try {
    await compactVerify(parsed.token, getKey, options)
    return { status: 'verified', kid, alg }
  } catch (e) {
    if (e instanceof errors.JWKSMultipleMatchingKeys) {
      // No kid and several candidate keys: try each.
      for await (const key of e as unknown as AsyncIterable<CryptoKey>) {
        try {
          await compactVerify(parsed.token, key, options)
          return { status: 'verified', kid, alg }
        } catch {
          // the next key
        }
      }
      return { status: 'invalid', reason: 'No key of the JWKS verifies the signature: the token was altered or signed by another key.' }
    }
    if (e instanceof errors.JWKSNoMatchingKey) {
      return { status: 'no-key', reason: kid ? `No ${alg} key with kid "${kid}" in the JWKS: the token was signed by another issuer or a key removed from this one.` : `No ${alg} key in the JWKS.` }
    }
    if (e instanceof errors.JWSSignatureVerificationFailed) {
      return { status: 'invalid', reason: 'The signature does not match: the token was altered, or signed by another key with the same kid.' }
    }
    if (e instanceof errors.JWKSInvalid || e instanceof errors.JOSENotSupported) return { status: 'bad-jwks', reason: `The JWKS is not usable: ${e.message}.` }
    return { status: 'invalid', reason: (e as Error).message }
  }
}

export interface Check {
  label: string
  ok: boolean
  detail: string
}

/**
 * What a backend checks besides the signature (spec oidc.md 7.3), at the sandbox's `nowMs`:
 * issuer, audience (access tokens), expiry.
 */
export function claimChecks(payload: JsonObject, header: JsonObject, issuer: string, nowMs: number): Check[] {
  const checks: Check[] = []
  const nowSec = nowMs / 1000
  checks.push(
    payload.iss === issuer
      ? { label: 'Issuer', ok: true, detail: 'iss is this sandbox\'s issuer.' }
      : { label: 'Issuer', ok: false, detail: payload.iss === undefined ? 'No iss claim.' : `iss is ${JSON.stringify(payload.iss)}, not this sandbox (${issuer}).` },
  )
  if (header.typ === 'at+jwt') {
    const aud = audiences(payload)
    checks.push(
      aud.includes(issuer)
        ? { label: 'Audience', ok: true, detail: 'aud contains the issuer, as for every Authgear access token.' }
        : { label: 'Audience', ok: false, detail: `aud (${aud.join(', ') || 'none'}) does not contain the issuer.` },
    )
  }
  if (typeof payload.exp !== 'number') checks.push({ label: 'Expiry', ok: false, detail: 'No numeric exp claim.' })
  else if (payload.exp <= nowSec) checks.push({ label: 'Expiry', ok: false, detail: 'Expired by the sandbox clock.' })
  else checks.push({ label: 'Expiry', ok: true, detail: 'Not expired by the sandbox clock.' })
  if (typeof payload.nbf === 'number' && payload.nbf > nowSec) checks.push({ label: 'Not before', ok: false, detail: 'Not valid yet by the sandbox clock.' })
  if (typeof payload.iat === 'number' && payload.iat > nowSec + 60) checks.push({ label: 'Issued at', ok: false, detail: 'Issued in the future by the sandbox clock (was the clock moved back?).' })
  return checks
}

/** Names Authgear's user claims by their short name, for compact display. */
export function shortClaimName(name: string): string {
  return name.startsWith(AUTHGEAR_USER) ? `…/${name.slice(AUTHGEAR_USER.length)}` : name
}
