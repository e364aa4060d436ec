import { timingSafeEqual } from 'node:crypto';
import type { IdpContext } from '../context';
import type { HttpRequest } from '../http/types';
import { ApiError } from '../errors';

/** The console API requires the per-launch token: another page in the browser cannot drive it. */
export function requireConsoleToken(ctx: IdpContext, req: HttpRequest): void {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  const given = Buffer.from(m?.[1] ?? '');
  const want = Buffer.from(ctx.consoleToken);
  if (given.length !== want.length || !timingSafeEqual(given, want)) {
    throw new ApiError('Unauthorized', 'ConsoleTokenRequired', 'open the console URL printed by the sandbox; it carries the console token');
  }
}
