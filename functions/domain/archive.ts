/**
 * Archival and retention, as pure rules: what a complete archive record is, how its
 * integrity is proven, where it goes and for how long, and how personal data is erased from
 * it. No AWS here; the use case (use-cases/archive/archive.ts) feeds it stream records and items.
 *
 * Integrity: every complaint item carries `historyCount` and `historyDigest`, a multiset hash
 * (the sum, modulo 2^256, of the SHA-256 of each history entry's canonical JSON), kept by the
 * repository in the same transaction that appends the entries. Order-free, so entries written
 * in the same millisecond by different processes hash the same; incremental, so no write has to
 * read the whole history. An archive is complete only when its history recomputes to the digest
 * the table itself recorded: a missing, extra or altered entry shows.
 */
import { createHash } from 'node:crypto';
import type { Complaint, HistoryEntry } from './complaint.ts';
import { withRuleTexts } from './deadline-rules.ts';
import { drillArchiveKey } from './drill.ts';
import type { LedgerEntry, OutboundMessage } from './model.ts';

/** Who DynamoDB names as the deleter of an item its TTL expired (stream record `userIdentity`). */
export const TTL_PRINCIPAL = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;

export function isTtlRemoval(userIdentity: { type?: string; principalId?: string } | undefined): boolean {
  return userIdentity?.type === TTL_PRINCIPAL.type && userIdentity.principalId === TTL_PRINCIPAL.principalId;
}

/** JSON with keys sorted at every level and undefined dropped: the same value, the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The fields of a history entry (as the domain knows it; storage keys are not part of it). */
const HISTORY_FIELDS = ['reference', 'at', 'actor', 'action', 'visibleToCustomer', 'summary', 'before', 'after'] as const;
export function historyFields(item: Record<string, unknown>): HistoryEntry {
  return Object.fromEntries(HISTORY_FIELDS.filter((f) => item[f] !== undefined).map((f) => [f, item[f]])) as unknown as HistoryEntry;
}

const MOD = 1n << 256n;
const hashOf = (e: HistoryEntry): bigint =>
  BigInt(
    `0x${createHash('sha256')
      .update(canonicalJson(historyFields(e as unknown as Record<string, unknown>)))
      .digest('hex')}`,
  );
const hex = (n: bigint) => n.toString(16).padStart(64, '0');

/** Adds entries to a digest (undefined: the empty history). */
export function addToDigest(digest: string | undefined, entries: HistoryEntry[]): string {
  let sum = digest ? BigInt(`0x${digest}`) : 0n;
  for (const e of entries) sum = (sum + hashOf(e)) % MOD;
  return hex(sum);
}

export const digestOf = (entries: HistoryEntry[]): string => addToDigest(undefined, entries);

/** The complaint with the entries and messages of a write counted into its integrity fields. */
export function seal(c: Complaint, history: HistoryEntry[], messages: number): Complaint {
  return {
    ...c,
    historyCount: (c.historyCount ?? 0) + history.length,
    historyDigest: addToDigest(c.historyDigest, history),
    messageCount: (c.messageCount ?? 0) + messages,
  };
}

/** A stored item of a complaint's partition, as DynamoDB holds it (PK, SK and the fields). */
export type StoredItem = Record<string, unknown> & { PK: string; SK: string };

export interface ArchivedAttachment {
  key: string;
  name: string;
  contentType: string;
  size: number;
  archiveKey: string;
}

/** One object per complaint in the archive: everything the regulator may ask for. */
export interface ArchiveRecord {
  format: 'complaint-archive/1';
  reference: string;
  region: string;
  closedAt: string;
  archivedAt: string;
  /** Until when the object is locked (compliance mode): close + the region's archive years. */
  retainUntil: string;
  complaint: Complaint;
  history: HistoryEntry[];
  messages: OutboundMessage[];
  attachments: ArchivedAttachment[];
  integrity: { historyCount: number; historyDigest: string; messageCount: number };
  /** Set on the redacted version written for an erasure request. */
  erasure?: { at: string; by: string; basis: string; request?: string };
}

const INTERNAL = new Set(['PK', 'SK', 'type', 'OPENPK', 'OPENSK', 'GSI1PK', 'GSI1SK']);
const strip = <T>(item: Record<string, unknown>): T => Object.fromEntries(Object.entries(item).filter(([k]) => !INTERNAL.has(k))) as T;

/** Month of the close, for the key: complaints/region=cn/closed=2026-03/CN-2026-000001.json.gz */
export function archiveKey(region: string, closedAt: string, reference: string, erased = false): string {
  return `${erased ? 'erased' : 'complaints'}/region=${region}/closed=${closedAt.slice(0, 7)}/${reference}.json.gz`;
}

/**
 * Where a complaint's record goes: a drill's complaint (`drill` set) under its drill's prefix of
 * the same bucket, drills/<region>/<drillId>/complaints/<ref>.json.gz (erased: .../erased/), never
 * among the real complaints' records under complaints/ and erased/ (issue 20, ADR 0024).
 */
export function recordKey(c: Pick<Complaint, 'region' | 'reference' | 'drill'>, closedAt: string, erased = false): string {
  if (!c.drill) return archiveKey(c.region, closedAt, c.reference, erased);
  return drillArchiveKey(c.region, c.drill.drillId, `${erased ? 'erased' : 'complaints'}/${c.reference}.json.gz`);
}

/** A complaint's attachment in the archive: beside its record (a drill's under the drill's prefix). */
export function attachmentKey(c: Pick<Complaint, 'region' | 'reference' | 'drill'>, closedAt: string, index: number, name: string): string {
  const key = attachmentArchiveKey(c.region, closedAt, c.reference, index, name);
  if (!c.drill) return key;
  return drillArchiveKey(c.region, c.drill.drillId, `complaints/${key.slice(key.indexOf(`/${c.reference}/attachments/`) + 1)}`);
}

export function attachmentArchiveKey(region: string, closedAt: string, reference: string, index: number, name: string): string {
  // The stored name is only a label: the key is built from the index and a safe form of it.
  const safe =
    name
      .normalize('NFKC')
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/\.{2,}/g, '.')
      .replace(/^\.+/, '')
      .slice(0, 80) || 'file';
  return `complaints/region=${region}/closed=${closedAt.slice(0, 7)}/${reference}/attachments/${index}-${safe}`;
}

/* ---------- staging ---------- */

/**
 * Items TTL removed wait in staging until the rest of their complaint is there - but only when
 * the stream batch that carried them could not complete it: one object per complaint and
 * batch, holding that batch's items. Its key is derived from the items' sort keys (a re-delivery
 * of the same records writes the same key) and says how many items it holds and, when it holds
 * the complaint item, how many items the complete complaint has - so a listing alone tells
 * whether what is staged could complete it, and nothing is read before it could.
 */
export interface StagedPart {
  key: string;
  /** Items in the object. */
  items: number;
  /** It holds the complaint item (META). */
  meta: boolean;
  /** With the complaint item: the items of the complete complaint, when its counts are known. */
  expected?: number;
}

export const stagingPrefix = (reference: string) => `staging/${reference}/`;

/** What the archive keeps of a complaint's partition: every item but the access code and the open task. */
export const isArchivable = (sk: string) => sk !== 'SECRET' && sk !== 'TASK';

/**
 * The items a complete complaint has: its own, one per history entry, one per message (the
 * counts the complaint item carries). Undefined when they are not recorded.
 */
export function expectedItems(meta: Record<string, unknown>): number | undefined {
  const { historyCount: h, messageCount: m } = meta;
  return typeof h === 'number' && typeof m === 'number' ? 1 + h + m : undefined;
}

/** The staging key of a complaint's items from one batch: staging/<ref>/<id>-<n>[-of-<expected>|-of-x].json */
export function stagingKey(reference: string, items: StoredItem[]): string {
  const sks = [...new Set(items.map((i) => i.SK))].sort();
  if (!sks.length) throw new Error('nothing to stage');
  const id = createHash('sha256').update(sks.join('\n')).digest('hex').slice(0, 24);
  const meta = items.find((i) => i.SK === 'META');
  const of = meta ? `-of-${expectedItems(meta) ?? 'x'}` : '';
  return `${stagingPrefix(reference)}${id}-${sks.length}${of}.json`;
}

/**
 * Reads a staging key back. Keys of the earlier layout (one object per item, named by its sort
 * key in base64url) still read: one item, the complaint item's count unknown.
 */
export function stagedPart(key: string): StagedPart | undefined {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const m = /^([0-9a-f]{24})-(\d+)(?:-of-(\d+|x))?\.json$/.exec(name);
  if (m) return { key, items: Number(m[2]), meta: m[3] !== undefined, ...(m[3] && m[3] !== 'x' ? { expected: Number(m[3]) } : {}) };
  const legacy = /^([A-Za-z0-9_-]+)\.json$/.exec(name);
  if (legacy) return { key, items: 1, meta: Buffer.from(legacy[1], 'base64url').toString('utf8') === 'META' };
  return undefined;
}

/**
 * Whether the items known (this batch's and those still in the table) and the staged parts
 * could make the complaint complete - counting only, so that staged parts are read only then.
 * A necessary condition: assemble() decides.
 */
export function couldBeComplete(known: StoredItem[], staged: StagedPart[]): boolean {
  const meta = known.find((i) => i.SK === 'META');
  const stagedMeta = staged.find((p) => p.meta);
  if (!meta && !stagedMeta) return false;
  const expected = meta ? expectedItems(meta) : stagedMeta!.expected;
  if (expected === undefined) return true;
  return new Set(known.map((i) => i.SK)).size + staged.reduce((n, p) => n + p.items, 0) >= expected;
}

export function retainUntil(closedAt: string, years: number): string {
  const d = new Date(closedAt);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString();
}

export type Assembly =
  | { status: 'complete'; complaint: Complaint; history: HistoryEntry[]; messages: OutboundMessage[] }
  | { status: 'waiting'; reason: string };

/**
 * Puts a complaint together from the items known so far (removed ones kept in staging, and
 * those still in the table). Complete only when the complaint item is closed and its history
 * and messages are all there, and the history recomputes to the digest the table recorded.
 * Expired too (its hot retention over) - unless `drillDisposal` and the complaint is a drill's:
 * its drill's disposal archives it closed, before its TTL (use-cases/drills disposeDrill).
 */
export function assemble(items: StoredItem[], now: Date, o: { drillDisposal?: boolean } = {}): Assembly {
  const bySk = new Map<string, StoredItem>();
  for (const i of items) bySk.set(i.SK, i);
  const meta = bySk.get('META');
  if (!meta) return { status: 'waiting', reason: 'the complaint item is not there yet' };
  const stored = strip<Complaint>(meta);
  // The record keeps the deadlines' rule texts the table item leaves out when standard (ADR 0025).
  const complaint = withRuleTexts(stored);
  if (complaint.status !== 'CLOSED') return { status: 'waiting', reason: 'the complaint is not closed' };
  // A drill's disposal archives a drill's closed complaint before its TTL (ADR 0024); a real one waits for its expiry.
  const early = o.drillDisposal === true && complaint.drill !== undefined;
  if (!early && (complaint.expiresAt === undefined || complaint.expiresAt * 1000 > now.getTime()))
    return { status: 'waiting', reason: 'the complaint is still in its hot-retention period' };
  const sorted = [...bySk.values()].sort((a, b) => (a.SK < b.SK ? -1 : a.SK > b.SK ? 1 : 0));
  const history = sorted.filter((i) => i.SK.startsWith('H#')).map((i) => historyFields(i));
  const messages = sorted.filter((i) => i.SK.startsWith('MSG#')).map((i) => strip<OutboundMessage>(i));
  if (complaint.historyCount !== undefined) {
    if (history.length < complaint.historyCount) return { status: 'waiting', reason: `history ${history.length} of ${complaint.historyCount} entries` };
    if (history.length > complaint.historyCount || digestOf(history) !== complaint.historyDigest)
      return { status: 'waiting', reason: 'the history does not match the digest the table recorded' };
  }
  if (complaint.messageCount !== undefined && messages.length < complaint.messageCount)
    return { status: 'waiting', reason: `messages ${messages.length} of ${complaint.messageCount}` };
  return { status: 'complete', complaint, history, messages };
}

export function archiveRecord(
  a: Extract<Assembly, { status: 'complete' }>,
  attachments: ArchivedAttachment[],
  archivedAt: string,
  years: number,
): ArchiveRecord {
  const closedAt = a.complaint.closedAt ?? a.complaint.updatedAt;
  return {
    format: 'complaint-archive/1',
    reference: a.complaint.reference,
    region: a.complaint.region,
    closedAt,
    archivedAt,
    retainUntil: retainUntil(closedAt, years),
    complaint: a.complaint,
    history: a.history,
    messages: a.messages,
    attachments,
    integrity: { historyCount: a.history.length, historyDigest: digestOf(a.history), messageCount: a.messages.length },
  };
}

/** Whether an archive record is intact: its history recomputes to the digests it carries. */
export function verifyRecord(r: ArchiveRecord): { ok: true } | { ok: false; reason: string } {
  const d = digestOf(r.history);
  if (r.history.length !== r.integrity.historyCount) return { ok: false, reason: 'history count differs from the record' };
  if (d !== r.integrity.historyDigest) return { ok: false, reason: 'history digest differs from the record' };
  if (r.complaint.historyDigest !== undefined && r.complaint.historyDigest !== d)
    return { ok: false, reason: 'history digest differs from the one the table recorded' };
  return { ok: true };
}

/* ---------- erasure (GDPR Art. 17, PIPL Art. 47) ---------- */

export const ERASED = '[erased]';

/** The identifiers of the complainant that must disappear from every text. */
export function identifiersOf(c: Pick<Complaint, 'complainant'>): string[] {
  const p = c.complainant;
  const ids = [p?.name, p?.contact?.email, p?.contact?.phone, p?.contact?.address].filter((s): s is string => typeof s === 'string' && s.trim().length >= 2);
  // Longest first, so "Jane Doe" goes before "Jane".
  return [...new Set(ids.map((s) => s.trim()))].sort((a, b) => b.length - a.length);
}

function scrub(value: unknown, ids: string[]): unknown {
  if (typeof value === 'string') return ids.reduce((s, id) => s.split(id).join(ERASED), value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, ids));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, ids)]));
  return value;
}

/** The pseudonym that replaces the complainant: stable per complaint, reveals nothing. */
export function pseudonym(reference: string, key: string): string {
  return `P-${createHash('sha256').update(`${key}|${reference}`).digest('hex').slice(0, 16)}`;
}

/**
 * The complaint without the complainant's personal data: identifying fields removed, their
 * occurrences in free text replaced. What the complaint was about, how and when it was handled
 * and what was decided stay: that is the regulatory record.
 */
export function eraseComplaint(c: Complaint, alias: string): Complaint {
  const ids = identifiersOf(c);
  const out = scrub(c, ids) as Complaint;
  out.complainant = { anonymous: c.complainant.anonymous, name: alias };
  return out;
}

export function eraseMessage(m: OutboundMessage, ids: string[]): OutboundMessage {
  const out = scrub(m, ids) as OutboundMessage & { erased?: true };
  if (out.audience === 'customer' && out.to) out.to = ERASED;
  // Marked, so that a later redaction without the identifiers at hand leaves its text alone.
  out.erased = true;
  return out;
}

/** The erasure tombstone the ledger keeps (LedgerEntry.erasure): written first, never removed. */
export type ErasureTombstone = NonNullable<LedgerEntry['erasure']>;
export const erasureOf = (t: ErasureTombstone): NonNullable<ArchiveRecord['erasure']> => ({
  at: t.at,
  by: t.by,
  basis: t.basis,
  ...(t.request ? { request: t.request } : {}),
});

/**
 * A complaint's stored items as every writer may store them once its erasure tombstone is there
 * - in the table, in staging, in an archive object (ADR 0018). The complaint item is erased (the
 * pseudonym, the erasure noted); messages and history lose every identifier of the complainant
 * known from an unredacted complaint item among them or `ids`. A message that no identifier is
 * known for (its complaint item erased or elsewhere) keeps its kind, dates and status but not its
 * text, which could name the customer. Idempotent: redacting redacted items changes nothing, so
 * any writer may apply it to anything, in any order.
 */
export function redactItems(items: StoredItem[], tomb: ErasureTombstone, ids: string[] = []): StoredItem[] {
  const known = [...ids, ...items.filter((i) => i.SK === 'META' && !i.erasure).flatMap((i) => identifiersOf(i as unknown as Complaint))];
  const all = [...new Set(known)].sort((a, b) => b.length - a.length);
  return items.map((i): StoredItem => {
    if (i.SK === 'META')
      return i.erasure
        ? i
        : { ...(eraseComplaint(i as unknown as Complaint, tomb.pseudonym) as unknown as StoredItem), PK: i.PK, SK: i.SK, erasure: erasureOf(tomb) };
    if (i.SK.startsWith('MSG#')) {
      if (i.erased) return all.length ? (scrub(i, all) as StoredItem) : i;
      const m = eraseMessage(i as unknown as OutboundMessage, all) as unknown as StoredItem;
      return all.length ? m : { ...m, text: ERASED, ...(m.html !== undefined ? { html: ERASED } : {}) };
    }
    return all.length ? (scrub(i, all) as StoredItem) : i;
  });
}

export function eraseRecord(r: ArchiveRecord, alias: string, erasure: NonNullable<ArchiveRecord['erasure']>): ArchiveRecord {
  const ids = identifiersOf(r.complaint);
  return {
    ...r,
    complaint: eraseComplaint(r.complaint, alias),
    history: r.history.map((h) => scrub(h, ids) as HistoryEntry),
    messages: r.messages.map((m) => eraseMessage(m, ids)),
    // The files stay locked with the original until the retention ends; the redacted
    // version no longer points at them.
    attachments: [],
    erasure,
  };
}

/* ---------- reconciliation ---------- */

/** Actors of history entries that are not staff (no staff request, so no audit entry of a staff change). */
export const NON_STAFF_ACTORS = new Set(['system', 'customer', 'email-intake']);

/**
 * Staff changes in a complaint's partition and the audit entries they must have (ADR 0018): each
 * history entry by staff names the audit entry written in its transaction (`auditKey`); one that
 * names none is a change without its entry.
 */
export function staffChanges(items: StoredItem[]): { linked: { sk: string; auditKey: string }[]; unlinked: string[] } {
  const staff = items.filter((i) => i.SK.startsWith('H#') && typeof i.actor === 'string' && !NON_STAFF_ACTORS.has(i.actor));
  return {
    linked: staff.filter((i) => typeof i.auditKey === 'string').map((i) => ({ sk: i.SK, auditKey: String(i.auditKey) })),
    unlinked: staff.filter((i) => typeof i.auditKey !== 'string').map((i) => i.SK),
  };
}

/**
 * Why an erased complaint's stored items are not erased (empty: they are): the complaint item
 * pseudonymised with the erasure noted and no contact left, no customer message addressed.
 * Checked on what the table, staging and the served archive record hold.
 */
export function erasureBroken(items: StoredItem[], pseudonymOf: string): string[] {
  const reasons: string[] = [];
  for (const i of items) {
    if (i.SK === 'META') {
      const c = i as unknown as Complaint;
      if (!c.erasure) reasons.push('the complaint item has no erasure');
      if (c.complainant?.contact || (!c.complainant?.anonymous && c.complainant?.name !== pseudonymOf)) reasons.push('the complainant is not pseudonymised');
    } else if (i.SK.startsWith('MSG#') && i.audience === 'customer' && i.to !== undefined && i.to !== ERASED)
      reasons.push(`message ${i.SK} is still addressed`);
  }
  return reasons;
}

export type Whereabouts =
  | { reference: string; where: 'table'; ok: boolean; reason?: string }
  | { reference: string; where: 'archive'; ok: boolean; reason?: string }
  | { reference: string; where: 'staging'; ok: false; reason: string }
  | { reference: string; where: 'missing'; ok: false; reason: string }
  /**
   * A drill complaint disposed of after its drill, or archived apart by TTL archival
   * (LedgerEntry.drillDisposal): not a real complaint. Not ok when the record archival wrote
   * apart does not verify.
   */
  | { reference: string; where: 'drill-disposed'; ok: boolean; reason?: string };

export interface ReconciliationReport {
  registered: number;
  inTable: number;
  archived: number;
  /** Removed by TTL, waiting for the rest of their items before the object is written. */
  staging: number;
  missing: string[];
  mismatched: { reference: string; reason: string }[];
  /** Drill complaints disposed of after their drill: registered, but not counted as real complaints. */
  drillDisposed?: number;
}

export function summarise(found: Whereabouts[]): ReconciliationReport {
  const disposed = found.filter((f) => f.where === 'drill-disposed').length;
  return {
    registered: found.length - disposed,
    inTable: found.filter((f) => f.where === 'table').length,
    archived: found.filter((f) => f.where === 'archive').length,
    staging: found.filter((f) => f.where === 'staging').length,
    missing: found.filter((f) => f.where === 'missing').map((f) => f.reference),
    mismatched: found
      .filter((f) => (f.where === 'table' || f.where === 'archive' || f.where === 'drill-disposed') && !f.ok)
      .map((f) => ({ reference: f.reference, reason: f.reason ?? 'mismatch' })),
    ...(disposed ? { drillDisposed: disposed } : {}),
  };
}
