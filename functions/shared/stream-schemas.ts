/**
 * The table stream's records as the consumers read them: Powertools parser's DynamoDB stream
 * record schema (`DynamoDBStreamRecord`, Lambda's event record shape) with the images unmarshalled
 * (`DynamoDBMarshalled`) and checked against the item each consumer reads (table-schema.ts). A
 * record that does not match is reported as a batch item failure naming the field, never cast.
 * Loaded on a handler's first batch (./stream-records.ts), so that zod is not part of its
 * start-up (docs/benchmarks-bundles.md).
 */
import { DynamoDBMarshalled } from '@aws-lambda-powertools/parser/helpers/dynamodb';
import { DynamoDBStreamChangeRecordBase, DynamoDBStreamRecord } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import { z } from 'zod';

const text = z.string().min(1);

/** A queued message (MSG# item, domain/ports.ts OutboundMessage): the fields delivery reads. */
export const MessageItem = z.looseObject({
  PK: z.string().startsWith('COMPLAINT#'),
  SK: z.string().startsWith('MSG#'),
  reference: text,
  at: text,
  kind: z.enum(['acknowledgement', 'progress', 'extension', 'pause', 'resume', 'reply', 'callbackSurvey', 'reminder', 'escalation']),
  audience: z.enum(['customer', 'staff']),
  channel: z.enum(['email', 'status-page', 'call-task', 'letter']),
  to: z.string().optional(),
  language: text,
  subject: z.string(),
  text: z.string(),
  html: z.string().optional(),
  status: z.enum(['queued', 'recorded', 'sending', 'sent', 'failed']),
  messageId: z.string().optional(),
});

/** A complaint item (META, domain/complaint.ts Complaint): the fields the workflow start and the aggregates key on. */
export const ComplaintItem = z.looseObject({
  PK: z.string().startsWith('COMPLAINT#'),
  SK: z.literal('META'),
  reference: text,
  region: text,
  status: z.enum(['OPEN', 'CLOSED']),
  stage: text,
  receivedAt: text,
  executionName: z.string().optional(),
});

/** Any item of a complaint's partition, as a REMOVE record's old image carries it. */
export const ComplaintPartitionItem = z.looseObject({ PK: z.string().startsWith('COMPLAINT#'), SK: z.string() });

/** DeliverMessages' records: INSERT of a MSG# item. */
export const MessageRecord = DynamoDBStreamRecord.extend({
  eventName: z.literal('INSERT'),
  dynamodb: DynamoDBStreamChangeRecordBase.extend({ NewImage: DynamoDBMarshalled(MessageItem) }),
});

/** TableChanges' records: INSERT / MODIFY of a complaint item, or REMOVE of any item of a complaint. */
export const TableChangeRecord = z.union([
  DynamoDBStreamRecord.extend({
    eventName: z.enum(['INSERT', 'MODIFY']),
    dynamodb: DynamoDBStreamChangeRecordBase.extend({ NewImage: DynamoDBMarshalled(ComplaintItem), OldImage: DynamoDBMarshalled(ComplaintItem).optional() }),
  }),
  DynamoDBStreamRecord.extend({
    eventName: z.literal('REMOVE'),
    dynamodb: DynamoDBStreamChangeRecordBase.extend({ OldImage: DynamoDBMarshalled(ComplaintPartitionItem) }),
  }),
]);

export type MessageRecord = z.infer<typeof MessageRecord>;
export type TableChangeRecord = z.infer<typeof TableChangeRecord>;
