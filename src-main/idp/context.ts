import type { Clock } from './clock';
import type { Random } from './random';
import type { Store } from './store/store';
import type { AppConfig, LoadedConfig, OAuthClientConfig } from './config/types';
import type { SigningKeys } from './crypto/signing-keys';
import { EphemeralMap } from './ephemeral';
import type { CodeGrant } from './oauth/code-grant';
import type { OAuthSession } from './oauth/authorize/oauth-session';
import type { AuthenticationInfo } from './session/authentication-info';
import type { FlowState } from './authflow/types';
import type { OutboxMessage } from './store/repos/outbox';
import { OtpStore, otpLimits } from './authflow/otp';
import { Lockout } from './authflow/lockout';
import { FlowEvents } from './authflow/flow-events';
import type { AppSessionToken } from './oauth/app-session';
import type { Challenge } from './oauth/challenge';
import type { PromotionCode } from './user/anonymous';
import type { SettingsActionGrant } from './oauth/settings-action';

/** Everything a request handler needs, passed explicitly (no globals, no Date.now()). */
export interface IdpContext {
  /** The issuer: `http.public_origin` with the actual port when it is a loopback origin. */
  issuer: string;
  config: LoadedConfig;
  clock: Clock;
  random: Random;
  store: Store;
  keys: SigningKeys;
  /** Per-launch secret that guards the console API. */
  consoleToken: string;
  /** Secret for CSRF tokens of the built-in pages. */
  csrfSecret: Buffer;
  /** Told about every message put in the outbox (the CLI prints them). */
  onOutbox?: (m: OutboxMessage) => void;
  ephemeral: {
    codes: EphemeralMap<CodeGrant>;
    oauthSessions: EphemeralMap<OAuthSession>;
    authInfo: EphemeralMap<AuthenticationInfo>;
    endSessionStash: EphemeralMap<{ key: string; params: Record<string, string> }>;
    /** Authentication Flow snapshots by state token, and live flows by flow id. */
    flowStates: EphemeralMap<FlowState>;
    flows: EphemeralMap<true>;
    otp: OtpStore;
    lockout: Lockout;
    flowEvents: FlowEvents;
    /** SDK helpers (spec 13): one-time tokens by hash, 300 s each. */
    appSessionTokens: EphemeralMap<AppSessionToken>;
    challenges: EphemeralMap<Challenge>;
    promotionCodes: EphemeralMap<PromotionCode>;
    settingsActionCodes: EphemeralMap<SettingsActionGrant>;
  };
}

export function app(ctx: IdpContext): AppConfig {
  return ctx.config.app;
}

export function findClient(ctx: IdpContext, clientId: string | undefined): OAuthClientConfig | undefined {
  if (!clientId) return undefined;
  return ctx.config.app.oauth.clients.find((c) => c.client_id === clientId);
}

/** `app` is read at each use, so a reloaded config applies at once. */
export function createEphemeral(clock: Clock, app: () => AppConfig): IdpContext['ephemeral'] {
  return {
    codes: new EphemeralMap(clock),
    oauthSessions: new EphemeralMap(clock),
    authInfo: new EphemeralMap(clock),
    endSessionStash: new EphemeralMap(clock),
    flowStates: new EphemeralMap(clock, 50_000),
    flows: new EphemeralMap(clock),
    otp: new OtpStore(clock, (purpose, channel) => otpLimits(app(), purpose, channel)),
    lockout: new Lockout(),
    flowEvents: new FlowEvents(),
    appSessionTokens: new EphemeralMap(clock),
    challenges: new EphemeralMap(clock),
    promotionCodes: new EphemeralMap(clock),
    settingsActionCodes: new EphemeralMap(clock),
  };
}
