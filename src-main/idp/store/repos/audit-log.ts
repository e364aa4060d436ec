import type { Database, Params } from '../database';

/** One recorded event (spec admin-api.md 12); `seq` orders entries and names them. */
export interface AuditLogEntry {
  seq: number;
  eventId: string;
  createdAt: number;
  activityType: string;
  userId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  clientId: string | null;
  /** The address of a delivery event (email.sent...), for the address filters. */
  recipient: string | null;
  data: Record<string, unknown>;
}

export interface AuditLogFilter {
  activityTypes: string[];
  rangeFrom?: number;
  rangeTo?: number;
  userIds: string[];
  recipients: string[];
  direction: 'ASC' | 'DESC';
}

const toEntry = (r: any): AuditLogEntry => ({
  seq: r.seq,
  eventId: r.event_id,
  createdAt: r.created_at,
  activityType: r.activity_type,
  userId: r.user_id,
  ipAddress: r.ip_address,
  userAgent: r.user_agent,
  clientId: r.client_id,
  recipient: r.recipient,
  data: JSON.parse(r.data),
});

function where(f: AuditLogFilter): { sql: string; params: Params } {
  const conds: string[] = [];
  const params: (string | number)[] = [];
  // Lists travel as one JSON parameter, so the statement text (and its cached plan) stays the same.
  conds.push('activity_type IN (SELECT value FROM json_each(?))');
  params.push(JSON.stringify(f.activityTypes));
  if (f.rangeFrom !== undefined) {
    conds.push('created_at >= ?');
    params.push(f.rangeFrom);
  }
  if (f.rangeTo !== undefined) {
    conds.push('created_at < ?');
    params.push(f.rangeTo);
  }
  const who: string[] = [];
  if (f.userIds.length) {
    who.push('user_id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(f.userIds));
  }
  if (f.recipients.length) {
    who.push('recipient IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(f.recipients));
  }
  if (who.length) conds.push(`(${who.join(' OR ')})`);
  return { sql: conds.join(' AND '), params };
}

export class AuditLogRepo {
  constructor(private readonly db: Database) {}

  /** Inserts an entry; returns its sequence number. */
  insert(e: Omit<AuditLogEntry, 'seq'>): number {
    this.db.run(
      'INSERT INTO audit_log (event_id, created_at, activity_type, user_id, ip_address, user_agent, client_id, recipient, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [e.eventId, e.createdAt, e.activityType, e.userId, e.ipAddress, e.userAgent, e.clientId, e.recipient, JSON.stringify(e.data)],
    );
    return this.db.get<{ seq: number }>('SELECT last_insert_rowid() AS seq')!.seq;
  }

  get(seq: number): AuditLogEntry | undefined {
    const r = this.db.get('SELECT * FROM audit_log WHERE seq = ?', [seq]);
    return r && toEntry(r);
  }

  list(f: AuditLogFilter, limit: number, offset: number): AuditLogEntry[] {
    if (!f.activityTypes.length || limit <= 0) return [];
    const w = where(f);
    const dir = f.direction === 'ASC' ? 'ASC' : 'DESC';
    return this.db.all(`SELECT * FROM audit_log WHERE ${w.sql} ORDER BY created_at ${dir}, seq ${dir} LIMIT ? OFFSET ?`, [...(w.params as (string | number)[]), limit, offset]).map(toEntry);
  }

  count(f: AuditLogFilter): number {
    if (!f.activityTypes.length) return 0;
    const w = where(f);
    return this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_log WHERE ${w.sql}`, w.params)?.n ?? 0;
  }
}
