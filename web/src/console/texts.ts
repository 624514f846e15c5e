/**
 * The console's texts, in English and Simplified Chinese: the JSON catalogs
 * web/src/locales/console/<language>.json (docs/adr/0007-ui-text-catalogs.md). Looked up
 * before the customer pages' catalog (lib/i18n.ts), whose shared texts (required/optional
 * tags, network errors, validation messages) the console reuses. Server texts (history
 * summaries, messages, reasons) are shown as the server wrote them.
 */
import en from '../locales/console/en.json' with { type: 'json' };
import zhCN from '../locales/console/zh-CN.json' with { type: 'json' };
import type { Catalog, Language } from '../lib/i18n.ts';

/** A key of the console's own catalogs (typed from the English one). */
export type ConsoleTextKey = keyof typeof en;

/** The catalogs by language: a catalog missing one of the English keys does not compile. */
export const CONSOLE_CATALOGS: Readonly<Record<Language, Catalog<ConsoleTextKey>>> = { en, 'zh-CN': zhCN };

/** The console's text for `key` (English when not translated); undefined when it has none. */
export function consoleText(lang: Language, key: string): string | undefined {
  if (!Object.hasOwn(en, key)) return undefined;
  return CONSOLE_CATALOGS[lang][key as ConsoleTextKey] ?? CONSOLE_CATALOGS.en[key as ConsoleTextKey];
}

export { fill } from '../lib/i18n.ts';
