/**
 * Free text from outside (customers, staff, mail): what makes it unusable. Shared by the API's
 * schemas (which refuse such text with a 400 naming the field) and the email intake (which
 * cleans a message's text, since a sender cannot be asked to correct it).
 *  - A UTF-16 surrogate without its pair is not Unicode text: it cannot be stored as UTF-8
 *    (DynamoDB strings), mailed or exported. Only a hand-made JSON escape ("\ud800") or an
 *    HTML entity (&#xD800;) makes one.
 *  - C0 control characters other than tab and line breaks (NUL, escape, backspace...) and DEL
 *    are never part of what a person writes, and upset mail headers and CSV readers.
 *  - Text of invisible characters only (zero-width spaces, bidi marks, a lone combining mark)
 *    says nothing: it is as empty as a blank field.
 */
export const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

/** Whether the text has something to read (a letter, digit, punctuation mark or symbol, emoji included). */
export function hasVisibleText(s: string): boolean {
  return VISIBLE.test(s);
}

/** What is wrong with a piece of free text, or undefined when it is fine. */
export function textProblem(s: string): string | undefined {
  if (new RegExp(LONE_SURROGATES.source).test(s)) return 'must be valid Unicode text (it has an unpaired surrogate)';
  if (new RegExp(CONTROL_CHARACTERS.source).test(s)) return 'must not contain control characters';
  if (!hasVisibleText(s)) return 'must contain visible text';
  return undefined;
}
