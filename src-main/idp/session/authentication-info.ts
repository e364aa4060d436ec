/** The result of a successful interactive authentication, handed from the UI to /oauth2/consent. */
export interface AuthenticationInfo {
  userId: string;
  amr: string[];
  /** Milliseconds. */
  authenticatedAt: number;
  /** The IdP session created or used by this login, if any. */
  idpSessionId: string | null;
  /** The OAuth session (parked authorization request) this authentication completes. */
  oauthSessionId: string;
}
