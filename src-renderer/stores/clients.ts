import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { SandboxApiError, type ClientDetails, type ClientEditResult, type ClientFields } from '../api/sandbox'
import { useServerStore } from './server'

/** The OAuth clients of authgear.yaml, as the Clients view edits them. */
export const useClientsStore = defineStore('clients', () => {
  const server = useServerStore()

  const clients = shallowRef<ClientDetails[]>([])
  const status = ref<'idle' | 'ready' | 'error'>('idle')
  const errorMessage = ref<string | null>(null)

  function api() {
    const a = server.api
    if (!a) throw new SandboxApiError(401, 'ConsoleTokenRequired', 'console token required')
    return a
  }

  function failed(e: unknown): never {
    if (e instanceof SandboxApiError && e.unauthorized) void server.load()
    throw e
  }

  async function load(): Promise<void> {
    try {
      clients.value = (await api().clients()).clients
      status.value = 'ready'
      errorMessage.value = null
    } catch (e) {
      if (e instanceof SandboxApiError && e.unauthorized) void server.load()
      status.value = 'error'
      errorMessage.value = e instanceof Error ? e.message : String(e)
    }
  }

  /** After an edit: this list and the overview's client cards. */
  async function changed(): Promise<void> {
    await Promise.all([load(), server.refreshOverview()])
  }

  async function create(fields: Partial<ClientFields> & { client_id?: string }): Promise<ClientEditResult> {
    try {
      const result = await api().createClient(fields)
      await changed()
      return result
    } catch (e) {
      failed(e)
    }
  }

  async function update(clientId: string, patch: Partial<ClientFields>): Promise<ClientEditResult> {
    try {
      const result = await api().updateClient(clientId, patch)
      await changed()
      return result
    } catch (e) {
      failed(e)
    }
  }

  async function remove(clientId: string): Promise<void> {
    try {
      await api().deleteClient(clientId)
      await changed()
    } catch (e) {
      failed(e)
    }
  }

  return { clients, status, errorMessage, load, create, update, remove }
})
