/**
 * An imported TOTP secret must be RFC 4648 base32 without padding, upper case (spec
 * import-export.md 5.6), reported with the text of Go's base32 decoder.
 */
import { ApiError } from '../errors';

const ALPHABET = /[A-Z2-7]/;

export function checkTotpSecret(secret: string): void {
  const bytes = Buffer.from(secret, 'utf8');
  // Go skips CR and LF while decoding; offsets still count them.
  let count = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x0a || c === 0x0d) continue;
    if (!ALPHABET.test(String.fromCharCode(c))) throw illegal(i);
    count++;
  }
  // A final quantum of 1, 3 or 6 characters cannot hold whole bytes.
  if ([1, 3, 6].includes(count % 8)) throw illegal(bytes.length - 1 < 0 ? 0 : bytes.length - 1);
}

function illegal(at: number): ApiError {
  return new ApiError('Invalid', 'InvalidTOTPSecret', `illegal base32 data at input byte ${at}`);
}
