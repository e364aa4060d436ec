import type { Database } from '../database';

/** A message the IdP would have sent (email, SMS, WhatsApp), kept for the console and tests. */
export interface OutboxMessage {
  id: string;
  createdAt: number;
  channel: 'email' | 'sms' | 'whatsapp';
  recipient: string;
  messageType: string;
  otpForm: 'code' | 'link' | null;
  code: string | null;
  link: string | null;
  userId: string | null;
  subject: string | null;
  bodyText: string;
}

const toMessage = (r: any): OutboxMessage => ({
  id: r.id,
  createdAt: r.created_at,
  channel: r.channel,
  recipient: r.recipient,
  messageType: r.message_type,
  otpForm: r.otp_form,
  code: r.code,
  link: r.link,
  userId: r.user_id,
  subject: r.subject,
  bodyText: r.body_text,
});

export class OutboxRepo {
  constructor(private readonly db: Database) {}

  insert(m: OutboxMessage): void {
    this.db.run(
      'INSERT INTO outbox_message (id, created_at, channel, recipient, message_type, otp_form, code, link, user_id, subject, body_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [m.id, m.createdAt, m.channel, m.recipient, m.messageType, m.otpForm, m.code, m.link, m.userId, m.subject, m.bodyText],
    );
  }

  /** Newest first. */
  list(opts: { to?: string; limit: number }): OutboxMessage[] {
    const rows = opts.to
      ? this.db.all('SELECT * FROM outbox_message WHERE recipient = ? ORDER BY created_at DESC, rowid DESC LIMIT ?', [opts.to, opts.limit])
      : this.db.all('SELECT * FROM outbox_message ORDER BY created_at DESC, rowid DESC LIMIT ?', [opts.limit]);
    return rows.map(toMessage);
  }

  clear(): number {
    return this.db.run('DELETE FROM outbox_message');
  }
}
