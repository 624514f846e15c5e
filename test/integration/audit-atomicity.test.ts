/**
 * Issue 21, gap 1: a staff change and its audit entry commit together or not at all.
 *
 * The staff route's own code (http/audited-changes.ts auditedCall, the real claimTask use case,
 * the DynamoDB repository and audit log) runs against DynamoDB Local through a client that
 * "kills the process" at each write in turn - before the write is sent, or after DynamoDB
 * applied it and before the answer came back. After every kill: each staff change in the table
 * has its audit entry. The protocol before (the change, then the entry, two writes) is run
 * through the same kills and shows the gap the test closes. And DynamoDB Local itself shows the
 * combined write is atomic: when either part is refused, neither is written.
 */
import { productionCalendar } from '../support/calendars.ts';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient, type DocumentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoAuditLog } from '../../functions/adapters/dynamo-audit-log.ts';
import { DynamoComplaintRepository } from '../../functions/adapters/dynamo-complaint-repository.ts';
import { createBusinessCalendar } from '../../functions/domain/business-calendar.ts';
import type { Actor } from '../../functions/domain/authorization.ts';
import type { Complaint } from '../../functions/domain/complaint.ts';
import type { AuditEntry, TaskItem } from '../../functions/domain/model.ts';
import { regionConfig } from '../../functions/domain/regions.ts';
import { auditedCall } from '../../functions/http/audited-changes.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { ConflictError } from '../../functions/shared/errors.ts';
import { claimTask } from '../../functions/use-cases/staff/staff-actions.ts';
import { ensureTable } from '../../local/emulators/dynamodb.ts';
import { FakeWorkflow } from '../support/fakes.ts';

const T = `audit-atomic-${process.pid}`;
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
let raw: DynamoDBClient;
let db: DocumentClient;
const region = regionConfig('cn');
const clock = new ManualClock(new Date('2026-03-03T02:00:00.000Z'));
const calendar = productionCalendar('cn');
const hana: Actor = { id: 'hana', name: 'Hana', roles: ['handler'], department: 'cards' };

beforeAll(async () => {
  raw = new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: inject('awsRegion'), credentials });
  await ensureTable(raw, T);
  db = createDocumentClient({ endpoint: inject('dynamoEndpoint'), region: inject('awsRegion'), credentials, maxAttempts: 1 });
});
afterAll(async () => {
  await raw.send(new DeleteTableCommand({ TableName: T }));
  raw.destroy();
});

class Crash extends Error {
  override name = 'Crash';
}
const WRITES = new Set(['put', 'update', 'transactWrite', 'batchWrite']);

/** The document client, killed at its n-th write: before sending it, or after DynamoDB applied it. */
function killedAt(n: number, when: 'before' | 'after'): { client: DocumentClient; writes: () => number } {
  let writes = 0;
  const client = new Proxy(db, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      if (!WRITES.has(String(name))) return value.bind(target);
      return async (...args: unknown[]) => {
        writes += 1;
        if (writes === n && when === 'before') throw new Crash(`killed before write ${n}`);
        const out = await value.apply(target, args);
        if (writes === n && when === 'after') throw new Crash(`killed after write ${n}`);
        return out;
      };
    },
  }) as DocumentClient;
  return { client, writes: () => writes };
}

let n = 0;
/** A complaint at investigation with its open task, as the workflow leaves it. */
async function complaintAtInvestigation(): Promise<string> {
  const reference = `CN-2026-${String(900000 + ++n)}`;
  const repo = new DynamoComplaintRepository(db, T, { reminderFraction: 0.2 });
  const at = '2026-03-02T01:00:00.000Z';
  const complaint: Complaint = {
    reference,
    region: 'cn',
    channel: 'web',
    language: 'en',
    status: 'OPEN',
    stage: 'INVESTIGATION',
    receivedAt: at,
    deadlines: { respond: { dueAt: '2026-03-20T09:00:00.000Z', rule: 'test' } },
    assignment: { team: 'cards' },
    executionName: reference,
    resumeCount: 0,
    updatedAt: at,
    version: 1,
    complainant: { anonymous: false, name: 'Jane Doe', contact: { email: 'jane@example.com' } },
    matter: { description: 'Charged twice' },
    consent: { personalData: true },
  } as Complaint;
  await repo.create({
    complaint,
    secret: { salt: 's', hash: 'h' },
    history: [{ reference, at, actor: 'system', action: 'registered', visibleToCustomer: true, summary: 'Registered' }],
  });
  const task: TaskItem = {
    reference,
    stage: 'INVESTIGATION',
    taskToken: `token-${reference}`,
    executionName: reference,
    openedAt: at,
    status: 'open',
    team: 'cards',
    nextDueAt: '2026-03-20T09:00:00.000Z',
    nextDueName: 'respond',
    priority: 'P3',
    major: false,
    channel: 'web',
  };
  await repo.commit({ complaint: { ...complaint, version: 2 }, expectedVersion: 1, task: { put: task }, history: [] });
  return reference;
}

/** Every staff change in the table (a history entry by staff) and whether its audit entry is there. */
async function changesWithoutEntry(reference: string): Promise<{ changes: number; withoutEntry: number; entries: AuditEntry[] }> {
  const repo = new DynamoComplaintRepository(db, T, { reminderFraction: 0.2 });
  const staffHistory = (await repo.partitionItems(reference)).filter((i) => i.SK.startsWith('H#') && i.actor === hana.id);
  const entries = (await new DynamoAuditLog(db, T).search({ day: clock.now().toISOString().slice(0, 10), reference })).filter((e) => e.outcome === 'ok');
  const withoutEntry = staffHistory.filter((h) => {
    const version = Number(h.SK.split('#').pop()!.split('.')[0]);
    return !entries.some((e) => e.version === version && e.actor === h.actor && e.operation === 'claimTask');
  }).length;
  return { changes: staffHistory.length, withoutEntry, entries };
}

/** The staff route as it runs now: auditedCall around the use case. */
async function claimNow(client: DocumentClient, reference: string) {
  const repo = new DynamoComplaintRepository(client, T, { reminderFraction: 0.2 });
  await auditedCall({ repo, audit: new DynamoAuditLog(client, T), clock }, { actor: hana, operation: 'claimTask' }, (r) =>
    claimTask({ repo: r, workflow: new FakeWorkflow(), clock, region, calendar }, hana, reference),
  );
}

/** The protocol before issue 21: the change, then its entry - two writes. */
async function claimBefore(client: DocumentClient, reference: string) {
  const repo = new DynamoComplaintRepository(client, T, { reminderFraction: 0.2 });
  await claimTask({ repo, workflow: new FakeWorkflow(), clock, region, calendar }, hana, reference);
  await new DynamoAuditLog(client, T).record({
    at: clock.now().toISOString(),
    actor: hana.id,
    roles: hana.roles,
    operation: 'claimTask',
    reference,
    outcome: 'ok',
  });
}

async function killEverywhere(claim: (client: DocumentClient, reference: string) => Promise<void>) {
  const found: { kill: string; changes: number; withoutEntry: number }[] = [];
  // How many writes the whole request makes, unkilled.
  const probe = killedAt(0, 'before');
  await claim(probe.client, await complaintAtInvestigation());
  for (let k = 1; k <= probe.writes(); k++) {
    for (const when of ['before', 'after'] as const) {
      const reference = await complaintAtInvestigation();
      await expect(claim(killedAt(k, when).client, reference)).rejects.toThrow(Crash);
      found.push({ kill: `${when} write ${k}`, ...(await changesWithoutEntry(reference)) });
    }
  }
  return { writes: probe.writes(), found };
}

describe('a staff change and its audit entry (issue 21)', () => {
  it('killed before or after each of its writes, a staff request never leaves a change without its audit entry', async () => {
    const { writes, found } = await killEverywhere(claimNow);
    expect(writes).toBe(1); // the change and its entry: one transaction
    expect(found.map((f) => f.withoutEntry)).toEqual(found.map(() => 0));
    // The kill after the transaction: the change (and its entry) made it; before it: neither.
    expect(found.map((f) => `${f.kill}: ${f.changes}`)).toEqual(['before write 1: 0', 'after write 1: 1']);
  });

  it('the protocol before - the change, then its entry - killed between the two leaves a change without an entry (the gap closed)', async () => {
    const { writes, found } = await killEverywhere(claimBefore);
    expect(writes).toBe(2);
    expect(found.find((f) => f.kill === 'after write 1')).toMatchObject({ changes: 1, withoutEntry: 1 });
  });

  it('an unkilled staff request: one entry, naming the version its change committed, linked from the change', async () => {
    const reference = await complaintAtInvestigation();
    await claimNow(db, reference);
    const { changes, withoutEntry, entries } = await changesWithoutEntry(reference);
    expect({ changes, withoutEntry, entries: entries.length }).toEqual({ changes: 1, withoutEntry: 0, entries: 1 });
    expect(entries[0]).toMatchObject({ actor: 'hana', operation: 'claimTask', reference, outcome: 'ok', version: 3 });
    const history = (await new DynamoComplaintRepository(db, T, { reminderFraction: 0.2 }).partitionItems(reference)).find((i) => i.actor === 'hana');
    expect(String(history?.auditKey)).toMatch(/^AUDIT#2026-03-03\|2026-03-03T02:00:00\.000Z#[0-9a-f]{12}$/);
    // What the daily reconciliation asks of it (AuditLog.has), answered by DynamoDB Local.
    expect(await new DynamoAuditLog(db, T).has(String(history?.auditKey))).toBe(true);
    expect(await new DynamoAuditLog(db, T).has('AUDIT#2026-03-03|2026-03-03T02:00:00.000Z#000000000000')).toBe(false);
  });

  it('DynamoDB Local: when the change is refused (stale version) its entry is not written, and when the entry is refused the change is not', async () => {
    const repo = new DynamoComplaintRepository(db, T, { reminderFraction: 0.2 });
    const reference = await complaintAtInvestigation();
    const c = (await repo.get(reference))!;
    const entry: AuditEntry = {
      at: clock.now().toISOString(),
      actor: 'hana',
      roles: ['handler'],
      operation: 'claimTask',
      reference,
      outcome: 'ok',
      version: c.version + 1,
    };
    const change = (audit: AuditEntry, expectedVersion = c.version) => ({
      complaint: { ...c, version: c.version + 1, updatedAt: entry.at },
      expectedVersion,
      history: [{ reference, at: entry.at, actor: 'hana', action: 'x', visibleToCustomer: false, summary: 'x' }],
      audit,
    });
    // A stale version: the complaint's condition fails.
    await expect(repo.commit(change(entry, c.version - 1))).rejects.toThrow(ConflictError);
    // An entry DynamoDB refuses (over the 400 KB item limit): the whole transaction is refused.
    await expect(repo.commit(change({ ...entry, detail: 'x'.repeat(420_000) }))).rejects.toThrow(/size|ValidationException/i);
    expect((await repo.get(reference))?.version).toBe(c.version);
    expect(await changesWithoutEntry(reference)).toMatchObject({ changes: 0, entries: [] });
    // And the two together, accepted: both.
    await repo.commit(change(entry));
    expect(await changesWithoutEntry(reference)).toMatchObject({ changes: 1, withoutEntry: 0 });
  });
});
