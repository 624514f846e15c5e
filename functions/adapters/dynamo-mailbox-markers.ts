/**
 * The mailbox poller's per-message markers, in the product's one table:
 *   MAILBOX#<folder> / UID#<uidValidity>#<uid>   state (taken | failing | failed), intake id,
 *                                                outcome, attempts - never the message's content
 * They expire after 90 days (TTL): by then the message has left the polled folder, and a copy
 * taken in again is still a replay (the intake's INBOUND record, by Message-ID).
 */
import { documentClient, type DocumentClient } from './dynamo-client.ts';
import type { MailboxMarker, MailboxMarkers } from '../domain/ports.ts';

export const mailboxMarkerKey = (mailbox: string, uidValidity: string, uid: number) => ({ PK: `MAILBOX#${mailbox}`, SK: `UID#${uidValidity}#${uid}` });

const KEEP_SECONDS = 90 * 24 * 3600;
const INTERNAL = new Set(['PK', 'SK', 'type', 'expiresAt']);

export class DynamoMailboxMarkers implements MailboxMarkers {
  constructor(
    private readonly db: DocumentClient,
    private readonly table: string,
  ) {}

  static create(table: string, db: DocumentClient = documentClient()): DynamoMailboxMarkers {
    return new DynamoMailboxMarkers(db, table);
  }

  async get(mailbox: string, uidValidity: string, uid: number): Promise<MailboxMarker | undefined> {
    const out = await this.db.get({ TableName: this.table, Key: mailboxMarkerKey(mailbox, uidValidity, uid), ConsistentRead: true });
    return out.Item ? (Object.fromEntries(Object.entries(out.Item).filter(([k]) => !INTERNAL.has(k))) as MailboxMarker) : undefined;
  }

  async put(m: MailboxMarker): Promise<void> {
    await this.db.put({
      TableName: this.table,
      Item: {
        ...mailboxMarkerKey(m.mailbox, m.uidValidity, m.uid),
        type: 'MailboxMarker',
        ...m,
        expiresAt: Math.floor(Date.parse(m.updatedAt) / 1000) + KEEP_SECONDS,
      },
    });
  }
}
