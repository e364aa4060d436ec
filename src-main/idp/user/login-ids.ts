/**
 * Login IDs by type, as the Admin API reads them: e-mail and username case-folded, phone in
 * E.164 (possible and valid numbers only), each within the key's max_length.
 */
import type { IdpContext } from '../context';
import type { LoginIDKeyConfig } from '../config/types';
import { normalizeEmail, isValidEmail, normalizeUsername, isValidUsername } from './login-id';
import { isValidE164Phone } from './phone';

export function loginIdKey(ctx: IdpContext, key: string): LoginIDKeyConfig | undefined {
  return ctx.config.app.identity.login_id.keys.find((k) => k.key === key);
}

/** The normalised value, or undefined when the value is not a valid login ID of that type. */
export function normalizeLoginId(cfg: LoginIDKeyConfig, raw: string): string | undefined {
  if ([...raw].length > cfg.max_length) return undefined;
  switch (cfg.type) {
    case 'email':
      return isValidEmail(raw) ? normalizeEmail(raw) : undefined;
    case 'username':
      return isValidUsername(raw, cfg.max_length) ? normalizeUsername(raw) : undefined;
    case 'phone':
      return isValidE164Phone(raw) ? raw : undefined;
  }
}

/** The standard attribute a login ID type fills. */
export function claimOfLoginIdType(type: string): 'email' | 'phone_number' | 'preferred_username' {
  return type === 'email' ? 'email' : type === 'phone' ? 'phone_number' : 'preferred_username';
}
