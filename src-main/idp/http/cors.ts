import type { IdpContext } from '../context';

export type CorsPolicy = 'star' | 'matcher';

function originOf(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    return u.origin === 'null' ? undefined : u.origin;
  } catch {
    return undefined;
  }
}

/** Allow-list of the matcher policy: the Host itself, http.allowed_origins, client redirect URI origins. */
function allowed(ctx: IdpContext, origin: string, host: string | undefined): boolean {
  if (host && (origin === `http://${host}` || origin === `https://${host}`)) return true;
  const app = ctx.config.app;
  if (app.http.allowed_origins.some((o) => o === origin || originOf(o) === origin)) return true;
  return app.oauth.clients.some(
    (c) =>
      c.redirect_uris.some((u) => originOf(u) === origin) ||
      (c.x_custom_ui_uri && originOf(c.x_custom_ui_uri) === origin) ||
      (c.x_pre_authenticated_url_allowed_origins ?? []).some((u) => originOf(u) === origin),
  );
}

/** CORS headers of spec oidc.md 1.2 for one request. */
export function corsHeaders(ctx: IdpContext, policy: CorsPolicy, headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  const echo = () => {
    out['access-control-max-age'] = '900';
    if (headers['access-control-request-method']) out['access-control-allow-methods'] = headers['access-control-request-method'];
    if (headers['access-control-request-headers']) out['access-control-allow-headers'] = headers['access-control-request-headers'];
  };
  if (policy === 'star') {
    out['access-control-allow-origin'] = '*';
    echo();
    return out;
  }
  out.vary = 'Origin';
  const origin = headers.origin;
  if (origin && allowed(ctx, origin, headers.host)) {
    out['access-control-allow-origin'] = origin;
    out['access-control-allow-credentials'] = 'true';
    echo();
  }
  return out;
}
