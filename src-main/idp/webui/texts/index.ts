import { en, type TextKey } from './en';

const LANGUAGES: Record<string, Partial<Record<TextKey, string>>> = { en };

/** Picks the first supported language of `ui_locales` (space-separated BCP-47), else English. */
export function pickLanguage(uiLocales: string | undefined): string {
  for (const tag of (uiLocales ?? '').split(' ').filter(Boolean)) {
    const base = tag.toLowerCase().split('-')[0];
    if (Object.hasOwn(LANGUAGES, tag)) return tag;
    if (Object.hasOwn(LANGUAGES, base)) return base;
  }
  return 'en';
}

export type Translate = (key: TextKey, vars?: Record<string, string | number>) => string;

export function translator(lang: string): Translate {
  const table = Object.hasOwn(LANGUAGES, lang) ? LANGUAGES[lang] : en;
  return (key, vars = {}) => (table[key] ?? en[key]).replace(/\{(\w+)\}/g, (_, v) => (Object.hasOwn(vars, v) ? String(vars[v]) : ''));
}
