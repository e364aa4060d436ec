import type { LoginHint } from './login-hint';

/** An authorization request parked while the user signs in (upstream's "OAuth session", 1500 s). */
export interface OAuthSession {
  id: string;
  params: Record<string, string>;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  prompt: string[];
  loginHint?: LoginHint;
  /** From a verified id_token_hint. */
  idTokenHint?: { sub: string; sid?: string };
  /** Set for a settings action (spec 5.10): the settings page must carry it as x_settings_action_id. */
  settingsActionId?: string;
}

/** Lifetime of an OAuth session: 20 min of UI + 5 min of consent. */
export const OAUTH_SESSION_TTL = 1500;
