import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { SandboxApiError, type OutboxMessage } from '../api/sandbox'
import { useServerStore } from './server'

/** How many of the newest messages the console fetches (the filter applies to these). */
export const OUTBOX_LIMIT = 200

export type OutboxStatus = 'idle' | 'loading' | 'ready' | 'error'

/** The sandbox's outbox: messages it would have sent (codes, links), newest first. */
export const useOutboxStore = defineStore('outbox', () => {
  const server = useServerStore()

  const messages = shallowRef<OutboxMessage[]>([])
  const status = ref<OutboxStatus>('idle')
  const errorMessage = ref<string | null>(null)
  /** Part of a recipient address, matched case-insensitively. */
  const filter = ref('')
  const clearing = ref(false)

  const filtered = computed(() => {
    const needle = filter.value.trim().toLowerCase()
    return needle ? messages.value.filter((m) => m.to.toLowerCase().includes(needle)) : messages.value
  })
  const truncated = computed(() => messages.value.length >= OUTBOX_LIMIT)

  let inFlight: Promise<void> | null = null
  let generation = 0 // a clear invalidates answers to requests sent before it

  async function fetchMessages(): Promise<void> {
    const api = server.api
    if (!api) return
    const mine = generation
    if (status.value === 'idle') status.value = 'loading'
    try {
      const { messages: latest } = await api.outbox({ limit: OUTBOX_LIMIT })
      if (mine !== generation) return
      messages.value = latest
      errorMessage.value = null
      status.value = 'ready'
    } catch (e) {
      if (mine !== generation) return
      if (e instanceof SandboxApiError && e.unauthorized) {
        void server.load() // shows the token screen
        return
      }
      errorMessage.value = e instanceof Error ? e.message : String(e)
      status.value = 'error'
    }
  }

  /** Fetches the newest messages; concurrent calls (timer and button) share one request. */
  function refresh(): Promise<void> {
    if (inFlight) return inFlight
    const request: Promise<void> = fetchMessages().finally(() => {
      if (inFlight === request) inFlight = null
    })
    inFlight = request
    return request
  }

  /** Deletes every message; resolves to how many were deleted. */
  async function clear(): Promise<number> {
    const api = server.api
    if (!api) return 0
    clearing.value = true
    try {
      const { deleted } = await api.clearOutbox()
      generation++
      inFlight = null
      messages.value = []
      errorMessage.value = null
      status.value = 'ready'
      return deleted
    } finally {
      clearing.value = false
    }
  }

  return { messages, status, errorMessage, filter, clearing, filtered, truncated, refresh, clear }
})
