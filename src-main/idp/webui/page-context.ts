import type { IdpContext } from '../context';
import { findClient } from '../context';
import type { HttpRequest, HttpResult } from '../http/types';
import { html, withCookies } from '../http/types';
import { pickLanguage, translator, type Translate } from './texts';
import { PAGE_HEADERS } from './layout';
import type { OAuthSession } from '../oauth/authorize/oauth-session';

export function pageResult(status: number, body: string, cookies: string[] = []): HttpResult {
  return withCookies(html(status, body, PAGE_HEADERS), cookies);
}

/** Query kept across the login pages: the OAuth session reference and UI hints. */
export function carryQuery(req: HttpRequest): string {
  const q = new URLSearchParams();
  for (const k of ['x_ref', 'ui_locales', 'redirect_uri']) if (req.query[k]) q.set(k, req.query[k]);
  return q.toString();
}

export interface PageContext {
  t: Translate;
  lang: string;
  session?: OAuthSession;
  /** x_ref was given but its OAuth session is gone. */
  expired: boolean;
}

export function pageContext(ctx: IdpContext, req: HttpRequest): PageContext {
  const ref = req.query.x_ref;
  const session = ref ? ctx.ephemeral.oauthSessions.get(ref) : undefined;
  const lang = pickLanguage(req.query.ui_locales ?? session?.params.ui_locales);
  return { t: translator(lang), lang, session, expired: Boolean(ref && !session) };
}

export function clientName(ctx: IdpContext, s?: OAuthSession): string | undefined {
  const c = s && findClient(ctx, s.clientId);
  return c ? c.client_name || c.name : undefined;
}

/**
 * Same-origin target only, never an open redirect: the value is resolved as a browser would
 * (which drops tabs and newlines and reads backslashes as slashes) and kept only if it stays on
 * the issuer's origin. Returns a normalised path, safe for a Location header.
 */
export function sameOrigin(ctx: IdpContext, uri: string | undefined, fallback: string): string {
  if (!uri) return fallback;
  let url: URL;
  try {
    url = new URL(uri, `${ctx.issuer}/`);
  } catch {
    return fallback;
  }
  if (url.origin !== ctx.issuer) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
