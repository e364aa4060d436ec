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
  /** Set once the code was exchanged; a second exchange revokes what the first one issued. */
  redeemed?: { offlineGrantId: string | null; accessTokenHash: string };
}

export const CODE_TTL = 300;
