import type { IdpContext } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import type { OAuthClientConfig } from '../config/types';
import { json } from '../http/types';
import { NO_STORE } from '../http/error-response';
import { ApiError } from '../errors';
import { requiresSecret } from '../oauth/clients';
import { requireConsoleToken } from './console-auth';
import { jsonBody, sandboxAjv } from './json-body';
import {
  ClientNotFound,
  DuplicateClientId,
  InvalidClientConfig,
  createClient,
  deleteClient,
  unsetFields,
  updateClient,
  type ClientPatch,
  type EditResult,
} from './clients-config';

const uris = { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 2000 } };
const seconds = { type: ['integer', 'null'], minimum: 0, maximum: 100 * 365 * 24 * 3600 };
const flag = { type: ['boolean', 'null'] };
const fields = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  x_application_type: { enum: ['spa', 'traditional_webapp', 'native', 'confidential', 'third_party_app', 'm2m'] },
  redirect_uris: uris,
  post_logout_redirect_uris: uris,
  access_token_lifetime_seconds: seconds,
  refresh_token_lifetime_seconds: seconds,
  refresh_token_idle_timeout_enabled: flag,
  refresh_token_idle_timeout_seconds: seconds,
  refresh_token_rotation_enabled: flag,
  issue_jwt_access_token: flag,
  x_max_concurrent_session: { enum: [0, 1, null] },
};
/** Client ids the console creates: URL- and YAML-safe. */
const CLIENT_ID = '^[A-Za-z0-9][A-Za-z0-9._~-]{0,99}$';

const validateCreate = sandboxAjv.compile({
  type: 'object',
  additionalProperties: false,
  required: ['name', 'x_application_type'],
  properties: { client_id: { type: 'string', pattern: CLIENT_ID }, ...fields },
});
const validatePatch = sandboxAjv.compile({ type: 'object', additionalProperties: false, properties: fields });

/** A client as the console shows it: effective values (defaults applied) and which are defaults. */
export function clientView(ctx: IdpContext, c: OAuthClientConfig) {
  return {
    client_id: c.client_id,
    name: c.name,
    x_application_type: c.x_application_type,
    redirect_uris: c.redirect_uris,
    post_logout_redirect_uris: c.post_logout_redirect_uris,
    access_token_lifetime_seconds: c.access_token_lifetime_seconds,
    refresh_token_lifetime_seconds: c.refresh_token_lifetime_seconds,
    refresh_token_idle_timeout_enabled: c.refresh_token_idle_timeout_enabled,
    refresh_token_idle_timeout_seconds: c.refresh_token_idle_timeout_seconds,
    refresh_token_rotation_enabled: c.refresh_token_rotation_enabled,
    issue_jwt_access_token: c.issue_jwt_access_token,
    x_max_concurrent_session: c.x_max_concurrent_session,
    /** Fields authgear.yaml does not set: the values above are their defaults. */
    defaults: unsetFields(ctx, c.client_id),
    client_secret: requiresSecret(c) ? (ctx.config.secrets.clientSecrets.get(c.client_id)?.[0] ?? null) : null,
  };
}

function toApiError(e: unknown): unknown {
  if (e instanceof ClientNotFound) return new ApiError('NotFound', 'ClientNotFound', `no client with client_id ${e.message}`);
  if (e instanceof DuplicateClientId) return new ApiError('AlreadyExists', 'DuplicateClientID', `a client with client_id ${e.message} already exists`);
  if (e instanceof InvalidClientConfig) {
    return new ApiError('Invalid', 'ValidationFailed', e.message, { causes: [{ location: e.location ?? '/', kind: 'config', message: e.message }] });
  }
  return e;
}

/** The client id at the end of `/_sandbox/api/clients/<id>`. */
function idFromPath(req: HttpRequest): string {
  const segment = req.path.slice(req.path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function answer(ctx: IdpContext, status: number, r: EditResult): HttpResult {
  return json(status, { client: clientView(ctx, r.client), generated_client_secret: r.generatedSecret }, NO_STORE);
}

/**
 * `/_sandbox/api/clients`: list (GET), add (POST), edit (PATCH `/:client_id`, `null` resets a
 * field to its default), delete (DELETE `/:client_id`). Edits are validated like authgear.yaml at
 * start-up, written to it (comments kept) and take effect at once.
 */
export function clientsApi(dataDir: string) {
  return {
    list(ctx: IdpContext, req: HttpRequest): HttpResult {
      requireConsoleToken(ctx, req);
      return json(200, { clients: ctx.config.app.oauth.clients.map((c) => clientView(ctx, c)) }, NO_STORE);
    },

    async create(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
      requireConsoleToken(ctx, req);
      const { client_id, ...patch } = jsonBody<ClientPatch & { client_id?: string }>(req, validateCreate);
      const id = client_id ?? ctx.random.bytes(8).toString('hex');
      try {
        return answer(ctx, 201, await createClient(ctx, dataDir, id, patch));
      } catch (e) {
        throw toApiError(e);
      }
    },

    async update(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
      requireConsoleToken(ctx, req);
      const id = idFromPath(req);
      const patch = jsonBody<ClientPatch>(req, validatePatch);
      try {
        return answer(ctx, 200, await updateClient(ctx, dataDir, id, patch));
      } catch (e) {
        throw toApiError(e);
      }
    },

    async remove(ctx: IdpContext, req: HttpRequest): Promise<HttpResult> {
      requireConsoleToken(ctx, req);
      const id = idFromPath(req);
      try {
        await deleteClient(ctx, dataDir, id);
      } catch (e) {
        throw toApiError(e);
      }
      return json(200, { deleted: id }, NO_STORE);
    },
  };
}
