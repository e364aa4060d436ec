/**
 * JSON as Go's encoding/json writes it (spec import-export.md 2.4): `<`, `>`, `&`, U+2028 and
 * U+2029 escaped, everything else raw UTF-8. Struct-shaped objects keep the key order they were
 * built in; map-shaped values (wrapped with `goMap`) have their keys sorted bytewise at every
 * depth. A plain JS object cannot carry that order itself: integer-like keys ("10", "9") always
 * come first in JS, so the serializer sorts them explicitly. Class instances inside a map stay
 * struct-shaped (a validation cause inside an error's info).
 */

const ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };
const NEEDS_ESCAPE = /[<>&\u2028\u2029]/g;

/** A map-shaped value: serialized with sorted keys, recursively. */
export class GoMap {
  constructor(readonly value: unknown) {}
}

export const goMap = (value: unknown) => new GoMap(value);

/** Bytewise key order, as Go sorts map keys (UTF-8 byte order equals code point order). */
export function byteOrder(a: string, b: string): number {
  if (a === b) return 0;
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = ca[i].codePointAt(0)! - cb[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

function encode(value: unknown, sorted: boolean, out: string[]): void {
  if (value instanceof GoMap) return encode(value.value, true, out);
  if (value === null || typeof value !== 'object') {
    out.push(value === undefined ? 'null' : JSON.stringify(value));
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((v, i) => {
      if (i) out.push(',');
      encode(v, sorted, out);
    });
    out.push(']');
    return;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  // A class instance is struct-shaped even inside a map: its declared order, its own rules.
  const proto = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) sorted = false;
  if (sorted) keys.sort(byteOrder);
  out.push('{');
  keys.forEach((k, i) => {
    if (i) out.push(',');
    out.push(JSON.stringify(k), ':');
    encode(obj[k], sorted, out);
  });
  out.push('}');
}

/** Go-style JSON text. `undefined` members are omitted (Go's omitempty as the callers decide it). */
export function goJson(value: unknown): string {
  const out: string[] = [];
  encode(value, false, out);
  const s = out.join('');
  return s.replace(NEEDS_ESCAPE, (c) => ESCAPES[c]);
}

/** Like `goJson`, but every object is map-shaped (sorted keys): a generic value round-tripped through Go. */
export function goJsonSorted(value: unknown): string {
  return goJson(goMap(value));
}
