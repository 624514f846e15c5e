/**
 * A table-stream batch as every stream reader handles it (DeliverMessages, TableChanges):
 *  1. Each record is validated with its parser schema (./stream-schemas.ts) by Powertools'
 *     BatchProcessor (EventType.DynamoDBStreams, parser integration): a record that does not
 *     match becomes a batch item failure - with the event source mapping's retries, bisection
 *     and on-failure queue behind it - and is never handed to the use case.
 *  2. The valid records go to the consumer's work, in batch order, which returns the sequence
 *     numbers it could not complete (today's per-consumer semantics: see each handler).
 *  3. The partial batch response: every failed record's sequence number, in batch order. Lambda
 *     (and the local poller, local/emulators/streams.ts) resumes the shard at the first one.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { ZodType } from 'zod';
import { logger } from './logger.ts';

let schemas: Promise<typeof import('./stream-schemas.ts')> | undefined;
/** The record schemas, loaded on the first batch (zod stays out of the handlers' start-up). */
export const streamSchemas = () => (schemas ??= import('./stream-schemas.ts'));

/** A record that passed its schema: the record as Lambda handed it, and its parsed form (images unmarshalled). */
export interface ValidRecord<T> {
  index: number;
  record: DynamoDBRecord;
  sequenceNumber: string;
  parsed: T;
}

export interface StreamWork<T> {
  /** Position in the batch of the first record that failed validation (the batch's length when none did). */
  firstInvalid: number;
  valid: ValidRecord<T>[];
}

const sequenceOf = (r: DynamoDBRecord) => r.dynamodb?.SequenceNumber ?? '';

/** Validates every record, runs `work` on the valid ones and answers the partial batch response. */
export async function handleStreamBatch<T extends { dynamodb: { SequenceNumber: string } }>(
  event: DynamoDBStreamEvent,
  schema: ZodType<T>,
  work: (batch: StreamWork<T>) => Promise<Iterable<string>>,
  context?: Context,
): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> {
  const parsed = new Map<string, T>();
  const processor = new BatchProcessor(EventType.DynamoDBStreams, { parser, schema, logger });
  const checked = await processPartialResponse(
    event,
    async (record: T) => {
      parsed.set(record.dynamodb.SequenceNumber, record);
    },
    processor,
    {
      ...(context ? { context } : {}),
      throwOnFullBatchFailure: false,
    },
  );
  const failed = new Set(checked.batchItemFailures.map((f) => f.itemIdentifier));
  const records = event.Records;
  let firstInvalid = records.length;
  const valid: ValidRecord<T>[] = [];
  for (const [index, record] of records.entries()) {
    const value = parsed.get(sequenceOf(record));
    if (value !== undefined && !failed.has(sequenceOf(record))) valid.push({ index, record, sequenceNumber: sequenceOf(record), parsed: value });
    else firstInvalid = Math.min(firstInvalid, index);
  }
  if (failed.size) {
    // The schema's issues (field paths and rules, no values: no personal data) and the records' positions.
    logger.warn('Stream records failed validation; reported as batch item failures', {
      failed: failed.size,
      sequenceNumbers: [...failed],
      issues: processor.errors.map((e) => e.message).slice(0, 5),
    });
  }
  for (const seq of await work({ firstInvalid, valid })) failed.add(seq);
  return { batchItemFailures: records.filter((r) => failed.has(sequenceOf(r))).map((r) => ({ itemIdentifier: sequenceOf(r) })) };
}
