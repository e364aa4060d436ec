// The Admin API documents the Users view sends (the same ones a developer's backend would).

export const USER_LIST_FIELDS = `id createdAt lastLoginAt isDisabled isAnonymous isAnonymized standardAttributes`

export const LIST_USERS = `query ConsoleUsers($keyword: String, $sortBy: UserSortBy, $sortDirection: SortDirection, $first: Int, $after: String) {
  users(searchKeyword: $keyword, sortBy: $sortBy, sortDirection: $sortDirection, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ${USER_LIST_FIELDS} } }
  }
}`

export const GET_USER = `query ConsoleUser($id: ID!) {
  node(id: $id) {
    ... on User {
      id createdAt updatedAt lastLoginAt
      isDisabled disableReason isAnonymous isAnonymized isDeactivated
      deleteAt temporarilyDisabledFrom temporarilyDisabledUntil accountValidFrom accountValidUntil
      standardAttributes customAttributes formattedName endUserAccountID
      identities(first: 100) { edges { node { id type claims createdAt } } }
      authenticators(first: 100) { edges { node { id type kind isDefault claims createdAt } } }
      sessions(first: 100) { edges { node { id type displayName clientID applicationName createdAt lastAccessedAt lastAccessedByIP userAgent } } }
      roles(first: 100) { edges { node { id key name } } }
      groups(first: 100) { edges { node { id key name } } }
    }
  }
}`

export const AUDIT_LOGS = `query ConsoleUserAuditLogs($userIDs: [ID!], $first: Int, $after: String) {
  auditLogs(userIDs: $userIDs, first: $first, after: $after, sortDirection: DESC) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id activityType createdAt clientID ipAddress userAgent } }
  }
}`

export const ROLES_AND_GROUPS = `query ConsoleRolesAndGroups {
  roles(first: 100) { edges { node { id key name } } }
  groups(first: 100) { edges { node { id key name } } }
}`

export const CREATE_USER = `mutation ConsoleCreateUser($input: CreateUserInput!) {
  createUser(input: $input) { user { id } }
}`

export const UPDATE_USER = `mutation ConsoleUpdateUser($input: UpdateUserInput!) {
  updateUser(input: $input) { user { id } }
}`

export const SET_DISABLED = `mutation ConsoleSetDisabled($input: SetDisabledStatusInput!) {
  setDisabledStatus(input: $input) { user { id } }
}`

export const DELETE_USER = `mutation ConsoleDeleteUser($input: DeleteUserInput!) {
  deleteUser(input: $input) { deletedUserID }
}`

export const RESET_PASSWORD = `mutation ConsoleResetPassword($input: ResetPasswordInput!) {
  resetPassword(input: $input) { user { id } }
}`

export const REVOKE_SESSION = `mutation ConsoleRevokeSession($input: RevokeSessionInput!) {
  revokeSession(input: $input) { user { id } }
}`

export const REVOKE_ALL_SESSIONS = `mutation ConsoleRevokeAllSessions($input: RevokeAllSessionsInput!) {
  revokeAllSessions(input: $input) { user { id } }
}`

export const ADD_ROLES = `mutation ConsoleAddRoles($input: AddUserToRolesInput!) { addUserToRoles(input: $input) { user { id } } }`
export const REMOVE_ROLES = `mutation ConsoleRemoveRoles($input: RemoveUserFromRolesInput!) { removeUserFromRoles(input: $input) { user { id } } }`
export const ADD_GROUPS = `mutation ConsoleAddGroups($input: AddUserToGroupsInput!) { addUserToGroups(input: $input) { user { id } } }`
export const REMOVE_GROUPS = `mutation ConsoleRemoveGroups($input: RemoveUserFromGroupsInput!) { removeUserFromGroups(input: $input) { user { id } } }`
