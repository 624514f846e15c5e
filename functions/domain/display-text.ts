/**
 * Text from outside shown to staff (issue 16 #8). Bidirectional control characters - the
 * embeddings, overrides and isolates, and the direction marks - change how the text around
 * them is laid out: "Ana \u202Efdp.exe" shows as "Ana exe.pdf". They are stored as given (the
 * record is what the customer sent) and shown neutralised: each control replaced by a visible
 * marker (⟦RLO⟧), the text isolated from its surroundings (<bdi>), and the complaint flagged.
 * Pure: used by the API (the queue's flag) and the console alike.
 */
import type { ComplaintDetails } from './complaint.ts';

const NAMES: Record<string, string> = {
  '\u202a': 'LRE',
  '\u202b': 'RLE',
  '\u202c': 'PDF',
  '\u202d': 'LRO',
  '\u202e': 'RLO',
  '\u2066': 'LRI',
  '\u2067': 'RLI',
  '\u2068': 'FSI',
  '\u2069': 'PDI',
  '\u200e': 'LRM',
  '\u200f': 'RLM',
  '\u061c': 'ALM',
};

/** Every bidi control character (embeddings, overrides, isolates, marks). */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const HAS_BIDI_CONTROL = new RegExp(BIDI_CONTROLS.source);

export function hasBidiControls(s: string | undefined): boolean {
  return !!s && HAS_BIDI_CONTROL.test(s);
}

/** The text with each bidi control shown as a visible marker instead of obeyed: "Ana ⟦RLO⟧fdp.exe". */
export function showControls(s: string): string {
  return s.replace(BIDI_CONTROLS, (ch) => `⟦${NAMES[ch]}⟧`);
}

/** The text without its bidi controls (where only a shape is shown, e.g. a masked name). */
export function withoutControls(s: string): string {
  return s.replace(BIDI_CONTROLS, '');
}

/** The fields of a complaint that carry bidi controls, by path: what staff are warned about. */
export function bidiFields(c: Pick<ComplaintDetails, 'complainant' | 'target' | 'matter' | 'place' | 'businessLine' | 'attachments'>): string[] {
  const fields: [string, string | undefined][] = [
    ['complainant.name', c.complainant?.name],
    ['complainant.contact.address', c.complainant?.contact?.address],
    ['target.department', c.target?.department],
    ['target.staffMember', c.target?.staffMember],
    ['matter.description', c.matter?.description],
    ['matter.cause', c.matter?.cause],
    ['matter.demand', c.matter?.demand],
    ['place', c.place],
    ['businessLine', c.businessLine],
    ...(c.attachments ?? []).map((a, i): [string, string] => [`attachments.${i}.name`, a.name]),
  ];
  return fields.filter(([, v]) => hasBidiControls(v)).map(([k]) => k);
}
