import type { HttpResult } from '../http/types';

/**
 * Delivery of authorization responses (spec oidc.md 5.8): `query`/`fragment` answer 303 with
 * Location and an HTML page that redirects again; `form_post` answers a self-submitting form.
 */

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** A JS string literal safe inside <script>. */
const jsString = (s: string) => JSON.stringify(s).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

/** Adds params to a URL's query, re-encoding it with keys sorted (as Go's url.Values does). */
export function withQueryParams(uri: string, params: Record<string, string>): string {
  const url = new URL(uri);
  const merged = [...url.searchParams.entries(), ...Object.entries(params)];
  merged.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  url.search = new URLSearchParams(merged).toString();
  return url.toString();
}

export function withFragmentParams(uri: string, params: Record<string, string>): string {
  const url = new URL(uri);
  const entries = Object.entries(params).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  url.hash = new URLSearchParams(entries).toString();
  return url.toString();
}

export function htmlRedirect(location: string, status: 200 | 303): HttpResult {
  const body = `<!DOCTYPE html>
<html>
<head>
<meta http-equiv="refresh" content="0;url=${escapeHtml(location)}" />
</head>
<body>
<script>
window.location.href = ${jsString(location)}
</script>
</body>
</html>
`;
  const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
  if (status === 303) headers.location = location;
  return { status, headers, body };
}

export function formPost(action: string, params: Record<string, string>): HttpResult {
  const inputs = Object.entries(params)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
  const body = `<!DOCTYPE html>
<html>
<head>
<title>Submit this form</title>
</head>
<body>
<noscript>Please submit this form to proceed</noscript>
<form method="post" action="${escapeHtml(action)}">
${inputs}
<button type="submit" name="" value="">Submit</button>
</form>
<script>
document.forms[0].submit();
</script>
</body>
</html>
`;
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}

/** Writes `params` to `redirectUri` in `responseMode`; unknown modes are a plain-text 400. */
export function deliver(redirectUri: string, responseMode: string | undefined, params: Record<string, string>, useHttp200 = false): HttpResult {
  const mode = responseMode || 'query';
  switch (mode) {
    case 'query':
    case 'cookie':
      return htmlRedirect(withQueryParams(redirectUri, params), useHttp200 ? 200 : 303);
    case 'fragment':
      return htmlRedirect(withFragmentParams(redirectUri, params), useHttp200 ? 200 : 303);
    case 'form_post':
      return formPost(redirectUri, params);
    default:
      return {
        status: 400,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
        body: `oauth: invalid response_mode ${mode}\n`,
      };
  }
}

/** The plain-text error of an authorization request that cannot be redirected (spec 1.4 #2). */
export function plainAuthzError(fields: Record<string, string>): HttpResult {
  const lines = Object.keys(fields)
    .sort()
    .map((k) => `${k}: ${fields[k]}`);
  return {
    status: 400,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
    body: `Invalid OAuth authorization request:\n${lines.join('\n')}\n`,
  };
}
