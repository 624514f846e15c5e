/**
 * The UI text catalogs (web/src/locales/<surface>/<language>.json, ADR 0007): every language
 * of a surface has the English catalog's keys and no other (at any depth), no text is empty,
 * each text has the same {placeholders} as its English one, and every key the HTML pages name
 * (data-i18n, data-i18n-label) exists. Catalogs are found on disk: a new language or surface
 * is checked without changing this file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleText } from '../../web/src/console/texts.ts';
import { LANGUAGES, t } from '../../web/src/lib/i18n.ts';

const WEB = join(import.meta.dirname, '..', '..', 'web');
const LOCALES = join(WEB, 'src', 'locales');

const read = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** Every text of a catalog by its key path (nested objects joined with ' > '); a value that is neither a text nor an object is reported. */
function flatten(value: unknown, path: string[] = [], out = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, [...path, k], out);
  } else out.set(path.join(' > '), value);
  return out;
}

const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

const surfaces = readdirSync(LOCALES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('UI text catalogs', () => {
  it('has the customer pages and the console, each in every language the pages offer', () => {
    expect(surfaces).toEqual(['console', 'pages']);
    for (const s of surfaces) expect(readdirSync(join(LOCALES, s)).sort()).toEqual(LANGUAGES.map((l) => `${l}.json`).sort());
  });

  describe.each(surfaces)('%s', (surface) => {
    const english = flatten(read(join(LOCALES, surface, 'en.json')));
    const others = LANGUAGES.filter((l) => l !== 'en').map((l) => [l, flatten(read(join(LOCALES, surface, `${l}.json`)))] as const);

    it('English has texts', () => {
      expect(english.size).toBeGreaterThan(100);
    });

    it.each(others)('%s has exactly the English keys', (_lang, catalog) => {
      expect({ missing: [...english.keys()].filter((k) => !catalog.has(k)), extra: [...catalog.keys()].filter((k) => !english.has(k)) }).toEqual({
        missing: [],
        extra: [],
      });
    });

    it.each([['en', english] as const, ...others])('%s: every value is a non-empty text', (_lang, catalog) => {
      const bad = [...catalog].filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
      expect(bad).toEqual([]);
    });

    it.each(others)('%s: each text has the same placeholders as the English one', (_lang, catalog) => {
      const differ = [...english]
        .filter(([k, v]) => catalog.has(k) && placeholders(String(v)).join() !== placeholders(String(catalog.get(k))).join())
        .map(([k, v]) => `${k}: en {${placeholders(String(v))}} vs {${placeholders(String(catalog.get(k)))}}`);
      expect(differ).toEqual([]);
    });
  });

  it("knows every key the HTML pages name (the console also reuses the customer pages' texts)", () => {
    const pages = flatten(read(join(LOCALES, 'pages', 'en.json')));
    const consoleTexts = flatten(read(join(LOCALES, 'console', 'en.json')));
    const unknown: string[] = [];
    let named = 0;
    for (const file of readdirSync(join(WEB, 'public')).filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(join(WEB, 'public', file), 'utf8');
      for (const [, key] of html.matchAll(/data-i18n(?:-label)?="([^"]+)"/g)) {
        named++;
        if (!pages.has(key) && !(file === 'console.html' && consoleTexts.has(key))) unknown.push(`${file}: ${key}`);
      }
    }
    expect(named).toBeGreaterThan(50);
    expect(unknown).toEqual([]);
  });

  it('fills placeholders, in the asked language', () => {
    expect(t('en', 'status.heading', { reference: 'CN-2026-000001' })).toBe('Complaint CN-2026-000001');
    expect(t('zh-CN', 'status.loaded', { reference: 'CN-2026-000001', stage: '已受理' })).toBe('投诉 CN-2026-000001：已受理');
    // A placeholder without a value stays visible rather than vanishing.
    expect(t('en', 'attachments.removed')).toBe('{name} removed');
  });

  it('looks up console texts, and answers undefined for a key the console does not have', () => {
    expect(consoleText('zh-CN', 'signout')).not.toBe(consoleText('en', 'signout'));
    expect(consoleText('en', 'signout')).toBe('Sign out');
    expect(consoleText('en', 'form.title')).toBeUndefined(); // a customer page's text: the console falls back to lib/i18n.ts
    expect(consoleText('en', 'toString')).toBeUndefined();
  });
});
