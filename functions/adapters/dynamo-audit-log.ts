/**
 * The audit record on DynamoDB: one partition per day (AUDIT#<YYYY-MM-DD>), items written
 * once with a condition and never updated (the API has no operation that changes or deletes
 * them; on AWS the functions' IAM can be narrowed to PutItem/Query on these keys).
 */
import { randomBytes } from 'node:crypto';
import type { DocumentClient } from './dynamo-client.ts';
import type { AuditLog } from '../domain/ports.ts';
import type { AuditEntry } from '../domain/model.ts';

/**
 * The stored audit item of an entry: its day's partition, a key of its instant and a random
 * part. Written alone (record) or as one Put of a change's transaction (the complaint
 * repository's commit), always only if the key is new.
 */
export function auditItem(e: AuditEntry): { PK: string; SK: string; type: 'Audit' } & AuditEntry {
  return { PK: `AUDIT#${e.at.slice(0, 10)}`, SK: `${e.at}#${randomBytes(6).toString('hex')}`, type: 'Audit', ...e };
}

export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly db: DocumentClient,
    private readonly table: string,
  ) {}

  async record(e: AuditEntry): Promise<void> {
    try {
      await this.db.put({
        TableName: this.table,
        Item: auditItem(e),
        ConditionExpression: 'attribute_not_exists(PK)',
      });
    } catch (err) {
      // The key is random: it can only exist because the client's retry found the first attempt
      // written (its answer lost on the way). The entry is on the record.
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    }
  }

  async has(auditKey: string): Promise<boolean> {
    const [pk, sk] = auditKey.split('|');
    const out = await this.db.query({
      TableName: this.table,
      ConsistentRead: true,
      KeyConditionExpression: 'PK = :pk AND SK = :sk',
      ExpressionAttributeValues: { ':pk': pk, ':sk': sk },
    });
    return (out.Items ?? []).length > 0;
  }

  async search(q: { day: string; reference?: string; actor?: string; limit?: number }): Promise<AuditEntry[]> {
    const filters: string[] = [];
    const values: Record<string, unknown> = { ':pk': `AUDIT#${q.day}` };
    const names: Record<string, string> = {};
    if (q.reference) {
      filters.push('#ref = :ref');
      values[':ref'] = q.reference;
      names['#ref'] = 'reference';
    }
    if (q.actor) {
      filters.push('#actor = :actor');
      values[':actor'] = q.actor;
      names['#actor'] = 'actor';
    }
    const found: AuditEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.query({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        ...(filters.length ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names } : {}),
        ExclusiveStartKey: start,
      });
      for (const { PK, SK, type, ...e } of out.Items ?? []) found.push(e as AuditEntry);
      start = out.LastEvaluatedKey;
    } while (start && found.length < (q.limit ?? 500));
    return found.slice(0, q.limit ?? 500);
  }
}
