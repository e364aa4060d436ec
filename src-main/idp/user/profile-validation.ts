/**
 * Validation of standard and custom attributes as a whole object (spec admin-api.md 8.2):
 * JSON Schema like upstream's, failures as `ValidationFailed` with `{location, kind, details}`.
 */
import { customAttributeSchema } from './custom-attribute-schema';
import { isCalendarDate } from './standard-attributes';
import { Ajv, type ErrorObject } from 'ajv';
import type { IdpContext } from '../context';
import { ApiError } from '../errors';
import { isValidEmail } from './login-id';
import { isValidE164Phone } from './phone';

const ajv = new Ajv({ allErrors: true, strict: false });

const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC', 'GMT']);
function isUri(v: string, schemes?: string[]): boolean {
  try {
    const u = new URL(v);
    return !schemes || schemes.includes(u.protocol);
  } catch {
    return false;
  }
}
ajv.addFormat('email', { type: 'string', validate: (v: string) => isValidEmail(v) && v.trim() === v });
ajv.addFormat('phone', { type: 'string', validate: (v: string) => isValidE164Phone(v) });
ajv.addFormat('uri', { type: 'string', validate: (v: string) => isUri(v) });
ajv.addFormat('x_picture', { type: 'string', validate: (v: string) => isUri(v, ['http:', 'https:']) || /^authgearimages:\/\/\/[^/]+\/.+$/.test(v) });
ajv.addFormat('birthdate', { type: 'string', validate: (v: string) => /^(\d{4}|\d{4}-\d{2}-\d{2}|0000-\d{2}-\d{2}|--\d{2}-\d{2})$/.test(v) && (!/^\d{4}-\d{2}-\d{2}$/.test(v) || v.startsWith('0000') || isCalendarDate(v)) });
ajv.addFormat('timezone', { type: 'string', validate: (v: string) => TIME_ZONES.has(v) });
ajv.addFormat('bcp47', {
  type: 'string',
  validate: (v: string) => {
    try {
      return Intl.getCanonicalLocales(v).length === 1;
    } catch {
      return false;
    }
  },
});
ajv.addFormat('iso3166-1-alpha-2', { type: 'string', validate: (v: string) => /^[A-Z]{2}$/.test(v) });

const text = { type: 'string', minLength: 1 };
const STANDARD_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    email: { type: 'string', format: 'email' },
    phone_number: { type: 'string', format: 'phone' },
    preferred_username: text,
    family_name: text,
    given_name: text,
    middle_name: text,
    name: text,
    nickname: text,
    picture: { type: 'string', format: 'x_picture' },
    profile: { type: 'string', format: 'uri' },
    website: { type: 'string', format: 'uri' },
    gender: text,
    birthdate: { type: 'string', format: 'birthdate' },
    zoneinfo: { type: 'string', format: 'timezone' },
    locale: { type: 'string', format: 'bcp47' },
    address: {
      type: 'object',
      additionalProperties: false,
      properties: { formatted: text, street_address: text, locality: text, region: text, postal_code: text, country: text },
    },
  },
};
const validateStandard = ajv.compile(STANDARD_SCHEMA);

/** Keys the server derives; dropped from input without complaint. */
export const DERIVED_STANDARD_KEYS = ['email_verified', 'phone_number_verified', 'updated_at'];

function causes(errors: ErrorObject[] | null | undefined): unknown[] {
  return (errors ?? []).map((e) => {
    const p = e.params as Record<string, unknown>;
    let details: Record<string, unknown> | undefined;
    if (e.keyword === 'format') details = { format: p.format };
    else if (e.keyword === 'minLength') details = { expected: p.limit, actual: 0 };
    else if (e.keyword === 'type') details = { expected: [p.type] };
    else if (e.keyword === 'additionalProperties') details = { additionalProperties: [p.additionalProperty] };
    else if (e.keyword === 'enum') details = { expected: p.allowedValues };
    else if (e.keyword === 'minimum' || e.keyword === 'maximum') details = { [e.keyword]: p.limit };
    return { location: e.instancePath, kind: e.keyword, ...(details ? { details } : {}) };
  });
}

function invalid(errors: ErrorObject[] | null | undefined): ApiError {
  return new ApiError('Invalid', 'ValidationFailed', 'invalid value', { causes: causes(errors) });
}

/** Throws ValidationFailed unless `attrs` (derived keys already removed) is a valid set. */
export function checkStandardAttributes(attrs: Record<string, unknown>): void {
  if (!validateStandard(attrs)) throw invalid(validateStandard.errors);
}

interface CustomAttributeConfig {
  pointer: string;
  type: string;
  minimum?: number;
  maximum?: number;
  enum?: string[];
}

/** `user_profile.custom_attributes.attributes` of authgear.yaml, keyed by pointer name. */
export function customAttributeConfig(ctx: IdpContext): Map<string, CustomAttributeConfig> {
  const list = ((ctx.config.rawApp.user_profile as any)?.custom_attributes?.attributes ?? []) as CustomAttributeConfig[];
  return new Map(list.filter((a) => typeof a?.pointer === 'string').map((a) => [a.pointer.replace(/^\//, ''), a]));
}


const customValidators = new Map<string, ReturnType<typeof ajv.compile>>();

export function checkCustomAttributes(ctx: IdpContext, attrs: Record<string, unknown>): void {
  const config = customAttributeConfig(ctx);
  const schema = { type: 'object', additionalProperties: false, properties: Object.fromEntries([...config].map(([k, a]) => [k, customAttributeSchema(a)])) };
  const key = JSON.stringify(schema);
  let validate = customValidators.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    customValidators.set(key, validate);
  }
  if (!validate(attrs)) throw invalid(validate.errors);
}
