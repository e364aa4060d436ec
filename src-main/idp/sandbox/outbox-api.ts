import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { json } from '../http/types';
import { ApiError } from '../errors';
import { requireConsoleToken } from './console-auth';
import { rfc3339 } from '../user/claims';
import type { OutboxMessage } from '../store/repos/outbox';

const NO_STORE = { 'cache-control': 'no-store' };

function view(m: OutboxMessage) {
  return {
    id: m.id,
    created_at: rfc3339(m.createdAt),
    channel: m.channel,
    to: m.recipient,
    message_type: m.messageType,
    otp_form: m.otpForm,
    code: m.code,
    link: m.link,
    user_id: m.userId,
    subject: m.subject,
    body_text: m.bodyText,
  };
}

/** A `+` left unencoded in `?to=+852…` arrives as a space: read it as the phone number meant. */
function recipient(to: string | undefined): string | undefined {
  return to ? to.replace(/^ (?=\d)/, '+') : undefined;
}

/** `GET /_sandbox/api/outbox?to=&limit=`: messages the IdP would have sent, newest first. */
export function listOutbox(ctx: IdpContext, req: HttpRequest): HttpResult {
  requireConsoleToken(ctx, req);
  const limit = Math.min(Math.max(Number.parseInt(req.query.limit ?? '100', 10) || 100, 1), 1000);
  return json(200, { messages: ctx.store.outbox.list({ to: recipient(req.query.to), limit }).map(view) }, NO_STORE);
}

/** `GET /_sandbox/api/outbox/latest?to=`: the newest message to one address (for tests reading codes). */
export function latestOutbox(ctx: IdpContext, req: HttpRequest): HttpResult {
  requireConsoleToken(ctx, req);
  if (!req.query.to) throw new ApiError('Invalid', 'ValidationFailed', 'to is required', { causes: [{ location: '/to', kind: 'required' }] });
  const to = recipient(req.query.to)!;
  const [m] = ctx.store.outbox.list({ to, limit: 1 });
  if (!m) throw new ApiError('NotFound', 'MessageNotFound', `no message to ${to}`);
  return json(200, view(m), NO_STORE);
}

/** `DELETE /_sandbox/api/outbox` */
export async function clearOutbox(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  requireConsoleToken(ctx, req);
  const deleted = await ctx.store.db.write(() => ctx.store.outbox.clear());
  return json(200, { deleted }, NO_STORE);
}
