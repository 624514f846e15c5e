/**
 * Archival on the real parts, step by step: closed complaints in DynamoDB Local get their TTL,
 * the local TTL (local/emulators/ttl.ts - DynamoDB Local's own job cannot delete this table's items, shown
 * at the end) deletes them when the clock passes their expiry, DynamoDB Local writes the REMOVE
 * records to the table's stream, and the records (read from that stream as the local event
 * source mapping reads them) go through the archive use case into the local S3 store under
 * Object Lock - with a failed write injected part-way, then every record delivered twice. Its
 * own DynamoDB Local and object store, no poller: the test hands the records over itself, so it
 * decides when and how often.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, DescribeStreamCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoComplaintRepository } from '../../functions/adapters/dynamo-complaint-repository.ts';
import { clientConfig } from '../../functions/adapters/aws-clients.ts';
import { createDocumentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoAuditLog } from '../../functions/adapters/dynamo-audit-log.ts';
import { S3ArchiveStore } from '../../functions/adapters/s3-archive-store.ts';
import { verifyRecord, archiveKey } from '../../functions/domain/archive.ts';
import type { Complaint, HistoryEntry } from '../../functions/domain/complaint.ts';
import type { ArchiveStore } from '../../functions/domain/ports.ts';
import { regionConfig } from '../../functions/domain/regions.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { archiveBatch, eraseCustomerData, reconcile, type ArchiveDeps, type RemovalRecord } from '../../functions/use-cases/archive/archive.ts';
import { closeComplaint } from '../../functions/use-cases/workflow/lifecycle.ts';
import { STREAM_CONSUMERS, TABLE_CHANGE_ROUTES } from '../../functions/functions.ts';
import { ensureTable, startDynamoDbLocal, type LocalDynamo } from '../../local/emulators/dynamodb.ts';
import { freePort } from '../../local/ports.ts';
import { startS3Server } from '../../local/emulators/s3/server.ts';
import { asService, getRecordsRaw, matches, toLambdaRecord } from '../../local/emulators/streams.ts';
import { LocalTtl } from '../../local/emulators/ttl.ts';
import { customerKeys } from '../../functions/domain/repeats.ts';
import { eventually } from '../support/clients.ts';
import { productionCalendar } from '../support/calendars.ts';

const TABLE = 'archival-test';
const HOT_SECONDS = 2;
const dir = mkdtempSync(join(tmpdir(), 'complaints-archival-'));
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
// DynamoDB's TTL runs on the wall clock: this clock starts there and the test moves it by hand.
const clock = new ManualClock(new Date());
const region = { ...regionConfig('cn'), retention: { hotSeconds: HOT_SECONDS, archiveYears: 3 } };
let dynamo: LocalDynamo;
let s3server: Awaited<ReturnType<typeof startS3Server>>;
let ddb: DynamoDBClient;
let repo: DynamoComplaintRepository;
let deps: ArchiveDeps;
let s3: S3Client;
let ttl: LocalTtl;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal(await freePort(), undefined);
  ddb = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials });
  await ensureTable(ddb, TABLE);
  s3server = await startS3Server(join(dir, 's3'), 0, '127.0.0.1', () => clock.now());
  s3 = new S3Client({ endpoint: s3server.url, region: 'cn-north-1', credentials, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
  // The functions' clients (their settings, SDK defaults for checksums) for the product's adapters; others for the test's own reads and setup.
  const db = createDocumentClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials });
  repo = new DynamoComplaintRepository(db, TABLE, { reminderFraction: region.profile.reminderAtRemainingFraction });
  deps = {
    repo,
    archive: new S3ArchiveStore(
      new S3Client({ ...clientConfig(), endpoint: s3server.url, region: 'cn-north-1', credentials, forcePathStyle: true }),
      'complaints-archive',
      'complaints-attachments',
    ),
    audit: new DynamoAuditLog(db, TABLE),
    clock,
    region,
  };
  ttl = new LocalTtl({ client: ddb, tableName: TABLE, now: () => clock.now(), file: join(dir, 'ttl-deleted.json') });
}, 240_000);

afterAll(async () => {
  await dynamo?.stop();
  await new Promise((r) => {
    s3server?.server.closeAllConnections();
    s3server?.server.close(r);
  });
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
/** A complaint registered and worked on through the repository (3 history entries, 1 message), still open. */
async function registered(): Promise<string> {
  const reference = `CN-2026-${String(900_000 + ++n)}`;
  const at = clock.now().toISOString();
  const entry = (action: string): HistoryEntry => ({ reference, at, actor: 'system', action, visibleToCustomer: true, summary: action });
  const complaint: Complaint = {
    reference,
    region: 'cn',
    channel: 'web',
    language: 'en',
    status: 'OPEN',
    stage: 'REPLY',
    receivedAt: at,
    deadlines: {},
    executionName: reference,
    resumeCount: 0,
    updatedAt: at,
    version: 1,
    complainant: { anonymous: false, name: `Customer ${n}`, contact: { email: `c${n}@example.com` } },
    matter: { description: 'Charged twice' },
    consent: { personalData: true },
    // Empty containers travel through the stream as they are (DynamoDB Local writes {} for an empty map).
    callbacks: [],
    routing: { major: false, majorReasons: [], crossDepartment: false, departments: ['cards'], anonymous: false },
  };
  await repo.create({
    complaint,
    secret: { salt: 's', hash: 'h' },
    history: [entry('received'), entry('registered')],
    customerKeys: customerKeys(complaint.complainant.contact),
    messages: [
      {
        reference,
        at,
        kind: 'acknowledgement',
        audience: 'customer',
        channel: 'email',
        to: `c${n}@example.com`,
        language: 'en',
        subject: 'Received',
        text: 'We received it',
        status: 'queued',
      },
    ],
  });
  const c = (await repo.get(reference))!;
  await repo.commit({ complaint: { ...c, version: c.version + 1 }, expectedVersion: c.version, history: [entry('replied')] });
  return reference;
}

const stepDeps = () => ({ repo, clock, region, calendar: productionCalendar(region.name) });

async function partition(reference: string) {
  return repo.partitionItems(reference);
}

/** Every record of the table's stream so far, as the local event source mapping hands them to TableChanges (archival's records: REMOVE of COMPLAINT#*). */
async function streamRecords(): Promise<RemovalRecord[]> {
  const streams = new DynamoDBStreamsClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials });
  const arn = (await ddb.send(new DescribeTableCommand({ TableName: TABLE }))).Table!.LatestStreamArn!;
  const consumer = { ...STREAM_CONSUMERS.find((c) => c.fn === 'TableChanges')!, filters: [TABLE_CHANGE_ROUTES.archive] };
  const out: RemovalRecord[] = [];
  for (const shard of (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards!) {
    let it = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    for (let page = 0; it && page < 50; page++) {
      const r = await getRecordsRaw(dynamo.endpoint, it);
      out.push(
        ...(r.Records ?? [])
          .map((rec) => asService(rec, (k, o) => ttl.deletedByTtl(k, o)))
          .filter((rec) => matches(consumer, rec))
          .map((rec) => toLambdaRecord(rec, 'cn-north-1', arn) as RemovalRecord),
      );
      if (!r.Records?.length) break;
      it = r.NextShardIterator;
    }
  }
  return out;
}

async function archiveObjects(): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: 'complaints-archive', Prefix: 'complaints/' }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

describe('archival through DynamoDB Local TTL', () => {
  const refs: string[] = [];

  it('gives every item of a closed complaint the expiry of close + the hot retention', async () => {
    for (let i = 0; i < 3; i++) refs.push(await registered());
    for (const ref of refs) await closeComplaint({ reference: ref }, stepDeps());
    const closedAt = Math.floor(clock.now().getTime() / 1000);
    for (const ref of refs) {
      const items = await partition(ref);
      // META, SECRET, 4 history entries (received, registered, replied, closed), 1 message.
      expect(items.map((i) => i.SK.split('#')[0]).sort()).toEqual(['H', 'H', 'H', 'H', 'META', 'MSG', 'SECRET']);
      for (const i of items) expect(i.expiresAt).toBe(closedAt + HOT_SECONDS);
      expect(items.find((i) => i.SK === 'META')).toMatchObject({ status: 'CLOSED', historyCount: 4, messageCount: 1 });
      // The customer index expires with it.
      const [key] = customerKeys({ email: `c${refs.indexOf(ref) + 1}@example.com` });
      expect(
        (await DynamoDBDocumentClient.from(ddb).send(new GetCommand({ TableName: TABLE, Key: { PK: `CUSTOMER#${key}`, SK: `REF#${ref}` } }))).Item?.expiresAt,
      ).toBe(closedAt + HOT_SECONDS);
    }
    // A retried Close (crash after the commit) stamps nothing new and changes nothing.
    expect(await repo.expireWith(refs[0], closedAt + HOT_SECONDS, [])).toBe(0);
  });

  it('expires them when the clock passes their expiry: gone from the table, each item a TTL REMOVE record on the stream', async () => {
    expect(await ttl.sweep()).toBe(0); // not yet
    clock.advance((HOT_SECONDS + 1) * 1000);
    expect(await ttl.sweep()).toBe(refs.length * 7 + refs.length); // and the customer-index entries
    for (const ref of refs) expect(await partition(ref)).toEqual([]);
    const removals = (await streamRecords()).filter((r) => r.eventName === 'REMOVE');
    expect(removals).toHaveLength(refs.length * 7);
    for (const r of removals) expect(r.userIdentity).toEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' });
  });

  it('an injected failure of the archive write loses nothing: the batch resumes at the failed record and archives each complaint once', async () => {
    const records = (await streamRecords()).filter((r) => r.eventName === 'REMOVE');
    let failures = 0;
    const flaky: ArchiveStore = Object.create(deps.archive);
    flaky.putRecord = async (...args) => {
      if (failures++ === 0) throw Object.assign(new Error('injected: S3 is unavailable'), { name: 'ServiceUnavailable' });
      return deps.archive.putRecord(...args);
    };
    const first = await archiveBatch(records, { ...deps, archive: flaky });
    expect(first.failed.length).toBeGreaterThan(0);
    expect(first.failed).toEqual(records.slice(records.length - first.failed.length).map((r) => r.dynamodb!.SequenceNumber));
    // Nothing was written for the failed complaint; its records come again. (Nothing staged either:
    // the batch carried every item of each complaint, so each object is written from the batch.)
    const failedRef = JSON.stringify(records[records.length - first.failed.length].dynamodb!.Keys).match(/CN-2026-\d+/)![0];
    expect((await repo.ledgerEntry(failedRef))?.archiveKey).toBeUndefined();
    expect(await deps.archive.stagedReferences()).toEqual([]);

    // The event source mapping hands the batch over again from the failed record.
    const retry = await archiveBatch(records.slice(records.length - first.failed.length), { ...deps, archive: flaky });
    expect(retry.error).toBeUndefined();
    expect(retry.failed).toEqual([]);
    const closedAt = (await deps.archive.getRecord((await repo.ledgerEntry(refs[0]))!.archiveKey!))!.closedAt;
    expect(await archiveObjects()).toEqual(refs.map((ref) => archiveKey('cn', closedAt, ref)).sort());
  });

  it('finds each complaint complete in the archive, locked, its history matching the digest the table recorded', async () => {
    for (const ref of refs) {
      const ledger = (await repo.ledgerEntry(ref))!;
      expect(ledger.archiveKey).toBe((await archiveObjects()).find((k) => k.includes(ref)));
      const record = (await deps.archive.getRecord(ledger.archiveKey!))!;
      expect(verifyRecord(record)).toEqual({ ok: true });
      expect(record.history.map((h) => h.action)).toEqual(['received', 'registered', 'replied', 'closed']);
      expect(record.messages).toHaveLength(1);
      expect(record.complaint).toMatchObject({
        reference: ref,
        status: 'CLOSED',
        historyCount: 4,
        historyDigest: ledger.historyDigest,
        deadlines: {},
        callbacks: [],
      });
      expect(record.complaint.routing?.majorReasons).toEqual([]);
      expect(record.retainUntil.slice(0, 4)).toBe(String(new Date(record.closedAt).getUTCFullYear() + 3));
      // Compliance mode: nobody deletes it before its retain-until date.
      await expect(s3.send(new DeleteObjectCommand({ Bucket: 'complaints-archive', Key: ledger.archiveKey! }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 403 },
      });
    }
    // Staging is cleared once the object is written.
    expect(await deps.archive.stagedReferences()).toEqual([]);
  });

  it('a duplicate delivery of every record writes nothing twice', async () => {
    const before = await archiveObjects();
    const records = (await streamRecords()).filter((r) => r.eventName === 'REMOVE');
    const again = await archiveBatch(records, deps);
    expect(again.failed).toEqual([]);
    expect(new Set(again.outcomes)).toEqual(new Set(['already-archived', 'ignored']));
    expect(await archiveObjects()).toEqual(before);
    expect(await deps.archive.stagedReferences()).toEqual([]);
  });

  it('a delete that is not TTL is audited and its image kept; reconciliation reports it, and zero missing', async () => {
    const live = await registered();
    const history = (await partition(live)).find((i) => i.SK.startsWith('H#'))!;
    await ddb.send(new DeleteItemCommand({ TableName: TABLE, Key: { PK: { S: history.PK }, SK: { S: history.SK } } }));
    const records = (await streamRecords()).filter((r) => r.eventName === 'REMOVE' && JSON.stringify(r.dynamodb!.Keys).includes(live));
    expect(records).toHaveLength(1);
    expect(records[0].userIdentity).toBeUndefined();
    expect((await archiveBatch(records, deps)).outcomes).toEqual(['rescued']);
    const audit = await deps.audit.search({ day: clock.now().toISOString().slice(0, 10), reference: live });
    expect(audit.map((a) => a.operation)).toContain('deleteOutsideArchival');
    expect((await deps.archive.parts(live)).map((p) => p.SK)).toEqual([history.SK]);

    const report = await reconcile(deps, [2026]);
    expect(report).toMatchObject({ registered: 4, archived: 3, inTable: 1, missing: [] });
    // The live complaint lost a history entry: its digest no longer matches.
    expect(report.mismatched).toEqual([{ reference: live, reason: 'history in the table does not match its digest' }]);
  });

  it('issue 21: an erasure between two deliveries of a removed complaint stays done - the re-delivered original images are archived redacted only', async () => {
    const ref = await registered();
    const name = `Customer ${n}`;
    await closeComplaint({ reference: ref }, stepDeps());
    clock.advance((HOT_SECONDS + 1) * 1000);
    await ttl.sweep();
    const records = (await streamRecords()).filter((r) => r.eventName === 'REMOVE' && JSON.stringify(r.dynamodb!.Keys).includes(ref));
    expect(records).toHaveLength(7);
    // The batch with the complaint item comes first: staged (its messages are not there yet), unredacted.
    const meta = records.filter((r) => JSON.stringify(r.dynamodb!.Keys).includes('META'));
    expect((await archiveBatch(meta, deps)).outcomes).toEqual(['staged']);
    expect(JSON.stringify(await deps.archive.parts(ref))).toContain(name);

    const admin = { id: 'ada', name: 'Ada', roles: ['admin' as const], department: 'it' };
    const erased = await eraseCustomerData({ ...deps, pseudonymKey: 'k' }, admin, ref, { basis: 'gdpr-art-17' });
    expect(erased.erasedIn).toEqual(['staging']);
    expect((await repo.ledgerEntry(ref))?.erasure).toMatchObject({ by: 'ada', basis: 'gdpr-art-17', pseudonym: erased.pseudonym });

    // Every record again, twice (the original images, with the customer's name and address in them).
    for (let i = 0; i < 2; i++) expect((await archiveBatch(records, deps)).failed).toEqual([]);
    const ledger = (await repo.ledgerEntry(ref))!;
    expect(ledger.archiveKey).toMatch(/^erased\//);
    expect(ledger.erasedKey).toBe(ledger.archiveKey);
    const record = (await deps.archive.getRecord(ledger.archiveKey!))!;
    expect(verifyRecord(record)).toEqual({ ok: true });
    expect(record.erasure?.basis).toBe('gdpr-art-17');
    expect(record.complaint.complainant).toEqual({ anonymous: false, name: erased.pseudonym });
    expect(JSON.stringify(record)).not.toMatch(new RegExp(`${name}|c${n}@example\\.com`));
    // No original was ever written for it, and nothing waits in staging.
    expect((await archiveObjects()).filter((k) => k.includes(ref))).toEqual([]);
    expect(await deps.archive.stagedParts(ref)).toEqual([]);
  });

  it("why the local TTL: DynamoDB Local's own TTL job deletes expired items of a table without indexes, never those of this table", async () => {
    const plain = 'ttl-without-indexes';
    await ddb.send(
      new CreateTableCommand({
        TableName: plain,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: 'S' },
        ],
      }),
    );
    await ddb.send(new UpdateTimeToLiveCommand({ TableName: plain, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }));
    // Expired a second ago on the wall clock, the one DynamoDB Local's job reads.
    const item = { PK: { S: 'PROBE' }, SK: { S: 'PROBE' }, expiresAt: { N: String(Math.floor(Date.now() / 1000) - 1) } };
    await ddb.send(new PutItemCommand({ TableName: plain, Item: item }));
    await ddb.send(new PutItemCommand({ TableName: TABLE, Item: item }));
    await eventually(
      async () => !(await ddb.send(new GetItemCommand({ TableName: plain, Key: { PK: item.PK, SK: item.SK } }))).Item,
      120_000,
      "DynamoDB Local's TTL job on a plain table",
    );
    // Two more expired items, put in both tables one after the other, each once the job has removed
    // the one before from the plain table: the pass that removes the last one started after the
    // one before had ended, so it went over our table whole with every probe in it (it passes
    // over both tables each time). Ours still holds them all (no wall-clock wait, issue 23).
    const probes = [item];
    for (const sk of ['PROBE-2', 'PROBE-3']) {
      const next = { ...item, SK: { S: sk } };
      probes.push(next);
      await ddb.send(new PutItemCommand({ TableName: TABLE, Item: next }));
      await ddb.send(new PutItemCommand({ TableName: plain, Item: next }));
      await eventually(
        async () => !(await ddb.send(new GetItemCommand({ TableName: plain, Key: { PK: next.PK, SK: next.SK } }))).Item,
        120_000,
        `DynamoDB Local's TTL job removing ${sk} from the plain table`,
      );
    }
    for (const probe of probes) {
      const kept = (await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { PK: probe.PK, SK: probe.SK } }))).Item;
      expect(kept, probe.SK.S).toEqual(probe);
    }
  }, 240_000);
});
