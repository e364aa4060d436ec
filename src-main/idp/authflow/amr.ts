import type { FlowState } from './types';

/** AMR values each authenticator contributes (spec oidc.md 7.6). */
const AMR: Record<string, string[]> = {
  primary_password: ['pwd', 'x_primary_password'],
  primary_oob_otp_email: ['otp', 'x_primary_oob_otp_email'],
  primary_oob_otp_sms: ['otp', 'sms', 'x_primary_oob_otp_sms'],
  secondary_totp: ['otp', 'x_secondary_totp'],
  recovery_code: ['x_recovery_code'],
};

/** Records an authenticator used or created in this flow; both count towards the AMR, as upstream. */
export function recordAuthenticator(state: FlowState, authentication: string, nowMs: number): void {
  state.usedAuthenticators.push(authentication);
  state.amr.push(...(AMR[authentication] ?? []));
  state.authenticatedAt = nowMs;
}

/** The final AMR: de-duplicated and sorted, with `mfa` when more than one authenticator was used. */
export function finalAmr(state: FlowState): string[] {
  const amr = new Set(state.amr);
  // Two authenticators, or one plus a recovery code, is multi-factor (upstream's rule).
  if (new Set(state.usedAuthenticators).size > 1) amr.add('mfa');
  return [...amr].sort();
}
