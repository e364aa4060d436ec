// The fields a CSV export can have: upstream's default columns (JSON pointers into the exported
// record) and the column name each gets when none is given. Pure functions.

/** The pointers of Authgear's default CSV, in its order (custom attributes follow as /custom_attributes/<name>). */
export const KNOWN_POINTERS = [
  '/sub', '/preferred_username', '/email', '/phone_number', '/email_verified', '/phone_number_verified', '/name', '/given_name',
  '/middle_name', '/nickname', '/profile', '/picture', '/website', '/gender', '/birthdate', '/zoneinfo', '/locale', '/address/formatted',
  '/address/street_address', '/address/locality', '/address/region', '/address/postal_code', '/address/country', '/roles',
  '/groups', '/disabled', '/created_at', '/delete_at', '/last_login_at', '/is_anonymized', '/anonymize_at',
  '/temporarily_disabled_from', '/temporarily_disabled_until', '/account_valid_from', '/account_valid_until',
  '/identities', '/mfa/emails', '/mfa/phone_numbers', '/mfa/totps', '/biometric_count', '/passkey_count',
]

/** `/address/formatted` → `address.formatted`, as the export names a column without a name (RFC 6901 unescaped). */
export function defaultColumnName(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.')
}

/** Problems the export would refuse: a pointer not starting with '/', or two columns with one name. */
export function fieldProblems(fields: { pointer: string; field_name?: string }[]): string[] {
  const problems: string[] = []
  fields.forEach((f, i) => {
    if (!f.pointer.trim().startsWith('/')) problems.push(`Field ${i + 1}: a JSON pointer starts with "/" (e.g. /email).`)
  })
  const names = fields.map((f) => f.field_name?.trim() || defaultColumnName(f.pointer.trim()))
  const twice = names.filter((n, i) => names.indexOf(n) !== i)
  if (twice.length) problems.push(`Column names must differ: ${[...new Set(twice)].join(', ')}.`)
  return problems
}
