import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { JSONWebKeySet } from 'jose'
import { fetchSandboxJwks, SandboxApiError, type ResolveResult } from '../api/sandbox'
import { parseJwksJson, parseToken, verifySignature, type SignatureCheck } from '../tokens/inspect'
import { useServerStore } from './server'

/** Where the token inspector takes its verification keys from. */
export type KeySource = 'sandbox' | 'url' | 'json'

/** The token inspector: the pasted token, its signature check and the resolver's answer for it. */
export const useTokensStore = defineStore('tokens', () => {
  const server = useServerStore()

  const input = ref('')
  const parsed = computed(() => parseToken(input.value))

  const keySource = ref<KeySource>('sandbox')
  const jwksUrl = ref('')
  const jwksJson = ref('')
  /** Keys fetched from `jwksUrl` (fetched on request, not at each keystroke). */
  const fetchedJwks = shallowRef<JSONWebKeySet | null>(null)
  const fetchingJwks = ref(false)
  const keysError = ref<string | null>(null)
  /** The keys the last check used. */
  const usedKeys = shallowRef<JSONWebKeySet | null>(null)

  const signature = shallowRef<SignatureCheck | null>(null)
  const resolver = shallowRef<ResolveResult | null>(null)
  const resolverError = ref<string | null>(null)
  const checking = ref(false)

  let generation = 0

  function handleError(e: unknown): string {
    if (e instanceof SandboxApiError && e.unauthorized) void server.load()
    return e instanceof Error ? e.message : String(e)
  }

  async function keys(): Promise<JSONWebKeySet | null> {
    keysError.value = null
    try {
      if (keySource.value === 'sandbox') return await fetchSandboxJwks()
      if (keySource.value === 'json') {
        if (!jwksJson.value.trim()) throw new Error('Paste a JWKS (or a single JWK) to verify against.')
        return parseJwksJson(jwksJson.value)
      }
      if (!fetchedJwks.value) throw new Error('Fetch the keys from the JWKS URL first.')
      return fetchedJwks.value
    } catch (e) {
      keysError.value = handleError(e)
      return null
    }
  }

  /** Fetches the JWKS at `jwksUrl` through the sandbox, then checks the token again. */
  async function fetchKeys(): Promise<void> {
    const api = server.api
    if (!api) return
    fetchingJwks.value = true
    keysError.value = null
    try {
      fetchedJwks.value = (await api.fetchJwks(jwksUrl.value.trim())).jwks
    } catch (e) {
      fetchedJwks.value = null
      keysError.value = handleError(e)
    } finally {
      fetchingJwks.value = false
    }
    await inspect()
  }

  /** Verifies the signature and asks the resolver about the current token. */
  async function inspect(): Promise<void> {
    const mine = ++generation
    const token = parsed.value
    signature.value = null
    resolver.value = null
    resolverError.value = null
    usedKeys.value = null
    if (token.kind === 'empty' || token.kind === 'malformed') return
    checking.value = true
    try {
      const api = server.api
      const resolving = api
        ? api.resolve(token.kind === 'opaque' && token.form === 'grant' ? { cookie: token.token } : { authorization: `Bearer ${token.token}` })
        : Promise.resolve(null)
      let check: SignatureCheck | null = null
      if (token.kind === 'jwt') {
        if (token.unsecured) {
          check = await verifySignature(token, { keys: [] })
        } else {
          const jwks = await keys()
          if (mine !== generation) return
          if (jwks) {
            usedKeys.value = jwks
            check = await verifySignature(token, jwks)
          }
        }
      }
      let answer: ResolveResult | null = null
      let error: string | null = null
      try {
        answer = await resolving
      } catch (e) {
        error = handleError(e)
      }
      if (mine !== generation) return
      signature.value = check
      resolver.value = answer
      resolverError.value = error
    } finally {
      if (mine === generation) checking.value = false
    }
  }

  function clear(): void {
    input.value = ''
    void inspect()
  }

  return {
    input,
    parsed,
    keySource,
    jwksUrl,
    jwksJson,
    fetchedJwks,
    fetchingJwks,
    keysError,
    usedKeys,
    signature,
    resolver,
    resolverError,
    checking,
    fetchKeys,
    inspect,
    clear,
  }
})
