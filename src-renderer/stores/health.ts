import { defineStore } from 'pinia'
import { onBeforeUnmount, onMounted, ref, shallowRef } from 'vue'
import { SandboxApiError, type Health } from '../api/sandbox'
import { useServerStore } from './server'

/** How often an open view refreshes the health figures. */
export const HEALTH_REFRESH_MS = 3000

/** The running sandbox's health: users, database size, flushes (`/_sandbox/api/health`). */
export const useHealthStore = defineStore('health', () => {
  const server = useServerStore()
  const health = shallowRef<Health | null>(null)
  const errorMessage = ref<string | null>(null)
  const updatedAt = ref<number | null>(null)

  async function refresh(): Promise<void> {
    const api = server.api
    if (!api) return
    try {
      health.value = await api.health()
      errorMessage.value = null
      updatedAt.value = Date.now()
    } catch (e) {
      if (e instanceof SandboxApiError && e.unauthorized) void server.load()
      errorMessage.value = e instanceof Error ? e.message : String(e)
    }
  }

  return { health, errorMessage, updatedAt, refresh }
})

/** Keeps the health figures fresh while the calling view is mounted. */
export function useLiveHealth() {
  const store = useHealthStore()
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    void store.refresh()
    timer = setInterval(() => void store.refresh(), HEALTH_REFRESH_MS)
  })
  onBeforeUnmount(() => clearInterval(timer))
  return store
}

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return i === 0 ? `${v} bytes` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}
