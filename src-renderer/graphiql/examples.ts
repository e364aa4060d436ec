// Saved operations GraphiQL opens with (one tab each), with their variables. They are the
// Admin API's everyday tasks; the user ID comes from the first user when there is one.

export interface ExampleTab {
  query: string
  variables: string
}

const vars = (v: Record<string, unknown>) => JSON.stringify(v, null, 2)

export function exampleTabs(sampleUserId: string | null): ExampleTab[] {
  const userId = sampleUserId ?? 'paste a user node ID here (from "Search users")'
  return [
    {
      query: `# Search users by e-mail, phone, username, name, role or group (newest first).
query SearchUsers($keyword: String, $first: Int) {
  users(searchKeyword: $keyword, first: $first, sortBy: CREATED_AT, sortDirection: DESC) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node { id createdAt lastLoginAt isDisabled standardAttributes }
    }
  }
}`,
      variables: vars({ keyword: '', first: 10 }),
    },
    {
      query: `# One user by node ID, with identities, authenticators, sessions, roles and groups.
query GetUser($id: ID!) {
  node(id: $id) {
    ... on User {
      id
      standardAttributes
      customAttributes
      isDisabled
      identities { edges { node { id type claims } } }
      authenticators { edges { node { id type kind isDefault } } }
      sessions { edges { node { id type displayName lastAccessedAt } } }
      roles { edges { node { key name } } }
      groups { edges { node { key name } } }
    }
  }
}`,
      variables: vars({ id: userId }),
    },
    {
      query: `# Create a user with an e-mail login ID and a password.
mutation CreateUser($email: String!, $password: String) {
  createUser(input: { definition: { loginID: { key: "email", value: $email } }, password: $password }) {
    user { id standardAttributes }
  }
}`,
      variables: vars({ email: 'new-user@example.com', password: 'a-long-password-1' }),
    },
    {
      query: `# Replace a user's standard attributes (send every attribute to keep).
mutation UpdateStandardAttributes($userID: ID!, $standardAttributes: UserStandardAttributes) {
  updateUser(input: { userID: $userID, standardAttributes: $standardAttributes }) {
    user { id standardAttributes }
  }
}`,
      variables: vars({ userID: userId, standardAttributes: { given_name: 'Ada', family_name: 'Lovelace' } }),
    },
    {
      query: `# A one-time code for an e-mail address or phone number (shown here, not sent).
mutation GenerateOTPCode($target: String!) {
  generateOOBOTPCode(input: { target: $target, purpose: LOGIN }) {
    code
  }
}`,
      variables: vars({ target: 'new-user@example.com' }),
    },
    {
      query: `# The audit trail of one user, newest first.
query AuditLogs($userIDs: [ID!], $first: Int) {
  auditLogs(userIDs: $userIDs, first: $first, sortDirection: DESC) {
    totalCount
    edges {
      node { id activityType createdAt clientID ipAddress data }
    }
  }
}`,
      variables: vars({ userIDs: [userId], first: 20 }),
    },
    {
      query: `# Roles and groups, then give a user a role.
query RolesAndGroups {
  roles(first: 50) { edges { node { id key name description } } }
  groups(first: 50) { edges { node { id key name roles { edges { node { key } } } } } }
}

mutation CreateRoleAndAssign($userID: ID!) {
  createRole(input: { key: "editor", name: "Editor" }) { role { id key } }
  addUserToRoles(input: { userID: $userID, roleKeys: ["editor"] }) { user { id } }
}`,
      variables: vars({ userID: userId }),
    },
  ]
}
