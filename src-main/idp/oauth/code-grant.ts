/** What an authorization code stands for; kept in memory by hash for 300 s (spec 6.3). */
export interface CodeGrant {
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  nonce?: string;
  codeChallenge?: string;
  authorizationId: string;
  /** The IdP session created or used by the login, if any. */
  idpSessionId: string | null;
  /** The session that satisfied a prompt=none request, if any. */
  satisfiedBy?: { kind: 'idp' | 'offline_grant'; id: string };
  /** Session named by id_token_hint's sid (reauthentication). */
  idTokenHintSid?: { kind: 'idp' | 'offline_grant'; id: string };
  authenticatedAt: number;
  amr: string[];
  ssoEnabled: boolean;
  /** Set when an exchange starts ('pending') and completes; a second exchange revokes what the first one issued. */
  redeemed?: 'pending' | { offlineGrantId: string | null; accessTokenHash: string };
  /** A second exchange was attempted. */
  replayed?: boolean;
}

export const CODE_TTL = 300;
