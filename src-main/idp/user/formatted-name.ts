/**
 * `formattedName` of the Admin API (spec admin-api.md 7): `name`, else given/middle/family in the
 * order the script of the text suggests, then ` (nickname)`; the nickname alone; else null.
 */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const KHMER = /\p{Script=Khmer}/u;

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

export function formattedName(attrs: Record<string, unknown>): string | null {
  const nickname = nonEmpty(attrs.nickname);
  let name = nonEmpty(attrs.name);
  if (!name) {
    const given = nonEmpty(attrs.given_name);
    const middle = nonEmpty(attrs.middle_name);
    const family = nonEmpty(attrs.family_name);
    const parts = [given, middle, family].filter((p): p is string => p !== undefined);
    if (parts.length) {
      const text = parts.join('');
      if (CJK.test(text)) name = [family, middle, given].filter(Boolean).join('');
      else if (KHMER.test(text)) name = [family, middle, given].filter(Boolean).join(' ');
      else name = parts.join(' ');
    }
  }
  if (name && nickname) return `${name} (${nickname})`;
  return name ?? nickname ?? null;
}
