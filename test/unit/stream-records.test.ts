/**
 * The table stream's records validated before use (functions/shared/stream-records.ts with the
 * parser schemas of functions/shared/stream-schemas.ts, on Powertools' BatchProcessor): a record
 * that does not match its schema becomes a batch item failure and never reaches the use case; and
 * TableChanges' routing (functions/use-cases/table-changes.ts) keeps each former consumer's
 * semantics - archival stops at the first invalid record. Pure: fakes for the ports.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { WorkflowEngine } from '../../functions/domain/ports.ts';
import { handleStreamBatch } from '../../functions/shared/stream-records.ts';
import { MessageRecord, TableChangeRecord } from '../../functions/shared/stream-schemas.ts';
import { handleTableChanges, type TableChange, type TableChangesDeps } from '../../functions/use-cases/table-changes.ts';

let seq = 100;
function record(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  keys: { PK: string; SK: string },
  images: { NewImage?: unknown; OldImage?: unknown },
): DynamoDBRecord {
  seq += 1;
  return {
    eventID: `e${seq}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'cn-north-1',
    eventSourceARN: 'arn:aws-cn:dynamodb:cn-north-1:000000000000:table/complaints-cn/stream/2026-01-01T00:00:00.000',
    dynamodb: {
      ApproximateCreationDateTime: 1_780_000_000,
      Keys: marshall(keys) as never,
      ...(images as object),
      SequenceNumber: String(seq),
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  } as DynamoDBRecord;
}

const message = (reference: string, over: Record<string, unknown> = {}) => {
  const item = {
    PK: `COMPLAINT#${reference}`,
    SK: `MSG#2026-03-02T01:00:00.000Z#1`,
    reference,
    at: '2026-03-02T01:00:00.000Z',
    kind: 'acknowledgement',
    audience: 'customer',
    channel: 'email',
    to: 'li@example.com',
    language: 'en',
    subject: 'We received your complaint',
    text: 'Hello',
    status: 'queued',
    ...over,
  };
  return record('INSERT', { PK: item.PK, SK: item.SK }, { NewImage: marshall(item, { removeUndefinedValues: true }) });
};
const complaint = (reference: string, over: Record<string, unknown> = {}) => ({
  PK: `COMPLAINT#${reference}`,
  SK: 'META',
  reference,
  region: 'cn',
  status: 'OPEN',
  stage: 'RECEIVED',
  receivedAt: '2026-03-02T01:00:00.000Z',
  executionName: reference,
  channel: 'web',
  ...over,
});
const insert = (reference: string, over: Record<string, unknown> = {}) =>
  record('INSERT', { PK: `COMPLAINT#${reference}`, SK: 'META' }, { NewImage: marshall(complaint(reference, over)) });
const removal = (reference: string, sk: string) =>
  record('REMOVE', { PK: `COMPLAINT#${reference}`, SK: sk }, { OldImage: marshall({ PK: `COMPLAINT#${reference}`, SK: sk, text: 'x' }) });
const event = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });
const seqOf = (r: DynamoDBRecord) => r.dynamodb!.SequenceNumber!;

describe('stream records validated with the parser schemas (Powertools BatchProcessor)', () => {
  it('a malformed message record is a batch item failure and never reaches the work; the valid ones do, unmarshalled, in order', async () => {
    const good1 = message('CN-2026-000001');
    const noReference = message('CN-2026-000002', { reference: undefined });
    const badKind = message('CN-2026-000003', { kind: 'marketing' });
    const good2 = message('CN-2026-000004');
    const seen: { index: number; reference: string }[] = [];
    let firstInvalid = -1;
    const out = await handleStreamBatch(event(good1, noReference, badKind, good2), MessageRecord, async (batch) => {
      firstInvalid = batch.firstInvalid;
      for (const v of batch.valid) seen.push({ index: v.index, reference: v.parsed.dynamodb.NewImage.reference });
      return [];
    });
    expect(seen).toEqual([
      { index: 0, reference: 'CN-2026-000001' },
      { index: 3, reference: 'CN-2026-000004' },
    ]);
    expect(firstInvalid).toBe(1);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: seqOf(noReference) }, { itemIdentifier: seqOf(badKind) }]);
  });

  it('an image that is not DynamoDB JSON, a wrong event name and a missing image all fail', async () => {
    const notMarshalled = message('CN-2026-000005');
    (notMarshalled.dynamodb as { NewImage: unknown }).NewImage = { reference: 'CN-2026-000005', kind: 'acknowledgement' };
    const modify = { ...message('CN-2026-000006'), eventName: 'MODIFY' as const };
    const noImage = message('CN-2026-000007');
    delete noImage.dynamodb!.NewImage;
    let calls = 0;
    const out = await handleStreamBatch(event(notMarshalled, modify, noImage), MessageRecord, async (batch) => {
      calls = batch.valid.length;
      return [];
    });
    expect(calls).toBe(0);
    expect(out.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([notMarshalled, modify, noImage].map(seqOf));
  });

  it("the work's own failures join the invalid ones, in batch order", async () => {
    const a = message('CN-2026-000010');
    const bad = message('CN-2026-000011', { status: 'lost' });
    const c = message('CN-2026-000012');
    const out = await handleStreamBatch(event(a, bad, c), MessageRecord, async () => [seqOf(c), seqOf(a)]);
    expect(out.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([a, bad, c].map(seqOf));
  });

  it("TableChanges' records: a complaint insert must carry a complaint image, a removal an item of a complaint's partition", async () => {
    const ok = insert('CN-2026-000020');
    const badStatus = insert('CN-2026-000021', { status: 'MAYBE' });
    const foreignRemoval = record('REMOVE', { PK: 'AGG#cn#2026-03', SK: 'c#web' }, { OldImage: marshall({ PK: 'AGG#cn#2026-03', SK: 'c#web' }) });
    const removalWithoutImage = record('REMOVE', { PK: 'COMPLAINT#CN-2026-000022', SK: 'META' }, {});
    const rm = removal('CN-2026-000023', 'META');
    const valid: string[] = [];
    const out = await handleStreamBatch(event(ok, badStatus, foreignRemoval, removalWithoutImage, rm), TableChangeRecord, async (b) => {
      valid.push(...b.valid.map((v) => v.sequenceNumber));
      return [];
    });
    expect(valid).toEqual([seqOf(ok), seqOf(rm)]);
    expect(out.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([badStatus, foreignRemoval, removalWithoutImage].map(seqOf));
  });
});

describe('TableChanges routes each record to what its former consumer did', () => {
  const started: string[] = [];
  const applied: string[] = [];
  const workflow: WorkflowEngine = {
    start: async (name: string) => {
      if (name === 'CN-2026-000099') throw Object.assign(new Error('down'), { name: 'InternalFailure' });
      started.push(name);
    },
    isRunning: async () => false,
    completeTask: async () => true,
  } as unknown as WorkflowEngine;
  const refuse = () => {
    throw new Error('archival must not run');
  };
  const deps = {
    workflow,
    remainingMs: () => 60_000,
    aggregate: async (change: { eventId: string }) => {
      applied.push(change.eventId);
    },
    repo: new Proxy({}, { get: refuse }),
    archive: new Proxy({}, { get: refuse }),
    audit: new Proxy({}, { get: refuse }),
    clock: { now: () => new Date() },
    region: {},
  } as unknown as TableChangesDeps;
  const change = (r: DynamoDBRecord, index: number, images: Partial<TableChange> = {}): TableChange => ({
    index,
    sequenceNumber: seqOf(r),
    record: r as TableChange['record'],
    eventId: r.eventID!,
    eventName: r.eventName as 'INSERT',
    ...images,
  });

  it("starts new complaints' workflows and applies their aggregates; a failed start is reported for that record only; removals after an invalid record wait", async () => {
    const a = insert('CN-2026-000030');
    const down = insert('CN-2026-000099');
    const rm = removal('CN-2026-000031', 'META');
    const out = await handleTableChanges(
      {
        firstInvalid: 2, // the record at index 2 failed validation: archival must not run past it
        valid: [
          change(a, 0, { newImage: complaint('CN-2026-000030') as never }),
          change(down, 1, { newImage: complaint('CN-2026-000099') as never }),
          change(rm, 3),
        ],
      },
      deps,
    );
    expect(started).toEqual(['CN-2026-000030']);
    expect(applied).toEqual([a.eventID, down.eventID]);
    expect(out.failed).toEqual([seqOf(down), seqOf(rm)]);
    expect(out.starts).toMatchObject({ started: 1, failed: 1 });
  });
});
