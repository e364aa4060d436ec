/**
 * Profile pictures, as Authgear's Admin API uploads them (spec admin-api.md 9, 13.3):
 *
 * 1. `GET|POST /_api/admin/images/upload` (admin JWT) → `{"result":{"upload_url": …}}`, a
 *    presigned URL `/_images/<app>/<object>?x_expires=…&x_signature=…` valid 15 minutes;
 * 2. a multipart `POST` to it with the image in field `file` → `{"result":{"url":"authgearimages:///<app>/<object>"}}`;
 * 3. that URL goes into `standardAttributes.picture`; reading it back gives
 *    `<origin>/_images/<app>/<object>/profile`, which this module serves.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { json, text } from '../http/types';
import { ApiError } from '../errors';
import { authenticateAdminRequest } from './auth';
import { adminApiHeaders } from './headers';

const PRESIGN_TTL_SECONDS = 900;
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const TYPES: Record<string, (b: Uint8Array) => boolean> = {
  'image/png': (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47,
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8,
  'image/gif': (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46,
  'image/webp': (b) => Buffer.from(b.subarray(8, 12)).toString('latin1') === 'WEBP',
};

function signature(ctx: IdpContext, path: string, expires: number): string {
  return createHmac('sha256', ctx.csrfSecret).update(`images:${path}:${expires}`).digest('base64url');
}

/** `GET|POST /_api/admin/images/upload` */
export async function handlePresignImageUpload(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  await authenticateAdminRequest(ctx, req);
  const path = `/_images/${encodeURIComponent(ctx.config.app.id)}/${ctx.random.uuid()}`;
  const expires = ctx.clock.nowSec() + PRESIGN_TTL_SECONDS;
  const url = `${ctx.issuer}${path}?${new URLSearchParams({ x_expires: String(expires), x_signature: signature(ctx, path, expires) })}`;
  return json(200, { result: { upload_url: url } }, adminApiHeaders());
}

function invalid(message: string): ApiError {
  return new ApiError('Invalid', 'InvalidImage', message);
}

/** `POST /_images/<app>/<object>?x_expires&x_signature` with a multipart `file`. */
async function upload(ctx: IdpContext, req: HttpRequest, appId: string, objectId: string): Promise<HttpResult> {
  const expires = Number(req.query.x_expires);
  const given = Buffer.from(req.query.x_signature ?? '');
  const want = Buffer.from(signature(ctx, req.path, expires));
  if (!Number.isInteger(expires) || given.length !== want.length || !timingSafeEqual(given, want) || ctx.clock.nowSec() > expires) {
    throw new ApiError('Forbidden', 'InvalidSignature', 'invalid or expired upload URL');
  }
  if (ctx.store.images.get(appId, objectId)) throw new ApiError('Forbidden', 'InvalidSignature', 'this upload URL was used already');
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data') || !Buffer.isBuffer(req.body)) throw invalid('expected multipart/form-data with a file field');
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(req.body), { headers: { 'content-type': type } }).formData();
  } catch {
    throw invalid('malformed multipart body');
  }
  const file = form.get('file');
  if (!file || typeof file === 'string') throw invalid('the file field is missing');
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length > MAX_IMAGE_BYTES) throw new ApiError('RequestEntityTooLarge', 'RequestEntityTooLarge', 'image is larger than 10 MB');
  const contentType = Object.keys(TYPES).find((t) => TYPES[t](bytes));
  if (!contentType) throw invalid('unsupported image type (PNG, JPEG, GIF or WebP)');
  await ctx.store.db.write(() => ctx.store.images.insert({ appId, objectId, contentType, data: bytes, createdAt: ctx.clock.nowMs() }));
  return json(200, { result: { url: `authgearimages:///${appId}/${objectId}` } });
}

/** `GET /_images/<app>/<object>/<option>`: the stored bytes (every option serves the original). */
function serve(ctx: IdpContext, appId: string, objectId: string): HttpResult {
  const f = ctx.store.images.get(appId, objectId);
  if (!f) return text(404, '404 page not found\n');
  return { status: 200, headers: { 'content-type': f.contentType, 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' }, body: Buffer.from(f.data) };
}

export async function handleImages(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
  const parts = req.path.split('/').slice(2).map((p) => decodeURIComponent(p));
  if (req.method === 'POST' && parts.length === 2) return upload(ctx, req, parts[0], parts[1]);
  if (req.method === 'GET' && parts.length === 3) return serve(ctx, parts[0], parts[1]);
  return text(404, '404 page not found\n');
}
