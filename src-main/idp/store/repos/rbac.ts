import type { Database } from '../database';

/** A role or a group: the two have the same shape (spec admin-api.md 8.5). */
export interface RbacEntity {
  id: string;
  key: string;
  name: string | null;
  description: string | null;
  createdAt: number;
  updatedAt: number;
}

export type RbacKind = 'role' | 'group';

const toEntity = (r: any): RbacEntity => ({ id: r.id, key: r.key, name: r.name, description: r.description, createdAt: r.created_at, updatedAt: r.updated_at });

const TABLE: Record<RbacKind, string> = { role: 'rbac_role', group: 'rbac_group' };

/** Roles, groups and their links to users and to each other. */
export class RbacRepo {
  constructor(private readonly db: Database) {}

  insert(kind: RbacKind, e: RbacEntity): void {
    this.db.run(`INSERT INTO ${TABLE[kind]} (id, key, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`, [e.id, e.key, e.name, e.description, e.createdAt, e.updatedAt]);
  }

  update(kind: RbacKind, e: RbacEntity): void {
    this.db.run(`UPDATE ${TABLE[kind]} SET key = ?, name = ?, description = ?, updated_at = ? WHERE id = ?`, [e.key, e.name, e.description, e.updatedAt, e.id]);
  }

  delete(kind: RbacKind, id: string): void {
    this.db.run(`DELETE FROM ${TABLE[kind]} WHERE id = ?`, [id]);
  }

  get(kind: RbacKind, id: string): RbacEntity | undefined {
    const r = this.db.get(`SELECT * FROM ${TABLE[kind]} WHERE id = ?`, [id]);
    return r && toEntity(r);
  }

  getByKey(kind: RbacKind, key: string): RbacEntity | undefined {
    const r = this.db.get(`SELECT * FROM ${TABLE[kind]} WHERE key = ?`, [key]);
    return r && toEntity(r);
  }

  /** Every role or group, by key. */
  all(kind: RbacKind): RbacEntity[] {
    return this.db.all(`SELECT * FROM ${TABLE[kind]} ORDER BY key`).map(toEntity);
  }

  count(kind: RbacKind): number {
    return this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${TABLE[kind]}`)?.n ?? 0;
  }

  // User links, in assignment order (ties by id).

  rolesOfUser(userId: string): RbacEntity[] {
    return this.db.all('SELECT r.* FROM rbac_user_role l JOIN rbac_role r ON r.id = l.role_id WHERE l.user_id = ? ORDER BY l.created_at, l.rowid', [userId]).map(toEntity);
  }

  groupsOfUser(userId: string): RbacEntity[] {
    return this.db.all('SELECT g.* FROM rbac_user_group l JOIN rbac_group g ON g.id = l.group_id WHERE l.user_id = ? ORDER BY l.created_at, l.rowid', [userId]).map(toEntity);
  }

  /** Direct roles and roles of the user's groups, once each, by role creation time. */
  effectiveRolesOfUser(userId: string): RbacEntity[] {
    return this.db
      .all(
        `SELECT r.* FROM rbac_role r WHERE r.id IN (
           SELECT role_id FROM rbac_user_role WHERE user_id = ?
           UNION SELECT gr.role_id FROM rbac_user_group ug JOIN rbac_group_role gr ON gr.group_id = ug.group_id WHERE ug.user_id = ?)
         ORDER BY r.created_at, r.id`,
        [userId, userId],
      )
      .map(toEntity);
  }

  linkUser(kind: RbacKind, userId: string, id: string, at: number): void {
    const sql = kind === 'role' ? 'INSERT OR IGNORE INTO rbac_user_role (user_id, role_id, created_at) VALUES (?, ?, ?)' : 'INSERT OR IGNORE INTO rbac_user_group (user_id, group_id, created_at) VALUES (?, ?, ?)';
    this.db.run(sql, [userId, id, at]);
  }

  unlinkUser(kind: RbacKind, userId: string, id: string): void {
    const sql = kind === 'role' ? 'DELETE FROM rbac_user_role WHERE user_id = ? AND role_id = ?' : 'DELETE FROM rbac_user_group WHERE user_id = ? AND group_id = ?';
    this.db.run(sql, [userId, id]);
  }

  linkGroupRole(groupId: string, roleId: string, at: number): void {
    this.db.run('INSERT OR IGNORE INTO rbac_group_role (group_id, role_id, created_at) VALUES (?, ?, ?)', [groupId, roleId, at]);
  }

  unlinkGroupRole(groupId: string, roleId: string): void {
    this.db.run('DELETE FROM rbac_group_role WHERE group_id = ? AND role_id = ?', [groupId, roleId]);
  }

  rolesOfGroup(groupId: string): RbacEntity[] {
    return this.db.all('SELECT r.* FROM rbac_group_role l JOIN rbac_role r ON r.id = l.role_id WHERE l.group_id = ? ORDER BY l.created_at, l.rowid', [groupId]).map(toEntity);
  }

  groupsOfRole(roleId: string): RbacEntity[] {
    return this.db.all('SELECT g.* FROM rbac_group_role l JOIN rbac_group g ON g.id = l.group_id WHERE l.role_id = ? ORDER BY l.created_at, l.rowid', [roleId]).map(toEntity);
  }

  /** Direct members of a role or group, paged (oldest link first). */
  userIdsOf(kind: RbacKind, id: string, limit: number, offset: number): string[] {
    const sql =
      kind === 'role'
        ? 'SELECT user_id FROM rbac_user_role WHERE role_id = ? ORDER BY created_at, rowid LIMIT ? OFFSET ?'
        : 'SELECT user_id FROM rbac_user_group WHERE group_id = ? ORDER BY created_at, rowid LIMIT ? OFFSET ?';
    return this.db.all<{ user_id: string }>(sql, [id, limit, offset]).map((r) => r.user_id);
  }

  countUsersOf(kind: RbacKind, id: string): number {
    const sql = kind === 'role' ? 'SELECT COUNT(*) AS n FROM rbac_user_role WHERE role_id = ?' : 'SELECT COUNT(*) AS n FROM rbac_user_group WHERE group_id = ?';
    return this.db.get<{ n: number }>(sql, [id])?.n ?? 0;
  }
}
