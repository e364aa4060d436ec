import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { json } from '../http/types';
import { NO_STORE } from '../http/error-response';
import { requireConsoleToken } from './console-auth';
import { rotateSigningKey } from '../crypto/key-rotation';
import { serializedConfigWrite } from '../config/file-writes';
import { SigningKeys, retentionSeconds } from '../crypto/signing-keys';

/**
 * `GET /_sandbox/api/keys` and `POST /_sandbox/api/keys/rotate` (console token): the signing
 * keys and their state; a rotation writes authgear.secrets.yaml and takes effect at once.
 */
export function keysApi(dataDir: string) {
  // One rotation at a time: each reads the file the previous one wrote.
  const list = (ctx: IdpContext, req: HttpRequest): HttpResult => {
    requireConsoleToken(ctx, req);
    return json(200, { keys: ctx.keys.status() }, NO_STORE);
  };

  const rotate = async (ctx: IdpContext, req: HttpRequest): Promise<HttpResult> => {
    requireConsoleToken(ctx, req);
    await serializedConfigWrite(dataDir, async () => {
      const retainSeconds = retentionSeconds(ctx.config.app.oauth.clients);
      const keys = await rotateSigningKey(dataDir, { kid: ctx.random.uuid(), nowSec: ctx.clock.nowSec(), retainSeconds });
      ctx.keys = await SigningKeys.load(keys, { nowSec: () => ctx.clock.nowSec(), retainSeconds });
      ctx.config.secrets.oauthKeys = keys;
    });
    return json(200, { kid: ctx.keys.signingKid, keys: ctx.keys.status() }, NO_STORE);
  };

  return { list, rotate };
}
