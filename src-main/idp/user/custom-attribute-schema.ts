/** A custom attribute as `user_profile.custom_attributes.attributes` declares it. */
export interface CustomAttributeType {
  type: string;
  minimum?: number;
  maximum?: number;
  enum?: string[];
}

/**
 * The JSON schema of one custom attribute's value, shared by the Admin API and the User Import
 * API (their validators both know the `email`, `phone`, `uri` and `iso3166-1-alpha-2` formats, upstream's names).
 */
export function customAttributeSchema(a: CustomAttributeType): object {
  switch (a.type) {
    case 'number':
    case 'integer':
      return { type: a.type, ...(a.minimum !== undefined ? { minimum: a.minimum } : {}), ...(a.maximum !== undefined ? { maximum: a.maximum } : {}) };
    case 'enum':
      return { type: 'string', enum: a.enum ?? [] };
    case 'email':
      return { type: 'string', format: 'email' };
    case 'phone_number':
      return { type: 'string', format: 'phone' };
    case 'url':
      return { type: 'string', format: 'uri' };
    case 'country_code':
    case 'alpha2':
      return { type: 'string', format: 'iso3166-1-alpha-2' };
    default:
      return { type: 'string', minLength: 1 };
  }
}
