/** ComplaintRepository on DynamoDB: one table, multi-item changes in transactions. */
import { DynamoDBClient, TransactionCanceledException, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Complaint, HistoryEntry } from '../domain/complaint.ts';
import { IdempotencyRace, type ComplaintRepository, type NewComplaint, type OpenTask, type StoredAnswer } from '../domain/ports.ts';
import { keys, openShard, TABLE } from './table-schema.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export function documentClient(client = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

const COMPLAINT_FIELDS_STRIPPED = ['PK', 'SK', 'OPENPK', 'OPENSK', 'GSI1PK', 'GSI1SK', 'type', 'expiresAt'];

function toComplaint(item: Record<string, unknown>): Complaint {
  const c = { ...item };
  for (const k of COMPLAINT_FIELDS_STRIPPED) delete c[k];
  return c as unknown as Complaint;
}

export class DynamoComplaintRepository implements ComplaintRepository {
  private historySeq = 0;
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  private historyPut(h: HistoryEntry): TransactItem {
    // The sequence suffix keeps two entries written in the same millisecond apart.
    this.historySeq = (this.historySeq + 1) % 1000;
    return {
      Put: {
        TableName: this.table,
        Item: { ...keys.history(h.reference, h.at, this.historySeq), type: 'History', ...h },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  private openIndex(ref: string, updatedAt: string) {
    return { OPENPK: openShard(ref), OPENSK: `${updatedAt}#${ref}` };
  }

  async nextSequence(prefix: string, year: number): Promise<number> {
    const out = await this.db.send(new UpdateCommand({
      TableName: this.table,
      Key: keys.counter(prefix, year),
      UpdateExpression: 'ADD #n :one',
      ExpressionAttributeNames: { '#n': 'value' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }));
    return Number(out.Attributes?.value);
  }

  async create({ complaint, secret, history, idempotency }: NewComplaint): Promise<void> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.complaint(complaint.reference), type: 'Complaint', ...this.openIndex(complaint.reference, complaint.updatedAt), ...complaint },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      { Put: { TableName: this.table, Item: { ...keys.secret(complaint.reference), type: 'Secret', ...secret } } },
      ...history.map((h) => this.historyPut(h)),
    ];
    if (idempotency) {
      items.push({
        Put: {
          TableName: this.table,
          Item: { ...keys.idempotency(idempotency.key), type: 'Idempotency', ...idempotency.answer, expiresAt: idempotency.expiresAt },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
    }
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (e) {
      if (e instanceof TransactionCanceledException && idempotency) {
        const reasons = e.CancellationReasons ?? [];
        if (reasons[reasons.length - 1]?.Code === 'ConditionalCheckFailed') throw new IdempotencyRace();
      }
      throw e;
    }
  }

  async get(reference: string): Promise<Complaint | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.complaint(reference), ConsistentRead: true }));
    return out.Item ? toComplaint(out.Item) : undefined;
  }

  async getSecret(reference: string) {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.secret(reference) }));
    return out.Item ? { salt: String(out.Item.salt), hash: String(out.Item.hash) } : undefined;
  }

  async getIdempotent(key: string): Promise<StoredAnswer | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.idempotency(key), ConsistentRead: true }));
    if (!out.Item) return undefined;
    return { requestHash: out.Item.requestHash, statusCode: out.Item.statusCode, body: out.Item.body };
  }

  async history(reference: string): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :h)',
        ExpressionAttributeValues: { ':pk': keys.complaint(reference).PK, ':h': 'H#' },
        ExclusiveStartKey: start,
      }));
      for (const item of out.Items ?? []) {
        const { PK, SK, type, ...h } = item;
        entries.push(h as HistoryEntry);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  async listOpen(before: string): Promise<Complaint[]> {
    const found: Complaint[] = [];
    for (let shard = 0; shard < TABLE.openShards; shard++) {
      let start: Record<string, unknown> | undefined;
      do {
        const out = await this.db.send(new QueryCommand({
          TableName: this.table,
          IndexName: TABLE.indexes.open.name,
          KeyConditionExpression: 'OPENPK = :pk AND OPENSK < :before',
          ExpressionAttributeValues: { ':pk': `OPEN#${shard}`, ':before': before },
          ExclusiveStartKey: start,
        }));
        found.push(...(out.Items ?? []).map(toComplaint));
        start = out.LastEvaluatedKey;
      } while (start);
    }
    return found;
  }

  async openTask(task: OpenTask, history: HistoryEntry): Promise<'opened' | 'already-open'> {
    const current = await this.getTask(task.reference);
    if (current?.taskToken === task.taskToken) return 'already-open';
    await this.db.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: this.table, Item: { ...keys.task(task.reference), type: 'Task', ...task } } },
        {
          Update: {
            TableName: this.table,
            Key: keys.complaint(task.reference),
            UpdateExpression: 'SET stage = :s, updatedAt = :u, OPENSK = :osk, version = version + :one',
            ConditionExpression: 'attribute_exists(PK) AND #st = :open',
            ExpressionAttributeNames: { '#st': 'status' },
            ExpressionAttributeValues: {
              ':s': task.stage, ':u': task.openedAt, ':osk': `${task.openedAt}#${task.reference}`, ':one': 1, ':open': 'OPEN',
            },
          },
        },
        this.historyPut(history),
      ],
    }));
    return 'opened';
  }

  async getTask(reference: string): Promise<OpenTask | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.task(reference), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { PK, SK, type, ...t } = out.Item;
    return t as OpenTask;
  }

  async replaceExecution(reference: string, expected: string, next: string, history: HistoryEntry): Promise<boolean> {
    try {
      await this.db.send(new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.table,
              Key: keys.complaint(reference),
              UpdateExpression: 'SET executionName = :next, resumeCount = resumeCount + :one, updatedAt = :u, OPENSK = :osk, version = version + :one',
              ConditionExpression: 'executionName = :expected AND #st = :open',
              ExpressionAttributeNames: { '#st': 'status' },
              ExpressionAttributeValues: {
                ':next': next, ':expected': expected, ':one': 1, ':u': history.at, ':osk': `${history.at}#${reference}`, ':open': 'OPEN',
              },
            },
          },
          this.historyPut(history),
        ],
      }));
      return true;
    } catch (e) {
      if (e instanceof TransactionCanceledException || e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }

  async close(reference: string, at: string, expiresAt: number, history: HistoryEntry): Promise<void> {
    await this.db.send(new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: this.table,
            Key: keys.complaint(reference),
            UpdateExpression: 'SET #st = :closed, stage = :closed, updatedAt = :u, expiresAt = :exp, version = version + :one REMOVE OPENPK, OPENSK',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: { '#st': 'status' },
            ExpressionAttributeValues: { ':closed': 'CLOSED', ':u': at, ':exp': expiresAt, ':one': 1 },
          },
        },
        { Delete: { TableName: this.table, Key: keys.task(reference) } },
        this.historyPut(history),
      ],
    }));
  }
}
