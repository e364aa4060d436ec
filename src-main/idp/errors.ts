/**
 * Error kinds, declared once. Handlers throw these; `http/respond.ts` turns each into the
 * envelope of its surface (spec oidc.md 1.4). Tests assert on `error`/`reason`, not on prose.
 */

/** OAuth protocol error: JSON `{error, error_description}` or redirect query parameters. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${error}: ${description}`);
  }
}

/** Authorization request error that must not be redirected: plain-text 400 (spec 1.4 #2). */
export class AuthzPlainError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

/** Authgear API error kinds: name -> HTTP status (spec 1.4 #3). */
export const API_ERROR_KINDS = {
  BadRequest: 400,
  Invalid: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  AlreadyExists: 409,
  DataRace: 409,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  TooManyRequest: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
} as const;
export type ApiErrorName = keyof typeof API_ERROR_KINDS;

/** Authgear API envelope error: `{"error":{"name","reason","message","code","info"?}}`. */
export class ApiError extends Error {
  constructor(
    readonly name: ApiErrorName,
    readonly reason: string,
    message: string,
    readonly info?: Record<string, unknown>,
  ) {
    super(message);
  }
  get status(): number {
    return API_ERROR_KINDS[this.name];
  }
  toJSON() {
    return {
      error: {
        name: this.name,
        reason: this.reason,
        message: this.message,
        code: this.status,
        ...(this.info ? { info: this.info } : {}),
      },
    };
  }
}

/**
 * An Admin API request without a valid admin JWT (spec admin-api.md 2.3). Every cause gets the
 * same 403 `Forbidden\n`; `reason` says which check failed, for logs and the console only.
 */
export class AdminApiAuthError extends Error {
  constructor(readonly reason: string) {
    super(`admin API authentication failed: ${reason}`);
  }
}

/** A configuration file problem: names the field and why; ends start-up with exit code 1. */
export class ConfigError extends Error {}

/** Start-up problem with a one-line reason (busy port, unreadable data dir); `code` as Node names it. */
export class StartupError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}
