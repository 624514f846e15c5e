/**
 * Archival: DynamoDB's TTL removes a closed complaint's items; each removal arrives here as a
 * stream record (userIdentity = the DynamoDB service). Once the whole complaint is there - the
 * complaint item closed and expired, its history recomputing to the digest the table recorded,
 * all its messages - one locked object is written, its attachments copied under the same lock,
 * the ledger updated and staging cleared. A batch that does not complete its complaint keeps
 * that complaint's items in staging, one object per complaint and batch, until the rest comes.
 *
 * Every step is idempotent, so a record delivered twice, or retried after a crash between
 * reading the stream and writing the object, writes one object. A removal that is not TTL's
 * (someone deleted an item of a complaint) is audited, counted and its last image kept: a
 * delete never makes a complaint disappear.
 *
 * Also here: reading an archived complaint (quality, audited), erasure of personal data (live
 * or archived), and reconciliation of the ledger against the table and the archive.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  archiveRecord,
  assemble,
  attachmentKey,
  couldBeComplete,
  digestOf,
  eraseComplaint,
  eraseMessage,
  eraseRecord,
  erasureOf,
  identifiersOf,
  isArchivable,
  isTtlRemoval,
  pseudonym,
  recordKey,
  redactItems,
  retainUntil,
  staffChanges,
  erasureBroken,
  stagingKey,
  summarise,
  verifyRecord,
  type ArchivedAttachment,
  type ArchiveRecord,
  type Assembly,
  type ErasureTombstone,
  type ReconciliationReport,
  type StoredItem,
  type Whereabouts,
} from '../../domain/archive.ts';
import { authorize, type Actor } from '../../domain/authorization.ts';
import type { Complaint, HistoryEntry } from '../../domain/complaint.ts';
import type { ArchiveStore, AuditLog, Complaints, Ledger, Outbox, Retention } from '../../domain/ports.ts';
import type { LedgerEntry } from '../../domain/model.ts';
import type { RegionConfig } from '../../domain/regions.ts';
import { customerKeys } from '../../domain/repeats.ts';
import type { Clock } from '../../shared/clock.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors.ts';

export interface ArchiveDeps {
  repo: Complaints & Outbox & Ledger & Retention;
  archive: ArchiveStore;
  audit: AuditLog;
  clock: Clock;
  region: RegionConfig;
  /** Counts what operators alarm on (Powertools metrics on AWS). */
  count?: (metric: 'ComplaintsArchived' | 'ArchiveWaiting' | 'DeletesOutsideArchival', n?: number) => void;
}

/** The part of a DynamoDB stream record archival reads (Lambda's event record shape). */
export interface RemovalRecord {
  eventID?: string;
  eventName?: string;
  userIdentity?: { type?: string; principalId?: string };
  dynamodb?: { Keys?: Record<string, AttributeValue>; OldImage?: Record<string, AttributeValue>; SequenceNumber?: string };
}

export type ArchiveOutcome = 'archived' | 'already-archived' | 'staged' | 'ignored' | 'rescued';

/** A removal of one of a complaint's items, or undefined for a record archival ignores. */
function removalOf(record: RemovalRecord): { reference: string; item: StoredItem; byTtl: boolean } | undefined {
  if (record.eventName !== 'REMOVE' || !record.dynamodb?.OldImage) return undefined;
  const item = unmarshall(record.dynamodb.OldImage) as StoredItem;
  if (typeof item.PK !== 'string' || !item.PK.startsWith('COMPLAINT#')) return undefined;
  const byTtl = isTtlRemoval(record.userIdentity);
  // Access codes are not part of the record: they only let the customer follow an open case.
  if (byTtl && !isArchivable(item.SK)) return undefined;
  // The task item goes when its stage is done: the lifecycle's own delete.
  if (!byTtl && item.SK === 'TASK') return undefined;
  return { reference: item.PK.slice('COMPLAINT#'.length), item, byTtl };
}

/** One complaint's records in a batch (by index in the batch). */
interface Group {
  first: number;
  ttl: { index: number; item: StoredItem }[];
  foreign: { index: number; item: StoredItem }[];
}

/**
 * One stream batch. Its records are grouped by complaint (in the order of each complaint's first
 * record) and each complaint is handled whole: deletes outside TTL audited and their images
 * kept, TTL removals archived - or staged as one object when the complaint is not complete yet.
 * At the first failure every record from the failed complaint's first one on is reported failed
 * (ReportBatchItemFailures): the batch resumes there, nothing is skipped, and records of
 * complaints already handled that come again are handled again harmlessly.
 */
export async function archiveBatch(records: RemovalRecord[], deps: ArchiveDeps): Promise<{ outcomes: ArchiveOutcome[]; failed: string[]; error?: Error }> {
  const outcomes: ArchiveOutcome[] = [];
  const groups = new Map<string, Group>();
  for (const [index, record] of records.entries()) {
    const removal = removalOf(record);
    outcomes[index] = removal ? (removal.byTtl ? 'staged' : 'rescued') : 'ignored';
    if (!removal) continue;
    let g = groups.get(removal.reference);
    if (!g) {
      g = { first: index, ttl: [], foreign: [] };
      groups.set(removal.reference, g);
    }
    g[removal.byTtl ? 'ttl' : 'foreign'].push({ index, item: removal.item });
  }
  for (const [reference, g] of groups) {
    try {
      if (g.foreign.length)
        await rescue(
          reference,
          g.foreign.map((r) => r.item),
          deps,
        );
      if (!g.ttl.length) continue;
      const outcome = await archiveItems(
        reference,
        g.ttl.map((r) => r.item),
        deps,
      );
      for (const { index } of g.ttl) outcomes[index] = outcome;
    } catch (e) {
      return { outcomes: outcomes.slice(0, g.first), failed: records.slice(g.first).map((x) => x.dynamodb?.SequenceNumber ?? ''), error: e as Error };
    }
  }
  return { outcomes, failed: [] };
}

/**
 * Items deleted by someone other than TTL: audited, counted, their last images kept in staging -
 * unless they are a drill complaint's whose disposal its ledger entry records (disposeDrill
 * writes it before deleting): that delete is the disposal, audited by it.
 */
async function rescue(reference: string, items: StoredItem[], deps: ArchiveDeps): Promise<void> {
  if ((await deps.repo.ledgerEntry(reference))?.drillDisposal) return;
  for (const item of items) {
    await deps.audit.record({
      at: deps.clock.now().toISOString(),
      actor: 'system',
      roles: [],
      operation: 'deleteOutsideArchival',
      reference,
      outcome: 'error',
      detail: `an item of kind ${item.SK.split('#')[0]} was deleted outside TTL archival; its last image was kept in archive staging`,
    });
    deps.count?.('DeletesOutsideArchival');
  }
  const kept = items.filter((i) => i.SK !== 'SECRET');
  if (kept.length) await stage(reference, stagingKey(reference, kept), kept, (await deps.repo.ledgerEntry(reference))?.erasure, [], deps);
}

/**
 * Stages a complaint's items - redacted when its erasure tombstone is there. Written, then the
 * tombstone checked again: an erasure that began meanwhile either finds this part when it lists
 * staging (it wrote its tombstone before listing) or is found here, and the part is redacted
 * again - in every order, nothing unredacted stays in staging. Returns the tombstone if any.
 */
async function stage(
  reference: string,
  key: string,
  items: StoredItem[],
  tomb: ErasureTombstone | undefined,
  ids: string[],
  deps: ArchiveDeps,
): Promise<ErasureTombstone | undefined> {
  await deps.archive.putStaged(key, tomb ? redactItems(items, tomb, ids) : items);
  if (tomb) return tomb;
  const now = (await deps.repo.ledgerEntry(reference))?.erasure;
  if (now) await deps.archive.putStaged(key, redactItems(items, now, ids));
  return now;
}

/** The complainant's identifiers, from an unredacted complaint item among the items. */
const identifiersIn = (items: StoredItem[]): string[] =>
  items.filter((i) => i.SK === 'META' && !i.erasure).flatMap((i) => identifiersOf(i as unknown as Complaint));

/**
 * A complaint's items TTL removed, from one batch. Usually the batch carries all of them (TTL
 * removes a complaint's items together) and the object is written from the batch and what is
 * still in the table, with no staging at all. Otherwise the batch's items are staged as one
 * object; then staging is listed - after that write, so that of two batches of one complaint
 * handled at the same time at least one sees the other's part - and read only when the counts
 * say it could complete the complaint.
 */
async function archiveItems(reference: string, items: StoredItem[], deps: ArchiveDeps): Promise<'archived' | 'already-archived' | 'staged'> {
  const ledger = await deps.repo.ledgerEntry(reference);
  if (ledger?.archiveKey) {
    await clearStaging(reference, deps);
    return 'already-archived';
  }
  // Erased: every image is redacted before it is staged or archived, whatever the stream re-delivers.
  let tomb = ledger?.erasure;
  // Items still in the table are expired too (same TTL) but not yet removed: DynamoDB may take days.
  const inTable = (await deps.repo.partitionItems(reference)).filter((i) => isArchivable(i.SK));
  const ids = identifiersIn([...inTable, ...items]);
  const known = () => (tomb ? redactItems([...inTable, ...items], tomb, ids) : [...inTable, ...items]);
  // Complete from the batch and the table: nothing of it was staged here. A part another batch
  // staged meanwhile (it could not complete it) is cleared by that batch, which finds the ledger
  // entry after staging, or else by the daily reconciliation - not by a listing on every write.
  if (await writeArchive(reference, assemble(known(), deps.clock.now()), deps, { staged: false, tomb })) return 'archived';

  const own = stagingKey(reference, items);
  tomb = await stage(reference, own, items, tomb, ids, deps);
  const others = (await deps.archive.stagedParts(reference)).filter((p) => p.key !== own);
  if (couldBeComplete(known(), others)) {
    // Staged images last: they win over the batch's (an erasure may have redacted them).
    const staged = (await deps.archive.readStaged(others.map((p) => p.key))).flatMap((o) => o.items);
    const all = tomb ? redactItems([...known(), ...staged], tomb, ids) : [...known(), ...staged];
    if (await writeArchive(reference, assemble(all, deps.clock.now()), deps, { staged: true, tomb })) return 'archived';
  }
  // Archived meanwhile from another batch, whose clean-up listed staging before this part was there.
  if ((await deps.repo.ledgerEntry(reference))?.archiveKey) {
    await clearStaging(reference, deps);
    return 'already-archived';
  }
  deps.count?.('ArchiveWaiting');
  return 'staged';
}

/**
 * Writes the archive object of a complete assembly and records it in the ledger; clears staging
 * when the complaint was completed from staged parts. The key written (the redacted record's, when
 * erased first); undefined while the assembly waits.
 */
async function writeArchive(
  reference: string,
  assembly: Assembly,
  deps: ArchiveDeps,
  /** disposedBy: archived by a drill's disposal (archiveDisposedDrillComplaint), by whom. */
  o: { staged: boolean; tomb?: ErasureTombstone; disposedBy?: string },
): Promise<string | undefined> {
  if (assembly.status === 'waiting') return undefined;
  const c = assembly.complaint;
  const closedAt = c.closedAt ?? c.updatedAt;
  const until = retainUntil(closedAt, deps.region.retention.archiveYears);
  if (o.tomb) {
    // Erased before it was archived: only the redacted record is ever written (its items were
    // redacted before assembly), without the customer's files; the ledger names it twice.
    const record = { ...archiveRecord(assembly, [], deps.clock.now().toISOString(), deps.region.retention.archiveYears), erasure: erasureOf(o.tomb) };
    const key = recordKey(c, closedAt, true);
    await deps.archive.putRecord(key, record, until);
    await deps.repo.updateLedger(reference, {
      archiveKey: key,
      archivedAt: record.archivedAt,
      historyDigest: record.integrity.historyDigest,
      erasedKey: key,
      erasedAt: o.tomb.at,
      ...drillApart(c, key, record.archivedAt, o.disposedBy),
    });
    if (!o.disposedBy) await auditDrillApart(c, key, deps);
    if (o.staged) await clearStaging(reference, deps);
    deps.count?.('ComplaintsArchived');
    return key;
  }
  const attachments: ArchivedAttachment[] = [];
  for (const [i, a] of (c.attachments ?? []).entries()) {
    const dest = attachmentKey(c, closedAt, i, a.name);
    const copied = await deps.archive.copyAttachment(a.key, dest, until);
    if (copied !== 'source-missing') attachments.push({ ...a, archiveKey: dest });
  }
  const record = archiveRecord(assembly, attachments, deps.clock.now().toISOString(), deps.region.retention.archiveYears);
  const key = recordKey(c, closedAt);
  await deps.archive.putRecord(key, record, until);
  await deps.repo.updateLedger(reference, {
    archiveKey: key,
    archivedAt: record.archivedAt,
    historyDigest: record.integrity.historyDigest,
    ...drillApart(c, key, record.archivedAt, o.disposedBy),
  });
  if (!o.disposedBy) await auditDrillApart(c, key, deps);
  // An erasure that began while this was written: it wrote its tombstone before reading the ledger,
  // so either it finds the archive key or this finds the tombstone - and the redacted version is written.
  const after = await deps.repo.ledgerEntry(reference);
  if (after?.erasure && !after.erasedKey) await eraseArchived(reference, key, after.erasure, deps);
  // Listed after the ledger names the object: a part staged later finds the ledger and clears itself.
  if (o.staged) await clearStaging(reference, deps);
  deps.count?.('ComplaintsArchived');
  return key;
}

/**
 * A drill's complaint whose drill was not disposed of before its TTL (ADR 0024): archived like a
 * real one (integrity, lock, attachments) but under its drill's prefix (recordKey), and its ledger
 * entry says so in the same update that names the object - reconciliation counts it apart
 * (`drillDisposed`), never as a real complaint. Whatever the drill's configured disposal: TTL
 * archival never discards (the drill's report is built from these records until a manager
 * disposes of the drill and keeps it), so nothing is lost.
 */
function drillApart(c: Complaint, key: string, at: string, disposedBy?: string): Pick<LedgerEntry, 'drillDisposal'> {
  if (!c.drill) return {};
  return {
    drillDisposal: { drillId: c.drill.drillId, disposal: 'archive', at, key, ...(disposedBy ? { by: disposedBy } : { by: 'system', via: 'ttl' as const }) },
  };
}

/**
 * A drill's complaint archived by its drill's disposal (use-cases/drills disposeDrill, ADR 0024),
 * closed but before its TTL: the same record TTL archival writes (history digest checked, Object
 * Lock until close + the archive years, attachments copied; only the redacted version if erased)
 * at the same key under the drill's prefix (recordKey), the ledger naming it (`archiveKey`) and
 * the disposal (`drillDisposal`, by the manager) in one update - so quality reads it, erasure
 * redacts it, reconciliation verifies it and counts it apart. Idempotent: a complaint the ledger
 * names an archive object of (an earlier call, or TTL archival) is left as it is. Its items stay
 * in the table (the caller deletes them after this) and the caller audits the disposal.
 */
export async function archiveDisposedDrillComplaint(reference: string, by: string, deps: ArchiveDeps): Promise<{ key: string; written: boolean }> {
  const ledger = await deps.repo.ledgerEntry(reference);
  if (ledger?.archiveKey) return { key: ledger.archiveKey, written: false };
  const tomb = ledger?.erasure;
  const items = (await deps.repo.partitionItems(reference)).filter((i) => isArchivable(i.SK));
  const assembly = assemble(tomb ? redactItems(items, tomb) : items, deps.clock.now(), { drillDisposal: true });
  if (assembly.status === 'waiting' || !assembly.complaint.drill)
    throw new ConflictError(
      `Complaint ${reference} cannot be archived by its drill's disposal: ${assembly.status === 'waiting' ? assembly.reason : 'it is not a drill complaint'}`,
    );
  return { key: (await writeArchive(reference, assembly, deps, { staged: false, tomb, disposedBy: by }))!, written: true };
}

async function auditDrillApart(c: Complaint, key: string, deps: ArchiveDeps): Promise<void> {
  if (!c.drill) return;
  await deps.audit.record({
    at: deps.clock.now().toISOString(),
    actor: 'system',
    roles: [],
    operation: 'archiveDrillComplaint',
    reference: c.reference,
    outcome: 'ok',
    detail: `drill ${c.drill.drillId} complaint archived apart at its expiry (${key}), its drill not disposed of`,
  });
}

async function clearStaging(reference: string, deps: ArchiveDeps): Promise<void> {
  const parts = await deps.archive.stagedParts(reference);
  if (parts.length) await deps.archive.deleteStaged(parts.map((p) => p.key));
}

/* ---------- retrieval ---------- */

function allow(actor: Actor, operation: 'readArchivedComplaint' | 'eraseCustomerData'): void {
  const decision = authorize(actor, operation);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
}

/** The quality role opens an archived complaint by reference (the redacted version if erased); audited. */
export async function readArchivedComplaint(deps: ArchiveDeps, actor: Actor, reference: string): Promise<ArchiveRecord & { verified: boolean }> {
  const at = deps.clock.now().toISOString();
  try {
    allow(actor, 'readArchivedComplaint');
  } catch (e) {
    await deps.audit.record({
      at,
      actor: actor.id,
      roles: actor.roles,
      operation: 'readArchivedComplaint',
      reference,
      outcome: 'denied',
      detail: (e as Error).message,
    });
    throw e;
  }
  const ledger = await deps.repo.ledgerEntry(reference);
  const key = ledger?.erasedKey ?? ledger?.archiveKey;
  const record = key ? await deps.archive.getRecord(key) : undefined;
  if (!record) throw new NotFoundError(`Complaint ${reference} is not in the archive`);
  await deps.audit.record({
    at,
    actor: actor.id,
    roles: actor.roles,
    operation: 'readArchivedComplaint',
    reference,
    outcome: 'ok',
    detail: record.erasure ? 'read the redacted archive record' : 'read the archive record (personal data)',
  });
  return { ...record, verified: verifyRecord(record).ok };
}

/* ---------- erasure ---------- */

export interface ErasureRequest {
  basis: string;
  request?: string;
}

/**
 * Erases the complainant's personal data while the regulatory record stays (pseudonymised):
 * in the table if the complaint is there, in the archive as a redacted version if archived,
 * and in staging. Audited. The locked original in the archive is never served again and goes
 * when its retention ends (README "Archival and retention").
 */
export async function eraseCustomerData(deps: ArchiveDeps & { pseudonymKey: string }, actor: Actor, reference: string, req: ErasureRequest) {
  const now = deps.clock.now().toISOString();
  try {
    allow(actor, 'eraseCustomerData');
  } catch (e) {
    await deps.audit.record({
      at: now,
      actor: actor.id,
      roles: actor.roles,
      operation: 'eraseCustomerData',
      reference,
      outcome: 'denied',
      detail: (e as Error).message,
    });
    throw e;
  }
  const ledger = await deps.repo.ledgerEntry(reference);
  const live = await deps.repo.get(reference);
  if (!ledger && !live) throw new NotFoundError(`Complaint ${reference} not found`);
  const alias = pseudonym(reference, deps.pseudonymKey);
  // The tombstone first (ADR 0018): from here on every writer of the complaint's data - archival
  // of any batch, however late or often re-delivered - writes only redacted images.
  const tomb: ErasureTombstone = ledger?.erasure ?? {
    at: now,
    by: actor.id,
    basis: req.basis,
    ...(req.request ? { request: req.request } : {}),
    pseudonym: alias,
  };
  if (ledger && !ledger.erasure) await deps.repo.updateLedger(reference, { erasure: tomb });
  const erasure = erasureOf(tomb);
  const done: string[] = [];

  if (live && !live.erasure) {
    const ids = identifiersOf(live);
    const next: Complaint = { ...eraseComplaint(live, tomb.pseudonym), erasure, updatedAt: now, version: live.version + 1 };
    const messages = (await deps.repo.messages(reference)).map((m) => eraseMessage(m, ids));
    const entry: HistoryEntry = {
      reference,
      at: now,
      actor: actor.id,
      action: 'personal-data-erased',
      visibleToCustomer: false,
      summary: `Personal data erased on request (${req.basis}); the record is kept pseudonymised`,
    };
    await deps.repo.commit({
      complaint: next,
      expectedVersion: live.version,
      history: [entry],
      replaceMessages: messages,
      removeCustomerKeys: live.complainant.anonymous ? [] : customerKeys(live.complainant.contact),
    });
    done.push('table');
  } else {
    // Partly removed by TTL (its complaint item gone, or erased before): what is left in the table
    // is redacted in place, each item only if it is still there.
    const left = (await deps.repo.partitionItems(reference)).filter((i) => isArchivable(i.SK));
    const redacted = redactItems(left, tomb, live ? identifiersOf(live) : []);
    const changed = redacted.filter((r, i) => JSON.stringify(r) !== JSON.stringify(left[i]));
    if (changed.length) {
      await deps.repo.replaceItems(changed);
      done.push('table');
    }
  }
  const parts = await deps.archive.stagedParts(reference);
  if (parts.length) {
    const objects = await deps.archive.readStaged(parts.map((p) => p.key));
    const ids = [...identifiersIn(objects.flatMap((o) => o.items)), ...(live ? identifiersOf(live) : [])];
    for (const o of objects) await deps.archive.putStaged(o.key, redactItems(o.items, tomb, ids));
    done.push('staging');
  }
  // Read again after the tombstone: an archive written meanwhile is found here (or found the tombstone).
  const archived = await deps.repo.ledgerEntry(reference);
  if (archived?.archiveKey && !archived.erasedKey) {
    await eraseArchived(reference, archived.archiveKey, tomb, deps);
    done.push('archive');
  }
  await deps.audit.record({
    at: now,
    actor: actor.id,
    roles: actor.roles,
    operation: 'eraseCustomerData',
    reference,
    outcome: 'ok',
    detail: `personal data erased (${req.basis}) in: ${done.join(', ') || 'nothing left to erase'}`,
  });
  return { reference, erasedIn: done, pseudonym: tomb.pseudonym, at: now };
}

/** The redacted version of an archived complaint, beside its locked original, which is never served again. */
async function eraseArchived(reference: string, key: string, tomb: ErasureTombstone, deps: ArchiveDeps): Promise<void> {
  const original = await deps.archive.getRecord(key);
  if (!original) throw new NotFoundError(`The archive object of ${reference} is missing`);
  const redacted = eraseRecord(original, tomb.pseudonym, erasureOf(tomb));
  // A drill's complaint: its redacted version beside its record, under the drill's prefix.
  const erasedKey = recordKey(original.complaint, original.closedAt, true);
  await deps.archive.putRecord(erasedKey, redacted, original.retainUntil);
  await deps.repo.updateLedger(reference, { erasedKey, erasedAt: tomb.at });
}

/* ---------- reconciliation ---------- */

/**
 * What the daily reconciliation also proves (ADR 0018) of a complaint still in the table: every
 * staff change has its audit entry; and of an erased complaint, wherever it is: it stays erased
 * in the table, in staging and in the archive record that is served. Reasons, empty when it holds.
 */
async function integrityOf(entry: LedgerEntry, items: StoredItem[], staged: Set<string>, deps: ArchiveDeps): Promise<string[]> {
  const reasons: string[] = [];
  const { linked, unlinked } = staffChanges(items);
  if (unlinked.length) reasons.push(`${unlinked.length} staff change(s) name no audit entry`);
  for (const l of linked) if (!(await deps.audit.has(l.auditKey))) reasons.push(`the audit entry of ${l.sk} is missing`);
  const tomb = entry.erasure;
  if (!tomb) return reasons;
  const where = (place: string, found: string[]) => reasons.push(...found.map((r) => `erased, but in ${place}: ${r}`));
  where('the table', erasureBroken(items, tomb.pseudonym));
  if (staged.has(entry.reference)) {
    const parts = await deps.archive.stagedParts(entry.reference);
    where(
      'staging',
      erasureBroken(
        (await deps.archive.readStaged(parts.map((p) => p.key))).flatMap((o) => o.items),
        tomb.pseudonym,
      ),
    );
  }
  if (entry.archiveKey) {
    const served = entry.erasedKey ? await deps.archive.getRecord(entry.erasedKey) : undefined;
    if (!served) reasons.push('erased, but the archive serves no redacted record');
    else if (!served.erasure) reasons.push('erased, but the served archive record carries no erasure');
    else
      where(
        'the archive',
        erasureBroken(
          [{ PK: '', SK: 'META', ...served.complaint, erasure: served.erasure }, ...served.messages.map((m, i) => ({ PK: '', SK: `MSG#${i}`, ...m }))],
          tomb.pseudonym,
        ),
      );
  }
  return reasons;
}

/** Where one registered complaint is now, with its history checked against its digest. */
async function locate(entry: LedgerEntry, staged: Set<string>, deps: ArchiveDeps): Promise<Whereabouts> {
  const found = await whereabouts(entry.reference, entry.archiveKey, staged, deps, entry.drillDisposal !== undefined);
  const integrity = await integrityOf(entry, found.items, staged, deps);
  const w = found.where;
  // A drill complaint disposed of has nothing left to check; one TTL archived apart is checked as any archived one.
  if (!integrity.length || w.where === 'missing' || w.where === 'staging' || (w.where === 'drill-disposed' && !entry.archiveKey)) return w;
  return { ...w, ok: false, reason: [...(w.ok ? [] : [w.reason ?? 'mismatch']), ...integrity].join('; ') };
}

async function whereabouts(
  reference: string,
  archiveKeyOf: string | undefined,
  staged: Set<string>,
  deps: ArchiveDeps,
  drillDisposed = false,
): Promise<{ where: Whereabouts; items: StoredItem[] }> {
  const items = await deps.repo.partitionItems(reference);
  const at = (where: Whereabouts) => ({ where, items });
  // A drill's complaint disposed of after its drill (use-cases/drills disposeDrill), or archived
  // apart by TTL (its record, under drills/, verified as any archived one): not a real complaint.
  if (drillDisposed && !items.length) {
    if (!archiveKeyOf) return at({ reference, where: 'drill-disposed', ok: true });
    const record = await deps.archive.getRecord(archiveKeyOf);
    const v = record ? verifyRecord(record) : { ok: false as const, reason: 'the ledger names an archive object that is not there' };
    return at(v.ok ? { reference, where: 'drill-disposed', ok: true } : { reference, where: 'drill-disposed', ok: false, reason: v.reason });
  }
  const meta = items.find((i) => i.SK === 'META') as (StoredItem & Complaint) | undefined;
  if (meta) {
    const history = items.filter((i) => i.SK.startsWith('H#')) as unknown as HistoryEntry[];
    if (meta.historyDigest === undefined) return at({ reference, where: 'table', ok: true });
    const ok = history.length === meta.historyCount && digestOf(history) === meta.historyDigest;
    return at({ reference, where: 'table', ok, reason: ok ? undefined : 'history in the table does not match its digest' });
  }
  if (archiveKeyOf) {
    const record = await deps.archive.getRecord(archiveKeyOf);
    if (!record) return at({ reference, where: 'missing', ok: false, reason: 'the ledger names an archive object that is not there' });
    const v = verifyRecord(record);
    return at(v.ok ? { reference, where: 'archive', ok: true } : { reference, where: 'archive', ok: false, reason: v.reason });
  }
  if (staged.has(reference)) return at({ reference, where: 'staging', ok: false, reason: 'removed by TTL; waiting for the rest of its items' });
  return at({ reference, where: 'missing', ok: false, reason: 'neither in the table nor in the archive' });
}

/**
 * Proves every complaint ever registered (the ledger) is in the table or in the archive, with
 * its history matching its digest; that every staff change in the table has its audit entry;
 * and that every erased complaint stays erased in the table, staging and the archive (a
 * failure of either is a mismatch with its reason, and alarms). Years: from the region's first year to the clock's.
 */
export async function reconcile(deps: ArchiveDeps, years?: number[]): Promise<ReconciliationReport & { staged: number; clearedStaging: number }> {
  const thisYear = deps.clock.now().getUTCFullYear();
  const range = years ?? Array.from({ length: 8 }, (_, i) => thisYear - 7 + i);
  const staged = new Set(await deps.archive.stagedReferences());
  const found: Whereabouts[] = [];
  for (const year of range) {
    let after: string | undefined;
    do {
      const page = await deps.repo.ledgerPage(`${deps.region.referencePrefix}-${year}`, after);
      for (const e of page.entries) found.push(await locate(e, staged, deps));
      after = page.next;
    } while (after);
  }
  // Parts left in staging by a batch that raced the one that archived their complaint: cleared here.
  let cleared = 0;
  for (const w of found) {
    if (w.where === 'archive' && staged.has(w.reference)) {
      await clearStaging(w.reference, deps);
      staged.delete(w.reference);
      cleared += 1;
    }
  }
  return { ...summarise(found), staged: staged.size, clearedStaging: cleared };
}
