/**
 * Issue 21, gap 3: `npm run replay -- --queue <name> [--dry-run]` against the local runtime, by
 * configuration only. The relay is down: DeliverMessages gives up on an acknowledgement's
 * record, and the local event source mapping puts Lambda's on-failure record (shard and
 * sequence numbers, not the record) on the consumer's SQS failure queue. The command, run as
 * an operator runs it (a child process, the SDK pointed at the runtime's SQS, DynamoDB Streams
 * and Lambda endpoints), reads the queue: a dry run reports and changes nothing; the replay reads
 * the records back from the stream, hands them to DeliverMessages through Lambda's Invoke API,
 * and deletes the message - the acknowledgement is sent once; a second run finds nothing.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { clients, eventually, validComplaint } from '../support/clients.ts';

const api = inject('apiUrl');
const TABLE = inject('tableName');
const { ddb } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const ROOT = join(import.meta.dirname, '..', '..');

async function local(method: string, path: string, body?: unknown) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
}
afterEach(async () => {
  await local('DELETE', '/__local/faults');
});

interface Report {
  messages: number;
  replayed: number;
  skipped: number;
  failed: number;
  wouldReplay?: number;
  records: { outcome: string; keys?: string; event?: string }[];
}
/** The command as an operator runs it: nothing but the SDK's configuration points it at the runtime. */
async function replay(...args: string[]): Promise<{ code: number; report: Report }> {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_REGION: inject('awsRegion'),
    AWS_ACCESS_KEY_ID: 'operator',
    AWS_SECRET_ACCESS_KEY: 'operator',
    AWS_ENDPOINT_URL_SQS: inject('sqsEndpoint'),
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: inject('dynamoEndpoint'),
    AWS_ENDPOINT_URL_LAMBDA: api,
  };
  const run = promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/replay.ts', '--queue', 'DeliverMessages-failures', '--json', ...args], {
    cwd: ROOT,
    env,
  });
  const out = await run.then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
  const line = out.stdout.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) throw new Error(`npm run replay printed no report (exit ${out.code}): ${JSON.stringify(out)}`);
  return { code: out.code, report: JSON.parse(line) };
}

const messagesOf = async (reference: string) =>
  (
    await ddb.send(
      new QueryCommand({
        TableName: TABLE,
        ConsistentRead: true,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :m)',
        ExpressionAttributeValues: { ':pk': `COMPLAINT#${reference}`, ':m': 'MSG#' },
      }),
    )
  ).Items ?? [];

describe('npm run replay (issue 21)', () => {
  it('reads the failure queue, re-drives the records through the same consumer once, and reports; a dry run changes nothing', {
    timeout: 240_000,
  }, async () => {
    // Messages earlier files left on the queue are replayed too (consumers are idempotent); only this complaint's records are checked.
    await local('POST', '/__local/faults', { rules: [{ target: 'smtp', errors: ['ServiceUnavailable'] }], seed: 21 });
    const complaint = validComplaint();
    const submitted = await fetch(`${api}/api/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `replay-${process.pid}` },
      body: JSON.stringify(complaint),
    });
    expect(submitted.status).toBe(201);
    const { reference } = (await submitted.json()) as { reference: string };
    const mine = (r: Report) => r.records.filter((l) => l.keys?.startsWith(`COMPLAINT#${reference} MSG#`));
    await eventually(
      async () => ((await local('GET', '/__local/streams/parked')) as { consumer: string; keys: any }[]).some((p) => p.keys.PK.S === `COMPLAINT#${reference}`),
      60_000,
      'the acknowledgement given up on',
    );
    await local('DELETE', '/__local/faults'); // the operator fixed the relay

    const dry = await replay('--dry-run');
    expect(dry.code).toBe(0);
    expect(mine(dry.report).map((l) => l.outcome)).toEqual(['would-replay']);
    expect(dry.report.replayed).toBe(0);
    expect((await messagesOf(reference)).find((m) => m.kind === 'acknowledgement')?.status).toBe('queued');

    const real = await replay();
    expect(real.code).toBe(0);
    expect(real.report.failed).toBe(0);
    expect(mine(real.report)).toEqual([expect.objectContaining({ outcome: 'replayed', event: 'INSERT' })]);
    expect((await messagesOf(reference)).find((m) => m.kind === 'acknowledgement')?.status).toBe('sent');

    // The queue is empty now; and the parked copy, replayed by the local runtime's own route, sends nothing twice.
    expect((await replay()).report).toMatchObject({ messages: 0, replayed: 0, failed: 0 });
    await local('POST', '/__local/streams/replay');
    const listed = (await local('GET', '/__local/mail')) as { url: string }[];
    const raw = await Promise.all(listed.map(async (m) => (await fetch(`${api}${m.url}`)).text()));
    expect(raw.filter((r) => r.includes(complaint.complainant.contact.email))).toHaveLength(1);
  });
});
