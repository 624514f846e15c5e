/**
 * The local event source mapping: polls the table's DynamoDB stream (DynamoDB Local writes
 * one, TTL deletions included) and hands batches to the consumers of STREAM_CONSUMERS, with
 * the same filters the CDK stack gives the Lambda event source mappings. At-least-once, like
 * Lambda: a batch whose handler throws is retried (after a pause) before the checkpoint moves;
 * a handler may report `batchItemFailures`, and the batch is retried from the first failed
 * record. Checkpoints persist in the data directory, so a restart resumes where it stopped.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { matchesFilter, type StreamConsumer } from '../../functions/functions.ts';

export interface StreamPollerOptions {
  endpoint: string;
  region: string;
  tableName: string;
  consumers: StreamConsumer[];
  invoke: (fn: string, event: unknown) => Promise<unknown>;
  checkpointFile: string;
  intervalMs?: number;
  log?: (line: string) => void;
  /** Whether a REMOVE record is a TTL deletion of the local TTL (local/emulators/ttl.ts). */
  deletedByTtl?: (keys: Record<string, AttributeValue> | undefined, oldImage: Record<string, AttributeValue> | undefined) => boolean;
  /**
   * Whether the local TTL is deleting items now. A consumer with a batching window (its `batch`)
   * is handed nothing meanwhile: the removals of a pass come in whole batches, as the window
   * gathers them on AWS, instead of a few at each poll.
   */
  ttlSweeping?: () => boolean;
  /** The on-failure destination: told of each record given up on (its shard and sequence number), as Lambda tells the failure queue on AWS. */
  onFailure?: (fn: string, failure: { streamArn: string; shardId: string; sequenceNumber: string; attempts: number }) => Promise<void>;
}

/** Whether a record reaches a reader: it passes one of the reader's filters (Lambda's filter criteria are OR-ed). */
export function matches(c: StreamConsumer, r: StreamRecord): boolean {
  const sk = r.dynamodb?.Keys?.SK?.S ?? '';
  const pk = r.dynamodb?.Keys?.PK?.S ?? '';
  return c.filters.some((f) => matchesFilter(f, r.eventName, pk, sk));
}

/**
 * TTL deletions in the service's shape: eventName REMOVE with userIdentity {type: Service,
 * principalId: dynamodb.amazonaws.com}. Two sources locally: the local TTL (local/emulators/ttl.ts),
 * whose deletions are plain REMOVE records it remembers; and DynamoDB Local's own TTL job
 * (on tables it can handle), which writes the event name "UNKNOWN_TO_SDK_VERSION" (its SDK's
 * fallback for an enum value) without `userIdentity`. A user's DeleteItem is a plain REMOVE
 * without userIdentity, as on AWS. (Checked: test/integration/archival.test.ts.)
 */
export function asService(r: StreamRecord, deletedByTtl?: StreamPollerOptions['deletedByTtl']): StreamRecord {
  const name = r.eventName as string | undefined;
  const service = { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' };
  if (name === 'REMOVE' && !r.userIdentity && deletedByTtl?.(r.dynamodb?.Keys as never, r.dynamodb?.OldImage as never)) return { ...r, userIdentity: service };
  if (name === 'REMOVE' || name === 'INSERT' || name === 'MODIFY') return r;
  if (r.dynamodb?.OldImage && !r.dynamodb.NewImage) return { ...r, eventName: 'REMOVE', userIdentity: service };
  return r;
}

/** The record as a Lambda receives it (the DynamoDB stream event's record, as in the Lambda developer guide). */
export function toLambdaRecord(r: StreamRecord, region: string, streamArn: string) {
  const d = r.dynamodb ?? {};
  return {
    eventID: r.eventID,
    eventVersion: r.eventVersion ?? '1.1',
    eventName: r.eventName,
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: streamArn,
    // The Streams API says {Type, PrincipalId}; Lambda hands the record over as {type, principalId}.
    ...(r.userIdentity ? { userIdentity: { type: r.userIdentity.Type, principalId: r.userIdentity.PrincipalId } } : {}),
    dynamodb: {
      ApproximateCreationDateTime:
        d.ApproximateCreationDateTime === undefined
          ? undefined
          : d.ApproximateCreationDateTime instanceof Date
            ? d.ApproximateCreationDateTime.getTime() / 1000
            : Number(d.ApproximateCreationDateTime),
      Keys: d.Keys,
      NewImage: d.NewImage,
      OldImage: d.OldImage,
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
  };
}

/**
 * GetRecords as Lambda's event source mapping reads it: the wire JSON, untouched. (The SDK's
 * deserializer turns an empty map or list attribute, {"M":{}} or {"L":[]}, into {}, which
 * no longer says what it was; Lambda hands the records over as they came.)
 */
export async function getRecordsRaw(endpoint: string, iterator: string, limit = 100): Promise<{ Records?: StreamRecord[]; NextShardIterator?: string }> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDBStreams_20120810.GetRecords',
      // DynamoDB Local checks that a request is signed, not the signature.
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=local',
    },
    body: JSON.stringify({ ShardIterator: iterator, Limit: limit }),
  });
  const body = (await res.json()) as { Records?: StreamRecord[]; NextShardIterator?: string; __type?: string; message?: string };
  if (!res.ok) {
    const type =
      String(body.__type ?? '')
        .split('#')
        .pop() ?? '';
    const opts = { message: body.message ?? type, $metadata: {} };
    if (type === 'ExpiredIteratorException') throw new ExpiredIteratorException(opts);
    if (type === 'TrimmedDataAccessException') throw new TrimmedDataAccessException(opts);
    throw Object.assign(new Error(`GetRecords failed: ${type} ${body.message ?? ''}`), { name: type || 'StreamsError' });
  }
  for (const r of body.Records ?? []) {
    const d = r.dynamodb as Record<string, unknown> | undefined;
    if (!d) continue;
    for (const image of ['Keys', 'NewImage', 'OldImage']) if (d[image]) d[image] = repairImage(d[image] as Record<string, unknown>);
  }
  return body;
}

/**
 * DynamoDB Local writes an empty map attribute to its stream as {} instead of {"M":{}} (its
 * GetItem answers {"M":{}}; so does the service's stream). Put it back, at any depth.
 */
function repairValue(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v;
  const av = v as Record<string, unknown>;
  if (Object.keys(av).length === 0) return { M: {} };
  if (av.M) return { M: repairImage(av.M as Record<string, unknown>) };
  if (Array.isArray(av.L)) return { L: av.L.map(repairValue) };
  return av;
}
function repairImage(image: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, repairValue(v)]));
}

export class StreamPoller {
  private readonly streams: DynamoDBStreamsClient;
  private readonly ddb: DynamoDBClient;
  /** checkpoints[consumer][streamArn][shardId] = last handled sequence number. */
  private checkpoints: Record<string, Record<string, Record<string, string>>> = {};
  private readonly iterators = new Map<string, string | undefined>();
  private readonly attempts = new Map<string, number>();
  private stopped = false;
  private loop?: Promise<void>;
  private readonly wakers = new Set<() => void>();
  /** An operator's replay in progress: polls wait for it. */
  private replaying: Promise<unknown> | undefined;
  /** The last description of the stream (streamShards). */
  private described?: { at: number; value: Promise<{ streamArn: string; shardIds: string[] }> };
  /** The pass each consumer is in, if any. */
  private readonly turns = new Map<string, Promise<number>>();

  constructor(private readonly o: StreamPollerOptions) {
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    this.streams = new DynamoDBStreamsClient({ endpoint: o.endpoint, region: o.region, credentials });
    this.ddb = new DynamoDBClient({ endpoint: o.endpoint, region: o.region, credentials });
    if (existsSync(o.checkpointFile)) this.checkpoints = JSON.parse(readFileSync(o.checkpointFile, 'utf8'));
  }

  private save(): void {
    mkdirSync(dirname(this.o.checkpointFile), { recursive: true });
    // Write-and-rename: a crash mid-write leaves the previous checkpoints, never a torn file.
    writeFileSync(`${this.o.checkpointFile}.tmp`, JSON.stringify(this.checkpoints));
    renameSync(`${this.o.checkpointFile}.tmp`, this.o.checkpointFile);
  }

  private parkedFile(fn: string): string {
    return join(dirname(this.o.checkpointFile), `failed-${fn}.jsonl`);
  }

  private readParked(fn: string): ParkedRecord[] {
    const file = this.parkedFile(fn);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .flatMap((l) => {
        try {
          return [{ consumer: fn, ...JSON.parse(l) } as ParkedRecord];
        } catch {
          return [];
        } // a torn last line from a crash
      });
  }

  /** Records the consumers gave up on (the on-failure destination), oldest first: what an operator looks at. */
  parked(): { consumer: string; at: string; attempts: number; eventName: string; sequenceNumber: string; keys: unknown }[] {
    const dir = dirname(this.o.checkpointFile);
    if (!existsSync(dir)) return [];
    const fns = readdirSync(dir).flatMap((f) => /^failed-(\w+)\.jsonl$/.exec(f)?.[1] ?? []);
    return fns
      .flatMap((fn) => this.readParked(fn))
      .map((p) => ({
        consumer: p.consumer,
        at: p.at,
        attempts: p.attempts,
        eventName: String(p.record.eventName),
        sequenceNumber: p.record.dynamodb.SequenceNumber,
        keys: p.record.dynamodb.Keys,
      }));
  }

  /**
   * The operator's replay (after fixing the cause): hands each parked record to its consumer
   * again, one at a time; those that succeed leave the parking file, the others stay. Runs
   * between polls, never beside one. Consumers are idempotent, so a replayed record that had
   * partly succeeded does nothing twice.
   */
  async replayParked(consumer?: string): Promise<{ replayed: number; stillFailing: number }> {
    while (this.replaying) await this.replaying;
    // Between polls: every consumer's pass in flight ends first.
    await Promise.all([...this.turns.values()].map((t) => t.catch(() => 0)));
    const run = (async () => {
      let replayed = 0;
      let stillFailing = 0;
      for (const c of this.o.consumers.filter((x) => !consumer || x.fn === consumer)) {
        const keep: ParkedRecord[] = [];
        for (const p of this.readParked(c.fn)) {
          let ok = false;
          try {
            const out = (await this.o.invoke(c.fn, { Records: [p.record] })) as { batchItemFailures?: unknown[] } | null;
            ok = !out?.batchItemFailures?.length;
          } catch {
            ok = false;
          }
          if (ok) replayed++;
          else {
            stillFailing++;
            keep.push(p);
          }
        }
        if (!existsSync(this.parkedFile(c.fn))) continue;
        const file = this.parkedFile(c.fn);
        writeFileSync(`${file}.tmp`, keep.map(({ consumer: _, ...p }) => `${JSON.stringify(p)}\n`).join(''));
        renameSync(`${file}.tmp`, file);
      }
      this.o.log?.(`Replayed ${replayed} parked stream record(s); ${stillFailing} still failing`);
      return { replayed, stillFailing };
    })();
    this.replaying = run
      .then(
        () => 0,
        () => 0,
      )
      .finally(() => {
        this.replaying = undefined;
      });
    return run;
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.wakers) wake();
    await this.loop;
  }

  /** Waits until every record written so far has been handled (tests, benchmarks). */
  async drain(timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if ((await this.pollOnce()) === 0) return;
    }
  }

  /** One pass of every consumer over every shard; returns the number of records handled. A consumer already in a pass is awaited, not run twice. */
  async pollOnce(): Promise<number> {
    while (this.replaying) await this.replaying;
    return this.pass();
  }

  /** One pass of one consumer over every shard (its own reading of the stream). */
  private async consumerPass(consumer: StreamConsumer): Promise<number> {
    const { streamArn, shardIds } = await this.streamShards();
    let handled = 0;
    for (const shardId of shardIds) handled += await this.shardPass(consumer, streamArn, shardId);
    return handled;
  }

  /**
   * The table's stream and its shards, described once for all the consumers' passes that start
   * within a second of each other (not twice per consumer per pass: DynamoDB Local spends its CPU
   * on each Describe, every 250 ms while idle).
   */
  private streamShards(): Promise<{ streamArn: string; shardIds: string[] }> {
    const now = Date.now();
    if (!this.described || now - this.described.at > 1000) {
      const value = (async () => {
        const table = await this.ddb.send(new DescribeTableCommand({ TableName: this.o.tableName }));
        const streamArn = table.Table?.LatestStreamArn;
        if (!streamArn) return { streamArn: '', shardIds: [] };
        const desc = await this.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
        return { streamArn, shardIds: (desc.StreamDescription?.Shards ?? []).map((sh) => sh.ShardId!) };
      })();
      // A failed description is not reused.
      value.catch(() => {
        if (this.described?.value === value) this.described = undefined;
      });
      this.described = { at: now, value };
    }
    return this.described.value;
  }

  /**
   * A consumer's pass, never two of the same consumer at once (the background loop and a
   * drain share it). Consumers run beside each other, as Lambda's event source mappings do:
   * one that is slow (TableChanges' workflow starts riding out Step Functions throttling) or failing holds
   * back only itself.
   */
  private consumerTurn(consumer: StreamConsumer): Promise<number> {
    let turn = this.turns.get(consumer.fn);
    if (!turn) {
      turn = this.consumerPass(consumer).finally(() => this.turns.delete(consumer.fn));
      this.turns.set(consumer.fn, turn);
    }
    return turn;
  }

  private async pass(): Promise<number> {
    const handled = await Promise.all(this.o.consumers.map((c) => this.consumerTurn(c)));
    return handled.reduce((a, b) => a + b, 0);
  }

  private async shardPass(c: StreamConsumer, streamArn: string, shardId: string): Promise<number> {
    if (c.batch && this.o.ttlSweeping?.()) return 0;
    const key = `${c.fn}|${streamArn}|${shardId}`;
    let iterator = this.iterators.get(key);
    if (iterator === undefined && !this.iterators.has(key)) {
      const after = this.checkpoints[c.fn]?.[streamArn]?.[shardId];
      try {
        iterator = (
          await this.streams.send(
            new GetShardIteratorCommand({
              StreamArn: streamArn,
              ShardId: shardId,
              ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
            }),
          )
        ).ShardIterator;
      } catch (e) {
        if (!(e instanceof TrimmedDataAccessException)) throw e;
        iterator = (await this.streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' })))
          .ShardIterator;
      }
    }
    if (!iterator) return 0; // closed and fully read
    let out: Awaited<ReturnType<typeof getRecordsRaw>>;
    try {
      out = await getRecordsRaw(this.o.endpoint, iterator, 100);
    } catch (e) {
      if (e instanceof ExpiredIteratorException) {
        this.iterators.delete(key);
        return 0;
      }
      throw e;
    }
    const records = (out.Records ?? []).map((r) => asService(r, this.o.deletedByTtl));
    const done = await this.dispatch(c, records, streamArn, shardId);
    const last = done > 0 ? records[done - 1].dynamodb!.SequenceNumber! : undefined;
    if (last) this.checkpoint(c.fn, streamArn, shardId, last);
    if (done < records.length) {
      // Retry from the first unhandled record next time (a fresh iterator after the checkpoint).
      this.iterators.delete(key);
      if (!last) this.iterators.delete(key);
    } else {
      this.iterators.set(key, out.NextShardIterator);
    }
    return done;
  }

  private checkpoint(fn: string, streamArn: string, shardId: string, seq: string): void {
    this.checkpoints[fn] ??= {};
    this.checkpoints[fn][streamArn] ??= {};
    this.checkpoints[fn][streamArn][shardId] = seq;
    this.save();
  }

  /**
   * Hands the matching records to the consumer; returns how many records (from the start of
   * the batch) are done. A record that keeps failing is parked after MAX_ATTEMPTS in the
   * consumer's failure file (the on-failure destination on AWS) so the shard moves on.
   */
  private async dispatch(c: StreamConsumer, records: StreamRecord[], streamArn: string, shardId: string): Promise<number> {
    const mine = records.map((r, i) => ({ r, i })).filter(({ r }) => matches(c, r));
    if (!mine.length) return records.length;
    let failedAt: number | undefined;
    try {
      const result = (await this.o.invoke(c.fn, { Records: mine.map(({ r }) => toLambdaRecord(r, this.o.region, streamArn)) })) as {
        batchItemFailures?: { itemIdentifier: string }[];
      } | null;
      const failed = result?.batchItemFailures?.map((f) => f.itemIdentifier) ?? [];
      failedAt = mine.find(({ r }) => failed.includes(r.dynamodb!.SequenceNumber!))?.i;
    } catch (e) {
      this.o.log?.(`Stream consumer ${c.fn} failed (${(e as Error).name}); the batch will be retried`);
      failedAt = mine[0].i;
    }
    if (failedAt === undefined) return records.length;
    const seq = records[failedAt].dynamodb!.SequenceNumber!;
    const key = `${c.fn}|${seq}`;
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    if (n < MAX_ATTEMPTS) return failedAt;
    this.attempts.delete(key);
    const parked = this.parkedFile(c.fn);
    appendFileSync(
      parked,
      `${JSON.stringify({ at: new Date().toISOString(), attempts: n, record: toLambdaRecord(records[failedAt], this.o.region, streamArn) })}\n`,
    );
    this.o.log?.(`Stream consumer ${c.fn}: record ${seq} failed ${n} times; parked in ${parked}`);
    await this.o.onFailure?.(c.fn, { streamArn, shardId, sequenceNumber: seq, attempts: n }).catch((e: Error) => {
      this.o.log?.(`Stream consumer ${c.fn}: the failure queue refused record ${seq} (${e.name}); it stays parked`);
    });
    return failedAt + 1;
  }

  /** The background polling: one loop per consumer, each waiting only for its own work. */
  private async run(): Promise<void> {
    await Promise.all(
      this.o.consumers.map(async (c) => {
        while (!this.stopped) {
          let n = 0;
          try {
            // An operator's replay runs between polls, never beside one.
            while (this.replaying) await this.replaying;
            n = await this.consumerTurn(c);
          } catch (e) {
            this.o.log?.(`Stream poll failed (${c.fn}): ${(e as Error).name}`);
          }
          if (n > 0 || this.stopped) continue;
          await new Promise<void>((r) => {
            const done = () => {
              this.wakers.delete(done);
              r();
            };
            this.wakers.add(done);
            setTimeout(done, this.o.intervalMs ?? 250).unref();
          });
        }
      }),
    );
  }
}

interface ParkedRecord {
  consumer: string;
  at: string;
  attempts: number;
  record: ReturnType<typeof toLambdaRecord> & { dynamodb: { SequenceNumber: string; Keys: unknown } };
}

/** Attempts before a record is parked (the event source mappings retry 10 times on AWS). */
const MAX_ATTEMPTS = 10;
