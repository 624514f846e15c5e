/**
 * The personal-data log scan (test/e2e/no-personal-data-in-logs.test.ts): the forms in which a
 * submitted value could reach a log line, and a search of the logs for any of them (issue 23: not
 * only the value as typed).
 *
 * Text forms: Unicode NFKC (full-width letters become ASCII), whitespace collapsed or removed,
 * and every letter case (the search is case-insensitive: the logs are lower-cased as the forms
 * are), so "PII.Canary@Example.COM", "XIAOMING PIITESTNAME" or "xiaomingpiitestname" are found.
 * Phone forms (a value with 7 or more digits): the product's normalisation (repeats.ts keys a
 * phone by its digits without "+86"), E.164 (+86...), i.e. the digits with or without the
 * country code, with up to two separators (space, dash, dot, brackets) between digits, and no
 * digit either side (so a longer run of digits, a request id or a hash, does not match by chance).
 */

const norm = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');

/** What the scan looks for, for one submitted value. */
export function formsOf(value: string): { text: string[]; digits: string[] } {
  const n = norm(value).trim();
  const text = [...new Set([n, n.replace(/ /g, '')])];
  const all = value.normalize('NFKC').replace(/\D/g, '');
  if (all.length < 7) return { text, digits: [] };
  // As the product normalises a phone (functions/domain/repeats.ts: digits and "+", "+86" dropped).
  const national = value
    .normalize('NFKC')
    .replace(/[^\d+]/g, '')
    .replace(/^\+?86/, '');
  const digits = [...new Set([all, national])];
  // A phone is looked for by its digits only (with the separators and the boundary below): as
  // text it would also match inside a longer run of digits.
  return /^[\d\s().+-]+$/.test(value.normalize('NFKC')) ? { text: [], digits } : { text, digits };
}

/** The form of `value` found in `logs`, if any (as the scan reports it: the form, or "digits <d>"). */
export function leakedForm(logs: string, value: string): string | undefined {
  const text = norm(logs);
  const { text: forms, digits } = formsOf(value);
  for (const form of forms) if (text.includes(form)) return form;
  for (const d of digits) {
    // Digits in that order with at most two separators between them ("(139) 8765"), no digit either side.
    const pattern = new RegExp(`(?<!\\d)${d.split('').join('[\\s().-]{0,2}')}(?!\\d)`);
    if (pattern.test(text)) return `digits ${d}`;
  }
  return undefined;
}
