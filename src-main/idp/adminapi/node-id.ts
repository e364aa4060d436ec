/**
 * Global node IDs (spec admin-api.md 3): base64url without padding of `<Type>:<raw id>`.
 * Decoding is strict like upstream's: padding or characters outside the URL-safe alphabet fail,
 * and only the second `:`-separated piece is the ID.
 */
import { ApiError } from '../errors';

export type NodeType = 'User' | 'Identity' | 'Authenticator' | 'Session' | 'Authorization' | 'AuditLog' | 'Role' | 'Group';

export function toGlobalId(type: NodeType, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export function fromGlobalId(globalId: string): { type: string; id: string } | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(globalId) || globalId.length % 4 === 1) return undefined;
  const bytes = Buffer.from(globalId, 'base64url');
  const text = bytes.toString('utf8');
  // Not UTF-8: the round trip changes the bytes.
  if (!Buffer.from(text, 'utf8').equals(bytes)) return undefined;
  const parts = text.split(':');
  if (parts.length < 2) return undefined;
  return { type: parts[0], id: parts[1] };
}

const NAMES: Partial<Record<NodeType, string>> = {
  User: 'user',
  Identity: 'identity',
  Authenticator: 'authenticator',
  Session: 'session',
  Authorization: 'authorization',
  Role: 'role',
  Group: 'group',
};

/** The raw ID inside a node ID of the expected type; `invalid <type> ID` otherwise. */
export function rawIdOf(type: NodeType, globalId: string): string {
  const r = fromGlobalId(globalId);
  if (!r || r.type !== type) throw new ApiError('Invalid', 'Invalid', `invalid ${NAMES[type] ?? type} ID`);
  return r.id;
}
