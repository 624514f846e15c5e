/**
 * In-memory stand-ins for archival's ports (test/unit/archive-batches.test.ts,
 * test/unit/erasure-tombstone.test.ts): the archive bucket counting the S3 requests each call
 * would make, the hot table with its ledger, a closed complaint's partition, stream removals,
 * and a world wiring them to the archive use case.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { expect } from 'vitest';
import {
  seal,
  stagedPart,
  stagingPrefix,
  TTL_PRINCIPAL,
  verifyRecord,
  type ArchiveRecord,
  type StagedPart,
  type StoredItem,
} from '../../functions/domain/archive.ts';
import type { Complaint, HistoryEntry } from '../../functions/domain/complaint.ts';
import type { ArchiveStore, ComplaintRepository } from '../../functions/domain/ports.ts';
import type { Change, LedgerEntry, OutboundMessage } from '../../functions/domain/model.ts';
import { ConflictError } from '../../functions/shared/errors.ts';
import { regionConfig } from '../../functions/domain/regions.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { archiveBatch, type ArchiveDeps, type RemovalRecord } from '../../functions/use-cases/archive/archive.ts';
import { FakeAuditLog } from './fakes.ts';

type Request = 'PUT' | 'LIST' | 'GET' | 'HEAD' | 'DELETE';

/** The archive bucket in memory; `before` runs ahead of every request (to fail it, or to let others run). */
export class MemoryArchive implements ArchiveStore {
  objects = new Map<string, StoredItem[]>();
  records = new Map<string, ArchiveRecord>();
  requests: Record<Request, number> = { PUT: 0, LIST: 0, GET: 0, HEAD: 0, DELETE: 0 };
  before: (r: Request) => Promise<void> = async () => undefined;
  private async req(r: Request) {
    await this.before(r);
    this.requests[r] += 1;
  }
  staged(ref?: string) {
    return [...this.objects.keys()].filter((k) => k.startsWith(ref ? stagingPrefix(ref) : 'staging/'));
  }

  async stagedParts(ref: string) {
    await this.req('LIST');
    return this.staged(ref)
      .map((k) => stagedPart(k))
      .filter((p): p is StagedPart => !!p);
  }
  async readStaged(keys: string[]) {
    return Promise.all(
      keys.map(async (key) => {
        await this.req('GET');
        return { key, items: structuredClone(this.objects.get(key) ?? []) };
      }),
    );
  }
  async putStaged(key: string, items: StoredItem[]) {
    await this.req('PUT');
    this.objects.set(key, structuredClone(items));
  }
  async deleteStaged(keys: string[]) {
    await Promise.all(
      keys.map(async (k) => {
        await this.req('DELETE');
        this.objects.delete(k);
      }),
    );
  }
  async parts(ref: string) {
    return (await this.readStaged((await this.stagedParts(ref)).map((p) => p.key))).flatMap((o) => o.items);
  }
  async stagedReferences() {
    await this.req('LIST');
    return [...new Set(this.staged().map((k) => k.split('/')[1]))];
  }
  async putRecord(key: string, record: ArchiveRecord) {
    await this.req('HEAD');
    if (this.records.has(key)) return 'exists' as const;
    await this.req('PUT');
    this.records.set(key, structuredClone(record));
    return 'written' as const;
  }
  async getRecord(key: string) {
    await this.req('GET');
    return structuredClone(this.records.get(key));
  }
  async copyAttachment() {
    return 'source-missing' as const;
  }
}

/** The hot table (the items TTL has not removed yet) and the ledger. */
export class MemoryTable {
  items = new Map<string, StoredItem>();
  ledger = new Map<string, LedgerEntry>();
  /** The audit entries its commits wrote (the world shares it with the audit log's `has`). */
  auditKeys = new Set<string>();
  before: () => Promise<void> = async () => undefined;
  readonly repo = {
    partitionItems: async (ref: string) => {
      await this.before();
      return [...this.items.values()].filter((i) => i.PK === `COMPLAINT#${ref}`).map((i) => structuredClone(i));
    },
    ledgerEntry: async (ref: string) => {
      await this.before();
      return structuredClone(this.ledger.get(ref));
    },
    ledgerPage: async (prefixYear: string) => ({ entries: [...this.ledger.values()].filter((e) => e.reference.startsWith(prefixYear)) }),
    updateLedger: async (ref: string, patch: Partial<LedgerEntry>) => {
      await this.before();
      Object.assign(this.ledger.get(ref)!, patch);
    },
    get: async (ref: string) => {
      const m = this.items.get(`COMPLAINT#${ref}|META`);
      return m && (structuredClone(m) as unknown as Complaint);
    },
    messages: async (ref: string) => {
      await this.before();
      return [...this.items.values()].filter((i) => i.PK === `COMPLAINT#${ref}` && i.SK.startsWith('MSG#')).map((i) => structuredClone(i));
    },
    /** The repository's commit as erasure uses it: the version condition, the complaint, its history, messages replaced if still there. */
    commit: async (change: Change) => {
      await this.before();
      const PK = `COMPLAINT#${change.complaint.reference}`;
      if (this.items.get(`${PK}|META`)?.version !== change.expectedVersion) throw new ConflictError('The complaint was changed by someone else');
      const sealed = seal(change.complaint, change.history, change.messages?.length ?? 0);
      this.items.set(`${PK}|META`, { PK, SK: 'META', type: 'Complaint', ...structuredClone(sealed) });
      // A staff request's audit entry, in the same write; its history items name it (as the DynamoDB repository does).
      const auditKey = change.audit ? `AUDIT#${change.audit.at.slice(0, 10)}|${change.audit.at}#${this.auditKeys.size}` : undefined;
      if (auditKey) this.auditKeys.add(auditKey);
      change.history.forEach((h, i) => {
        const SK = `H#${h.at}#${String(change.expectedVersion + 1).padStart(6, '0')}.${i}`;
        this.items.set(`${PK}|${SK}`, { PK, SK, type: 'History', ...structuredClone(h), ...(auditKey ? { auditKey } : {}) });
      });
      for (const m of change.replaceMessages ?? [])
        if (this.items.has(`${PK}|${m.messageId}`)) this.items.set(`${PK}|${m.messageId}`, { PK, SK: m.messageId!, type: 'Message', ...structuredClone(m) });
    },
    /** Items replaced whole, each only if it is still there. */
    replaceItems: async (items: StoredItem[]) => {
      await this.before();
      for (const i of items) if (this.items.has(`${i.PK}|${i.SK}`)) this.items.set(`${i.PK}|${i.SK}`, structuredClone(i));
    },
  } as unknown as ComplaintRepository;
  remove(item: StoredItem) {
    this.items.delete(`${item.PK}|${item.SK}`);
  }
}

export const clock = new ManualClock(new Date('2026-09-10T00:00:00.000Z'));
export const region = regionConfig('cn');
let n = 0;

/** A closed complaint past its hot retention, as its partition holds it: META, history, messages, secret, task. */
export function complaintItems(historyCount: number, messageCount: number): { reference: string; items: StoredItem[] } {
  const reference = `CN-2026-${String(++n).padStart(6, '0')}`;
  const PK = `COMPLAINT#${reference}`;
  const history: HistoryEntry[] = Array.from({ length: historyCount }, (_, i) => ({
    reference,
    at: `2026-03-0${1 + (i % 9)}T01:00:00.000Z`,
    actor: 'system',
    action: `step-${i}`,
    visibleToCustomer: true,
    summary: `Step ${i}`,
  }));
  const messages: OutboundMessage[] = Array.from({ length: messageCount }, (_, i) => ({
    reference,
    at: '2026-03-01T01:00:00.000Z',
    kind: 'acknowledgement',
    audience: 'customer',
    channel: 'email',
    to: 'jane.doe@example.com',
    language: 'en',
    subject: 'Received',
    text: 'Dear Jane Doe, we received it.',
    status: 'sent',
    messageId: `MSG#2026-03-01T01:00:00.000Z#${String(i).padStart(6, '0')}`,
  }));
  const complaint = seal(
    {
      reference,
      region: 'cn',
      channel: 'web',
      language: 'en',
      status: 'CLOSED',
      stage: 'CLOSED',
      receivedAt: '2026-03-01T01:00:00.000Z',
      deadlines: {},
      executionName: reference,
      resumeCount: 0,
      updatedAt: '2026-03-09T01:00:00.000Z',
      version: 9,
      closedAt: '2026-03-09T01:00:00.000Z',
      expiresAt: Date.parse('2026-09-05T01:00:00.000Z') / 1000,
      complainant: { anonymous: false, name: 'Jane Doe', contact: { email: 'jane.doe@example.com' } },
      matter: { description: 'Jane Doe was charged twice' },
      consent: { personalData: true },
    },
    history,
    messages.length,
  );
  return {
    reference,
    items: [
      { PK, SK: 'META', type: 'Complaint', ...complaint },
      { PK, SK: 'SECRET', type: 'Secret', salt: 's', hash: 'h' },
      { PK, SK: 'TASK', type: 'Task', team: 'cards' },
      ...history.map((h, i) => ({ PK, SK: `H#${h.at}#${String(i).padStart(6, '0')}`, type: 'History', ...h })),
      ...messages.map((m) => ({ PK, SK: m.messageId!, type: 'Message', ...m })),
    ],
  };
}

let seq = 0;
export const removal = (item: StoredItem, byTtl = true): RemovalRecord => ({
  eventID: String(++seq),
  eventName: 'REMOVE',
  userIdentity: byTtl ? { ...TTL_PRINCIPAL } : undefined,
  dynamodb: {
    Keys: marshall({ PK: item.PK, SK: item.SK }),
    OldImage: marshall(item, { removeUndefinedValues: true }),
    SequenceNumber: String(seq).padStart(21, '0'),
  },
});

export function world() {
  const archive = new MemoryArchive();
  const table = new MemoryTable();
  const audit = new FakeAuditLog();
  table.auditKeys = audit.keys;
  const counted: string[] = [];
  const deps: ArchiveDeps = {
    repo: table.repo,
    archive,
    audit,
    clock,
    region,
    count: (m) => {
      counted.push(m);
    },
  };
  /** Registers a complaint: its items in the table, its ledger entry. */
  const add = (c: { reference: string; items: StoredItem[] }) => {
    for (const i of c.items) table.items.set(`${i.PK}|${i.SK}`, structuredClone(i));
    table.ledger.set(c.reference, { reference: c.reference, registeredAt: '2026-03-01T01:00:00.000Z' });
    return c;
  };
  /** TTL removes items: gone from the table, each a REMOVE record. */
  const ttl = (items: StoredItem[]) =>
    items.map((i) => {
      table.remove(i);
      return removal(i);
    });
  /** The event source mapping: hands the batch over until it is done, from the first failed record (or all of it again after a crash). */
  const deliver = async (records: RemovalRecord[], opts: { crashed?: (e: Error) => boolean } = {}) => {
    let rest = records;
    for (let attempt = 0; attempt < 50; attempt++) {
      const r = await archiveBatch(rest, deps);
      if (!r.failed.length) return r;
      if (!opts.crashed?.(r.error!)) rest = rest.slice(rest.length - r.failed.length);
    }
    throw new Error('the batch never went through');
  };
  return { archive, table, audit, deps, counted, add, ttl, deliver };
}

export const archivedOnce = (w: ReturnType<typeof world>, c: { reference: string; items: StoredItem[] }) => {
  const keys = [...w.archive.records.keys()].filter((k) => k.includes(c.reference));
  expect(keys).toHaveLength(1);
  const record = w.archive.records.get(keys[0])!;
  expect(verifyRecord(record)).toEqual({ ok: true });
  expect(record.history).toHaveLength(c.items.filter((i) => i.SK.startsWith('H#')).length);
  expect(record.messages).toHaveLength(c.items.filter((i) => i.SK.startsWith('MSG#')).length);
  expect(w.table.ledger.get(c.reference)?.archiveKey).toBe(keys[0]);
  expect(w.archive.staged(c.reference)).toEqual([]);
  return record;
};
