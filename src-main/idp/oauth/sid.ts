import type { SessionKind } from '../store/repos/access-grants';

/** `sid` = unpadded base64url of `<type>:<id>` (spec oidc.md 7.5). */
export function encodeSid(kind: SessionKind, id: string): string {
  return Buffer.from(`${kind}:${id}`).toString('base64url');
}

/** Decodes a `sid`; unknown types or bad encodings read as absent. */
export function decodeSid(sid: unknown): { kind: SessionKind; id: string } | undefined {
  if (typeof sid !== 'string' || !/^[A-Za-z0-9_-]+$/.test(sid)) return undefined;
  const text = Buffer.from(sid, 'base64url').toString('utf8');
  const i = text.indexOf(':');
  const kind = text.slice(0, i);
  if (i < 0 || (kind !== 'idp' && kind !== 'offline_grant')) return undefined;
  return { kind, id: text.slice(i + 1) };
}
