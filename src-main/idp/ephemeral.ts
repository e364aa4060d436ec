import type { Clock } from './clock';

/**
 * Short-lived state that upstream keeps in Redis (authorization codes, OAuth sessions, hand-offs):
 * kept in memory, each entry expiring on the injectable clock.
 */
export class EphemeralMap<V> {
  private entries = new Map<string, { value: V; expireAt: number }>();

  /**
   * `maxEntries` bounds memory against floods of anonymous requests (each stores something);
   * past it, expired entries go first, then the oldest.
   */
  constructor(
    private readonly clock: Clock,
    private readonly maxEntries = 10_000,
  ) {}

  set(key: string, value: V, ttlSeconds: number): void {
    if (this.entries.size >= this.maxEntries) this.sweep();
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
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

  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const now = this.clock.nowMs();
    for (const [k, e] of this.entries) if (e.expireAt <= now) this.entries.delete(k);
  }
}
