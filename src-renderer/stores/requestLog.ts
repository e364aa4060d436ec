import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { SandboxApiError, type RequestLogEntry } from '../api/sandbox'
import { useServerStore } from './server'

/** How many entries the console keeps (the sandbox keeps as many). */
export const REQUEST_LOG_KEEP = 2000

export type StatusFilter = 'all' | '2xx' | '3xx' | '4xx' | '5xx' | 'refused'

export function statusClass(status: number): '2xx' | '3xx' | '4xx' | '5xx' | 'other' {
  if (status >= 200 && status < 300) return '2xx'
  if (status >= 300 && status < 400) return '3xx'
  if (status >= 400 && status < 500) return '4xx'
  if (status >= 500) return '5xx'
  return 'other'
}

/** Requests to the IdP (not the console's own), newest first, followed live. */
export const useRequestLogStore = defineStore('requestLog', () => {
  const server = useServerStore()

  const entries = shallowRef<RequestLogEntry[]>([])
  const status = ref<'idle' | 'ready' | 'error'>('idle')
  const errorMessage = ref<string | null>(null)
  const statusFilter = ref<StatusFilter>('all')
  const pathFilter = ref('')
  const paused = ref(false)
  /** Some entries were dropped between two reads (the sandbox keeps the last 2000). */
  const gap = ref(false)

  let lastId = 0
  let generation = 0
  let inFlight: Promise<void> | null = null

  const filtered = computed(() => {
    const needle = pathFilter.value.trim().toLowerCase()
    return entries.value.filter((e) => {
      if (statusFilter.value === 'refused' ? !e.rejection : statusFilter.value !== 'all' && statusClass(e.status) !== statusFilter.value) return false
      return !needle || `${e.method} ${e.path}`.toLowerCase().includes(needle)
    })
  })

  async function fetchNew(): Promise<void> {
    const api = server.api
    if (!api) return
    const mine = generation
    try {
      const page = await api.requestLog({ after: lastId, limit: REQUEST_LOG_KEEP })
      if (mine !== generation) return
      if (page.truncated && lastId > 0) gap.value = true
      if (page.entries.length) {
        lastId = page.entries[page.entries.length - 1]!.id
        entries.value = [...page.entries.reverse(), ...entries.value].slice(0, REQUEST_LOG_KEEP)
      } else if (page.last_id < lastId) {
        lastId = page.last_id // the sandbox restarted: its ids start again
      }
      status.value = 'ready'
      errorMessage.value = null
    } catch (e) {
      if (mine !== generation) return
      if (e instanceof SandboxApiError && e.unauthorized) void server.load()
      status.value = 'error'
      errorMessage.value = e instanceof Error ? e.message : String(e)
    }
  }

  /** Reads entries newer than the last one seen; timer and button share one request. */
  function refresh(): Promise<void> {
    if (inFlight) return inFlight
    const request: Promise<void> = fetchNew().finally(() => {
      if (inFlight === request) inFlight = null
    })
    inFlight = request
    return request
  }

  async function clear(): Promise<number> {
    const api = server.api
    if (!api) return 0
    const { deleted } = await api.clearRequestLog()
    generation++
    inFlight = null
    const last = (await api.requestLog({ limit: 1 })).last_id
    lastId = last
    entries.value = []
    gap.value = false
    return deleted
  }

  return { entries, filtered, status, errorMessage, statusFilter, pathFilter, paused, gap, refresh, clear }
})
