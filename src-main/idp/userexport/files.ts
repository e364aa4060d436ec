/**
 * Export files and their download links (spec import-export.md 8.2, 8.5): files live in
 * <dataDir>/exports/<key>; a link is signed with a per-launch secret and expires after 60 s,
 * like the presigned URL upstream hands out, and needs no token.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';

/** How long a download_url stays valid (upstream's PresignGetExpiresForUserExport). */
export const DOWNLOAD_URL_TTL_SECONDS = 60;
export const DOWNLOAD_PREFIX = '/_sandbox/files/userexport/';

export class ExportFiles {
  private readonly secret = randomBytes(32);
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'exports');
  }

  path(key: string): string {
    return join(this.dir, key);
  }

  private sign(key: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${key}\n${expires}`).digest('hex');
  }

  url(origin: string, key: string, nowSec: number): string {
    const expires = nowSec + DOWNLOAD_URL_TTL_SECONDS;
    return `${origin}${DOWNLOAD_PREFIX}${key}?expires=${expires}&sig=${this.sign(key, expires)}`;
  }

  /** undefined when the link is good, else why not. */
  check(key: string, expires: string | undefined, sig: string | undefined, nowSec: number): string | undefined {
    if (!expires || !/^\d+$/.test(expires) || !sig) return 'the link is not signed';
    const want = Buffer.from(this.sign(key, Number(expires)), 'hex');
    const given = Buffer.from(sig, 'hex');
    if (want.length !== given.length || !timingSafeEqual(want, given)) return 'the signature does not match';
    if (nowSec > Number(expires)) return 'the link has expired';
    return undefined;
  }
}

/** The object key of a finished file: `<appID>-<taskID>-<YYYYMMDDhhmmss>Z.<format>`, query-escaped. */
export function exportFileKey(appId: string, taskId: string, atMs: number, format: string): string {
  const t = new Date(atMs).toISOString();
  const stamp = `${t.slice(0, 4)}${t.slice(5, 7)}${t.slice(8, 10)}${t.slice(11, 13)}${t.slice(14, 16)}${t.slice(17, 19)}Z`;
  return encodeURIComponent(`${appId}-${taskId}-${stamp}.${format}`).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}
