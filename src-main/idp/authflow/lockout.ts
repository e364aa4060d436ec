import type { IdpContext } from '../context';
import { ApiError } from '../errors';
import { rfc3339 } from '../user/claims';

export type LockoutMethod = 'password' | 'totp' | 'oob_otp' | 'recovery_code';

interface Record {
  failures: number[];
  lockedUntil: number;
}

/**
 * Account lockout of `authentication.lockout` (spec authflow.md 10), in memory like upstream's
 * Redis counters, on the sandbox clock. Checked before a credential is verified; the attempt that
 * reaches max_attempts already answers AccountLockout; a success clears the count.
 */
export class Lockout {
  private readonly records = new Map<string, Record>();

  private key(ctx: IdpContext, userId: string, ip: string): string | undefined {
    const cfg = ctx.config.app.authentication.lockout;
    if (!cfg) return undefined;
    return cfg.lockout_type === 'per_user_per_ip' ? `${userId}|${ip}` : userId;
  }

  private locked(until: number): ApiError {
    return new ApiError('TooManyRequest', 'AccountLockout', 'account locked', { until: rfc3339(until) });
  }

  check(ctx: IdpContext, userId: string, ip: string, method: LockoutMethod): void {
    const key = this.key(ctx, userId, ip);
    if (!key || !ctx.config.app.authentication.lockout!.methods.includes(method)) return;
    const r = this.records.get(key);
    if (r && r.lockedUntil > ctx.clock.nowMs()) throw this.locked(r.lockedUntil);
  }

  /** Counts a failed attempt; throws AccountLockout when it locks the account. */
  fail(ctx: IdpContext, userId: string, ip: string, method: LockoutMethod): void {
    const cfg = ctx.config.app.authentication.lockout;
    const key = this.key(ctx, userId, ip);
    if (!cfg || !key || !cfg.methods.includes(method)) return;
    const now = ctx.clock.nowMs();
    const r = this.records.get(key) ?? { failures: [], lockedUntil: 0 };
    r.failures = [...r.failures.filter((t) => t > now - cfg.history_seconds * 1000), now];
    this.records.set(key, r);
    const over = r.failures.length - cfg.max_attempts;
    if (over >= 0) {
      const seconds = Math.min(cfg.minimum_seconds * cfg.backoff_factor ** over, cfg.maximum_seconds);
      r.lockedUntil = now + seconds * 1000;
      throw this.locked(r.lockedUntil);
    }
  }

  /** Live locks of a user: one without IP (per_user) or one per IP (per_user_per_ip). */
  locksOf(ctx: IdpContext, userId: string): { ip: string | null; until: number }[] {
    const now = ctx.clock.nowMs();
    const out: { ip: string | null; until: number }[] = [];
    for (const [key, r] of this.records) {
      if (r.lockedUntil <= now) continue;
      if (key === userId) out.push({ ip: null, until: r.lockedUntil });
      else if (key.startsWith(`${userId}|`)) out.push({ ip: key.slice(userId.length + 1), until: r.lockedUntil });
    }
    return out;
  }

  /** Forgets every failure and lock of a user (Admin API resetAccountLockout). */
  reset(userId: string): void {
    for (const key of [...this.records.keys()]) if (key === userId || key.startsWith(`${userId}|`)) this.records.delete(key);
  }

  succeed(ctx: IdpContext, userId: string, ip: string): void {
    const key = this.key(ctx, userId, ip);
    if (key) this.records.delete(key);
  }
}
