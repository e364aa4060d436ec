/**
 * Project settings the import reads beyond the sandbox's parsed config, straight from
 * authgear.yaml with upstream's defaults: login ID type options, the phone validation method and
 * allowlist, and custom attributes (spec import-export.md 4.2).
 */
import type { IdpContext } from '../context';
import type { LoginIDKeyConfig } from '../config/types';
import type { PhoneValidation } from './formats';

export interface CustomAttribute {
  /** Key without the leading slash. */
  key: string;
  pointer: string;
  type: string;
  minimum?: number;
  maximum?: number;
  enum?: string[];
}

export interface ImportSettings {
  /** Login ID keys literally named `email`, `phone` and `username` (the only ones import uses). */
  keys: { email?: LoginIDKeyConfig; phone?: LoginIDKeyConfig; username?: LoginIDKeyConfig };
  email: { caseSensitive: boolean; blockPlusSign: boolean; ignoreDotSign: boolean };
  username: { asciiOnly: boolean; caseSensitive: boolean };
  phoneValidation: PhoneValidation;
  /** ISO 3166 alpha-2 codes a phone login ID must belong to; empty means any. */
  phoneAllowlist: string[];
  customAttributes: CustomAttribute[];
}

const cache = new WeakMap<object, ImportSettings>();

export function importSettings(ctx: IdpContext): ImportSettings {
  const raw = ctx.config.rawApp as any;
  let s = cache.get(raw);
  if (s) return s;
  const keys = ctx.config.app.identity.login_id.keys;
  const types = raw.identity?.login_id?.types ?? {};
  const validation = raw.ui?.phone_input?.validation?.libphonenumber?.validation_method;
  s = {
    keys: { email: keys.find((k) => k.key === 'email'), phone: keys.find((k) => k.key === 'phone'), username: keys.find((k) => k.key === 'username') },
    email: {
      caseSensitive: types.email?.case_sensitive ?? false,
      blockPlusSign: types.email?.block_plus_sign ?? false,
      ignoreDotSign: types.email?.ignore_dot_sign ?? false,
    },
    username: { asciiOnly: types.username?.ascii_only ?? true, caseSensitive: types.username?.case_sensitive ?? false },
    phoneValidation: validation === 'isPossibleNumber' ? 'isPossibleNumber' : 'isValidNumber',
    phoneAllowlist: Array.isArray(raw.ui?.phone_input?.allowlist) ? raw.ui.phone_input.allowlist.map(String) : [],
    customAttributes: (Array.isArray(raw.user_profile?.custom_attributes?.attributes) ? raw.user_profile.custom_attributes.attributes : [])
      .filter((a: any) => typeof a?.pointer === 'string' && a.pointer.startsWith('/'))
      .map((a: any) => ({ key: a.pointer.slice(1), pointer: a.pointer, type: String(a.type ?? 'string'), minimum: a.minimum, maximum: a.maximum, enum: a.enum })),
  };
  cache.set(raw, s);
  return s;
}
