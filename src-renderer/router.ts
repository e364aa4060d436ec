// A deliberately tiny hash router: the console is one static page served under /_sandbox/, so
// `#/path` needs no server support. Entries without a component are shown as "coming soon".
import { computed, readonly, ref, shallowRef, type Component } from 'vue'
import OverviewView from './views/Overview.vue'
import OutboxView from './views/Outbox.vue'
import TokensView from './views/Tokens.vue'
import ResolverView from './views/Resolver.vue'
import ClockView from './views/Clock.vue'
import RequestLogView from './views/RequestLog.vue'
import ClientsView from './views/Clients.vue'
import GraphiQLView from './views/GraphiQL.vue'
import UsersView from './views/Users.vue'
import ImportView from './views/Import.vue'
import ExportView from './views/Export.vue'

export interface Route {
  path: string
  label: string
  component: Component | null
}

export const routes: readonly Route[] = [
  { path: '/', label: 'Overview', component: OverviewView },
  { path: '/users', label: 'Users', component: UsersView },
  { path: '/graphiql', label: 'GraphiQL', component: GraphiQLView },
  { path: '/import', label: 'Import', component: ImportView },
  { path: '/export', label: 'Export', component: ExportView },
  { path: '/tokens', label: 'Tokens', component: TokensView },
  { path: '/resolver', label: 'Resolver', component: ResolverView },
  { path: '/outbox', label: 'Outbox', component: OutboxView },
  { path: '/clients', label: 'Clients', component: ClientsView },
  { path: '/request-log', label: 'Request log', component: RequestLogView },
  { path: '/clock', label: 'Clock', component: ClockView },
]

const fallback = routes[0]!

/** `#/tokens?token=...` → path `/tokens` and its query. */
function parseHash(hash: string): { path: string; query: URLSearchParams } {
  const target = hash.replace(/^#/, '')
  const q = target.indexOf('?')
  const path = q < 0 ? target : target.slice(0, q)
  return { path: path.startsWith('/') ? path : '/', query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)) }
}

const initial = parseHash(window.location.hash)
const currentPath = ref(initial.path)
const currentQuery = shallowRef(initial.query)
window.addEventListener('hashchange', () => {
  const parsed = parseHash(window.location.hash)
  currentPath.value = parsed.path
  currentQuery.value = parsed.query
})

/** Drops the query from the address bar (e.g. a token passed in it), keeping the view. */
function clearQuery(): void {
  currentQuery.value = new URLSearchParams()
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}#${currentPath.value}`)
}

/** `/users/<id>` belongs to `/users`: a view may read the rest of the path. */
const matches = (r: Route, path: string) => r.path === path || (r.path !== '/' && path.startsWith(`${r.path}/`))

const currentRoute = computed(
  () => routes.find((r) => r.component !== null && matches(r, currentPath.value)) ?? fallback,
)

export function useRouter() {
  return {
    path: readonly(currentPath),
    route: currentRoute,
    query: readonly(currentQuery),
    href: (path: string) => `#${path}`,
    clearQuery,
  }
}
