import type { Database } from '../database';
import { attributeTerms, identityTerms, mergeTerms, type SearchTerm } from '../../user/search-terms';

export type UserSortBy = 'created_at' | 'last_login_at';

export interface UserListQuery {
  /** Raw keyword as given (exact user ID match is case-sensitive). */
  keyword?: string;
  /** Lower-cased words of the keyword, for the text fields. */
  keywordWords?: string[];
  /** Roles and groups whose key or name the keyword matched. */
  keywordRoleIds?: string[];
  keywordGroupIds?: string[];
  /** Filters: any of these effective roles (OR), and any of these groups (OR); the two AND-ed. */
  roleIds?: string[];
  groupIds?: string[];
  sortBy: UserSortBy;
  direction: 'ASC' | 'DESC';
}

/** Prefix matching starts at this many characters (upstream's PrefixMinChars). */
const PREFIX_MIN_CHARS = 3;

function conditions(q: UserListQuery): { sql: string[]; params: Record<string, string | number> } {
  const sql: string[] = [];
  const params: Record<string, string | number> = {};
  if (q.keyword !== undefined) {
    const kw = q.keyword.toLowerCase();
    params[':kw'] = kw;
    params[':raw'] = q.keyword;
    // The highest code point: every term starting with kw sorts below kw + U+10FFFF.
    params[':kwEnd'] = kw + '\u{10FFFF}';
    params[':prefix'] = [...q.keyword].length >= PREFIX_MIN_CHARS ? 1 : 0;
    params[':words'] = JSON.stringify(q.keywordWords ?? []);
    params[':kwRoles'] = JSON.stringify(q.keywordRoleIds ?? []);
    params[':kwGroups'] = JSON.stringify(q.keywordGroupIds ?? []);
    sql.push(`u.id IN (
      SELECT user_id FROM user_search_term WHERE term = :kw AND kind IN (1, 2)
      UNION SELECT user_id FROM user_search_term WHERE :prefix = 1 AND term >= :kw AND term < :kwEnd AND kind = 1
      UNION SELECT user_id FROM user_search_term WHERE kind = 3 AND term IN (SELECT value FROM json_each(:words))
      UNION SELECT id FROM user WHERE id = :raw
      UNION SELECT user_id FROM rbac_user_role WHERE role_id IN (SELECT value FROM json_each(:kwRoles))
      UNION SELECT ug.user_id FROM rbac_user_group ug JOIN rbac_group_role gr ON gr.group_id = ug.group_id WHERE gr.role_id IN (SELECT value FROM json_each(:kwRoles))
      UNION SELECT user_id FROM rbac_user_group WHERE group_id IN (SELECT value FROM json_each(:kwGroups)))`);
  }
  if (q.roleIds) {
    params[':roles'] = JSON.stringify(q.roleIds);
    sql.push(`u.id IN (
      SELECT user_id FROM rbac_user_role WHERE role_id IN (SELECT value FROM json_each(:roles))
      UNION SELECT ug.user_id FROM rbac_user_group ug JOIN rbac_group_role gr ON gr.group_id = ug.group_id WHERE gr.role_id IN (SELECT value FROM json_each(:roles)))`);
  }
  if (q.groupIds) {
    params[':groups'] = JSON.stringify(q.groupIds);
    sql.push('u.id IN (SELECT user_id FROM rbac_user_group WHERE group_id IN (SELECT value FROM json_each(:groups)))');
  }
  return { sql, params };
}

function orderBy(q: UserListQuery): string {
  const dir = q.direction === 'ASC' ? 'ASC' : 'DESC';
  if (q.sortBy === 'created_at') return `u.created_at ${dir}, u.id ${dir}`;
  // Users who never signed in come last in both directions (NULL sorts first in SQLite).
  return dir === 'DESC' ? 'u.last_login_at DESC, u.id DESC' : 'u.last_login_at IS NULL, u.last_login_at ASC, u.id ASC';
}

/**
 * Search terms of users (maintained by the user and identity repositories on every write) and
 * the query behind the Admin API `users` field: keyword, role and group filters, sort, offset.
 */
export class UserSearchRepo {
  constructor(private readonly db: Database) {}

  /** The terms a user should have now: from the standard attributes and every identity. */
  termsOf(userId: string): SearchTerm[] {
    const u = this.db.get<{ standard_attributes: string }>('SELECT standard_attributes FROM user WHERE id = ?', [userId]);
    if (!u) return [];
    const identities = this.db.all<any>('SELECT type, login_id_type, login_id, claims FROM identity WHERE user_id = ?', [userId]);
    return mergeTerms([
      ...attributeTerms(JSON.parse(u.standard_attributes)),
      ...identities.flatMap((i) => identityTerms({ type: i.type, loginIdType: i.login_id_type, loginId: i.login_id, claims: JSON.parse(i.claims) })),
    ]);
  }

  /** Runs a write that may change a user's terms, then stores only the difference. Inside `db.write`. */
  track<T>(userId: string, write: () => T): T {
    const before = this.termsOf(userId);
    const result = write();
    this.apply(userId, before, this.termsOf(userId));
    return result;
  }

  apply(userId: string, before: SearchTerm[], after: SearchTerm[]): void {
    const key = (t: SearchTerm) => `${t.kind}\u0000${t.term}`;
    const keep = new Set(after.map(key));
    const had = new Set(before.map(key));
    for (const t of before) if (!keep.has(key(t))) this.db.run('DELETE FROM user_search_term WHERE term = ? AND user_id = ?', [t.term, userId]);
    for (const t of after) if (!had.has(key(t))) this.db.run('INSERT OR REPLACE INTO user_search_term (term, user_id, kind) VALUES (?, ?, ?)', [t.term, userId, t.kind]);
  }

  /** IDs of the matching users, in order, one page. */
  list(q: UserListQuery, limit: number, offset: number): string[] {
    if (limit <= 0) return [];
    const c = conditions(q);
    const where = c.sql.length ? `WHERE ${c.sql.join(' AND ')}` : '';
    return this.db
      .all<{ id: string }>(`SELECT u.id FROM user u ${where} ORDER BY ${orderBy(q)} LIMIT :limit OFFSET :offset`, { ...c.params, ':limit': limit, ':offset': offset })
      .map((r) => r.id);
  }

  count(q: UserListQuery): number {
    const c = conditions(q);
    const where = c.sql.length ? `WHERE ${c.sql.join(' AND ')}` : '';
    return this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM user u ${where}`, c.params)?.n ?? 0;
  }

  getMeta(key: string): string | undefined {
    return this.db.get<{ value: string }>('SELECT value FROM store_meta WHERE key = ?', [key])?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.run('INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)', [key, value]);
  }
}
