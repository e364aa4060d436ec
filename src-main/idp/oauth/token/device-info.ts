import { OAuthError } from '../../errors';

/**
 * `x_device_info`: base64url (no padding) of a JSON object, sent by the native SDKs and kept on
 * the offline grant. Anything else is invalid_request.
 */
export function parseDeviceInfo(encoded: string | undefined): Record<string, unknown> | undefined {
  if (!encoded) return undefined;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw new Error();
    const value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    // fall through
  }
  throw new OAuthError('invalid_request', 'invalid x_device_info');
}
