/**
 * Every text the customer pages show, in Simplified Chinese and English: the JSON catalogs
 * web/src/locales/pages/<language>.json (one flat object, key -> text, `{name}` placeholders;
 * docs/adr/0007-ui-text-catalogs.md). The keys are typed from the English catalog, and each
 * other catalog must have every one of them (checked here by the compiler and by
 * test/unit/ui-catalogs.test.ts). Server texts (acknowledgement, stage history, replies) come
 * already in the complaint's language.
 */
import en from '../locales/pages/en.json' with { type: 'json' };
import zhCN from '../locales/pages/zh-CN.json' with { type: 'json' };

export type Language = 'zh-CN' | 'en';
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

/** A key of the customer pages' catalogs. */
export type TextKey = keyof typeof en;
export type Catalog<K extends string> = Readonly<Record<K, string>>;

/** The catalogs by language: a catalog missing one of the English keys does not compile. */
export const PAGE_CATALOGS: Readonly<Record<Language, Catalog<TextKey>>> = { en, 'zh-CN': zhCN };

/** `text` with its `{name}` placeholders filled in from `vars` (unknown names stay as they are). */
export function fill(text: string, vars: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Whether the customer pages have a text for `key` (a key built at run time, e.g. from a server code). */
export function hasText(key: string): key is TextKey {
  return Object.hasOwn(en, key);
}

/** The text for `key` in `lang` (English when the language has none), placeholders filled in. */
export function t(lang: Language, key: TextKey, vars: Record<string, string | number> = {}): string {
  return fill(PAGE_CATALOGS[lang][key] ?? PAGE_CATALOGS.en[key] ?? key, vars);
}
