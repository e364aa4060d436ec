import type { IdpContext } from '../context';
import { EphemeralMap } from '../ephemeral';
import type { Clock } from '../clock';
import { ApiError } from '../errors';
import { rfc3339 } from '../user/claims';
import type { OutboxMessage } from '../store/repos/outbox';
import { audit } from '../audit/record';

/** Upstream's defaults (spec authflow.md 6.4, 10). */
const COOLDOWN_SECONDS = 60;
const CODE_TTL: Record<'code' | 'link', number> = { code: 300, link: 1200 };
const LINK_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type OtpPurpose = 'verification' | 'authenticate-primary-oob' | 'forgot-password';

/** The bucket name a resend inside the cooldown reports. */
const COOLDOWN_BUCKET: Record<OtpPurpose, string> = {
  verification: 'VerificationCooldownEmail',
  'authenticate-primary-oob': 'OOBOTPCooldownEmail',
  'forgot-password': 'ForgotPasswordCooldownEmail',
};

interface PendingCode {
  code: string;
  form: 'code' | 'link';
  used: boolean;
  /** Login links: approved by opening the link (then the flow may `check`). */
  approved?: boolean;
}

/** One-time codes and their resend cooldowns, in memory on the injectable clock. */
export class OtpStore {
  readonly codes: EphemeralMap<PendingCode>;
  private readonly cooldowns: EphemeralMap<number>;
  /** Link-form codes by value, so a link can be followed without its flow (spec 7.11). */
  private readonly links: EphemeralMap<string>;

  constructor(private readonly clock: Clock) {
    this.codes = new EphemeralMap(clock);
    this.cooldowns = new EphemeralMap(clock);
    this.links = new EphemeralMap(clock);
  }

  /** The target a live link-form code was sent to. */
  linkTarget(purpose: OtpPurpose, code: string): string | undefined {
    return this.links.get(`${purpose}:${code.trim()}`);
  }

  /** The cooldowns a send must respect: per target, and per flow (spec authflow.md 10). */
  private cooldownKeys(purpose: OtpPurpose, target: string, flowId: string): string[] {
    return [`${purpose}:${target}`, `flow:${flowId}:${purpose}`];
  }

  /** When a new code may be sent (ms): the later end of the target's and the flow's cooldowns. */
  canResendAt(purpose: OtpPurpose, target: string, flowId: string): number {
    return Math.max(this.clock.nowMs(), ...this.cooldownKeys(purpose, target, flowId).map((k) => this.cooldowns.get(k) ?? 0));
  }

  /** Creates a code unless a cooldown forbids it; `swallowCooldown` on first entry (spec 7.6). */
  issue(ctx: IdpContext, purpose: OtpPurpose, target: string, form: 'code' | 'link', swallowCooldown: boolean, flowId: string): string | undefined {
    const key = `${purpose}:${target}`;
    const cooldowns = this.cooldownKeys(purpose, target, flowId);
    if (cooldowns.some((k) => this.cooldowns.get(k) !== undefined)) {
      if (swallowCooldown) return undefined;
      throw new ApiError('TooManyRequest', 'RateLimited', 'request rate limited', { bucket_name: COOLDOWN_BUCKET[purpose] });
    }
    const code = form === 'code' ? (fixedCode(ctx, target) ?? ctx.random.string(6, '0123456789')) : ctx.random.string(32, LINK_ALPHABET);
    this.codes.set(key, { code, form, used: false }, CODE_TTL[form]);
    if (form === 'link') this.links.set(`${purpose}:${code}`, target, CODE_TTL[form]);
    for (const k of cooldowns) this.cooldowns.set(k, this.clock.nowMs() + COOLDOWN_SECONDS * 1000, COOLDOWN_SECONDS);
    return code;
  }

  /**
   * A code minted by the Admin API (generateOOBOTPCode): replaces the pending code of the target
   * without cooldowns, and is accepted by the matching step like a sent one.
   */
  mint(purpose: OtpPurpose, target: string, code: string): void {
    this.codes.set(`${purpose}:${target}`, { code, form: 'code', used: false }, CODE_TTL.code);
  }

  /** A link-form code minted outside a flow (Admin API sendResetPasswordMessage). */
  mintLink(purpose: OtpPurpose, target: string, code: string): void {
    this.codes.set(`${purpose}:${target}`, { code, form: 'link', used: false }, CODE_TTL.link);
    this.links.set(`${purpose}:${code}`, target, CODE_TTL.link);
  }

  /** Opening a login link approves the pending sign-in of its target; false when the link is stale. */
  approveLink(purpose: OtpPurpose, code: string): boolean {
    const target = this.linkTarget(purpose, code);
    const pending = target ? this.codes.get(`${purpose}:${target}`) : undefined;
    if (!pending || pending.code !== code.trim() || pending.used) return false;
    pending.approved = true;
    return true;
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

  /** Checks an entered code (whitespace-trimmed); consumes it on success. */
  verify(purpose: OtpPurpose, target: string, entered: string): 'ok' | 'invalid' | 'used' {
    const key = `${purpose}:${target}`;
    const pending = this.codes.get(key);
    if (!pending || pending.code !== entered.trim()) return 'invalid';
    if (pending.used) return 'used';
    pending.used = true;
    return 'ok';
  }
}

/** `test_mode.oob_otp`: a target matching a rule always gets the rule's fixed code. */
export function fixedCode(ctx: IdpContext, target: string): string | undefined {
  const t = ctx.config.app.test_mode.oob_otp;
  if (!t.enabled) return undefined;
  return t.rules.find((r) => r.regex.test(target))?.fixed_code;
}

export function canResendAtString(ctx: IdpContext, store: OtpStore, purpose: OtpPurpose, target: string, flowId: string): string {
  return rfc3339(store.canResendAt(purpose, target, flowId));
}

/** Writes the message the IdP would send to the outbox (spec authflow.md 11). */
export async function sendToOutbox(
  ctx: IdpContext,
  m: { to: string; purpose: OtpPurpose; form: 'code' | 'link'; code: string; userId?: string },
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
    channel: 'email',
    recipient: m.to,
    messageType: m.purpose,
    otpForm: m.form,
    code: m.code,
    link,
    userId: m.userId ?? null,
    subject: subjects[m.purpose],
    bodyText: body,
  };
  await ctx.store.db.write(() => {
    ctx.store.outbox.insert(message);
    audit.messageSent(ctx, { triggeredBy: 'user' }, message);
  });
  ctx.onOutbox?.(message);
}
