/**
 * Headers of every Admin API response, success or failure (spec admin-api.md 1): no caching, no
 * sniffing, no indexing, no framing. No CORS: the API is meant for servers.
 */
export function adminApiHeaders(nonce?: string): Record<string, string> {
  const scriptSrc = ["'self'", 'https:', ...(nonce ? [`'nonce-${nonce}'`] : []), "'strict-dynamic'"].join(' ');
  return {
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'x-content-type-options': 'nosniff',
    'x-robots-tag': 'noindex, nofollow',
    'x-frame-options': 'DENY',
    'content-security-policy': `script-src ${scriptSrc}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
  };
}
