/** Clients for the User Import and Export API, as a script against Authgear would call them. */
import { mintAdminToken } from '../../src-main/idp/adminapi/token';
import type { RunningIdp } from '../../src-main/idp/index';

export async function adminToken(idp: RunningIdp): Promise<string> {
  const { ctx } = idp;
  return (await mintAdminToken(ctx.config.secrets.adminApiKeys, ctx.config.app.id, ctx.clock.nowSec())).token;
}

export interface Answer {
  status: number;
  text: string;
  json: any;
  headers: Headers;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

export async function adminPost(idp: RunningIdp, path: string, body: unknown, opts: { token?: string; contentType?: string; raw?: string | Uint8Array } = {}): Promise<Answer> {
  const token = opts.token ?? (await adminToken(idp));
  const res = await fetch(`${idp.issuer}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': opts.contentType ?? 'application/json' },
    body: (opts.raw ?? JSON.stringify(body)) as BodyInit,
  });
  return answer(res);
}

export async function adminGet(idp: RunningIdp, path: string, token?: string): Promise<Answer> {
  const res = await fetch(`${idp.issuer}${path}`, { headers: { authorization: `Bearer ${token ?? (await adminToken(idp))}` } });
  return answer(res);
}

export async function consoleCall(idp: RunningIdp, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${idp.issuer}${path}`, {
    method,
    headers: { authorization: `Bearer ${idp.consoleToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return answer(res);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Posts an import and polls until it is completed; returns the final result. */
export async function runImport(idp: RunningIdp, body: unknown): Promise<any> {
  const created = await adminPost(idp, '/_api/admin/users/import', body);
  if (created.status !== 200) throw new Error(`import create: ${created.status} ${created.text}`);
  return waitImport(idp, created.json.result.id);
}

export async function waitImport(idp: RunningIdp, id: string): Promise<any> {
  for (;;) {
    const got = await adminGet(idp, `/_api/admin/users/import/${id}`);
    if (got.status !== 200) throw new Error(`import get: ${got.status} ${got.text}`);
    if (got.json.result.status !== 'pending') return got.json.result;
    await sleep(20);
  }
}

/** Posts an export (compatible or sandbox), waits for it, downloads the file. */
export async function runExport(idp: RunningIdp, body: unknown, sandbox = false): Promise<{ task: any; file: string; headers: Headers }> {
  const created = sandbox ? await consoleCall(idp, 'POST', '/_sandbox/api/userexport', body) : await adminPost(idp, '/_api/admin/users/export', body);
  if (created.status !== 200) throw new Error(`export create: ${created.status} ${created.text}`);
  const task = await waitExport(idp, created.json.result.id);
  if (!task.download_url) throw new Error(`export failed: ${JSON.stringify(task)}`);
  const res = await fetch(task.download_url);
  if (res.status !== 200) throw new Error(`download: ${res.status}`);
  return { task, file: await res.text(), headers: res.headers };
}

export async function waitExport(idp: RunningIdp, id: string): Promise<any> {
  for (;;) {
    const got = await adminGet(idp, `/_api/admin/users/export/${id}`);
    if (got.status !== 200) throw new Error(`export get: ${got.status} ${got.text}`);
    if (got.json.result.status !== 'pending') return got.json.result;
    await sleep(20);
  }
}
