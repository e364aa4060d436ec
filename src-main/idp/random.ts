import { randomBytes, randomUUID, createHash } from 'node:crypto';

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Alphabet of generated secrets in authgear.secrets.yaml (client secrets). */
const SECRET_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_';

/** The one source of randomness for tokens and ids; tests may inject a seeded one. */
export interface Random {
  /** 32 characters of [a-zA-Z0-9]: codes, opaque tokens, secrets (spec 1.5). */
  token(): string;
  uuid(): string;
  /** 32 characters of Crockford base32 (challenges, settings-action ids). */
  base32(): string;
  string(length: number, alphabet: string): string;
  bytes(n: number): Buffer;
}

function pick(length: number, alphabet: string, bytes: (n: number) => Buffer): string {
  // Rejection sampling keeps every character equally likely.
  const max = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const b of bytes(length * 2)) {
      if (b < max) out += alphabet[b % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

export function createRandom(bytes: (n: number) => Buffer = randomBytes): Random {
  return {
    token: () => pick(32, ALNUM, bytes),
    uuid: () => randomUUID(),
    base32: () => pick(32, CROCKFORD, bytes),
    string: (length, alphabet) => pick(length, alphabet, bytes),
    bytes,
  };
}

export const secretAlphabet = SECRET_ALPHABET;

/** hex(SHA-256(token)): the only form in which the server keeps opaque tokens. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
