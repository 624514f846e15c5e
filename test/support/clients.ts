/** SDK clients and small helpers for tests that talk to a running local runtime. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export function clients(e: { dynamoEndpoint: string; sfnEndpoint: string; awsRegion: string }) {
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: e.dynamoEndpoint, region: e.awsRegion, credentials }));
  const sfn = new SFNClient({ endpoint: e.sfnEndpoint, region: e.awsRegion, credentials });
  return { ddb, sfn };
}

export async function countComplaints(ddb: DynamoDBDocumentClient, table: string, filter?: (item: Record<string, unknown>) => boolean): Promise<number> {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ddb.send(
      new ScanCommand({ TableName: table, FilterExpression: 'SK = :m', ExpressionAttributeValues: { ':m': 'META' }, ExclusiveStartKey: start }),
    );
    n += (out.Items ?? []).filter((i) => !filter || filter(i)).length;
    start = out.LastEvaluatedKey;
  } while (start);
  return n;
}

export async function getTask(ddb: DynamoDBDocumentClient, table: string, reference: string) {
  const out = await ddb.send(new GetCommand({ TableName: table, Key: { PK: `COMPLAINT#${reference}`, SK: 'TASK' }, ConsistentRead: true }));
  return out.Item as { stage: string; taskToken: string; executionName: string } | undefined;
}

/** Polls a condition (no fixed sleeps): resolves as soon as it holds, fails after `ms`. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, ms = 120_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

let customerSeq = 0;
/** A valid complaint from a new customer each time (the same customer's repeats are merged). */
export const validComplaint = (over: Record<string, unknown> = {}) => ({
  language: 'en',
  complainant: { name: 'Test Customer', contact: { email: `customer+${process.pid}-${++customerSeq}@example.com` } },
  matter: { description: 'I was charged an annual fee I never agreed to', demand: 'Refund the fee' },
  businessLine: 'cards',
  amount: { value: 120.5, currency: 'CNY' },
  consent: { personalData: true },
  ...over,
});
