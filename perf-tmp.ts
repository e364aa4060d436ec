import { startTestIdp } from './test/helpers/idp';
import { adminPost, waitImport } from './test/helpers/transfer';
const idp = await startTestIdp();
const N = 10000;
const hash = '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';
const t0 = Date.now();
const ids = [];
for (let b = 0; b < N; b += 2000) {
  const records = Array.from({ length: 2000 }, (_, i) => ({ email: `u${b + i}@example.com`, password: { type: 'bcrypt', password_hash: hash } }));
  const r = await adminPost(idp, '/_api/admin/users/import', { identifier: 'email', records });
  ids.push(r.json.result.id);
}
for (const id of ids) await waitImport(idp, id);
console.log('users/s', N / ((Date.now() - t0) / 1000), 'flushes', idp.ctx.store.db.flushCount);
const { performance } = await import('node:perf_hooks');
await idp.dispose();
