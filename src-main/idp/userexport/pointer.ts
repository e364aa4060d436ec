/**
 * RFC 6901 JSON Pointers as upstream's library reads them: syntax only (`""`, or `/`-separated
 * tokens with `~0`/`~1` escapes), and traversal of maps and arrays (an index as Go's Atoi reads it).
 */
import { GoMap } from '../adminapi/go-json';

/** The reference tokens, or the parser's error text. */
export function parsePointer(input: string): string[] | string {
  const out: string[] = [];
  let token: string | undefined;
  let escape = false;
  let idx = 0;
  for (const ch of input) {
    if (token === undefined) {
      if (ch !== '/') return `${idx}: expecting / but found: ${JSON.stringify(ch)}`;
      token = '';
    } else if (escape) {
      if (ch === '0') token += '~';
      else if (ch === '1') token += '/';
      else return `${idx}: expecting 0 or 1 but found: ${JSON.stringify(ch)}`;
      escape = false;
    } else if (ch === '~') escape = true;
    else if (ch === '/') {
      out.push(token);
      token = '';
    } else token += ch;
    idx += Buffer.byteLength(ch);
  }
  if (escape) return `${Math.max(0, idx - 1)}: expecting 0 or 1 but found: EOF`;
  if (token !== undefined) out.push(token);
  return out;
}

/** The value at `tokens` in `doc`, or undefined when it resolves to nothing. */
export function resolvePointer(doc: unknown, tokens: string[]): unknown {
  let v: unknown = doc;
  for (const t of tokens) {
    if (v instanceof GoMap) v = v.value;
    if (Array.isArray(v)) {
      if (!/^[+-]?\d+$/.test(t)) return undefined;
      const i = Number(t);
      if (i < 0 || i >= v.length) return undefined;
      v = v[i];
    } else if (v !== null && typeof v === 'object') {
      if (!Object.prototype.hasOwnProperty.call(v, t)) return undefined;
      v = (v as Record<string, unknown>)[t];
    } else return undefined;
  }
  return v instanceof GoMap ? v.value : v;
}
