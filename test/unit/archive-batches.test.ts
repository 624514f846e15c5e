/**
 * Archival of stream batches (use-cases/archive/archive.ts archiveBatch) against an in-memory archive
 * store that counts the S3 requests each call would make: what a complaint costs when its
 * items come in one batch, in several, while TTL is slow; that a re-delivery, a failure or a
 * crash anywhere, and two batches of one complaint handled at once, still give one complete
 * object and an empty staging; foreign deletes kept; erasure of staged items honoured.
 */
import fc from 'fast-check';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  seal,
  stagedPart,
  stagingKey,
  stagingPrefix,
  TTL_PRINCIPAL,
  verifyRecord,
  type ArchiveRecord,
  type StagedPart,
  type StoredItem,
} from '../../functions/domain/archive.ts';
import type { Complaint, HistoryEntry } from '../../functions/domain/complaint.ts';
import type { ArchiveStore, ComplaintRepository } from '../../functions/domain/ports.ts';
import type { LedgerEntry, OutboundMessage } from '../../functions/domain/model.ts';
import { regionConfig } from '../../functions/domain/regions.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { archiveBatch, eraseCustomerData, reconcile, type ArchiveDeps, type RemovalRecord } from '../../functions/use-cases/archive/archive.ts';
import { FakeAuditLog } from '../support/fakes.ts';

type Request = 'PUT' | 'LIST' | 'GET' | 'HEAD' | 'DELETE';

/** The archive bucket in memory; `before` runs ahead of every request (to fail it, or to let others run). */
class MemoryArchive implements ArchiveStore {
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
class MemoryTable {
  items = new Map<string, StoredItem>();
  ledger = new Map<string, LedgerEntry>();
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
  } as unknown as ComplaintRepository;
  remove(item: StoredItem) {
    this.items.delete(`${item.PK}|${item.SK}`);
  }
}

const clock = new ManualClock(new Date('2026-09-10T00:00:00.000Z'));
const region = regionConfig('cn');
let n = 0;

/** A closed complaint past its hot retention, as its partition holds it: META, history, messages, secret, task. */
function complaintItems(historyCount: number, messageCount: number): { reference: string; items: StoredItem[] } {
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
const removal = (item: StoredItem, byTtl = true): RemovalRecord => ({
  eventID: String(++seq),
  eventName: 'REMOVE',
  userIdentity: byTtl ? { ...TTL_PRINCIPAL } : undefined,
  dynamodb: {
    Keys: marshall({ PK: item.PK, SK: item.SK }),
    OldImage: marshall(item, { removeUndefinedValues: true }),
    SequenceNumber: String(seq).padStart(21, '0'),
  },
});

function world() {
  const archive = new MemoryArchive();
  const table = new MemoryTable();
  const audit = new FakeAuditLog();
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

const archivedOnce = (w: ReturnType<typeof world>, c: { reference: string; items: StoredItem[] }) => {
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

describe('archiving stream batches', () => {
  it('a complaint whose items come in one batch: one object from the batch, nothing staged - a HEAD and a PUT, no listing', async () => {
    const w = world();
    const c = w.add(complaintItems(12, 3));
    const { outcomes } = await w.deliver(w.ttl(c.items));
    archivedOnce(w, c);
    expect(w.archive.requests).toEqual({ PUT: 1, LIST: 0, GET: 0, HEAD: 1, DELETE: 0 });
    expect(outcomes.filter((o) => o === 'archived')).toHaveLength(16);
    expect(outcomes.filter((o) => o === 'ignored')).toHaveLength(2); // the access code and the task
    expect(w.counted).toEqual(['ComplaintsArchived']);
  });

  it('batches of several complaints: each archived, in one pass', async () => {
    const w = world();
    const cs = [w.add(complaintItems(5, 1)), w.add(complaintItems(9, 2)), w.add(complaintItems(3, 0))];
    // Interleaved, as TTL removes them.
    const records = w.ttl(cs.flatMap((c) => c.items).sort((a, b) => (a.SK < b.SK ? -1 : 1)));
    await w.deliver(records);
    for (const c of cs) archivedOnce(w, c);
    expect(w.archive.requests).toMatchObject({ PUT: 3, LIST: 0, GET: 0, HEAD: 3 });
  });

  it('a part a racing batch staged after its complaint was archived from another batch is cleared by the daily reconciliation', async () => {
    const w = world();
    const c = w.add(complaintItems(4, 1));
    const [first, ...rest] = c.items;
    // The racing batch's part: it could not complete the complaint, found no ledger entry yet, and left.
    await w.archive.putStaged(stagingKey(c.reference, [first]), [first]);
    w.table.remove(first);
    await w.deliver(w.ttl(rest));
    expect(w.archive.staged(c.reference)).toHaveLength(0); // read and cleared: the archiving batch completed it from that part
    // Once more, with the part arriving after the archiving batch had finished.
    const d = w.add(complaintItems(3, 0));
    await w.deliver(w.ttl(d.items));
    await w.archive.putStaged(stagingKey(d.reference, [d.items[0]]), [d.items[0]]);
    expect(w.archive.staged(d.reference)).toHaveLength(1);
    const report = await reconcile(w.deps, [2026]);
    expect(report.clearedStaging).toBe(1);
    expect(w.archive.staged(d.reference)).toEqual([]);
    archivedOnce(w, d);
  });

  it('items spread over three batches after TTL removed them all: two staged objects, nothing read until the last batch, which reads each once', async () => {
    const w = world();
    const c = w.add(complaintItems(10, 2));
    const records = w.ttl(c.items);
    const batches = [records.slice(0, 6), records.slice(6, 11), records.slice(11)];
    expect((await w.deliver(batches[0])).outcomes).toContain('staged');
    expect((await w.deliver(batches[1])).outcomes).toContain('staged');
    expect(w.archive.staged(c.reference)).toHaveLength(2);
    expect(w.archive.requests.GET).toBe(0);
    expect(w.counted).toEqual(['ArchiveWaiting', 'ArchiveWaiting']);
    await w.deliver(batches[2]);
    archivedOnce(w, c);
    expect(w.archive.requests.GET).toBe(2);
  });

  it('the complaint item in the last batch: the staged parts are still read only then', async () => {
    const w = world();
    const c = w.add(complaintItems(6, 1));
    const records = w.ttl([...c.items.slice(1), c.items[0]]);
    await w.deliver(records.slice(0, 4));
    await w.deliver(records.slice(4, 8));
    expect(w.archive.requests.GET).toBe(0);
    await w.deliver(records.slice(8));
    archivedOnce(w, c);
    expect(w.archive.requests.GET).toBe(2);
  });

  it('while TTL is slow, the first batch completes the complaint from the items still in the table; later batches find it archived', async () => {
    const w = world();
    const c = w.add(complaintItems(8, 2));
    await w.deliver(w.ttl(c.items.slice(0, 5)));
    archivedOnce(w, c);
    const before = { ...w.archive.requests };
    const later = await w.deliver(w.ttl(c.items.slice(5)));
    expect(new Set(later.outcomes)).toEqual(new Set(['already-archived']));
    expect(w.archive.requests).toEqual({ ...before, LIST: before.LIST + 1 });
  });

  it('a duplicate delivery writes nothing twice and stages nothing', async () => {
    const w = world();
    const c = w.add(complaintItems(4, 1));
    const records = w.ttl(c.items);
    await w.deliver(records);
    const again = await w.deliver(records);
    expect(new Set(again.outcomes)).toEqual(new Set(['already-archived', 'ignored']));
    archivedOnce(w, c);
    expect(w.archive.requests.PUT).toBe(1);
  });

  it('never writes a complaint whose history does not match the digest the table recorded; it waits in staging and reconciliation says so', async () => {
    const w = world();
    const c = w.add(complaintItems(4, 1));
    const tampered = c.items.map((i) => (i.SK.startsWith('H#') && i.action === 'step-2' ? { ...i, summary: 'rewritten' } : i));
    const { outcomes } = await w.deliver(w.ttl(tampered));
    expect(outcomes).toContain('staged');
    expect(w.archive.records.size).toBe(0);
    expect(w.archive.staged(c.reference)).toHaveLength(1);
    expect(await reconcile(w.deps, [2026])).toMatchObject({ registered: 1, staging: 1, archived: 0, missing: [] });
  });

  it('a failed write reports the batch from the failed complaint on; handed over again from there, each complaint is archived once', async () => {
    const w = world();
    const cs = [w.add(complaintItems(3, 1)), w.add(complaintItems(3, 1)), w.add(complaintItems(3, 1))];
    const records = w.ttl(cs.flatMap((c) => c.items));
    let puts = 0;
    w.archive.before = async (r) => {
      if (r === 'PUT' && ++puts === 2) throw new Error('injected: S3 is unavailable');
    };
    const first = await archiveBatch(records, w.deps);
    const from = records.length - first.failed.length;
    expect(from).toBe(cs[0].items.length); // the second complaint's first record
    expect(first.failed).toEqual(records.slice(from).map((r) => r.dynamodb!.SequenceNumber));
    expect(first.outcomes).toHaveLength(from);
    expect((await archiveBatch(records.slice(from), w.deps)).failed).toEqual([]);
    for (const c of cs) archivedOnce(w, c);
  });

  it('a delete outside TTL is audited and its image kept; the complaint, once TTL removes the rest, is archived with it', async () => {
    const w = world();
    const c = w.add(complaintItems(5, 1));
    const deleted = c.items.find((i) => i.SK.startsWith('H#'))!;
    w.table.remove(deleted);
    expect((await w.deliver([removal(deleted, false)])).outcomes).toEqual(['rescued']);
    expect(w.audit.entries.map((e) => e.operation)).toEqual(['deleteOutsideArchival']);
    expect(w.counted).toEqual(['DeletesOutsideArchival']);
    expect((await w.archive.parts(c.reference)).map((p) => p.SK)).toEqual([deleted.SK]);
    // The task's own delete at the end of a stage is not a foreign delete.
    expect((await w.deliver([removal(c.items.find((i) => i.SK === 'TASK')!, false)])).outcomes).toEqual(['ignored']);

    await w.deliver(w.ttl(c.items.filter((i) => i !== deleted)));
    const record = archivedOnce(w, c);
    expect(record.history.map((h) => h.action)).toContain(deleted.action);
  });

  it('erasure redacts what waits in staging, and the object written later carries the redaction', async () => {
    const w = world();
    const c = w.add(complaintItems(4, 1));
    const records = w.ttl(c.items);
    await w.deliver(records.slice(0, 3)); // META, SECRET, TASK: META staged
    const admin = { id: 'ada', name: 'Ada', roles: ['admin' as const], department: 'dpo' };
    const erased = await eraseCustomerData({ ...w.deps, pseudonymKey: 'k' }, admin, c.reference, { basis: 'pipl-art-47' });
    expect(erased.erasedIn).toEqual(['staging']);
    expect(JSON.stringify(await w.archive.parts(c.reference))).not.toMatch(/Jane|jane\.doe/);
    await w.deliver(records.slice(3));
    const record = archivedOnce(w, c);
    expect(record.complaint.complainant).toEqual({ anonymous: false, name: erased.pseudonym });
    expect(record.complaint.erasure?.basis).toBe('pipl-art-47');
  });

  const scenario = fc.record({
    history: fc.integer({ min: 1, max: 14 }),
    messages: fc.integer({ min: 0, max: 4 }),
    order: fc.array(fc.nat(), { minLength: 24, maxLength: 24 }),
    cuts: fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 5 }),
    removedFirst: fc.boolean(),
    concurrent: fc.boolean(),
    lag: fc.integer({ min: 0, max: 40 }),
    redeliver: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    failAt: fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 3 }),
    crash: fc.boolean(),
    yields: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 64, maxLength: 64 }),
  });
  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

  /** A complaint's items, shuffled, cut into batches and handed over as the scenario says; then checked. */
  async function play(p: Scenario) {
    const w = world();
    const c = w.add(complaintItems(p.history, p.messages));
    const items = c.items
      .map((item, i) => ({ item, k: p.order[i % p.order.length] * 100 + i }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.item);
    const cuts = [...new Set(p.cuts.filter((x) => x < items.length))].sort((a, b) => a - b);
    const parts = [0, ...cuts, items.length].slice(1).map((end, i, ends) => items.slice(i ? ends[i - 1] : 0, end));
    // Failures (of S3 or DynamoDB) at the chosen calls; yields let two batches interleave.
    let calls = 0;
    const hook = async () => {
      const at = ++calls;
      for (let y = 0; y < p.yields[at % p.yields.length]; y++) await Promise.resolve();
      if (p.failAt.includes(at)) throw new Error(`injected failure at call ${at}`);
    };
    w.archive.before = hook;
    w.table.before = hook;
    const crashed = () => p.crash;
    // TTL removes everything before the consumer reads (a stream lag), or batch by batch.
    const removed = p.removedFirst ? parts.map((b) => w.ttl(b)) : undefined;
    const run = async (i: number) => {
      const records = removed?.[i] ?? w.ttl(parts[i]);
      await w.deliver(records, { crashed });
      if (p.redeliver[i % p.redeliver.length]) await w.deliver(records, { crashed });
    };
    if (p.concurrent) {
      // Two at once (two shards), the second removed and handed over a while after the first started.
      const later = async (i: number) => {
        for (let y = 0; y < p.lag; y++) await Promise.resolve();
        await run(i);
      };
      for (let i = 0; i < parts.length; i += 2) await Promise.all([run(i), ...(i + 1 < parts.length ? [later(i + 1)] : [])]);
    } else {
      for (let i = 0; i < parts.length; i++) await run(i);
    }
    // The daily reconciliation clears what a batch that raced the archiving one left in staging.
    w.archive.before = async () => undefined;
    w.table.before = async () => undefined;
    await reconcile(w.deps, [2026]);
    archivedOnce(w, c);
    expect(w.archive.staged()).toEqual([]);
  }

  it('any split into batches, any order, with TTL fast or slow, re-deliveries, failures, crashes and two batches at once: one complete object, staging empty', async () => {
    await fc.assert(fc.asyncProperty(scenario, play), { numRuns: 300 });
  });

  it('two batches of one complaint at once while TTL removes the second during the first: one object, staging empty', async () => {
    const race = scenario.map((p) => ({ ...p, cuts: p.cuts.slice(0, 1).length ? p.cuts.slice(0, 1) : [1], removedFirst: false, concurrent: true, failAt: [] }));
    await fc.assert(fc.asyncProperty(race, play), { numRuns: 400 });
  });
});
