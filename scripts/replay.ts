/**
 * The operator's replay of a stream consumer's failure queue, on AWS and locally alike:
 *
 *   npm run replay -- --queue <name or URL> [--dry-run] [--json]
 *
 * Reads the queue (SQS) with the AWS SDK v3. Each message is what Lambda puts there when an
 * event source mapping gives up on a batch: the function, the stream, the shard and the first
 * and last sequence numbers - not the records. The records are read again from the table's
 * stream (DynamoDB Streams keeps them 24 hours), those the consumer's filters pass are handed
 * to that same function (Lambda Invoke, the event the mapping would have sent), which runs them
 * through the same use case; consumers are idempotent, so a record already applied changes
 * nothing. A message whose records all went through is deleted; any other stays for the next
 * run. Reports every record: replayed, skipped (not the consumer's, as the mapping's filters
 * would skip it) or failed (the function reported it, or the stream no longer has it - after
 * 24 h: the point-in-time recovery runbook in infra/README.md). `--dry-run` reads and reports,
 * hands nothing over and deletes nothing. Exit code 1 when anything failed.
 *
 * Where: the SDK's own configuration - AWS_REGION / AWS_PROFILE and the operator's credentials
 * on AWS; against the local runtime, its endpoints (printed by `npm start`):
 *   AWS_ENDPOINT_URL_SQS=<sqs> AWS_ENDPOINT_URL_DYNAMODB_STREAMS=<dynamodb> AWS_ENDPOINT_URL_LAMBDA=<api>
 * (`npm run replay-parked` replays the local runtime's parked records by its own endpoint.)
 */
import { DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { matchesFilter, STREAM_CONSUMERS } from '../functions/functions.ts';
import { toLambdaRecord } from '../local/emulators/streams.ts';

interface BatchFailure {
  requestContext?: { functionArn?: string };
  DDBStreamBatchInfo?: { shardId: string; startSequenceNumber: string; endSequenceNumber: string; streamArn: string };
}
type Outcome = 'replayed' | 'skipped' | 'failed' | 'would-replay';
interface Line {
  message: string;
  outcome: Outcome;
  sequenceNumber?: string;
  event?: string;
  keys?: string;
  reason?: string;
}

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const queue = value('--queue');
if (!queue) {
  console.error('Usage: npm run replay -- --queue <name or URL> [--dry-run] [--json]');
  process.exit(2);
}
const dryRun = flag('--dry-run');

// The endpoint the SDK resolves (AWS's, or AWS_ENDPOINT_URL_SQS), not the queue URL's host: a local SQS may name queues by a host of its own.
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const streams = new DynamoDBStreamsClient({});
const lambda = new LambdaClient({});

const functionName = (arn: string) => arn.split(':function:').pop()!.split(':')[0];
const keysOf = (r: StreamRecord) => `${r.dynamodb?.Keys?.PK?.S ?? ''} ${r.dynamodb?.Keys?.SK?.S ?? ''}`.trim();
const GONE = new Set(['TrimmedDataAccessException', 'ExpiredIteratorException', 'ResourceNotFoundException']);

/** The batch's records, read again from the stream (from its first sequence number to its last). */
async function batchRecords(info: NonNullable<BatchFailure['DDBStreamBatchInfo']>): Promise<StreamRecord[]> {
  const last = BigInt(info.endSequenceNumber);
  let iterator = (
    await streams.send(
      new GetShardIteratorCommand({
        StreamArn: info.streamArn,
        ShardId: info.shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        SequenceNumber: info.startSequenceNumber,
      }),
    )
  ).ShardIterator;
  const out: StreamRecord[] = [];
  for (let page = 0; iterator && page < 1000; page++) {
    const r = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
    for (const rec of r.Records ?? []) {
      if (BigInt(rec.dynamodb!.SequenceNumber!) > last) return out;
      out.push(rec);
    }
    // An open shard answers empty pages at its end.
    if (!r.Records?.length) return out;
    iterator = r.NextShardIterator;
  }
  return out;
}

async function replayMessage(m: Message): Promise<Line[]> {
  const id = m.MessageId ?? '?';
  let body: BatchFailure;
  try {
    body = JSON.parse(m.Body ?? '');
  } catch {
    return [{ message: id, outcome: 'failed', reason: 'not JSON: not a stream failure record' }];
  }
  const info = body.DDBStreamBatchInfo;
  const arn = body.requestContext?.functionArn;
  if (!info || !arn) return [{ message: id, outcome: 'failed', reason: 'no DDBStreamBatchInfo / functionArn: not a stream failure record' }];
  const fn = functionName(arn);
  const consumer = STREAM_CONSUMERS.find((c) => c.fn === fn);
  if (!consumer) return [{ message: id, outcome: 'failed', reason: `${fn} is not a stream consumer of this product` }];
  let records: StreamRecord[];
  try {
    records = await batchRecords(info);
  } catch (e) {
    if (!GONE.has((e as Error).name)) throw e;
    return [
      {
        message: id,
        outcome: 'failed',
        sequenceNumber: info.startSequenceNumber,
        reason: `the stream no longer has these records (${(e as Error).name}; kept 24 h): see "After 24 hours" in infra/README.md`,
      },
    ];
  }
  if (!records.length)
    return [
      {
        message: id,
        outcome: 'failed',
        sequenceNumber: info.startSequenceNumber,
        reason: 'the stream no longer has these records (kept 24 h): see infra/README.md',
      },
    ];
  const line = (r: StreamRecord, outcome: Outcome, reason?: string): Line => ({
    message: id,
    outcome,
    sequenceNumber: r.dynamodb?.SequenceNumber,
    event: r.eventName,
    keys: keysOf(r),
    ...(reason ? { reason } : {}),
  });
  // As the mapping's filters: a record the consumer was never given is not replayed to it.
  const mine = records.filter((r) => consumer.filters.some((f) => matchesFilter(f, r.eventName, r.dynamodb?.Keys?.PK?.S ?? '', r.dynamodb?.Keys?.SK?.S ?? '')));
  const lines = records.filter((r) => !mine.includes(r)).map((r) => line(r, 'skipped', `not passed by ${fn}'s filters`));
  if (!mine.length) return lines;
  if (dryRun) return [...lines, ...mine.map((r) => line(r, 'would-replay'))];
  const region = info.streamArn.split(':')[3];
  const out = await lambda.send(
    new InvokeCommand({ FunctionName: arn, Payload: JSON.stringify({ Records: mine.map((r) => toLambdaRecord(r, region, info.streamArn)) }) }),
  );
  const payload = out.Payload?.length ? JSON.parse(Buffer.from(out.Payload).toString('utf8')) : null;
  if (out.FunctionError) return [...lines, ...mine.map((r) => line(r, 'failed', `${fn} failed: ${payload?.errorType ?? out.FunctionError}`))];
  const failed = new Set<string>((payload?.batchItemFailures ?? []).map((f: { itemIdentifier: string }) => f.itemIdentifier));
  return [...lines, ...mine.map((r) => (failed.has(r.dynamodb!.SequenceNumber!) ? line(r, 'failed', `${fn} reported it failed again`) : line(r, 'replayed')))];
}

const QueueUrl = /^https?:\/\//.test(queue) ? queue : (await sqs.send(new GetQueueUrlCommand({ QueueName: queue }))).QueueUrl!;
const lines: Line[] = [];
const seen = new Set<string>();
for (;;) {
  // Each message is hidden while this run works on it (5 minutes); one that failed comes back then.
  // A dry run leaves every message visible (visibility 0) and stops when the queue brings no new one.
  const page = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: dryRun ? 0 : 300, WaitTimeSeconds: 0 }));
  const fresh = (page.Messages ?? []).filter((m) => !seen.has(m.MessageId!));
  if (!fresh.length) break;
  for (const m of fresh) {
    seen.add(m.MessageId!);
    const done = await replayMessage(m);
    lines.push(...done);
    // Deleted only once every record of it went through (or was not the consumer's).
    if (!dryRun && done.every((l) => l.outcome !== 'failed')) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
  }
}
const count = (o: Outcome) => lines.filter((l) => l.outcome === o).length;
const summary = {
  queue,
  dryRun,
  messages: seen.size,
  replayed: count('replayed'),
  skipped: count('skipped'),
  failed: count('failed'),
  ...(dryRun ? { wouldReplay: count('would-replay') } : {}),
};
if (flag('--json')) console.log(JSON.stringify({ ...summary, records: lines }));
else {
  for (const l of lines)
    console.log(`  ${l.outcome.padEnd(12)} ${l.sequenceNumber ?? ''} ${l.event ?? ''} ${l.keys ?? ''}${l.reason ? `  (${l.reason})` : ''}`);
  console.log(
    `${queue}: ${seen.size} message(s); replayed ${summary.replayed} | skipped ${summary.skipped} | failed ${summary.failed}${dryRun ? ` | would replay ${summary.wouldReplay} (dry run: nothing handed over or deleted)` : ''}`,
  );
}
sqs.destroy();
streams.destroy();
lambda.destroy();
process.exit(summary.failed ? 1 : 0);
