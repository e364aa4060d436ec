/**
 * The Admin API schema in SDL: the subset of Authgear's schema the sandbox serves, with upstream's
 * names, arguments, nullability and enum values (checked against spec/adminapi.schema.graphql by
 * test/integration/adminapi-schema.test.ts). Left out: API resources and scopes, fraud protection.
 */
export const ADMIN_API_SDL = `
type AccountLockout {
  isLocked: Boolean!
  lockedIPs: [LockedIP!]!
  lockedUntil: DateTime
  lockoutType: String!
}

input AddGroupToRolesInput {
  groupKey: String!
  roleKeys: [String!]!
}

type AddGroupToRolesPayload {
  group: Group!
}

input AddGroupToUsersInput {
  groupKey: String!
  userIDs: [ID!]
}

type AddGroupToUsersPayload {
  group: Group!
}

input AddRoleToGroupsInput {
  groupKeys: [String!]!
  roleKey: String!
}

type AddRoleToGroupsPayload {
  role: Role!
}

input AddRoleToUsersInput {
  roleKey: String!
  userIDs: [ID!]
}

type AddRoleToUsersPayload {
  role: Role!
}

input AddUserToGroupsInput {
  groupKeys: [String!]
  userID: ID!
}

type AddUserToGroupsPayload {
  user: User!
}

input AddUserToRolesInput {
  roleKeys: [String!]
  userID: ID!
}

type AddUserToRolesPayload {
  user: User!
}

input AnonymizeUserInput {
  userID: ID!
}

type AnonymizeUserPayload {
  anonymizedUserID: ID!
}

type AuditLog implements Node {
  activityType: AuditLogActivityType!
  clientID: String
  createdAt: DateTime!
  data: AuditLogData
  id: ID!
  ipAddress: String
  user: User
  userAgent: String
}

enum AuditLogActivityType {
  ADMIN_API_MUTATION_ADD_GROUP_TO_ROLES_EXECUTED
  ADMIN_API_MUTATION_ADD_GROUP_TO_USERS_EXECUTED
  ADMIN_API_MUTATION_ADD_RESOURCE_TO_CLIENTID_EXECUTED
  ADMIN_API_MUTATION_ADD_ROLE_TO_GROUPS_EXECUTED
  ADMIN_API_MUTATION_ADD_ROLE_TO_USERS_EXECUTED
  ADMIN_API_MUTATION_ADD_SCOPES_TO_CLIENTID_EXECUTED
  ADMIN_API_MUTATION_ADD_USER_TO_GROUPS_EXECUTED
  ADMIN_API_MUTATION_ADD_USER_TO_ROLES_EXECUTED
  ADMIN_API_MUTATION_ANONYMIZE_USER_EXECUTED
  ADMIN_API_MUTATION_CREATE_AUTHENTICATOR_EXECUTED
  ADMIN_API_MUTATION_CREATE_GROUP_EXECUTED
  ADMIN_API_MUTATION_CREATE_IDENTITY_EXECUTED
  ADMIN_API_MUTATION_CREATE_RESOURCE_EXECUTED
  ADMIN_API_MUTATION_CREATE_ROLE_EXECUTED
  ADMIN_API_MUTATION_CREATE_SCOPE_EXECUTED
  ADMIN_API_MUTATION_CREATE_SESSION_EXECUTED
  ADMIN_API_MUTATION_CREATE_USER_EXECUTED
  ADMIN_API_MUTATION_DELETE_AUTHENTICATOR_EXECUTED
  ADMIN_API_MUTATION_DELETE_AUTHORIZATION_EXECUTED
  ADMIN_API_MUTATION_DELETE_GROUP_EXECUTED
  ADMIN_API_MUTATION_DELETE_IDENTITY_EXECUTED
  ADMIN_API_MUTATION_DELETE_RESOURCE_EXECUTED
  ADMIN_API_MUTATION_DELETE_ROLE_EXECUTED
  ADMIN_API_MUTATION_DELETE_SCOPE_EXECUTED
  ADMIN_API_MUTATION_DELETE_USER_EXECUTED
  ADMIN_API_MUTATION_GENERATE_OOB_OTP_CODE_EXECUTED
  ADMIN_API_MUTATION_REMOVE_GROUP_FROM_ROLES_EXECUTED
  ADMIN_API_MUTATION_REMOVE_GROUP_FROM_USERS_EXECUTED
  ADMIN_API_MUTATION_REMOVE_RESOURCE_FROM_CLIENTID_EXECUTED
  ADMIN_API_MUTATION_REMOVE_ROLE_FROM_GROUPS_EXECUTED
  ADMIN_API_MUTATION_REMOVE_ROLE_FROM_USERS_EXECUTED
  ADMIN_API_MUTATION_REMOVE_SCOPES_FROM_CLIENTID_EXECUTED
  ADMIN_API_MUTATION_REMOVE_USER_FROM_GROUPS_EXECUTED
  ADMIN_API_MUTATION_REMOVE_USER_FROM_ROLES_EXECUTED
  ADMIN_API_MUTATION_REPLACE_SCOPES_OF_CLIENTID_EXECUTED
  ADMIN_API_MUTATION_RESET_ACCOUNT_LOCKOUT_EXECUTED
  ADMIN_API_MUTATION_RESET_PASSWORD_EXECUTED
  ADMIN_API_MUTATION_REVOKE_ALL_SESSIONS_EXECUTED
  ADMIN_API_MUTATION_REVOKE_SESSION_EXECUTED
  ADMIN_API_MUTATION_SCHEDULE_ACCOUNT_ANONYMIZATION_EXECUTED
  ADMIN_API_MUTATION_SCHEDULE_ACCOUNT_DELETION_EXECUTED
  ADMIN_API_MUTATION_SEND_RESET_PASSWORD_MESSAGE_EXECUTED
  ADMIN_API_MUTATION_SET_ACCOUNT_VALID_FROM_EXECUTED
  ADMIN_API_MUTATION_SET_ACCOUNT_VALID_PERIOD_EXECUTED
  ADMIN_API_MUTATION_SET_ACCOUNT_VALID_UNTIL_EXECUTED
  ADMIN_API_MUTATION_SET_DISABLED_STATUS_EXECUTED
  ADMIN_API_MUTATION_SET_PASSWORD_EXPIRED_EXECUTED
  ADMIN_API_MUTATION_SET_VERIFIED_STATUS_EXECUTED
  ADMIN_API_MUTATION_UNSCHEDULE_ACCOUNT_ANONYMIZATION_EXECUTED
  ADMIN_API_MUTATION_UNSCHEDULE_ACCOUNT_DELETION_EXECUTED
  ADMIN_API_MUTATION_UPDATE_GROUP_EXECUTED
  ADMIN_API_MUTATION_UPDATE_IDENTITY_EXECUTED
  ADMIN_API_MUTATION_UPDATE_RESOURCE_EXECUTED
  ADMIN_API_MUTATION_UPDATE_ROLE_EXECUTED
  ADMIN_API_MUTATION_UPDATE_SCOPE_EXECUTED
  ADMIN_API_MUTATION_UPDATE_USER_EXECUTED
  AUTHENTICATION_BLOCKED
  AUTHENTICATION_IDENTITY_ANONYMOUS_FAILED
  AUTHENTICATION_IDENTITY_BIOMETRIC_FAILED
  AUTHENTICATION_IDENTITY_LOGIN_ID_FAILED
  AUTHENTICATION_PRIMARY_OOB_OTP_EMAIL_FAILED
  AUTHENTICATION_PRIMARY_OOB_OTP_SMS_FAILED
  AUTHENTICATION_PRIMARY_PASSWORD_FAILED
  AUTHENTICATION_SECONDARY_OOB_OTP_EMAIL_FAILED
  AUTHENTICATION_SECONDARY_OOB_OTP_SMS_FAILED
  AUTHENTICATION_SECONDARY_PASSWORD_FAILED
  AUTHENTICATION_SECONDARY_RECOVERY_CODE_FAILED
  AUTHENTICATION_SECONDARY_TOTP_FAILED
  BOT_PROTECTION_VERIFICATION_FAILED
  EMAIL_ERROR
  EMAIL_SENT
  EMAIL_SUPPRESSED
  FRAUD_PROTECTION_DECISION_RECORDED
  IDENTITY_BIOMETRIC_DISABLED
  IDENTITY_BIOMETRIC_ENABLED
  IDENTITY_EMAIL_ADDED
  IDENTITY_EMAIL_REMOVED
  IDENTITY_EMAIL_UNVERIFIED
  IDENTITY_EMAIL_UPDATED
  IDENTITY_EMAIL_VERIFIED
  IDENTITY_OAUTH_CONNECTED
  IDENTITY_OAUTH_DISCONNECTED
  IDENTITY_PHONE_ADDED
  IDENTITY_PHONE_REMOVED
  IDENTITY_PHONE_UNVERIFIED
  IDENTITY_PHONE_UPDATED
  IDENTITY_PHONE_VERIFIED
  IDENTITY_USERNAME_ADDED
  IDENTITY_USERNAME_REMOVED
  IDENTITY_USERNAME_UPDATED
  M2M_TOKEN_CREATED
  PROJECT_APP_CREATED
  PROJECT_APP_SECRET_VIEWED
  PROJECT_APP_UPDATED
  PROJECT_BILLING_CHECKOUT_CREATED
  PROJECT_BILLING_SUBSCRIPTION_CANCELLED
  PROJECT_BILLING_SUBSCRIPTION_STATUS_UPDATED
  PROJECT_BILLING_SUBSCRIPTION_UPDATED
  PROJECT_COLLABORATOR_DELETED
  PROJECT_COLLABORATOR_INVITATION_ACCEPTED
  PROJECT_COLLABORATOR_INVITATION_CREATED
  PROJECT_COLLABORATOR_INVITATION_DELETED
  PROJECT_DOMAIN_CREATED
  PROJECT_DOMAIN_DELETED
  PROJECT_DOMAIN_VERIFIED
  RATE_LIMIT_BLOCKED
  SMS_ERROR
  SMS_SENT
  SMS_SUPPRESSED
  USAGE_ALERT_TRIGGERED
  USER_ANONYMIZATION_SCHEDULED
  USER_ANONYMIZATION_UNSCHEDULED
  USER_ANONYMIZED
  USER_ANONYMOUS_PROMOTED
  USER_AUTHENTICATED
  USER_CREATED
  USER_DELETED
  USER_DELETION_SCHEDULED
  USER_DELETION_UNSCHEDULED
  USER_DISABLED
  USER_PROFILE_UPDATED
  USER_REAUTHENTICATED
  USER_REENABLED
  USER_SESSION_TERMINATED
  USER_SIGNED_OUT
  WHATSAPP_ERROR
  WHATSAPP_OTP_VERIFIED
  WHATSAPP_SENT
  WHATSAPP_SUPPRESSED
}

type AuditLogConnection {
  edges: [AuditLogEdge]
  pageInfo: PageInfo!
  totalCount: Int
}

scalar AuditLogData

type AuditLogEdge {
  cursor: String!
  node: AuditLog
}

type Authenticator implements Entity & Node {
  claims(names: [String!]): AuthenticatorClaims!
  createdAt: DateTime!
  expireAfter: DateTime
  id: ID!
  isDefault: Boolean!
  kind: AuthenticatorKind!
  type: AuthenticatorType!
  updatedAt: DateTime!
}

scalar AuthenticatorClaims

type AuthenticatorConnection {
  edges: [AuthenticatorEdge]
  pageInfo: PageInfo!
  totalCount: Int
}

input AuthenticatorDefinition {
  kind: AuthenticatorKind!
  oobOtpEmail: AuthenticatorDefinitionOOBOTPEmail
  oobOtpSMS: AuthenticatorDefinitionOOBOTPSMS
  password: AuthenticatorDefinitionPassword
  type: AuthenticatorType!
}

input AuthenticatorDefinitionOOBOTPEmail {
  email: String!
}

input AuthenticatorDefinitionOOBOTPSMS {
  phone: String!
}

input AuthenticatorDefinitionPassword {
  password: String!
}

type AuthenticatorEdge {
  cursor: String!
  node: Authenticator
}

enum AuthenticatorKind {
  PRIMARY
  SECONDARY
}

enum AuthenticatorType {
  OOB_OTP_EMAIL
  OOB_OTP_SMS
  PASSKEY
  PASSWORD
  TOTP
}

type Authorization implements Entity & Node {
  clientID: String!
  createdAt: DateTime!
  id: ID!
  scopes: [String!]!
  updatedAt: DateTime!
}

type AuthorizationConnection {
  edges: [AuthorizationEdge]
  pageInfo: PageInfo!
  totalCount: Int
}

type AuthorizationEdge {
  cursor: String!
  node: Authorization
}

type Claim {
  name: String!
  value: String!
}

input CreateAuthenticatorInput {
  definition: AuthenticatorDefinition!
  userID: ID!
}

type CreateAuthenticatorPayload {
  authenticator: Authenticator!
}

input CreateGroupInput {
  description: String
  key: String!
  name: String
}

type CreateGroupPayload {
  group: Group!
}

input CreateIdentityInput {
  definition: IdentityDefinition!
  password: String
  userID: ID!
}

type CreateIdentityPayload {
  identity: Identity!
  user: User!
}

input CreateRoleInput {
  description: String
  key: String!
  name: String
}

type CreateRolePayload {
  role: Role!
}

input CreateSessionInput {
  clientID: String!
  deviceInfo: String
  userID: ID!
}

type CreateSessionPayload {
  accessToken: String!
  expiresIn: Int!
  refreshToken: String!
  tokenType: String!
}

input CreateUserInput {
  accountValidFrom: DateTime
  accountValidUntil: DateTime
  definition: IdentityDefinition!
  password: String
  sendPassword: Boolean
  setPasswordExpired: Boolean
}

type CreateUserPayload {
  user: User!
}

scalar DateTime

input DeleteAuthenticatorInput {
  authenticatorID: ID!
}

type DeleteAuthenticatorPayload {
  user: User!
}

input DeleteAuthorizationInput {
  authorizationID: ID!
}

type DeleteAuthorizationPayload {
  user: User!
}

input DeleteGroupInput {
  id: ID!
}

type DeleteGroupPayload {
  ok: Boolean
}

input DeleteIdentityInput {
  identityID: ID!
}

type DeleteIdentityPayload {
  user: User!
}

input DeleteRoleInput {
  id: ID!
}

type DeleteRolePayload {
  ok: Boolean
}

input DeleteUserInput {
  reason: String
  userID: ID!
}

type DeleteUserPayload {
  deletedUserID: ID!
}

interface Entity {
  createdAt: DateTime!
  id: ID!
  updatedAt: DateTime!
}

input GenerateOOBOTPCodeInput {
  purpose: OTPPurpose
  target: String!
}

type GenerateOOBOTPCodePayload {
  code: String!
}

type Group implements Entity & Node {
  createdAt: DateTime!
  description: String
  id: ID!
  key: String!
  name: String
  roles(after: String, before: String, first: Int, last: Int): RoleConnection
  updatedAt: DateTime!
  users(after: String, before: String, first: Int, last: Int): UserConnection
}

type GroupConnection {
  edges: [GroupEdge]
  pageInfo: PageInfo!
  totalCount: Int
}

type GroupEdge {
  cursor: String!
  node: Group
}

type Identity implements Entity & Node {
  claims(names: [String!]): IdentityClaims!
  createdAt: DateTime!
  id: ID!
  type: IdentityType!
  updatedAt: DateTime!
}

scalar IdentityClaims

type IdentityConnection {
  edges: [IdentityEdge]
  pageInfo: PageInfo!
  totalCount: Int
}

input IdentityDefinition {
  loginID: IdentityDefinitionLoginID
}

input IdentityDefinitionLoginID {
  key: String!
  value: String!
}

type IdentityEdge {
  cursor: String!
  node: Identity
}

enum IdentityType {
  ANONYMOUS
  BIOMETRIC
  LDAP
  LOGIN_ID
  OAUTH
  PASSKEY
  SIWE
}

type LockedIP {
  ipAddress: String!
  lockedUntil: DateTime!
}

type Mutation {
  addGroupToRoles(input: AddGroupToRolesInput!): AddGroupToRolesPayload!
  addGroupToUsers(input: AddGroupToUsersInput!): AddGroupToUsersPayload!
  addRoleToGroups(input: AddRoleToGroupsInput!): AddRoleToGroupsPayload!
  addRoleToUsers(input: AddRoleToUsersInput!): AddRoleToUsersPayload!
  addUserToGroups(input: AddUserToGroupsInput!): AddUserToGroupsPayload!
  addUserToRoles(input: AddUserToRolesInput!): AddUserToRolesPayload!
  anonymizeUser(input: AnonymizeUserInput!): AnonymizeUserPayload!
  createAuthenticator(input: CreateAuthenticatorInput!): CreateAuthenticatorPayload!
  createGroup(input: CreateGroupInput!): CreateGroupPayload!
  createIdentity(input: CreateIdentityInput!): CreateIdentityPayload!
  createRole(input: CreateRoleInput!): CreateRolePayload!
  createSession(input: CreateSessionInput!): CreateSessionPayload!
  createUser(input: CreateUserInput!): CreateUserPayload!
  deleteAuthenticator(input: DeleteAuthenticatorInput!): DeleteAuthenticatorPayload!
  deleteAuthorization(input: DeleteAuthorizationInput!): DeleteAuthorizationPayload!
  deleteGroup(input: DeleteGroupInput!): DeleteGroupPayload!
  deleteIdentity(input: DeleteIdentityInput!): DeleteIdentityPayload!
  deleteRole(input: DeleteRoleInput!): DeleteRolePayload!
  deleteUser(input: DeleteUserInput!): DeleteUserPayload!
  generateOOBOTPCode(input: GenerateOOBOTPCodeInput!): GenerateOOBOTPCodePayload!
  removeGroupFromRoles(input: RemoveGroupFromRolesInput!): RemoveGroupFromRolesPayload!
  removeGroupFromUsers(input: RemoveGroupFromUsersInput!): RemoveGroupToUsersPayload!
  removeMFAGracePeriod(input: removeMFAGracePeriodInput!): removeMFAGracePeriodPayload!
  removeRoleFromGroups(input: RemoveRoleFromGroupsInput!): RemoveRoleFromGroupsPayload!
  removeRoleFromUsers(input: RemoveRoleFromUsersInput!): RemoveRoleFromUsersPayload!
  removeUserFromGroups(input: RemoveUserFromGroupsInput!): RemoveUserFromGroupsPayload!
  removeUserFromRoles(input: RemoveUserFromRolesInput!): RemoveUserFromRolesPayload!
  resetAccountLockout(input: ResetAccountLockoutInput!): ResetAccountLockoutPayload!
  resetPassword(input: ResetPasswordInput!): ResetPasswordPayload!
  revokeAllSessions(input: RevokeAllSessionsInput!): RevokeAllSessionsPayload!
  revokeSession(input: RevokeSessionInput!): RevokeSessionPayload!
  scheduleAccountAnonymization(input: ScheduleAccountAnonymizationInput!): ScheduleAccountAnonymizationPayload!
  scheduleAccountDeletion(input: ScheduleAccountDeletionInput!): ScheduleAccountDeletionPayload!
  sendResetPasswordMessage(input: SendResetPasswordMessageInput!): Boolean
  setAccountValidFrom(input: SetAccountValidFromInput!): SetAccountValidFromPayload!
  setAccountValidPeriod(input: SetAccountValidPeriodInput!): SetAccountValidPeriodPayload!
  setAccountValidUntil(input: SetAccountValidUntilInput!): SetAccountValidUntilPayload!
  setDisabledStatus(input: SetDisabledStatusInput!): SetDisabledStatusPayload!
  setMFAGracePeriod(input: SetMFAGracePeriodInput!): SetMFAGracePeriodPayload!
  setPasswordExpired(input: SetPasswordExpiredInput!): SetPasswordExpiredPayload!
  setVerifiedStatus(input: SetVerifiedStatusInput!): SetVerifiedStatusPayload!
  unscheduleAccountAnonymization(input: UnscheduleAccountAnonymizationInput!): UnscheduleAccountAnonymizationPayload!
  unscheduleAccountDeletion(input: UnscheduleAccountDeletionInput!): UnscheduleAccountDeletionPayload!
  updateGroup(input: UpdateGroupInput!): UpdateGroupPayload!
  updateIdentity(input: UpdateIdentityInput!): UpdateIdentityPayload!
  updateRole(input: UpdateRoleInput!): UpdateRolePayload!
  updateUser(input: UpdateUserInput!): UpdateUserPayload!
}

interface Node {
  id: ID!
}

enum OTPPurpose {
  LOGIN
  VERIFICATION
}

type PageInfo {
  endCursor: String
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
}

type Query {
  auditLogs(activityTypes: [AuditLogActivityType!], after: String, before: String, emailAddresses: [String!], first: Int, last: Int, phoneNumbers: [String!], rangeFrom: DateTime, rangeTo: DateTime, sortDirection: SortDirection, userIDs: [ID!]): AuditLogConnection
  getUserByLoginID(loginIDKey: String!, loginIDValue: String!): User
  getUserByOAuth(oauthProviderAlias: String!, oauthProviderUserID: String!): User
  getUsersByStandardAttribute(attributeName: String!, attributeValue: String!): [User!]!
  groups(after: String, before: String, excludedIDs: [ID!], first: Int, last: Int, searchKeyword: String): GroupConnection
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  roles(after: String, before: String, excludedIDs: [ID!], first: Int, last: Int, searchKeyword: String): RoleConnection
  users(after: String, before: String, first: Int, groupKeys: [String!], last: Int, roleKeys: [String!], searchKeyword: String, sortBy: UserSortBy, sortDirection: SortDirection): UserConnection
}

input RemoveGroupFromRolesInput {
  groupKey: String!
  roleKeys: [String!]!
}

type RemoveGroupFromRolesPayload {
  group: Group!
}

input RemoveGroupFromUsersInput {
  groupKey: String!
  userIDs: [ID!]
}

type RemoveGroupToUsersPayload {
  group: Group!
}

input RemoveRoleFromGroupsInput {
  groupKeys: [String!]!
  roleKey: String!
}

type RemoveRoleFromGroupsPayload {
  role: Role!
}

input RemoveRoleFromUsersInput {
  roleKey: String!
  userIDs: [ID!]
}

type RemoveRoleFromUsersPayload {
  role: Role!
}

input RemoveUserFromGroupsInput {
  groupKeys: [String!]
  userID: ID!
}

type RemoveUserFromGroupsPayload {
  user: User!
}

input RemoveUserFromRolesInput {
  roleKeys: [String!]
  userID: ID!
}

type RemoveUserFromRolesPayload {
  user: User!
}

input ResetAccountLockoutInput {
  userID: ID!
}

type ResetAccountLockoutPayload {
  user: User!
}

input ResetPasswordInput {
  password: String
  sendPassword: Boolean
  setPasswordExpired: Boolean
  userID: ID!
}

type ResetPasswordPayload {
  user: User!
}

input RevokeAllSessionsInput {
  userID: ID!
}

type RevokeAllSessionsPayload {
  user: User!
}

input RevokeSessionInput {
  sessionID: ID!
}

type RevokeSessionPayload {
  user: User!
}

type Role implements Entity & Node {
  createdAt: DateTime!
  description: String
  groups(after: String, before: String, first: Int, last: Int): GroupConnection
  id: ID!
  key: String!
  name: String
  updatedAt: DateTime!
  users(after: String, before: String, first: Int, last: Int): UserConnection
}

type RoleConnection {
  edges: [RoleEdge]
  pageInfo: PageInfo!
  totalCount: Int
}

type RoleEdge {
  cursor: String!
  node: Role
}

input ScheduleAccountAnonymizationInput {
  userID: ID!
}

type ScheduleAccountAnonymizationPayload {
  user: User!
}

input ScheduleAccountDeletionInput {
  reason: String
  userID: ID!
}

type ScheduleAccountDeletionPayload {
  user: User!
}

input SendResetPasswordMessageInput {
  loginID: ID!
}

type Session implements Entity & Node {
  acr: String
  amr: [String!]!
  applicationName: String
  clientID: String
  createdAt: DateTime!
  createdByIP: String!
  displayName: String!
  id: ID!
  lastAccessedAt: DateTime!
  lastAccessedByIP: String!
  lastAccessedByIPCountryCode: String!
  lastAccessedByIPEnglishCountryName: String!
  type: SessionType!
  updatedAt: DateTime!
  userAgent: String
}

type SessionConnection {
  edges: [SessionEdge]
  pageInfo: PageInfo!
  totalCount: Int
}

type SessionEdge {
  cursor: String!
  node: Session
}

enum SessionType {
  IDP
  OFFLINE_GRANT
}

input SetAccountValidFromInput {
  accountValidFrom: DateTime
  userID: ID!
}

type SetAccountValidFromPayload {
  user: User!
}

input SetAccountValidPeriodInput {
  accountValidFrom: DateTime
  accountValidUntil: DateTime
  userID: ID!
}

type SetAccountValidPeriodPayload {
  user: User!
}

input SetAccountValidUntilInput {
  accountValidUntil: DateTime
  userID: ID!
}

type SetAccountValidUntilPayload {
  user: User!
}

input SetDisabledStatusInput {
  isDisabled: Boolean!
  reason: String
  temporarilyDisabledFrom: DateTime
  temporarilyDisabledUntil: DateTime
  userID: ID!
}

type SetDisabledStatusPayload {
  user: User!
}

input SetMFAGracePeriodInput {
  endAt: DateTime!
  userID: ID!
}

type SetMFAGracePeriodPayload {
  user: User!
}

input SetPasswordExpiredInput {
  expired: Boolean!
  userID: ID!
}

type SetPasswordExpiredPayload {
  user: User!
}

input SetVerifiedStatusInput {
  claimName: String!
  claimValue: String!
  isVerified: Boolean!
  userID: ID!
}

type SetVerifiedStatusPayload {
  user: User!
}

enum SortDirection {
  ASC
  DESC
}

input UnscheduleAccountAnonymizationInput {
  userID: ID!
}

type UnscheduleAccountAnonymizationPayload {
  user: User!
}

input UnscheduleAccountDeletionInput {
  userID: ID!
}

type UnscheduleAccountDeletionPayload {
  user: User!
}

input UpdateGroupInput {
  description: String
  id: ID!
  key: String
  name: String
}

type UpdateGroupPayload {
  group: Group!
}

input UpdateIdentityInput {
  definition: IdentityDefinition!
  identityID: ID!
  userID: ID!
}

type UpdateIdentityPayload {
  identity: Identity!
  user: User!
}

input UpdateRoleInput {
  description: String
  id: ID!
  key: String
  name: String
}

type UpdateRolePayload {
  role: Role!
}

input UpdateUserInput {
  customAttributes: UserCustomAttributes
  standardAttributes: UserStandardAttributes
  userID: ID!
}

type UpdateUserPayload {
  user: User!
}

type User implements Entity & Node {
  accountLockout: AccountLockout!
  accountValidFrom: DateTime
  accountValidUntil: DateTime
  anonymizeAt: DateTime
  authenticators(after: String, authenticatorKind: AuthenticatorKind, authenticatorType: AuthenticatorType, before: String, first: Int, last: Int): AuthenticatorConnection
  authorizations(after: String, before: String, first: Int, last: Int): AuthorizationConnection
  biometricRegistrations: [Identity!]!
  createdAt: DateTime!
  customAttributes: UserCustomAttributes!
  deleteAt: DateTime
  deleteReason: String
  disableReason: String
  effectiveRoles(after: String, before: String, first: Int, last: Int): RoleConnection
  endUserAccountID: String
  formattedName: String
  groups(after: String, before: String, first: Int, last: Int): GroupConnection
  id: ID!
  identities(after: String, before: String, first: Int, identityType: IdentityType, last: Int): IdentityConnection
  isAnonymized: Boolean!
  isAnonymous: Boolean!
  isDeactivated: Boolean!
  isDisabled: Boolean!
  lastLoginAt: DateTime
  loginIDs: [Identity!]!
  mfaGracePeriodEndAt: DateTime
  oauthConnections: [Identity!]!
  passkeys: [Identity!]!
  primaryOOBOTPEmailAuthenticator: Authenticator
  primaryOOBOTPSMSAuthenticator: Authenticator
  primaryPassword: Authenticator
  roles(after: String, before: String, first: Int, last: Int): RoleConnection
  secondaryOOBOTPEmailAuthenticators: [Authenticator!]!
  secondaryOOBOTPSMSAuthenticators: [Authenticator!]!
  secondaryPassword: Authenticator
  secondaryTOTPAuthenticators: [Authenticator!]!
  sessions(after: String, before: String, first: Int, last: Int): SessionConnection
  standardAttributes: UserStandardAttributes!
  temporarilyDisabledFrom: DateTime
  temporarilyDisabledUntil: DateTime
  updatedAt: DateTime!
  verifiedClaims: [Claim!]!
  web3: Web3Claims!
}

type UserConnection {
  edges: [UserEdge]
  pageInfo: PageInfo!
  totalCount: Int
}

scalar UserCustomAttributes

type UserEdge {
  cursor: String!
  node: User
}

enum UserSortBy {
  CREATED_AT
  LAST_LOGIN_AT
}

scalar UserStandardAttributes

scalar Web3Claims

input removeMFAGracePeriodInput {
  userID: ID!
}

type removeMFAGracePeriodPayload {
  user: User!
}
`;
