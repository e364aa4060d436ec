// The profile form's model: standard attributes as text fields, custom attributes as JSON.
// Pure functions, so the form and its checks agree.
import type { Attributes } from '../stores/users'

export const PROFILE_FIELDS: { key: string; label: string; hint?: string }[] = [
  { key: 'name', label: 'Full name' },
  { key: 'given_name', label: 'Given name' },
  { key: 'middle_name', label: 'Middle name' },
  { key: 'family_name', label: 'Family name' },
  { key: 'nickname', label: 'Nickname' },
  { key: 'gender', label: 'Gender', hint: 'male, female, or any other value' },
  { key: 'birthdate', label: 'Birthdate', hint: 'YYYY-MM-DD, YYYY or --MM-DD' },
  { key: 'zoneinfo', label: 'Time zone', hint: 'e.g. Europe/Paris' },
  { key: 'locale', label: 'Locale', hint: 'e.g. en-GB' },
  { key: 'website', label: 'Website', hint: 'https://…' },
  { key: 'profile', label: 'Profile page', hint: 'https://…' },
  { key: 'picture', label: 'Picture URL', hint: 'https://… or authgearimages:///…' },
]

export const ADDRESS_FIELDS: { key: string; label: string }[] = [
  { key: 'street_address', label: 'Street address' },
  { key: 'locality', label: 'City or locality' },
  { key: 'region', label: 'Region' },
  { key: 'postal_code', label: 'Postal code' },
  { key: 'country', label: 'Country' },
]

export interface ProfileModel {
  fields: Record<string, string>
  address: Record<string, string>
  custom: string
}

export function profileModel(standard: Attributes, custom: Attributes): ProfileModel {
  const text = (v: unknown) => (typeof v === 'string' ? v : '')
  const address = (standard.address && typeof standard.address === 'object' ? standard.address : {}) as Attributes
  return {
    fields: Object.fromEntries(PROFILE_FIELDS.map((f) => [f.key, text(standard[f.key])])),
    address: Object.fromEntries(ADDRESS_FIELDS.map((f) => [f.key, text(address[f.key])])),
    custom: JSON.stringify(custom, null, 2),
  }
}

/**
 * The attributes to send: the user's other standard attributes (e-mail, phone, username follow
 * the identities and are kept) with the form's values; empty fields are removed.
 */
export function attributesOf(original: Attributes, model: ProfileModel): { standard: Attributes; custom: Attributes } | { error: string } {
  let custom: unknown
  try {
    custom = JSON.parse(model.custom.trim() || '{}')
  } catch (e) {
    return { error: `Custom attributes are not valid JSON: ${(e as Error).message}` }
  }
  if (!custom || typeof custom !== 'object' || Array.isArray(custom)) return { error: 'Custom attributes must be a JSON object, e.g. {"tier": "gold"}.' }
  const standard: Attributes = { ...original }
  delete standard.address
  for (const f of PROFILE_FIELDS) {
    const v = model.fields[f.key]?.trim() ?? ''
    if (v) standard[f.key] = v
    else delete standard[f.key]
  }
  const originalAddress = (original.address && typeof original.address === 'object' ? original.address : {}) as Attributes
  const address: Attributes = { ...originalAddress }
  for (const f of ADDRESS_FIELDS) {
    const v = model.address[f.key]?.trim() ?? ''
    if (v) address[f.key] = v
    else delete address[f.key]
  }
  if (Object.keys(address).length) standard.address = address
  return { standard, custom: custom as Attributes }
}
