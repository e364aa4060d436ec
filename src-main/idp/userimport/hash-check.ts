/**
 * The check an imported password hash must pass (spec import-export.md 5.5; upstream checks the
 * hash like Go's `bcrypt.Cost`): `$<id>$...` where id `bcrypt-sha512` wraps a bcrypt string and
 * any other id is read as bcrypt. Salt and digest characters are not checked here.
 */
import { ApiError } from '../errors';

const unexpected = () => new ApiError('InternalError', 'UnexpectedError', 'unexpected error occurred');
const invalid = (message: string) => new ApiError('Invalid', 'InvalidBcryptHash', message);

/** Go's `%c` of a byte: the code point of that byte value. */
const char = (byte: number) => String.fromCodePoint(byte);

function checkBcrypt(hash: Uint8Array): void {
  if (hash.length < 59) throw invalid('crypto/bcrypt: hashedSecret too short to be a bcrypted password');
  if (hash[0] !== 0x24) throw invalid(`crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '${char(hash[0])}'`);
  if (hash[1] > 0x32) throw invalid(`crypto/bcrypt: bcrypt algorithm version '${char(hash[1])}' requested is newer than current version '2'`);
  // A third byte other than '$' is a minor revision of any value ($2a$, $2b$, $2y$, $2x$).
  const n = hash[2] !== 0x24 ? 4 : 3;
  const cost = Buffer.from(hash.subarray(n, n + 2)).toString('latin1');
  // strconv.Atoi: an optional sign, then decimal digits.
  if (!/^[+-]?\d+$/.test(cost)) throw unexpected();
  const value = Number(cost);
  if (value < 4 || value > 31) throw invalid(`crypto/bcrypt: cost ${value} is outside allowed inclusive range 4..31`);
}

/** Throws the record's error when `hash` cannot be imported. */
export function checkImportedHash(hash: string): void {
  const bytes = Buffer.from(hash, 'utf8');
  // `$<id>$<data>`: otherwise not a password format at all.
  if (bytes[0] !== 0x24) throw unexpected();
  const second = bytes.indexOf(0x24, 1);
  if (second < 0) throw unexpected();
  const id = bytes.subarray(1, second).toString('utf8');
  checkBcrypt(id === 'bcrypt-sha512' ? bytes.subarray(second + 1) : bytes);
}
