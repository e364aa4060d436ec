import type { PasswordPolicyConfig } from '../config/types';

/** The `password_policy` object of flow data: keys only for requirements that apply (spec 6.1). */
export function passwordPolicyData(p: PasswordPolicyConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { minimum_length: p.min_length };
  for (const k of ['uppercase_required', 'lowercase_required', 'alphabet_required', 'digit_required', 'symbol_required'] as const) if (p[k]) out[k] = true;
  out.history = p.history_size > 0 || p.history_days > 0 ? { enabled: true, size: p.history_size, days: p.history_days } : { enabled: false };
  if (p.excluded_keywords.length) out.excluded_keywords = p.excluded_keywords;
  return out;
}
