import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { SandboxApiError, type ResolveResult } from '../api/sandbox'
import { useServerStore } from './server'

export interface ResolverCredentials {
  authorization?: string
  cookie?: string
}

/** The resolver view: credentials as a proxy would forward them, and the resolver's answer. */
export const useResolverStore = defineStore('resolver', () => {
  const server = useServerStore()

  const token = ref('')
  const cookie = ref('')
  const result = shallowRef<ResolveResult | null>(null)
  /** The credentials of the shown result (for the equivalent curl command). */
  const asked = shallowRef<ResolverCredentials | null>(null)
  const errorMessage = ref<string | null>(null)
  const loading = ref(false)
  /** Example values of the proxy configurations. */
  const listen = ref('127.0.0.1:8080')
  const backend = ref('http://127.0.0.1:8000')

  function credentials(): ResolverCredentials {
    const bare = token.value.trim().replace(/^bearer\s+/i, '').replace(/\s+/g, '')
    const c = cookie.value.trim()
    return { ...(bare ? { authorization: `Bearer ${bare}` } : {}), ...(c ? { cookie: c } : {}) }
  }

  async function resolve(): Promise<void> {
    const api = server.api
    if (!api) return
    const creds = credentials()
    loading.value = true
    errorMessage.value = null
    try {
      result.value = await api.resolve(creds)
      asked.value = creds
    } catch (e) {
      if (e instanceof SandboxApiError && e.unauthorized) void server.load()
      result.value = null
      errorMessage.value = e instanceof Error ? e.message : String(e)
    } finally {
      loading.value = false
    }
  }

  return { token, cookie, result, asked, errorMessage, loading, listen, backend, resolve }
})
