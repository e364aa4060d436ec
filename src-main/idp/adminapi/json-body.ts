/**
 * Request bodies of the Admin API's REST endpoints (user import and export), read the way
 * upstream reads them (spec import-export.md 2.2, 2.3): the content-type middleware (415), the
 * JSON binder's exact content type (400), then Go's JSON syntax rules, with Go's error text and
 * byte offset in `InvalidJSON`.
 */
import { ApiError } from '../errors';
import { text, type HttpResult } from '../http/types';
import { adminApiHeaders } from './headers';

interface MediaType {
  type: string;
  params: Map<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Go `mime.ParseMediaType`, enough of it: type/subtype, then `; name=value` (value a token or quoted). */
function parseMediaType(raw: string): MediaType | undefined {
  const [head, ...rest] = raw.split(';');
  const type = head.trim().toLowerCase();
  const slash = type.indexOf('/');
  if (slash <= 0 || slash === type.length - 1 || !TOKEN.test(type.slice(0, slash)) || !TOKEN.test(type.slice(slash + 1))) return undefined;
  const params = new Map<string, string>();
  for (const part of rest) {
    const p = part.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq <= 0) return undefined;
    const name = p.slice(0, eq).trim().toLowerCase();
    let value = p.slice(eq + 1).trim();
    if (!TOKEN.test(name)) return undefined;
    if (value.startsWith('"')) {
      if (value.length < 2 || !value.endsWith('"')) return undefined;
      value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    } else if (!TOKEN.test(value)) return undefined;
    if (params.has(name)) return undefined;
    params.set(name, value);
  }
  return { type, params };
}

/**
 * The content-type middleware and then the JSON binder. Returns the plain-text 415 answer of the
 * middleware, or throws the binder's 400; undefined when the body may be read as JSON.
 */
export function checkJsonContentType(header: string | undefined): HttpResult | undefined {
  const raw = header ?? '';
  const mt = parseMediaType(raw);
  if (!mt) return text(415, `invalid content type: ${raw}\n`, adminApiHeaders());
  if (mt.type !== 'application/json' && mt.type !== 'application/graphql') return text(415, `invalid content type: ${mt.type}\n`, adminApiHeaders());
  const charset = mt.params.get('charset');
  if (charset !== undefined && !['utf-8', 'utf8'].includes(charset.toLowerCase())) return text(415, `invalid content type: ${mt.type}\n`, adminApiHeaders());
  // The binder: exactly application/json, and at most the one parameter charset=utf-8.
  const binderOk = mt.type === 'application/json' && (mt.params.size === 0 || (mt.params.size === 1 && charset?.toLowerCase() === 'utf-8'));
  if (!binderOk) throw new ApiError('BadRequest', 'BadRequest', 'request content type is invalid');
  return undefined;
}

/** The 413 of a body over `limit` bytes. */
export function bodyTooLarge(limit: number): ApiError {
  return new ApiError('RequestEntityTooLarge', 'JSONTooLarge', 'request body too large', { limit });
}

function syntaxError(message: string, offset: number): ApiError {
  return new ApiError('BadRequest', 'InvalidJSON', message, { byte_offset: offset });
}

/** Go's quoteChar: how the scanner names the byte it did not expect. */
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  const s = JSON.stringify(String.fromCharCode(c)).slice(1, -1);
  // strconv.Quote writes control characters as \x.. except the usual escapes.
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
  if (named[c]) return `'${named[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  return `'${s}'`;
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/**
 * Checks one JSON value at the start of `b` with Go's scanner rules and messages; returns the
 * offset just past it. Throws InvalidJSON (`byte_offset` = bytes read up to and including the
 * offending one, as Go counts).
 */
function scanValue(b: Uint8Array, start: number): number {
  let i = start;
  const eof = () => syntaxError('unexpected end of JSON input', b.length);
  const bad = (context: string) => syntaxError(`invalid character ${quoteChar(b[i])} ${context}`, i + 1);
  const skip = () => {
    while (i < b.length && isSpace(b[i])) i++;
  };
  const literal = (word: string) => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (i >= b.length) throw eof();
      if (b[i] !== word.charCodeAt(k)) throw bad(`in literal ${word} (expecting '${word[k]}')`);
    }
    i++;
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= b.length) throw eof();
      const c = b[i];
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        i++;
        if (i >= b.length) throw eof();
        const e = b[i];
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= b.length) throw eof();
            if (!isHex(b[i])) throw bad('in \\u hexadecimal character escape');
          }
        } else if (![0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74].includes(e)) throw bad('in string escape code');
        i++;
        continue;
      }
      if (c < 0x20) throw bad('in string literal');
      i++;
    }
  };
  const number = () => {
    if (b[i] === 0x2d) {
      i++;
      if (i >= b.length) throw eof();
      if (!isDigit(b[i])) throw bad('in numeric literal');
    }
    if (b[i] === 0x30) i++;
    else while (i < b.length && isDigit(b[i])) i++;
    if (i < b.length && b[i] === 0x2e) {
      i++;
      if (i >= b.length) throw eof();
      if (!isDigit(b[i])) throw bad('after decimal point in numeric literal');
      while (i < b.length && isDigit(b[i])) i++;
    }
    if (i < b.length && (b[i] === 0x65 || b[i] === 0x45)) {
      i++;
      if (i < b.length && (b[i] === 0x2b || b[i] === 0x2d)) i++;
      if (i >= b.length) throw eof();
      if (!isDigit(b[i])) throw bad('in exponent of numeric literal');
      while (i < b.length && isDigit(b[i])) i++;
    }
  };
  const value = (): void => {
    skip();
    if (i >= b.length) throw eof();
    const c = b[i];
    if (c === 0x7b) {
      i++;
      skip();
      if (i >= b.length) throw eof();
      if (b[i] === 0x7d) {
        i++;
        return;
      }
      for (;;) {
        skip();
        if (i >= b.length) throw eof();
        if (b[i] !== 0x22) throw bad('looking for beginning of object key string');
        string();
        skip();
        if (i >= b.length) throw eof();
        if (b[i] !== 0x3a) throw bad('after object key');
        i++;
        value();
        skip();
        if (i >= b.length) throw eof();
        if (b[i] === 0x2c) {
          i++;
          continue;
        }
        if (b[i] === 0x7d) {
          i++;
          return;
        }
        throw bad('after object key:value pair');
      }
    }
    if (c === 0x5b) {
      i++;
      skip();
      if (i >= b.length) throw eof();
      if (b[i] === 0x5d) {
        i++;
        return;
      }
      for (;;) {
        value();
        skip();
        if (i >= b.length) throw eof();
        if (b[i] === 0x2c) {
          i++;
          continue;
        }
        if (b[i] === 0x5d) {
          i++;
          return;
        }
        throw bad('after array element');
      }
    }
    if (c === 0x22) return string();
    if (c === 0x2d || isDigit(c)) return number();
    if (c === 0x74) return literal('true');
    if (c === 0x66) return literal('false');
    if (c === 0x6e) return literal('null');
    throw bad('looking for beginning of value');
  };
  value();
  return i;
}

/**
 * Parses a request body as upstream does: the schema validator decodes the first JSON value
 * (an empty or blank body is "unexpected end of JSON input" at offset 0), `validate` runs on it,
 * and only then does the full decode reject anything after that value.
 */
export function parseJsonBody<T>(body: Uint8Array, validate: (value: unknown) => T): T {
  let start = 0;
  while (start < body.length && isSpace(body[start])) start++;
  if (start === body.length) throw syntaxError('unexpected end of JSON input', 0);
  const end = scanValue(body, start);
  const value = JSON.parse(Buffer.from(body.buffer, body.byteOffset, end).toString('utf8'));
  const result = validate(value);
  let i = end;
  while (i < body.length && isSpace(body[i])) i++;
  if (i < body.length) throw syntaxError(`invalid character ${quoteChar(body[i])} after top-level value`, i + 1);
  return result;
}
