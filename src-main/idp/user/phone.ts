/** Phone numbers as Authgear reads them (pkg/util/phone): E.164 in, possible and valid numbers only. */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export interface ParsedPhone {
  e164: string;
  /** Calling code without "+", e.g. "44". */
  countryCallingCode: string;
  nationalNumber: string;
  possible: boolean;
  valid: boolean;
  /** ISO 3166 alpha-2 region of the number, when libphonenumber knows it. */
  country?: string;
}

/** Parses `+` followed by digits (spaces and dashes allowed); undefined when that is not the shape. */
export function parsePhone(input: string): ParsedPhone | undefined {
  if (!/^ *\+[0-9 -]*$/.test(input)) return undefined;
  const n = parsePhoneNumberFromString(input.trim());
  if (!n) return undefined;
  return { e164: n.number, countryCallingCode: n.countryCallingCode, nationalNumber: n.nationalNumber, possible: n.isPossible(), valid: n.isValid(), country: n.country };
}

/** A login-ID phone number: possible, valid and already written in E.164. */
export function isValidE164Phone(input: string): boolean {
  const p = parsePhone(input);
  return Boolean(p && p.possible && p.valid && p.e164 === input);
}
