/**
 * The inbound-email record on DynamoDB, in the product's one table:
 *   INBOUND#<SES messageId> / INBOUND   outcome (registered | threaded | rejected), reference or
 *                                       reason, and safe metadata - never the body, the subject
 *                                       or the sender's address.
 * Written once (conditional put), so a redelivered message finds its recorded outcome.
 */
import type { DocumentClient } from './dynamo-client.ts';
import type { InboundRecord } from '../domain/email-intake.ts';
import type { InboundRepository } from '../domain/ports.ts';

export const inboundKey = (messageId: string) => ({ PK: `INBOUND#${messageId}`, SK: 'INBOUND' });

const INTERNAL = new Set(['PK', 'SK', 'type']);

export class DynamoInboundRepository implements InboundRepository {
  constructor(
    private readonly db: DocumentClient,
    private readonly table: string,
  ) {}

  async get(messageId: string): Promise<InboundRecord | undefined> {
    const out = await this.db.get({ TableName: this.table, Key: inboundKey(messageId), ConsistentRead: true });
    return out.Item ? (Object.fromEntries(Object.entries(out.Item).filter(([k]) => !INTERNAL.has(k))) as InboundRecord) : undefined;
  }

  async record(r: InboundRecord): Promise<{ record: InboundRecord; created: boolean }> {
    try {
      await this.db.put({
        TableName: this.table,
        Item: { ...inboundKey(r.messageId), type: 'Inbound', ...r },
        ConditionExpression: 'attribute_not_exists(PK)',
      });
      return { record: r, created: true };
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') {
        const existing = await this.get(r.messageId);
        if (existing) return { record: existing, created: false };
      }
      throw e;
    }
  }
}
