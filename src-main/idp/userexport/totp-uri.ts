/**
 * The `uri` of an exported TOTP authenticator, byte for byte as upstream builds it (spec
 * import-export.md 8.3): Go's url.PathEscape of the account, escaped once more by url.URL's
 * String(), and the query of url.Values.Encode (keys sorted, QueryEscape).
 */

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

function escape(s: string, keep: (c: string) => boolean, spacePlus = false): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (byte < 0x80 && (UNRESERVED.test(c) || keep(c))) out += c;
    else if (spacePlus && c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** url.PathEscape: a path segment keeps `$&+:=@`. */
const pathEscape = (s: string) => escape(s, (c) => '$&+:=@'.includes(c));
/** How url.URL writes a path: keeps `$&+,/:;=@` (and escapes `%` again). */
const pathForString = (s: string) => escape(s, (c) => '$&+,/:;=@'.includes(c));
/** url.QueryEscape. */
const queryEscape = (s: string) => escape(s, () => false, true);

export function goTotpUri(secret: string, issuer: string, account: string): string {
  const q = [
    ['algorithm', 'SHA1'],
    ['digits', '6'],
    ['issuer', issuer],
    ['period', '30'],
    ['secret', secret],
  ]
    .map(([k, v]) => `${k}=${queryEscape(v)}`)
    .join('&');
  return `otpauth://totp${pathForString(`/${pathEscape(account)}`)}?${q}`;
}
