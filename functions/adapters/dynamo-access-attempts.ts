/**
 * Failed access-code attempts on DynamoDB: one item per reference string (ACCESS#<ref> /
 * ATTEMPTS), apart from the complaint's partition (so it exists for unknown references too,
 * and no stream consumer sees it), written with a version condition and expired by TTL.
 */
import type { DocumentClient } from './dynamo-client.ts';
import type { AccessAttempts } from '../domain/access-throttle.ts';
import type { AccessAttemptStore } from '../domain/ports.ts';

const key = (reference: string) => ({ PK: `ACCESS#${reference}`, SK: 'ATTEMPTS' });

export class DynamoAccessAttempts implements AccessAttemptStore {
  constructor(
    private readonly db: DocumentClient,
    private readonly table: string,
  ) {}

  async get(reference: string): Promise<AccessAttempts | undefined> {
    const out = await this.db.get({ TableName: this.table, Key: key(reference), ConsistentRead: true });
    if (!out.Item) return undefined;
    const { failures, windowStart, lockedUntil, version, expiresAt } = out.Item;
    return { failures, windowStart, version, expiresAt, ...(lockedUntil !== undefined ? { lockedUntil } : {}) } as AccessAttempts;
  }

  async put(reference: string, next: AccessAttempts, expectedVersion: number | undefined): Promise<boolean> {
    try {
      await this.db.put({
        TableName: this.table,
        Item: { ...key(reference), type: 'AccessAttempts', ...next },
        ...(expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
      });
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }
}
