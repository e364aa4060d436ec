/** Flow definitions in the shape of authgear.yaml's `authentication_flow` (spec authflow.md 4, 8). */

export const FLOW_TYPES = ['signup', 'promote', 'login', 'signup_login', 'reauth', 'account_recovery'] as const;
export type FlowType = (typeof FLOW_TYPES)[number];

export type StepType =
  | 'identify'
  | 'authenticate'
  | 'create_authenticator'
  | 'verify'
  | 'check_account_status'
  | 'terminate_other_sessions'
  | 'change_password'
  | 'view_recovery_code'
  | 'select_destination'
  | 'verify_account_recovery_code'
  | 'reset_password';

export interface BranchDef {
  identification?: string;
  /** signup_login: the flows to continue with when the login ID is new / already taken. */
  signup_flow?: string;
  login_flow?: string;
  authentication?: string;
  target_step?: string;
  on_failure?: 'error' | 'ignore';
  allowed_channels?: { channel: 'email' | 'sms' | 'whatsapp'; otp_form: 'code' | 'link' }[];
  steps?: StepDef[];
}

export interface StepDef {
  name?: string;
  type: StepType;
  target_step?: string;
  optional?: boolean;
  one_of?: BranchDef[];
}

export interface FlowDefinition {
  type: FlowType;
  name: string;
  steps: StepDef[];
}

/** Where the engine is: a stack of step lists, each with the index of its current step. */
export interface Frame {
  steps: StepDef[];
  index: number;
}

/** What a step remembers while it waits for more input (e.g. an OTP was sent). */
export interface StepStage {
  /** The chosen option or branch, by index. */
  option?: number;
  /** The authentication or identification of the chosen option. */
  chosen?: string;
  channel?: string;
  /** OTP purpose and target when a code is pending. */
  otp?: { purpose: string; target: string; form: 'code' | 'link'; channel: string; wsChannel?: string };
  /** A code is to be sent to a target with several channels: which one (select_oob_otp_channels_data). */
  selectChannel?: { purpose: string; target: string; form: 'code' | 'link'; channels: ('email' | 'sms' | 'whatsapp')[] };
  /** `request_device_token` came with the choice of an OOB option; applied once its code is entered. */
  requestDeviceToken?: boolean;
  /** A TOTP secret being set up, until the first code confirms it. */
  totpSecret?: string;
  prepared?: boolean;
}

/** One immutable snapshot of a running flow. A new input makes a new snapshot. */
export interface FlowState {
  flowId: string;
  type: FlowType;
  name: string;
  frames: Frame[];
  stage: StepStage;
  /** Named steps reached so far, with what they produced (for target_step). */
  named: Record<string, { loginIdType?: string; loginId?: string; identification?: string }>;
  oauthSessionId?: string;
  clientId?: string;
  /** Client parameters from url_query. */
  query: Record<string, string>;
  userId?: string;
  /** Sign-up: what will be created when the flow finishes. */
  pending?: {
    loginIdKey: string;
    loginIdType: string;
    loginId: string;
    originalLoginId: string;
    verified: { name: string; value: string }[];
    authenticators: { type: 'password' | 'oob_otp_email' | 'oob_otp_sms' | 'totp'; kind: 'primary' | 'secondary'; passwordHash?: string; email?: string; phone?: string; totpSecret?: string }[];
    recoveryCodes?: string[];
  };
  /** Account recovery: the user found (absent when unknown: nothing is sent), the destination. */
  recovery?: { loginId: string; userId?: string; destination?: { channel: string; otp_form: 'code' | 'link'; target: string }; code?: string };
  amr: string[];
  usedAuthenticators: string[];
  /** Set when the password used to sign in must be changed before finishing. */
  passwordChangeReason?: 'policy' | 'expiry';
  /** Hash of a password to set when the flow finishes (reset, or change after sign-in). */
  newPasswordHash?: string;
  authenticatedAt?: number;
  /** Promote: the anonymous user being turned into a normal one, and its promotion code. */
  promotion?: { userId: string; code?: string };
  finished?: { redirectUri?: string };
}
