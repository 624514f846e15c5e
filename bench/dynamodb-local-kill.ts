/**
 * `npm run bench:ddb-kill`: does DynamoDB Local keep what it acknowledged when its JVM is killed?
 * Six writers send three-item TransactWriteItems (new items, conditional puts) to DynamoDB Local
 * persisting to a folder; after 0.7-2.2 s its JVM gets the signal (KILL_SIGNAL, SIGKILL by
 * default; SIGTERM to compare), it is started again on the same folder, and so on for CYCLES
 * cycles. Then every transaction is checked: all of its items or none (atomicity), and every
 * acknowledged one present (durability).
 *
 * Why it exists: the crash test (test/e2e/crash.test.ts) once found a staff action answered 200
 * and missing after the restart. This measures that DynamoDB Local, not the product, loses it -
 * so the crash test kills the product and stops the store after it (docs/testing.md).
 * Prints a line of figures; exits 0 (a measurement, not a check).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ScanCommand, TransactWriteItemsCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../local/emulators/dynamodb.ts';
import { freePort } from '../local/ports.ts';
import { machine } from './support.ts';

const CYCLES = Number(process.env.CYCLES ?? 30);
const SIGNAL = (process.env.KILL_SIGNAL ?? 'SIGKILL') as NodeJS.Signals;
const WRITERS = 6;
const TABLE = 'durability-probe';

const dir = mkdtempSync(join(tmpdir(), 'ddb-kill-'));
const port = await freePort();
const clientFor = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });

const acknowledged = new Set<number>();
let sent = 0;
let failed = 0;
for (let cycle = 0; cycle < CYCLES; cycle++) {
  const db = await startDynamoDbLocal(port, dir);
  const client = clientFor(db.endpoint);
  if (cycle === 0)
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
      }),
    );
  let alive = true;
  const writer = async () => {
    while (alive) {
      const i = sent++;
      const put = (sk: string) => ({
        Put: { TableName: TABLE, Item: { PK: { S: `C#${i}` }, SK: { S: sk }, pad: { S: 'x'.repeat(800) } }, ConditionExpression: 'attribute_not_exists(PK)' },
      });
      try {
        await client.send(new TransactWriteItemsCommand({ TransactItems: [put('META'), put('TASK'), put('H#1')] }));
        acknowledged.add(i);
      } catch {
        failed++;
      }
    }
  };
  const writers = Array.from({ length: WRITERS }, writer);
  await new Promise((r) => setTimeout(r, 700 + Math.random() * 1500));
  const exited = new Promise((r) => db.process.once('exit', r));
  db.process.kill(SIGNAL);
  alive = false;
  await Promise.allSettled(writers);
  await exited;
  client.destroy();
}

const db = await startDynamoDbLocal(port, dir);
const client = clientFor(db.endpoint);
const stored = new Map<number, number>();
let start: Record<string, AttributeValue> | undefined;
do {
  const out = await client.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey: start }));
  for (const item of out.Items ?? []) {
    const i = Number(item.PK.S!.slice(2));
    stored.set(i, (stored.get(i) ?? 0) + 1);
  }
  start = out.LastEvaluatedKey;
} while (start);
await db.stop();
rmSync(dir, { recursive: true, force: true });

const partial = [...stored.values()].filter((n) => n !== 3).length;
const lost = [...acknowledged].filter((i) => stored.get(i) !== 3).length;
console.log(machine());
console.log(
  `DynamoDB Local, ${SIGNAL} x ${CYCLES}: ${sent} transactions sent, ${acknowledged.size} acknowledged, ${failed} failed (cut off), ` +
    `${stored.size} stored; partial ${partial}; acknowledged and lost ${lost}`,
);
