/**
 * Pure pieces of the user import and export that copy Go behaviour byte for byte: JSON encoding,
 * the JSON syntax errors, the bcrypt hash check, number formatting, JSON pointers, CSV quoting,
 * TOTP URIs and file keys.
 */
import { describe, it, expect } from 'vitest';
import { goJson, goMap } from '../../src-main/idp/adminapi/go-json';
import { parseJsonBody } from '../../src-main/idp/adminapi/json-body';
import { ApiError } from '../../src-main/idp/errors';
import { checkImportedHash } from '../../src-main/idp/userimport/hash-check';
import { checkTotpSecret } from '../../src-main/idp/userimport/totp-check';
import { redactRecord } from '../../src-main/idp/userimport/redact';
import { goFormatFloat, csvLines, neutralizeFormula } from '../../src-main/idp/userexport/csv';
import { parsePointer, resolvePointer } from '../../src-main/idp/userexport/pointer';
import { goTotpUri } from '../../src-main/idp/userexport/totp-uri';
import { exportFileKey } from '../../src-main/idp/userexport/files';
import { parseRfc3339, checkUri, checkPicture, checkBirthdate, checkTimezone, checkBcp47 } from '../../src-main/idp/userimport/formats';

function errorOf(fn: () => unknown): { reason: string; message: string; info?: unknown } {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return { reason: e.reason, message: e.message, ...(e.info ? { info: e.info } : {}) };
    throw e;
  }
  throw new Error('no error');
}

describe('Go JSON encoding', () => {
  it('escapes <, >, &, U+2028 and U+2029 and keeps other characters raw', () => {
    expect(goJson({ s: '<a href="x">&\u2028\u2029é林🦊' })).toBe('{"s":"\\u003ca href=\\"x\\"\\u003e\\u0026\\u2028\\u2029é林🦊"}');
  });
  it('sorts map keys bytewise at every depth, integer-like keys included, and keeps struct order', () => {
    expect(goJson({ z: 1, a: goMap({ b: 1, '10': 2, '9': 3, A: { y: 1, x: 2 } }) })).toBe('{"z":1,"a":{"10":2,"9":3,"A":{"x":2,"y":1},"b":1}}');
  });
  it('omits undefined members', () => {
    expect(goJson({ a: undefined, b: [1, null] })).toBe('{"b":[1,null]}');
  });
});

describe('JSON syntax errors as Go reports them', () => {
  const parse = (s: string) => errorOf(() => parseJsonBody(Buffer.from(s), (v) => v));
  it.each([
    ['[1,]', "invalid character ']' looking for beginning of value", 4],
    ['{"a":"\u0001"}', "invalid character '\\x01' in string literal", 7],
    ['{"a":"\\x"}', "invalid character 'x' in string escape code", 8],
    ['-x', "invalid character 'x' in numeric literal", 2],
    ['1.e', "invalid character 'e' after decimal point in numeric literal", 3],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string", 2],
    ['nul', 'unexpected end of JSON input', 3],
  ])('%j', (raw, message, offset) => {
    expect(parse(raw)).toEqual({ reason: 'InvalidJSON', message, info: { byte_offset: offset } });
  });
  it('parses valid bodies with Unicode', () => {
    expect(parseJsonBody(Buffer.from(' {"n":"林美","x":[1.5e2,true,null]} '), (v) => v)).toEqual({ n: '林美', x: [150, true, null] });
  });
});

describe('imported hashes and secrets', () => {
  const rest = 'N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';
  it('reads the cost as Go strconv.Atoi does', () => {
    expect(() => checkImportedHash(`$2a$+9$${rest}`)).not.toThrow();
    expect(errorOf(() => checkImportedHash(`$2a$-1$${rest}`)).message).toBe('crypto/bcrypt: cost -1 is outside allowed inclusive range 4..31');
  });
  it('checks the bcrypt string inside $bcrypt-sha512$', () => {
    expect(() => checkImportedHash(`$bcrypt-sha512$$2a$10$${rest}`)).not.toThrow();
    expect(errorOf(() => checkImportedHash(`$bcrypt-sha512$x2a$10$${rest}`)).message).toBe("crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with 'x'");
    expect(errorOf(() => checkImportedHash('$bcrypt-sha512$$2a$10$short')).message).toBe('crypto/bcrypt: hashedSecret too short to be a bcrypted password');
  });
  it('reports the first illegal base32 byte of a TOTP secret', () => {
    expect(() => checkTotpSecret('JBSWY3DPEHPK3PXP')).not.toThrow();
    expect(errorOf(() => checkTotpSecret('JBSW1')).message).toBe('illegal base32 data at input byte 4');
    expect(errorOf(() => checkTotpSecret('ABC')).message).toBe('illegal base32 data at input byte 2');
  });
  it('redacts without touching the input', () => {
    const input = { email: 'a@b.c', password: { type: 'bcrypt', password_hash: 'h' }, mfa: { totp: { secret: 's' }, email: 'x@y.z' } };
    expect(redactRecord(input)).toEqual({ email: 'a@b.c', password: { type: 'bcrypt', password_hash: 'REDACTED' }, mfa: { totp: { secret: 'REDACTED' }, email: 'x@y.z' } });
    expect(input.password.password_hash).toBe('h');
  });
});

describe('record formats', () => {
  it('reads RFC 3339 as Go does', () => {
    expect(parseRfc3339('2025-03-01T08:00:00Z')).toBe(Date.UTC(2025, 2, 1, 8));
    expect(parseRfc3339('2025-03-01T08:00:00.123456+08:00')).toBe(Date.UTC(2025, 2, 1, 0, 0, 0, 123));
    expect(parseRfc3339('2025-03-01 08:00:00Z')).toBeUndefined();
    expect(parseRfc3339('2025-02-30T08:00:00Z')).toBeUndefined();
    expect(parseRfc3339('2025-03-01T08:00:00')).toBeUndefined();
  });
  it('checks URIs, pictures, birthdates, zones and locales', () => {
    expect(checkUri('https://example.com')).toBeUndefined();
    expect(checkUri('https://example.com/a/../b')).toBe('invalid path: /a/../b');
    expect(checkUri('https://example.com/a/')).toBeUndefined();
    expect(checkPicture('ftp://x/y')).toBe('invalid scheme: ftp');
    expect(checkPicture('authgearimages://host/x')).toBe('authgearimages URI does not have host');
    expect(['1990-01-01', '0000-02-29', '--12-31', '1990'].map(checkBirthdate)).toEqual([undefined, undefined, undefined, undefined]);
    expect(checkBirthdate('1990-02-30')).toBe('invalid birthdate: "1990-02-30"');
    expect(checkTimezone('Asia/Hong_Kong')).toBeUndefined();
    expect(checkTimezone('asia/hong_kong')).toMatch(/^invalid timezone name/);
    expect(checkBcp47('zh-hk')).toBe('non-canonical BCP 47 tag: zh-hk != zh-HK');
  });
});

describe('export pieces', () => {
  it('formats floats as FormatFloat(v, f, -1, 64)', () => {
    expect([0, 1.5, 0.1, 1e21, 1e-7, -2.5e-8, 123456789012345680000].map(goFormatFloat)).toEqual(['0', '1.5', '0.1', '1000000000000000000000', '0.0000001', '-0.000000025', '123456789012345680000']);
  });
  it('parses and resolves JSON pointers as upstream', () => {
    expect(parsePointer('/a~1b/c~0')).toEqual(['a/b', 'c~']);
    expect(parsePointer('/')).toEqual(['']);
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('x')).toBe('0: expecting / but found: "x"');
    expect(parsePointer('/~2')).toBe('2: expecting 0 or 1 but found: "2"');
    expect(parsePointer('/a~')).toBe('2: expecting 0 or 1 but found: EOF');
    const doc = { a: [{ b: 1 }], m: goMap({ k: 'v' }) };
    expect(resolvePointer(doc, ['a', '0', 'b'])).toBe(1);
    expect(resolvePointer(doc, ['a', '1'])).toBeUndefined();
    expect(resolvePointer(doc, ['a', 'x'])).toBeUndefined();
    expect(resolvePointer(doc, ['m', 'k'])).toBe('v');
  });
  it('quotes CSV cells exactly where Go encoding/csv does', () => {
    const cells = ['a,b', 'q"x', 'l\nn', 'cr\rx', ' lead', '\u3000x', '\u0085nel', '\\.', '', 'x\\.', '\ufeffbom', 'plain', '\tTab'];
    expect(csvLines([cells])).toBe('"a,b","q""x","l\nn","cr\rx"," lead","\u3000x","\u0085nel","\\.",,x\\.,\ufeffbom,plain,"\tTab"\n');
    expect(csvLines([])).toBe('');
  });
  it('neutralises formulas only when asked', () => {
    expect(['=1', '+1', '-1', '@x', '\tx', 'a=1'].map(neutralizeFormula)).toEqual(["'=1", "'+1", "'-1", "'@x", "'\tx", 'a=1']);
  });
  it('builds TOTP URIs and file keys with Go escaping', () => {
    expect(goTotpUri('JBSWY3DPEHPK3PXP', 'http://localhost:3100', 'a b/c@x.org')).toBe(
      'otpauth://totp/a%2520b%252Fc@x.org?algorithm=SHA1&digits=6&issuer=http%3A%2F%2Flocalhost%3A3100&period=30&secret=JBSWY3DPEHPK3PXP',
    );
    expect(exportFileKey('my app', 'userexport_X', Date.UTC(2025, 2, 1, 9, 15, 3), 'csv')).toBe('my+app-userexport_X-20250301091503Z.csv');
  });
});
