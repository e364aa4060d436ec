import type { Clock } from './clock';

/**
 * Short-lived state that upstream keeps in Redis (authorization codes, OAuth sessions, hand-offs):
 * kept in memory, each entry expiring on the injectable clock.
 */
export class EphemeralMap<V> {
  private entries = new Map<string, { value: V; expireAt: number }>();

  constructor(private readonly clock: Clock) {}

  set(key: string, value: V, ttlSeconds: number): void {
    this.sweep();
    this.entries.set(key, { value, expireAt: this.clock.nowMs() + ttlSeconds * 1000 });
  }

  /** The live value, or undefined if absent or expired. */
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expireAt <= this.clock.nowMs()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Like get, but also reports an entry that exists and has expired. */
  lookup(key: string): { value: V; expired: boolean } | undefined {
    const e = this.entries.get(key);
    return e && { value: e.value, expired: e.expireAt <= this.clock.nowMs() };
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private sweep(): void {
    if (this.entries.size < 1024) return;
    const now = this.clock.nowMs();
    for (const [k, e] of this.entries) if (e.expireAt <= now) this.entries.delete(k);
  }
}
