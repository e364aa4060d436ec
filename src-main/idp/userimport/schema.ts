/**
 * The request schema of POST /_api/admin/users/import and the three record schemas, one per
 * identifier (spec import-export.md 3.1, 4.1; authgear-server pkg/lib/userimport/model.go).
 */
import { createValidator, type Cause } from '../adminapi/schema-causes';
import { recordFormats, type PhoneValidation } from './formats';

export type Identifier = 'preferred_username' | 'email' | 'phone_number';
export const IDENTIFIERS: Identifier[] = ['preferred_username', 'email', 'phone_number'];

export const REQUEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    upsert: { type: 'boolean' },
    identifier: { type: 'string', enum: IDENTIFIERS },
    records: { type: 'array', minItems: 1, items: { type: 'object' } },
  },
  required: ['identifier', 'records'],
};

const str = { type: 'string' };
const text = { type: 'string', minLength: 1 };
const nullable = (s: Record<string, unknown>) => ({ ...s, type: [s.type as string, 'null'] });
const dateTime = { type: 'string', format: 'date-time' };
const email = { type: 'string', format: 'email' };
const phone = { type: 'string', format: 'phone' };

const password = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'password_hash'],
  properties: { type: { type: 'string', enum: ['bcrypt'] }, password_hash: text, expire_after: dateTime },
};

const address = {
  type: 'object',
  properties: Object.fromEntries(['formatted', 'street_address', 'locality', 'region', 'postal_code', 'country'].map((k) => [k, text])),
};

function recordSchema(identifier: Identifier): object {
  const loginIds: Record<Identifier, object> = {
    email: nullable(email),
    phone_number: nullable(phone),
    preferred_username: nullable(text),
  };
  loginIds[identifier] = { email, phone_number: phone, preferred_username: text }[identifier];
  return {
    type: 'object',
    additionalProperties: false,
    required: [identifier],
    properties: {
      ...loginIds,
      disabled: { type: 'boolean' },
      account_valid_from: dateTime,
      account_valid_until: dateTime,
      email_verified: { type: 'boolean' },
      phone_number_verified: { type: 'boolean' },
      name: nullable(text),
      given_name: nullable(text),
      family_name: nullable(text),
      middle_name: nullable(text),
      nickname: nullable(text),
      profile: nullable({ ...str, format: 'uri' }),
      picture: nullable({ ...str, format: 'x_picture' }),
      website: nullable({ ...str, format: 'uri' }),
      gender: nullable(text),
      birthdate: nullable({ ...str, format: 'birthdate' }),
      zoneinfo: nullable({ ...str, format: 'timezone' }),
      locale: nullable({ ...str, format: 'bcp47' }),
      address: { ...address, type: ['object', 'null'] },
      custom_attributes: { type: 'object' },
      roles: { type: 'array', items: text },
      groups: { type: 'array', items: text },
      password,
      mfa: {
        type: 'object',
        additionalProperties: false,
        properties: {
          email: nullable(email),
          phone_number: nullable(phone),
          password,
          totp: { type: 'object', additionalProperties: false, required: ['secret'], properties: { secret: text } },
        },
      },
    },
  };
}

const SCHEMAS = Object.fromEntries(IDENTIFIERS.map((i) => [i, recordSchema(i)])) as Record<Identifier, object>;

const validators = new Map<PhoneValidation, ReturnType<typeof createValidator>>();
function validatorFor(phoneValidation: PhoneValidation) {
  let v = validators.get(phoneValidation);
  if (!v) {
    v = createValidator(recordFormats(phoneValidation));
    validators.set(phoneValidation, v);
  }
  return v;
}

export function validateRequest(body: unknown): Cause[] {
  return validatorFor('isValidNumber').validate(REQUEST_SCHEMA, body);
}

export function validateRecord(identifier: Identifier, record: unknown, phoneValidation: PhoneValidation): Cause[] {
  return validatorFor(phoneValidation).validate(SCHEMAS[identifier], record);
}

/** A record that passed its schema, as the import reads it. */
export interface ImportRecord {
  preferred_username?: string | null;
  email?: string | null;
  phone_number?: string | null;
  email_verified?: boolean;
  phone_number_verified?: boolean;
  disabled?: boolean;
  account_valid_from?: string;
  account_valid_until?: string;
  custom_attributes?: Record<string, unknown>;
  roles?: string[];
  groups?: string[];
  password?: { type: 'bcrypt'; password_hash: string; expire_after?: string };
  mfa?: {
    email?: string | null;
    phone_number?: string | null;
    password?: { type: 'bcrypt'; password_hash: string; expire_after?: string };
    totp?: { secret: string };
  };
  [standardAttribute: string]: unknown;
}

/** Standard attributes other than the three login-ID claims. */
export const PROFILE_ATTRIBUTES = ['name', 'given_name', 'family_name', 'middle_name', 'nickname', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'address'];
