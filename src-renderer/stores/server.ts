import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { forgetConsoleToken, readConsoleToken } from '../api/consoleToken'
import { createSandboxApi, SandboxApiError, type Overview, type SandboxClient } from '../api/sandbox'

export type ServerStatus = 'loading' | 'ready' | 'unauthorized' | 'unreachable'

/** The running sandbox as the console sees it: connection state and the overview. */
export const useServerStore = defineStore('server', () => {
  const token = ref<string | null>(readConsoleToken())
  const status = ref<ServerStatus>(token.value ? 'loading' : 'unauthorized')
  const overview = shallowRef<Overview | null>(null)
  const errorMessage = ref<string | null>(null)

  const api = computed(() => (token.value ? createSandboxApi(token.value) : null))

  const clients = computed<SandboxClient[]>(() => overview.value?.clients ?? [])
  /** The client a browser app (the @authgear/web SDK) should use. */
  const spaClient = computed(() => clients.value.find((c) => c.x_application_type === 'spa') ?? null)
  /** The client a server-side app (generic OIDC, with a secret) should use. */
  const confidentialClient = computed(() => clients.value.find((c) => c.client_secret) ?? null)

  async function load(): Promise<void> {
    if (!api.value) {
      status.value = 'unauthorized'
      return
    }
    status.value = 'loading'
    errorMessage.value = null
    try {
      overview.value = await api.value.overview()
      status.value = 'ready'
    } catch (e) {
      if (e instanceof SandboxApiError && e.unauthorized) {
        // A token from an earlier launch: drop it so a reload does not retry it.
        forgetConsoleToken()
        token.value = null
        overview.value = null
        status.value = 'unauthorized'
      } else {
        errorMessage.value = e instanceof Error ? e.message : String(e)
        status.value = 'unreachable'
      }
    }
  }

  /** Reloads the overview in place (after a config edit), without the loading screen. */
  async function refreshOverview(): Promise<void> {
    if (!api.value || status.value !== 'ready') return
    try {
      overview.value = await api.value.overview()
    } catch {
      // the next load reports it
    }
  }

  return { token, status, overview, errorMessage, api, clients, spaClient, confidentialClient, load, refreshOverview }
})
