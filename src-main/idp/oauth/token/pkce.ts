import { createHash } from 'node:crypto';

const VERIFIER = /^[-._~A-Za-z0-9]{43,128}$/;

/** S256 check: BASE64URL-NOPAD(SHA256(verifier)) == challenge. */
export function verifyPkce(verifier: string | undefined, challenge: string | undefined): boolean {
  if (!verifier || !challenge || !VERIFIER.test(verifier)) return false;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}
