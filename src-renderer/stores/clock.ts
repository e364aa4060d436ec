import { defineStore } from 'pinia'
import { computed, onBeforeUnmount, onMounted, ref, shallowRef } from 'vue'
import { SandboxApiError, type ClockState } from '../api/sandbox'
import { useServerStore } from './server'

/**
 * The sandbox's clock: its offset from real time, moving it, and a ticking "sandbox now" for
 * countdowns (expiry is always judged by the sandbox's time, not the browser's).
 */
export const useClockStore = defineStore('clock', () => {
  const server = useServerStore()

  const state = shallowRef<ClockState | null>(null)
  /** Sandbox time minus this browser's time, measured at the last sync. */
  const skewMs = ref(0)
  const tick = ref(Date.now())
  const busy = ref(false)
  const errorMessage = ref<string | null>(null)

  const nowMs = computed(() => tick.value + skewMs.value)
  const offsetMs = computed(() => state.value?.offset_ms ?? 0)

  function apply(s: ClockState, browserMs: number): void {
    state.value = s
    skewMs.value = s.now_ms - browserMs
    tick.value = Date.now()
  }

  function fail(e: unknown): void {
    if (e instanceof SandboxApiError && e.unauthorized) void server.load()
    errorMessage.value = e instanceof Error ? e.message : String(e)
  }

  /** Runs one clock request; the answer's time is taken as the midpoint of the round trip. */
  async function call(fn: () => Promise<ClockState>): Promise<boolean> {
    const sent = Date.now()
    try {
      const s = await fn()
      apply(s, (sent + Date.now()) / 2)
      errorMessage.value = null
      return true
    } catch (e) {
      fail(e)
      return false
    }
  }

  function sync(): Promise<boolean> {
    const api = server.api
    return api ? call(() => api.clock()) : Promise.resolve(false)
  }

  async function change(fn: () => Promise<ClockState>): Promise<boolean> {
    busy.value = true
    try {
      return await call(fn)
    } finally {
      busy.value = false
    }
  }

  const advance = (seconds: number) => change(() => server.api!.moveClock({ advance_seconds: seconds }))
  const setTo = (iso: string) => change(() => server.api!.moveClock({ set_to: iso }))
  const reset = () => change(() => server.api!.resetClock())

  let tickers = 0
  let timer: ReturnType<typeof setInterval> | undefined
  function startTicking(): void {
    if (tickers++ === 0) {
      tick.value = Date.now()
      timer = setInterval(() => (tick.value = Date.now()), 1000)
    }
  }
  function stopTicking(): void {
    if (--tickers === 0) clearInterval(timer)
  }

  return { state, nowMs, offsetMs, busy, errorMessage, sync, advance, setTo, reset, startTicking, stopTicking }
})

/** For a view showing live times: syncs with the sandbox on mount and ticks every second while mounted. */
export function useSandboxNow() {
  const clock = useClockStore()
  onMounted(() => {
    clock.startTicking()
    void clock.sync()
  })
  onBeforeUnmount(() => clock.stopTicking())
  return clock
}
