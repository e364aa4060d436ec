import type { PasswordPolicyConfig } from '../config/types';

/** One failed rule, named as upstream's PasswordPolicyViolated causes are. */
export interface PolicyViolation {
  Name: string;
  Info?: Record<string, unknown>;
}

export function checkPasswordPolicy(policy: PasswordPolicyConfig, password: string): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  const length = [...password].length;
  if (length < policy.min_length) out.push({ Name: 'PasswordTooShort', Info: { min_length: policy.min_length, pw_length: length } });
  if (policy.uppercase_required && !/\p{Lu}/u.test(password)) out.push({ Name: 'PasswordUppercaseRequired' });
  if (policy.lowercase_required && !/\p{Ll}/u.test(password)) out.push({ Name: 'PasswordLowercaseRequired' });
  if (policy.alphabet_required && !/\p{L}/u.test(password)) out.push({ Name: 'PasswordAlphabetRequired' });
  if (policy.digit_required && !/\p{Nd}/u.test(password)) out.push({ Name: 'PasswordDigitRequired' });
  if (policy.symbol_required && !/[^\p{L}\p{Nd}\s]/u.test(password)) out.push({ Name: 'PasswordSymbolRequired' });
  const lower = password.toLowerCase();
  if (policy.excluded_keywords.some((k) => k && lower.includes(k.toLowerCase()))) out.push({ Name: 'PasswordContainingExcludedKeywords' });
  return out;
}

/** Plain-English sentence for each violation, for the built-in pages. */
export function describeViolation(v: PolicyViolation): string {
  switch (v.Name) {
    case 'PasswordTooShort':
      return `Password must be at least ${v.Info?.min_length} characters long.`;
    case 'PasswordUppercaseRequired':
      return 'Password must contain an uppercase letter.';
    case 'PasswordLowercaseRequired':
      return 'Password must contain a lowercase letter.';
    case 'PasswordAlphabetRequired':
      return 'Password must contain a letter.';
    case 'PasswordDigitRequired':
      return 'Password must contain a digit.';
    case 'PasswordSymbolRequired':
      return 'Password must contain a symbol.';
    case 'PasswordContainingExcludedKeywords':
      return 'Password must not contain common or excluded words.';
    default:
      return 'Password does not meet the policy.';
  }
}
