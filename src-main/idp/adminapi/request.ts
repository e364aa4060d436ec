/**
 * What every resolver of one Admin API request sees (the GraphQL context value).
 *
 * A mutation document runs synchronously inside one transaction, so it can be rolled back as a
 * whole when any field fails (spec admin-api.md 1). Hashing a password and signing a token are
 * async: a resolver asks `prepared.get()`, which throws NeedsAsyncWork the first time; the
 * handler rolls back, does the work off the transaction, and runs the document again.
 */
import type { IdpContext } from '../context';
import type { HttpRequest } from '../http/types';
import type { AdminAuth } from './auth';
import type { EventSource } from '../audit/record';
import { hashPassword } from '../crypto/password';

export class NeedsAsyncWork extends Error {
  constructor() {
    super('async work needed before this field can run');
  }
}

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SYMBOLS = '!#$%&*+-=?@^_';

/**
 * Results of async work (password hashing, token signing) a synchronous resolver needs, and
 * values that must be the same on every run of the document (generated passwords, keyed by
 * their position).
 */
export class Prepared {
  private readonly done = new Map<string, unknown>();
  private readonly pending = new Map<string, () => Promise<unknown>>();
  private readonly counters = new Map<string, number>();

  constructor(private readonly ctx: IdpContext) {}

  /** The result of `make`, or NeedsAsyncWork on the first run (the handler runs it, then reruns). */
  get<T>(key: string, make: () => Promise<T>): T {
    if (this.done.has(key)) return this.done.get(key) as T;
    this.pending.set(key, make);
    throw new NeedsAsyncWork();
  }

  /** A key for the n-th use of `kind` in this run: stable across runs of the same document. */
  nextKey(kind: string): string {
    const n = this.counters.get(kind) ?? 0;
    this.counters.set(kind, n + 1);
    return `${kind}#${n}`;
  }

  /** The stored form of a password. */
  passwordHash(password: string): string {
    return this.get(`hash:${password}`, () => hashPassword(password));
  }

  /** A random password that meets any policy the sandbox enforces (every class, 16+ characters). */
  generatePassword(): string {
    const key = this.nextKey('generated-password');
    if (!this.done.has(key)) {
      const r = this.ctx.random;
      const min = Math.max(16, this.ctx.config.app.authenticator.password.policy.min_length);
      this.done.set(key, [r.string(1, LOWER), r.string(1, UPPER), r.string(1, DIGITS), r.string(1, SYMBOLS), r.string(min - 4, LOWER + UPPER + DIGITS)].join(''));
    }
    return this.done.get(key) as string;
  }

  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** Runs the work asked for, then prepares the next run. */
  async runPending(): Promise<void> {
    const list = [...this.pending];
    this.pending.clear();
    const results = await Promise.all(list.map(([, make]) => make()));
    list.forEach(([key], i) => this.done.set(key, results[i]));
    this.counters.clear();
  }
}

export interface AdminRequest {
  ctx: IdpContext;
  req: HttpRequest;
  auth: AdminAuth;
  /** Who the audit entries name: `admin_api`, with the token's audit_context. */
  from: EventSource;
  prepared: Prepared;
  /** Effects outside the database (OTP codes, lockout counters, outbox notices), run after commit. */
  afterCommit: (() => void)[];
}
