/**
 * Who a name in a complaint is (issue 16, finding 4): matched by identity, not by string.
 * A customer (or a colleague keying a complaint in) may write a staff member's name with other
 * spacing, case, width, punctuation or invisible characters - "Hana  Handler",
 * "Hana\u00a0Handler", "Hana Handler.", "Ha\u200bna Handler" - and it still names her.
 *
 * The key of a name:
 *  1. Unicode NFKC (full-width letters, ideographic space, ligatures);
 *  2. format (Cf: zero-width, soft hyphen, BOM) and bidi control characters dropped, combining
 *     marks dropped ("Hána" is read as "Hana": a match errs towards refusing);
 *  3. a few Cyrillic and Greek letters that look Latin read as the Latin letter ("Hаna");
 *  4. case-folded;
 *  5. punctuation and whitespace separate words and are otherwise dropped; the compact key has
 *     no separators at all, so Chinese (Han) names ignore spaces between characters.
 *
 * A name names a person when, against any identity of the directory (name, name variants,
 * employee id, email): the compact keys are equal; or both have two words or more and the same
 * words in another order ("Handler, Hana"); or the named text contains all the words of a
 * name of two words or more, in order ("Hana Handler (cards)"), or a Chinese name as a whole
 * word ("王伟（柜员）"). A match errs towards refusing: "Li Na Zhang" names Li Na too.
 */

/** Format characters (Unicode Cf): the invisible ones and every bidi control. */
const FORMAT = /\p{Cf}/gu;
const MARKS = /\p{M}/gu;
const SEPARATORS = /[\p{P}\p{S}\p{Z}\s]+/gu;

/** Cyrillic and Greek letters that look like Latin ones (after case-folding). */
const LOOK_ALIKES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  һ: 'h',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ϲ: 'c',
};
const LOOK_ALIKE = new RegExp(`[${Object.keys(LOOK_ALIKES).join('')}]`, 'gu');

/** Case folding: toUpperCase then toLowerCase folds ß/ẞ, final sigma and the like together. */
const fold = (s: string) => s.toUpperCase().toLowerCase();

/** The words of a name, normalised (NFKC, no invisible characters or marks, case-folded). */
export function nameWords(s: string | undefined): string[] {
  if (!s) return [];
  const n = fold(s.normalize('NFKC').replace(FORMAT, '').normalize('NFD').replace(MARKS, '').normalize('NFC')).replace(LOOK_ALIKE, (ch) => LOOK_ALIKES[ch]);
  return n.split(SEPARATORS).filter(Boolean);
}

/** The compact key of a name: its words with nothing between them ("王 伟" and "王伟" are one name). */
export function identityKey(s: string | undefined): string {
  return nameWords(s).join('');
}

function containsInOrder(words: string[], part: string[]): boolean {
  for (let i = 0; i + part.length <= words.length; i++) if (part.every((w, j) => words[i + j] === w)) return true;
  return false;
}

/** Whether `named` (free text from a complaint) names the identity `identity` (a name, id or email). */
export function sameIdentity(named: string | undefined, identity: string | undefined): boolean {
  const key = identityKey(identity);
  if (!key) return false;
  if (identityKey(named) === key) return true;
  const a = nameWords(named);
  const b = nameWords(identity);
  // A Chinese name is one word: it names the person as a whole word of the text ("王伟（柜员）"),
  // never as part of one ("王伟伟" is someone else).
  if (b.length === 1 && /^\p{Script=Han}{2,}$/u.test(b[0])) return a.includes(b[0]);
  if (b.length < 2) return false;
  if (a.length === b.length && [...a].sort().join(' ') === [...b].sort().join(' ')) return true;
  return containsInOrder(a, b);
}

/** The identities a staff member is known by in the directory. */
export interface StaffIdentity {
  id: string;
  name: string;
  email?: string;
  aliases?: readonly string[];
}

/** Whether free text names this staff member: by name, a name variant, employee id or email. */
export function namesPerson(named: string | undefined, person: StaffIdentity): boolean {
  if (!named || !identityKey(named)) return false;
  return [person.id, person.name, person.email, ...(person.aliases ?? [])].some((identity) => sameIdentity(named, identity));
}
