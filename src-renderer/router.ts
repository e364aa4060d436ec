// A deliberately tiny hash router: the console is one static page served under /_sandbox/, so
// `#/path` needs no server support. Entries without a component are shown as "coming soon".
import { computed, readonly, ref, type Component } from 'vue'
import OverviewView from './views/Overview.vue'
import OutboxView from './views/Outbox.vue'

export interface Route {
  path: string
  label: string
  component: Component | null
}

export const routes: readonly Route[] = [
  { path: '/', label: 'Overview', component: OverviewView },
  { path: '/users', label: 'Users', component: null },
  { path: '/graphiql', label: 'GraphiQL', component: null },
  { path: '/import', label: 'Import', component: null },
  { path: '/export', label: 'Export', component: null },
  { path: '/tokens', label: 'Tokens', component: null },
  { path: '/resolver', label: 'Resolver', component: null },
  { path: '/outbox', label: 'Outbox', component: OutboxView },
  { path: '/clients', label: 'Clients', component: null },
  { path: '/request-log', label: 'Request log', component: null },
  { path: '/clock', label: 'Clock', component: null },
]

const fallback = routes[0]!

function pathFromHash(hash: string): string {
  const path = hash.replace(/^#/, '')
  return path.startsWith('/') ? path : '/'
}

const currentPath = ref(pathFromHash(window.location.hash))
window.addEventListener('hashchange', () => {
  currentPath.value = pathFromHash(window.location.hash)
})

const currentRoute = computed(
  () => routes.find((r) => r.component !== null && r.path === currentPath.value) ?? fallback,
)

export function useRouter() {
  return {
    path: readonly(currentPath),
    route: currentRoute,
    href: (path: string) => `#${path}`,
  }
}
