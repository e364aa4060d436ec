import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { useAdminStore } from './admin'
import * as Q from '../users/queries'

// Users through the Admin API: one page at a time (searched and sorted by the sandbox, never all
// users), and one user in full with the mutations the view offers.

export type SortBy = 'CREATED_AT' | 'LAST_LOGIN_AT'
export type SortDirection = 'ASC' | 'DESC'
export type Attributes = Record<string, unknown>

export interface UserRow {
  id: string
  createdAt: string
  lastLoginAt: string | null
  isDisabled: boolean
  isAnonymous: boolean
  isAnonymized: boolean
  standardAttributes: Attributes
}

interface Connection<T> {
  totalCount?: number | null
  pageInfo?: { hasNextPage: boolean; endCursor: string | null }
  edges: { cursor?: string; node: T }[] | null
}

export interface Identity {
  id: string
  type: string
  claims: Attributes
  createdAt: string
}
export interface Authenticator {
  id: string
  type: string
  kind: string
  isDefault: boolean
  claims: Attributes
  createdAt: string
}
export interface Session {
  id: string
  type: string
  displayName: string
  clientID: string | null
  applicationName: string | null
  createdAt: string
  lastAccessedAt: string
  lastAccessedByIP: string
  userAgent: string | null
}
export interface KeyedNode {
  id: string
  key: string
  name: string | null
}
export interface AuditLogEntry {
  id: string
  activityType: string
  createdAt: string
  clientID: string | null
  ipAddress: string | null
  userAgent: string | null
}

export interface UserDetails extends UserRow {
  updatedAt: string
  disableReason: string | null
  isDeactivated: boolean
  deleteAt: string | null
  temporarilyDisabledFrom: string | null
  temporarilyDisabledUntil: string | null
  accountValidFrom: string | null
  accountValidUntil: string | null
  customAttributes: Attributes
  formattedName: string | null
  endUserAccountID: string | null
  identities: Identity[]
  authenticators: Authenticator[]
  sessions: Session[]
  roles: KeyedNode[]
  groups: KeyedNode[]
}

export const PAGE_SIZES = [10, 25, 50, 100] as const
export const AUDIT_PAGE_SIZE = 20

const nodes = <T>(c: Connection<T> | null | undefined): T[] => (c?.edges ?? []).map((e) => e.node)

/** What a person recognises a user by: e-mail, phone, username, name, or the ID. */
export function userLabel(u: { id: string; standardAttributes: Attributes }): string {
  const a = u.standardAttributes
  for (const k of ['email', 'phone_number', 'preferred_username', 'name']) if (typeof a[k] === 'string' && a[k]) return a[k] as string
  return u.id
}

export const useUsersStore = defineStore('users', () => {
  const admin = useAdminStore()
  const gql = <T>(query: string, variables?: Record<string, unknown>) => admin.api.gql<T>(query, variables)

  // The list: server-side search, sort and Relay paging.
  const keyword = ref('')
  const sortBy = ref<SortBy>('CREATED_AT')
  const sortDirection = ref<SortDirection>('DESC')
  const pageSize = ref<number>(25)
  const rows = shallowRef<UserRow[]>([])
  const totalCount = ref<number | null>(null)
  const hasNextPage = ref(false)
  /** `after` of each page seen so far: [null, cursor of page 1's end, ...]. */
  const afterStack = ref<(string | null)[]>([null])
  const nextCursor = ref<string | null>(null)
  const listStatus = ref<'idle' | 'loading' | 'ready' | 'error'>('idle')
  const listError = ref<string | null>(null)
  let listGeneration = 0

  const pageIndex = computed(() => afterStack.value.length - 1)
  const firstRowNumber = computed(() => pageIndex.value * pageSize.value + 1)

  async function fetchPage(after: string | null): Promise<boolean> {
    const mine = ++listGeneration
    listStatus.value = 'loading'
    try {
      const data = await gql<{ users: Connection<UserRow> }>(Q.LIST_USERS, {
        keyword: keyword.value.trim() || null,
        sortBy: sortBy.value,
        sortDirection: sortDirection.value,
        first: pageSize.value,
        after,
      })
      // A later search or page replaced this one while it was on its way.
      if (mine !== listGeneration) return false
      rows.value = nodes(data.users)
      totalCount.value = data.users.totalCount ?? null
      hasNextPage.value = data.users.pageInfo?.hasNextPage ?? false
      nextCursor.value = data.users.pageInfo?.endCursor ?? null
      listStatus.value = 'ready'
      listError.value = null
      return true
    } catch (e) {
      if (mine !== listGeneration) return false
      listStatus.value = 'error'
      listError.value = e instanceof Error ? e.message : String(e)
      return false
    }
  }

  /** The first page for the current search and sort. */
  async function search(): Promise<void> {
    afterStack.value = [null]
    await fetchPage(null)
  }

  async function nextPage(): Promise<void> {
    if (!hasNextPage.value || !nextCursor.value) return
    const after = nextCursor.value
    if (await fetchPage(after)) afterStack.value = [...afterStack.value, after]
  }

  async function previousPage(): Promise<void> {
    if (afterStack.value.length < 2) return
    const stack = afterStack.value.slice(0, -1)
    if (await fetchPage(stack[stack.length - 1]!)) afterStack.value = stack
  }

  /** The page on screen again (after a change elsewhere). */
  async function reloadPage(): Promise<void> {
    await fetchPage(afterStack.value[afterStack.value.length - 1]!)
  }

  // One user.
  const user = shallowRef<UserDetails | null>(null)
  const userStatus = ref<'idle' | 'loading' | 'ready' | 'missing' | 'error'>('idle')
  const userError = ref<string | null>(null)
  const auditLogs = shallowRef<AuditLogEntry[]>([])
  const auditTotal = ref<number | null>(null)
  const auditCursor = ref<string | null>(null)
  const auditHasMore = ref(false)
  const knownRoles = shallowRef<KeyedNode[]>([])
  const knownGroups = shallowRef<KeyedNode[]>([])
  let userGeneration = 0

  type RawUser = Omit<UserDetails, 'identities' | 'authenticators' | 'sessions' | 'roles' | 'groups'> & {
    identities: Connection<Identity>
    authenticators: Connection<Authenticator>
    sessions: Connection<Session>
    roles: Connection<KeyedNode>
    groups: Connection<KeyedNode>
  }

  async function loadUser(id: string, quiet = false): Promise<void> {
    const mine = ++userGeneration
    if (!quiet || user.value?.id !== id) {
      userStatus.value = 'loading'
      user.value = null
      auditLogs.value = []
    }
    try {
      const [data] = await Promise.all([gql<{ node: RawUser | null }>(Q.GET_USER, { id }), loadAuditLogs(id, true, mine)])
      if (mine !== userGeneration) return
      const raw = data.node
      if (!raw || !('standardAttributes' in raw)) {
        userStatus.value = 'missing'
        return
      }
      user.value = {
        ...raw,
        identities: nodes(raw.identities),
        authenticators: nodes(raw.authenticators),
        sessions: nodes(raw.sessions),
        roles: nodes(raw.roles),
        groups: nodes(raw.groups),
      }
      userStatus.value = 'ready'
      userError.value = null
    } catch (e) {
      if (mine !== userGeneration) return
      // A node ID that does not decode is a GraphQL error too: the user is not there.
      userStatus.value = 'error'
      userError.value = e instanceof Error ? e.message : String(e)
    }
  }

  async function loadAuditLogs(id: string, fromStart: boolean, generation = userGeneration): Promise<void> {
    const data = await gql<{ auditLogs: Connection<AuditLogEntry> }>(Q.AUDIT_LOGS, {
      userIDs: [id],
      first: AUDIT_PAGE_SIZE,
      after: fromStart ? null : auditCursor.value,
    })
    if (generation !== userGeneration) return
    auditLogs.value = fromStart ? nodes(data.auditLogs) : [...auditLogs.value, ...nodes(data.auditLogs)]
    auditTotal.value = data.auditLogs.totalCount ?? null
    auditCursor.value = data.auditLogs.pageInfo?.endCursor ?? null
    auditHasMore.value = data.auditLogs.pageInfo?.hasNextPage ?? false
  }

  async function moreAuditLogs(): Promise<void> {
    if (user.value && auditHasMore.value) await loadAuditLogs(user.value.id, false)
  }

  async function loadRolesAndGroups(): Promise<void> {
    const data = await gql<{ roles: Connection<KeyedNode>; groups: Connection<KeyedNode> }>(Q.ROLES_AND_GROUPS)
    knownRoles.value = nodes(data.roles)
    knownGroups.value = nodes(data.groups)
  }

  /** Runs a mutation on the open user, then reads the user (and their audit trail) again. */
  async function mutate(query: string, input: Record<string, unknown>): Promise<void> {
    const id = user.value?.id
    await gql(query, { input })
    if (id) await loadUser(id, true)
  }

  async function createUser(loginIdKey: string, loginId: string, password: string | null): Promise<string> {
    const input: Record<string, unknown> = { definition: { loginID: { key: loginIdKey, value: loginId } } }
    if (password) input.password = password
    const data = await gql<{ createUser: { user: { id: string } } }>(Q.CREATE_USER, { input })
    return data.createUser.user.id
  }

  const userID = () => user.value!.id

  return {
    keyword,
    sortBy,
    sortDirection,
    pageSize,
    rows,
    totalCount,
    hasNextPage,
    pageIndex,
    firstRowNumber,
    listStatus,
    listError,
    search,
    nextPage,
    previousPage,
    reloadPage,
    user,
    userStatus,
    userError,
    auditLogs,
    auditTotal,
    auditHasMore,
    knownRoles,
    knownGroups,
    loadUser,
    moreAuditLogs,
    loadRolesAndGroups,
    createUser,
    updateAttributes: (standardAttributes: Attributes, customAttributes: Attributes) =>
      mutate(Q.UPDATE_USER, { userID: userID(), standardAttributes, customAttributes }),
    setDisabled: (isDisabled: boolean, reason: string | null) => mutate(Q.SET_DISABLED, { userID: userID(), isDisabled, reason }),
    resetPassword: (password: string, setPasswordExpired: boolean) => mutate(Q.RESET_PASSWORD, { userID: userID(), password, setPasswordExpired }),
    revokeSession: (sessionID: string) => mutate(Q.REVOKE_SESSION, { sessionID }),
    revokeAllSessions: () => mutate(Q.REVOKE_ALL_SESSIONS, { userID: userID() }),
    addRole: (key: string) => mutate(Q.ADD_ROLES, { userID: userID(), roleKeys: [key] }),
    removeRole: (key: string) => mutate(Q.REMOVE_ROLES, { userID: userID(), roleKeys: [key] }),
    addGroup: (key: string) => mutate(Q.ADD_GROUPS, { userID: userID(), groupKeys: [key] }),
    removeGroup: (key: string) => mutate(Q.REMOVE_GROUPS, { userID: userID(), groupKeys: [key] }),
    async deleteUser(): Promise<void> {
      await gql(Q.DELETE_USER, { input: { userID: userID() } })
      user.value = null
      userStatus.value = 'missing'
    },
  }
})
