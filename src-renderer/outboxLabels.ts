// Human wording for outbox messages. Pure functions, so the console and tests agree.
import type { OutboxMessage } from './api/sandbox'

const TYPE_LABELS: Record<string, { code: string; link: string }> = {
  verification: { code: 'Verification code', link: 'Verification link' },
  'authenticate-primary-oob': { code: 'Sign-in code', link: 'Sign-in link' },
  'forgot-password': { code: 'Password reset code', link: 'Password reset link' },
}

/** "Verification code", "Sign-in link", ...; unknown types are shown as sent. */
export function messageTypeLabel(m: Pick<OutboxMessage, 'message_type' | 'otp_form'>): string {
  const labels = TYPE_LABELS[m.message_type]
  if (!labels) return m.message_type
  return m.otp_form === 'link' ? labels.link : labels.code
}

/** Local time of day, e.g. "14:03:27". */
export function formatTime(rfc3339: string): string {
  const date = new Date(rfc3339)
  return Number.isNaN(date.getTime()) ? rfc3339 : date.toLocaleTimeString(undefined, { hour12: false })
}

/** Local date and time, for the tooltip. */
export function formatDateTime(rfc3339: string): string {
  const date = new Date(rfc3339)
  return Number.isNaN(date.getTime()) ? rfc3339 : date.toLocaleString()
}
