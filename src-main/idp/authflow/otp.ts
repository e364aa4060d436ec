import type { IdpContext } from '../context';
import { EphemeralMap } from '../ephemeral';
import type { Clock } from '../clock';
import { ApiError } from '../errors';
import { rfc3339 } from '../user/claims';
import type { OutboxMessage } from '../store/repos/outbox';
import type { AppConfig, OtpLimitConfig } from '../config/types';
import { audit } from '../audit/record';

/** Upstream's defaults (spec authflow.md 6.4, 10). */
const CODE_TTL: Record<'code' | 'link', number> = { code: 300, link: 1200 };
const LINK_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type OtpPurpose = 'verification' | 'authenticate-primary-oob' | 'forgot-password';
export type OtpChannel = 'email' | 'sms' | 'whatsapp';

/** Upstream's bucket names: purpose prefix + channel suffix (e.g. `OOBOTPCooldownSMS`). */
const BUCKET_PREFIX: Record<OtpPurpose, string> = {
  verification: 'VerificationCooldown',
  'authenticate-primary-oob': 'OOBOTPCooldown',
  'forgot-password': 'ForgotPasswordCooldown',
};
const CHANNEL_SUFFIX: Record<OtpChannel, string> = { email: 'Email', sms: 'SMS', whatsapp: 'Whatsapp' };
const LIMITS_KEY: Record<OtpPurpose, keyof AppConfig['otp_limits']> = {
  verification: 'verification',
  'authenticate-primary-oob': 'authenticate',
  'forgot-password': 'forgot_password',
};

/** The configured cooldown and revocation threshold of a purpose on a channel (WhatsApp uses SMS's). */
export function otpLimits(app: AppConfig, purpose: OtpPurpose, channel: OtpChannel): OtpLimitConfig {
  const limits = app.otp_limits[LIMITS_KEY[purpose]][channel === 'email' ? 'email' : 'sms'];
  // Upstream revokes codes only for sign-in and verification codes, never recovery codes.
  return purpose === 'forgot-password' ? { ...limits, max_failed_attempts_revoke_otp: 0 } : limits;
}

const tooManyAttempts = () => new ApiError('TooManyRequest', 'RateLimited', 'too many verify OTP attempts', { bucket_name: 'TrackFailedOTPAttemptBucket' });

interface PendingCode {
  code: string;
  form: 'code' | 'link';
  used: boolean;
  /** Login links: approved by opening the link (then the flow may `check`). */
  approved?: boolean;
  /** Login links: the WebSocket channel told when the link is approved. */
  wsChannel?: string;
}

/** One-time codes, their resend cooldowns and failed attempts, in memory on the injectable clock. */
export class OtpStore {
  readonly codes: EphemeralMap<PendingCode>;
  private readonly cooldowns: EphemeralMap<number>;
  /** Wrong codes entered per purpose and target, since the last code was sent. */
  private readonly failures: EphemeralMap<number>;
  /** Link-form codes by value, so a link can be followed without its flow (spec 7.11). */
  private readonly links: EphemeralMap<string>;

  constructor(
    private readonly clock: Clock,
    private readonly limits: (purpose: OtpPurpose, channel: OtpChannel) => OtpLimitConfig,
  ) {
    this.codes = new EphemeralMap(clock);
    this.cooldowns = new EphemeralMap(clock);
    this.failures = new EphemeralMap(clock);
    this.links = new EphemeralMap(clock);
  }

  /** The target a live link-form code was sent to. */
  linkTarget(purpose: OtpPurpose, code: string): string | undefined {
    return this.links.get(`${purpose}:${code.trim()}`);
  }

  /** The cooldowns a send must respect: per target, and per flow (spec authflow.md 10). */
  private cooldownKeys(purpose: OtpPurpose, channel: OtpChannel, target: string, flowId: string): string[] {
    return [`${purpose}:${channel}:${target}`, `flow:${flowId}:${purpose}:${channel}`];
  }

  /** When a new code may be sent (ms): the later end of the target's and the flow's cooldowns. */
  canResendAt(purpose: OtpPurpose, channel: OtpChannel, target: string, flowId: string): number {
    return Math.max(this.clock.nowMs(), ...this.cooldownKeys(purpose, channel, target, flowId).map((k) => this.cooldowns.get(k) ?? 0));
  }

  /** Creates a code unless a cooldown forbids it; `swallowCooldown` on first entry (spec 7.6). */
  issue(ctx: IdpContext, o: { purpose: OtpPurpose; channel: OtpChannel; target: string; form: 'code' | 'link'; flowId: string; wsChannel?: string }, swallowCooldown: boolean): string | undefined {
    const key = `${o.purpose}:${o.target}`;
    const cooldowns = this.cooldownKeys(o.purpose, o.channel, o.target, o.flowId);
    if (cooldowns.some((k) => this.cooldowns.get(k) !== undefined)) {
      if (swallowCooldown) return undefined;
      throw new ApiError('TooManyRequest', 'RateLimited', 'request rate limited', { bucket_name: BUCKET_PREFIX[o.purpose] + CHANNEL_SUFFIX[o.channel] });
    }
    const code = o.form === 'code' ? (fixedCode(ctx, o.target) ?? ctx.random.string(6, '0123456789')) : ctx.random.string(32, LINK_ALPHABET);
    this.codes.set(key, { code, form: o.form, used: false, wsChannel: o.wsChannel }, CODE_TTL[o.form]);
    this.failures.delete(key);
    if (o.form === 'link') this.links.set(`${o.purpose}:${code}`, o.target, CODE_TTL[o.form]);
    const seconds = this.limits(o.purpose, o.channel).cooldown_seconds;
    if (seconds > 0) for (const k of cooldowns) this.cooldowns.set(k, this.clock.nowMs() + seconds * 1000, seconds);
    return code;
  }

  /**
   * A code minted by the Admin API (generateOOBOTPCode): replaces the pending code of the target
   * without cooldowns, and is accepted by the matching step like a sent one.
   */
  mint(purpose: OtpPurpose, target: string, code: string): void {
    this.codes.set(`${purpose}:${target}`, { code, form: 'code', used: false }, CODE_TTL.code);
    this.failures.delete(`${purpose}:${target}`);
  }

  /** A link-form code minted outside a flow (Admin API sendResetPasswordMessage). */
  mintLink(purpose: OtpPurpose, target: string, code: string): void {
    this.codes.set(`${purpose}:${target}`, { code, form: 'link', used: false }, CODE_TTL.link);
    this.links.set(`${purpose}:${code}`, target, CODE_TTL.link);
  }

  /**
   * Opening a login link approves the pending sign-in of its target; false when the link is
   * stale. The waiting page's WebSocket channel, if any, is returned to be told.
   */
  approveLink(purpose: OtpPurpose, code: string): { wsChannel?: string } | false {
    const target = this.linkTarget(purpose, code);
    const pending = target ? this.codes.get(`${purpose}:${target}`) : undefined;
    if (!pending || pending.code !== code.trim() || pending.used) return false;
    pending.approved = true;
    return { wsChannel: pending.wsChannel };
  }

  /** A link that can still be approved: live, matching its target's pending code, not used. */
  linkUsable(purpose: OtpPurpose, code: string): boolean {
    const target = this.linkTarget(purpose, code);
    const pending = target ? this.codes.get(`${purpose}:${target}`) : undefined;
    return Boolean(pending && pending.code === code.trim() && !pending.used);
  }

  isApproved(purpose: OtpPurpose, target: string): boolean {
    return Boolean(this.codes.get(`${purpose}:${target}`)?.approved);
  }

  /** Consumes an approved login link (the `check` input). */
  consumeApproved(purpose: OtpPurpose, target: string): boolean {
    const pending = this.codes.get(`${purpose}:${target}`);
    if (!pending?.approved || pending.used) return false;
    pending.used = true;
    return true;
  }

  /** True once the code was revoked for too many wrong attempts (`failed_attempt_rate_limit_exceeded`). */
  attemptsExceeded(purpose: OtpPurpose, channel: OtpChannel, target: string): boolean {
    const max = this.limits(purpose, channel).max_failed_attempts_revoke_otp;
    return max > 0 && (this.failures.get(`${purpose}:${target}`) ?? 0) >= max;
  }

  /**
   * Checks an entered code (whitespace-trimmed); consumes it on success. With
   * `max_failed_attempts_revoke_otp` set, the attempt that reaches it and every later one answer
   * RateLimited (`TrackFailedOTPAttemptBucket`) and the code is revoked until a new one is sent.
   */
  verify(purpose: OtpPurpose, channel: OtpChannel, target: string, entered: string): 'ok' | 'invalid' | 'used' {
    const key = `${purpose}:${target}`;
    if (this.attemptsExceeded(purpose, channel, target)) {
      this.codes.delete(key);
      throw tooManyAttempts();
    }
    const pending = this.codes.get(key);
    if (!pending) return 'invalid';
    if (pending.code !== entered.trim()) {
      const max = this.limits(purpose, channel).max_failed_attempts_revoke_otp;
      if (max > 0) {
        const failures = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, failures, CODE_TTL.link);
        if (failures >= max) throw tooManyAttempts();
      }
      return 'invalid';
    }
    if (pending.used) return 'used';
    pending.used = true;
    this.failures.delete(key);
    return 'ok';
  }
}

/** `test_mode.oob_otp`: a target matching a rule always gets the rule's fixed code. */
export function fixedCode(ctx: IdpContext, target: string): string | undefined {
  const t = ctx.config.app.test_mode.oob_otp;
  if (!t.enabled) return undefined;
  return t.rules.find((r) => r.regex.test(target))?.fixed_code;
}

export function canResendAtString(store: OtpStore, purpose: OtpPurpose, channel: OtpChannel, target: string, flowId: string): string {
  return rfc3339(store.canResendAt(purpose, channel, target, flowId));
}

/** Writes the message the IdP would send to the outbox (spec authflow.md 11). */
export async function sendToOutbox(
  ctx: IdpContext,
  m: { to: string; channel: OtpChannel; purpose: OtpPurpose; form: 'code' | 'link'; code: string; userId?: string },
): Promise<void> {
  const link =
    m.form === 'link'
      ? `${ctx.issuer}/authflow/v2/${m.purpose === 'forgot-password' ? 'reset_password' : 'verify_login_link'}?code=${m.code}`
      : null;
  const subjects: Record<OtpPurpose, string> = {
    verification: 'Your verification code',
    'authenticate-primary-oob': 'Your sign-in code',
    'forgot-password': 'Reset your password',
  };
  const body = link ? `${subjects[m.purpose]}: ${link}\n(code: ${m.code})` : `${subjects[m.purpose]}: ${m.code}`;
  const message: OutboxMessage = {
    id: ctx.random.uuid(),
    createdAt: ctx.clock.nowMs(),
    channel: m.channel,
    recipient: m.to,
    // Upstream sends every WhatsApp OTP with its one `whatsapp-code` template.
    messageType: m.channel === 'whatsapp' ? 'whatsapp-code' : m.purpose,
    otpForm: m.form,
    code: m.code,
    link,
    userId: m.userId ?? null,
    subject: m.channel === 'email' ? subjects[m.purpose] : null,
    bodyText: body,
  };
  await ctx.store.db.write(() => {
    ctx.store.outbox.insert(message);
    audit.messageSent(ctx, { triggeredBy: 'user' }, message);
  });
  ctx.onOutbox?.(message);
}
