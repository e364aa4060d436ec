import { defineStore } from 'pinia'
import { createAdminApi } from '../api/admin'
import { useServerStore } from './server'

/** The console's Admin API client, shared by the views that use the Admin API (one minted token). */
export const useAdminStore = defineStore('admin', () => {
  const server = useServerStore()
  const api = createAdminApi(() => server.api)
  return { api }
})
