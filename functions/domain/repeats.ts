/**
 * Repeats (CN Order 2020): the same customer complaining again about the same open matter
 * is merged into the open complaint and flagged for staff; a repeat that brings new facts
 * restarts the clock. Pure: text similarity on words (Latin) and character bigrams (CJK).
 */
import { createHash } from 'node:crypto';

/** Customer keys: a normalised email and phone, hashed (the index holds no personal data). */
export function customerKeys(contact: { email?: string; phone?: string } | undefined): string[] {
  const keys: string[] = [];
  if (contact?.email) keys.push(`email:${contact.email.trim().toLowerCase()}`);
  if (contact?.phone) keys.push(`phone:${contact.phone.replace(/[^\d+]/g, '').replace(/^\+?86/, '')}`);
  return keys.map((k) => createHash('sha256').update(k).digest('base64url'));
}

function tokens(text: string): Set<string> {
  const t = text.toLowerCase();
  const out = new Set<string>();
  for (const w of t.match(/[a-z0-9]+/g) ?? []) if (w.length > 2) out.add(w);
  const cjk = t.replace(/[^\u4e00-\u9fff]/g, '');
  for (let i = 0; i < cjk.length - 1; i++) out.add(cjk.slice(i, i + 2));
  return out;
}

/** Jaccard similarity of the two texts' tokens, 0..1. */
export function similarity(a: string, b: string): number {
  const x = tokens(a);
  const y = tokens(b);
  if (!x.size || !y.size) return 0;
  let inter = 0;
  for (const t of x) if (y.has(t)) inter++;
  return inter / (x.size + y.size - inter);
}

export const SAME_MATTER = 0.5;
export const SAME_FACTS = 0.9;

export interface RepeatCandidate {
  reference: string;
  businessLine?: string;
  description: string;
}

/** The open complaint this one repeats, and whether it brings new facts; undefined if none. */
export function findRepeat(
  incoming: { businessLine?: string; description: string },
  open: RepeatCandidate[],
): { reference: string; newFacts: boolean; score: number } | undefined {
  let best: { reference: string; score: number } | undefined;
  for (const c of open) {
    if ((c.businessLine ?? '') !== (incoming.businessLine ?? '')) continue;
    const score = similarity(incoming.description, c.description);
    if (score >= SAME_MATTER && (!best || score > best.score)) best = { reference: c.reference, score };
  }
  return best && { ...best, newFacts: best.score < SAME_FACTS };
}
