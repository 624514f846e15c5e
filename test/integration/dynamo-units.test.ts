/**
 * The cost benchmark prices transactions itself (bench/dynamo-units.ts) because DynamoDB Local
 * under-reports them. Its size and unit rules are checked here against DynamoDB Local's own
 * single-item writes, which it does report as DynamoDB bills them - items of the shapes the
 * product writes, across the 1 KB boundaries, with and without index entries - and the
 * under-reporting itself is pinned, so that a DynamoDB Local that fixes it shows up here.
 */
import { DeleteTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TABLE } from '../../functions/adapters/table-schema.ts';
import { ensureTable } from '../../local/emulators/dynamodb.ts';
import { itemSize, transactionUnits, writeUnits, type Item } from '../../bench/dynamo-units.ts';

const client = new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: inject('awsRegion'), credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const T = `units-${process.pid}`;

beforeAll(async () => {
  await ensureTable(client, T);
});
afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: T }));
  client.destroy();
});

const text = (n: number) => 'x'.repeat(n);
const complaintLike = (pk: string, pad: number): Item => ({
  PK: { S: pk },
  SK: { S: 'META' },
  type: { S: 'Complaint' },
  reference: { S: 'CN-2026-000001' },
  version: { N: '12' },
  amount: { N: '120.5' },
  complainant: { M: { name: { S: 'Li Wei 李伟' }, anonymous: { BOOL: false }, contact: { M: { email: { S: 'li.wei@example.com' } } } } },
  deadlines: { M: { investigate: { M: { dueAt: { S: '2026-03-11T09:30:00.000Z' }, rule: { S: 'CN: 7 business days' } } } } },
  reasons: { L: [{ S: 'keyword "fee" -> product' }, { S: 'channel web -> online' }] },
  flags: { SS: ['a', 'bb'] },
  empty: { NULL: true },
  matter: { M: { description: { S: text(pad) } } },
});
const get = async (pk: string, sk: string) =>
  (await client.send(new GetItemCommand({ TableName: T, Key: { PK: { S: pk }, SK: { S: sk } }, ConsistentRead: true }))).Item as Item | undefined;

describe('bench/dynamo-units: item sizes and write units', () => {
  it('prices a Put as DynamoDB Local reports a single write, across the 1 KB boundaries (new items and overwrites)', async () => {
    let i = 0;
    for (const pad of [0, 500, 700, 760, 800, 1500, 1800, 1830, 1900, 3000]) {
      const pk = `P#${++i}`;
      for (const item of [complaintLike(pk, pad), complaintLike(pk, Math.max(0, pad - 700))]) {
        const before = await get(pk, 'META');
        const out = await client.send(new PutItemCommand({ TableName: T, Item: item as never, ReturnConsumedCapacity: 'INDEXES' }));
        expect(writeUnits(before, item, TABLE).table, `pad ${pad}, ${itemSize(item)} bytes`).toBe(out.ConsumedCapacity!.Table!.CapacityUnits);
      }
    }
  });

  it('prices index writes as DynamoDB Local reports them: a new entry, an unchanged one, a changed key, a sparse item leaving the index', async () => {
    const task = (sk: string, extra: Item = {}): Item => ({
      PK: { S: 'C#1' },
      SK: { S: 'TASK' },
      GSI1PK: { S: 'QUEUE#cards' },
      GSI1SK: { S: `${sk}#C#1` },
      note: { S: text(300) },
      ...extra,
    });
    const open = (alarm: string, extra: Item = {}): Item => ({
      PK: { S: 'C#2' },
      SK: { S: 'META' },
      OPENPK: { S: 'OPEN#1' },
      OPENSK: { S: `${alarm}#C#2` },
      reference: { S: 'C#2' },
      stage: { S: 'REPLY' },
      body: { S: text(1200) },
      ...extra,
    });
    const steps: Item[] = [
      task('2026-03-01'),
      task('2026-03-01', { note: { S: text(301) } }),
      task('2026-03-02'),
      open('2026-03-01'),
      open('2026-03-01', { body: { S: text(1300) } }),
      open('2026-03-05'),
      open('2026-03-05', { stage: { S: 'CALLBACK' } }),
    ];
    for (const item of steps) {
      const before = await get((item.PK as { S: string }).S, (item.SK as { S: string }).S);
      const out = await client.send(new PutItemCommand({ TableName: T, Item: item as never, ReturnConsumedCapacity: 'INDEXES' }));
      const reported = Object.values(out.ConsumedCapacity!.GlobalSecondaryIndexes ?? {}).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      expect(writeUnits(before, item, TABLE).indexes, JSON.stringify(item.OPENSK ?? item.GSI1SK)).toBe(reported);
    }
    // Leaving the sparse index (a closed complaint loses OPENPK): the entry is deleted.
    const before = await get('C#2', 'META');
    const closed: Item = { PK: { S: 'C#2' }, SK: { S: 'META' }, reference: { S: 'C#2' }, stage: { S: 'CLOSED' } };
    const out = await client.send(new PutItemCommand({ TableName: T, Item: closed as never, ReturnConsumedCapacity: 'INDEXES' }));
    expect(writeUnits(before, closed, TABLE).indexes).toBe(out.ConsumedCapacity!.GlobalSecondaryIndexes!.OPEN.CapacityUnits);
  });

  it('an Update is priced by the larger of the item before and after it, as DynamoDB Local reports', async () => {
    await client.send(new PutItemCommand({ TableName: T, Item: complaintLike('U#1', 1800) as never }));
    const before = await get('U#1', 'META');
    const out = await client.send(
      new UpdateItemCommand({
        TableName: T,
        Key: { PK: { S: 'U#1' }, SK: { S: 'META' } },
        UpdateExpression: 'SET expiresAt = :e',
        ExpressionAttributeValues: { ':e': { N: '1787965200' } },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    expect(writeUnits(before, await get('U#1', 'META'), TABLE).table).toBe(out.ConsumedCapacity!.CapacityUnits);
  });

  it('DynamoDB Local under-reports transactions (2 units for two small Puts, DynamoDB bills 4); the rules price each item twice, its index writes once (twice: the upper bound)', async () => {
    const small = (pk: string): Item => ({ PK: { S: pk }, SK: { S: 'X' }, v: { S: 'a' } });
    const out = await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName: T, Item: small('X#1') as never } }, { Put: { TableName: T, Item: small('X#2') as never } }],
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    expect(out.ConsumedCapacity![0].CapacityUnits).toBe(2);
    expect(transactionUnits([{ after: small('X#1') }, { after: small('X#2') }], TABLE)).toBe(4);
    // The product's usual commit: the complaint (~2.4 KB), its task in the queue index, a history entry.
    const meta = complaintLike('C#9', 1800);
    const task: Item = { PK: { S: 'C#9' }, SK: { S: 'TASK' }, GSI1PK: { S: 'QUEUE#cards' }, GSI1SK: { S: '2026-03-01#C#9' }, note: { S: text(500) } };
    const history: Item = { PK: { S: 'C#9' }, SK: { S: 'H#2026-03-01T00:00:00.000Z#000001' }, summary: { S: text(200) } };
    expect(itemSize(meta)).toBeGreaterThan(2048);
    expect(transactionUnits([{ after: meta }, { after: task }, { after: history }], TABLE)).toBe(2 * (3 + 1 + 1) + 1);
    expect(transactionUnits([{ after: meta }, { after: task }, { after: history }], TABLE, 'twice')).toBe(2 * (3 + 1 + 1 + 1));
  });
});
