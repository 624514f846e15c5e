/**
 * Archival of stream batches (use-cases/archive/archive.ts archiveBatch) against an in-memory archive
 * store that counts the S3 requests each call would make: what a complaint costs when its
 * items come in one batch, in several, while TTL is slow; that a re-delivery, a failure or a
 * crash anywhere, and two batches of one complaint handled at once, still give one complete
 * object and an empty staging; foreign deletes kept; erasure of staged items honoured.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stagingKey, verifyRecord } from '../../functions/domain/archive.ts';
import { archiveBatch, archiveDisposedDrillComplaint, eraseCustomerData, readArchivedComplaint, reconcile } from '../../functions/use-cases/archive/archive.ts';
import { archivedOnce, complaintItems, removal, world } from '../support/archive-world.ts';

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

describe('a drill complaint whose drill was not disposed of, at its expiry (ADR 0024)', () => {
  const drill = { drillId: 'DR-20260301-0badcafe', scenario: 'anonymous', step: 'letter' };
  const drillComplaint = (w: ReturnType<typeof world>) => {
    const c = complaintItems(5, 1);
    c.items = c.items.map((i) => (i.SK === 'META' ? { ...i, drill } : i));
    return w.add(c);
  };
  const admin = { id: 'ada', name: 'Ada', roles: ['admin' as const], department: 'dpo' };
  const quinn = { id: 'quinn', name: 'Quinn', roles: ['quality' as const], department: 'quality' };

  it("is archived apart under its drill's prefix, with the same integrity; the ledger and the audit say so; reconciliation counts it apart", async () => {
    const w = world();
    const real = w.add(complaintItems(3, 0));
    const c = drillComplaint(w);
    await w.deliver(w.ttl([...real.items, ...c.items]));
    const key = `drills/cn/${drill.drillId}/complaints/${c.reference}.json.gz`;
    expect([...w.archive.records.keys()].filter((k) => k.includes(c.reference))).toEqual([key]);
    expect(verifyRecord(w.archive.records.get(key)!)).toEqual({ ok: true });
    expect(w.archive.records.get(key)!.complaint.drill).toEqual(drill);
    const entry = w.table.ledger.get(c.reference)!;
    expect(entry).toMatchObject({ archiveKey: key, drillDisposal: { drillId: drill.drillId, disposal: 'archive', by: 'system', key, via: 'ttl' } });
    expect(w.audit.entries.filter((e) => e.reference === c.reference).map((e) => [e.operation, e.actor])).toEqual([['archiveDrillComplaint', 'system']]);
    // The real one where it always went, without a drill mark.
    expect(w.table.ledger.get(real.reference)!.archiveKey).toMatch(/^complaints\/region=cn\//);
    expect(w.table.ledger.get(real.reference)!.drillDisposal).toBeUndefined();
    expect(await reconcile(w.deps, [2026])).toMatchObject({ registered: 1, archived: 1, drillDisposed: 1, missing: [], mismatched: [] });

    // Quality reads it as any archived complaint.
    const read = await readArchivedComplaint(w.deps, quinn, c.reference);
    expect(read).toMatchObject({ reference: c.reference, verified: true });
  });

  it('a record under drills/ that does not verify is a mismatch of reconciliation, not a silent drill', async () => {
    const w = world();
    const c = drillComplaint(w);
    await w.deliver(w.ttl(c.items));
    const key = w.table.ledger.get(c.reference)!.archiveKey!;
    const r = w.archive.records.get(key)!;
    w.archive.records.set(key, { ...r, history: r.history.slice(1) });
    const rec = await reconcile(w.deps, [2026]);
    expect(rec.mismatched).toEqual([{ reference: c.reference, reason: 'history count differs from the record' }]);
    expect(rec.drillDisposed).toBe(1);
  });

  it('its erasure writes the redacted version beside it under the drill, served from then on; erased before its expiry, only that is written', async () => {
    const w = world();
    const c = drillComplaint(w);
    await w.deliver(w.ttl(c.items));
    const erased = await eraseCustomerData({ ...w.deps, pseudonymKey: 'k' }, admin, c.reference, { basis: 'pipl-art-47' });
    expect(erased.erasedIn).toEqual(['archive']);
    const erasedKey = `drills/cn/${drill.drillId}/erased/${c.reference}.json.gz`;
    expect(w.table.ledger.get(c.reference)!.erasedKey).toBe(erasedKey);
    const served = await readArchivedComplaint(w.deps, quinn, c.reference);
    expect(JSON.stringify(served)).not.toMatch(/Jane|jane\.doe/);
    expect(await reconcile(w.deps, [2026])).toMatchObject({ mismatched: [], drillDisposed: 1 });

    const d = drillComplaint(w);
    // Erased while still in the table, before TTL removes it.
    await eraseCustomerData({ ...w.deps, pseudonymKey: 'k' }, admin, d.reference, { basis: 'pipl-art-47' });
    await w.deliver(w.ttl([...w.table.items.values()].filter((i) => i.PK === `COMPLAINT#${d.reference}`)));
    const only = [...w.archive.records.keys()].filter((k) => k.includes(d.reference));
    expect(only).toEqual([`drills/cn/${drill.drillId}/erased/${d.reference}.json.gz`]);
  });
});

describe("a drill complaint archived by its drill's disposal, before its expiry (ADR 0024 amended)", () => {
  const drill = { drillId: 'DR-20260301-0badcafe', scenario: 'anonymous' };
  const quinn = { id: 'quinn', name: 'Quinn', roles: ['quality' as const], department: 'quality' };
  /** Closed, its hot retention not over (the world's clock is 2026-09-10). */
  const closedDrillComplaint = (w: ReturnType<typeof world>, mark = true) => {
    const c = complaintItems(5, 1);
    const expiresAt = Date.parse('2027-03-01T00:00:00.000Z') / 1000;
    c.items = c.items.map((i) => (i.SK === 'META' ? { ...i, expiresAt, ...(mark ? { drill } : {}) } : i));
    return w.add(c);
  };

  it('writes the record TTL archival would, at the same key, the ledger naming it and the disposal by the manager; once', async () => {
    const w = world();
    const c = closedDrillComplaint(w);
    const key = `drills/cn/${drill.drillId}/complaints/${c.reference}.json.gz`;
    expect(await archiveDisposedDrillComplaint(c.reference, 'mia', w.deps)).toEqual({ key, written: true });
    const record = w.archive.records.get(key)!;
    expect(verifyRecord(record)).toEqual({ ok: true });
    expect(record).toMatchObject({ format: 'complaint-archive/1', reference: c.reference, integrity: { historyCount: 5, messageCount: 1 } });
    expect(w.table.ledger.get(c.reference)).toMatchObject({
      archiveKey: key,
      drillDisposal: { drillId: drill.drillId, disposal: 'archive', by: 'mia', key, at: '2026-09-10T00:00:00.000Z' },
    });
    expect(w.table.ledger.get(c.reference)!.drillDisposal!.via).toBeUndefined();
    // Audited by disposeDrill, not as TTL's archiving apart.
    expect(w.audit.entries.filter((e) => e.reference === c.reference)).toEqual([]);
    // Its items are still in the table: the disposal deletes them after this.
    expect([...w.table.items.keys()].filter((k) => k.startsWith(`COMPLAINT#${c.reference}|`))).toHaveLength(9);
    // Again: found archived, nothing written.
    const puts = w.archive.requests.PUT;
    expect(await archiveDisposedDrillComplaint(c.reference, 'mia', w.deps)).toEqual({ key, written: false });
    expect(w.archive.requests.PUT).toBe(puts);
    // Deleted from the table: quality reads it, reconciliation verifies it apart.
    for (const i of c.items) w.table.remove(i);
    expect(await readArchivedComplaint(w.deps, quinn, c.reference)).toMatchObject({ reference: c.reference, verified: true });
    expect(await reconcile(w.deps, [2026])).toMatchObject({ registered: 0, drillDisposed: 1, missing: [], mismatched: [] });
  });

  it('refuses a real complaint, and a drill complaint TTL has begun to remove, naming it; nothing written', async () => {
    const w = world();
    const real = closedDrillComplaint(w, false);
    await expect(archiveDisposedDrillComplaint(real.reference, 'mia', w.deps)).rejects.toThrow(
      new RegExp(`${real.reference} cannot be archived.*hot-retention`),
    );
    const c = closedDrillComplaint(w);
    w.table.remove(c.items[0]);
    await expect(archiveDisposedDrillComplaint(c.reference, 'mia', w.deps)).rejects.toThrow(new RegExp(`${c.reference} cannot be archived.*complaint item`));
    expect(w.archive.records.size).toBe(0);
    expect(w.table.ledger.get(c.reference)!.archiveKey).toBeUndefined();
  });
});
