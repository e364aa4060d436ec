import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument, isSeq, isMap, type YAMLMap } from 'yaml';
import { writeFileDurably } from '../store/durable-file';
import { generateRsaJwk } from '../config/generate';
import { SECRETS_FILE } from '../config/load';
import { ConfigError } from '../errors';
import type { StoredJwk } from '../config/types';

/**
 * Adds a new signing key in front of the `oauth` key set of authgear.secrets.yaml (spec oidc.md 4:
 * the first key signs), and drops the keys no token can need any more: those replaced more than
 * `retainSeconds` ago. Comments and the other secrets are kept. Returns the new key set.
 */
export async function rotateSigningKey(dataDir: string, opts: { kid: string; nowSec: number; retainSeconds: number }): Promise<StoredJwk[]> {
  const path = join(dataDir, SECRETS_FILE);
  const doc = parseDocument(await readFile(path, 'utf8'));
  const secrets = doc.get('secrets');
  if (!isSeq(secrets)) throw new ConfigError(`${SECRETS_FILE}: must have a secrets list`);
  const item = secrets.items.find((i): i is YAMLMap => isMap(i) && i.get('key') === 'oauth');
  if (!item) throw new ConfigError(`${SECRETS_FILE}: no 'oauth' signing keys to rotate`);
  const current = ((item.toJSON() as { data?: { keys?: StoredJwk[] } }).data?.keys ?? []) as StoredJwk[];

  const kept: StoredJwk[] = [];
  for (let i = 0; i < current.length; i++) {
    const successor = i === 0 ? undefined : current[i - 1].created_at;
    if (typeof successor === 'number' && opts.nowSec >= successor + opts.retainSeconds) break;
    kept.push(current[i]);
  }
  const fresh = (await generateRsaJwk(opts.kid, opts.nowSec)) as StoredJwk;
  const keys = [fresh, ...kept];
  item.setIn(['data', 'keys'], doc.createNode(keys));
  await writeFileDurably(path, Buffer.from(doc.toString({ lineWidth: 0 })));
  return keys;
}
