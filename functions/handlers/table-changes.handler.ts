import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { Complaint } from '../domain/complaint.ts';
import { archiveStore } from '../wiring/archive-storage.ts';
import { deps } from '../wiring/container.ts';
import { logger, metrics } from '../shared/logger.ts';
import { handleStreamBatch, streamSchemas } from '../shared/stream-records.ts';
import { handleTableChanges, type TableChange } from '../use-cases/table-changes.ts';

/**
 * The table stream's second reader (INSERT and MODIFY of complaint items, REMOVE of any item of
 * a complaint): workflow starts, the dashboard's aggregates and archival (use-cases/table-changes.ts).
 * Every record is validated first (shared/stream-records.ts); partial batch failures: the batch
 * resumes at the first failed record, so a crash or a failed write loses nothing.
 */
export const handler = middy<DynamoDBStreamEvent>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) => {
    const d = deps();
    // Loaded on the first batch, as the schemas are: the aggregates' module brings zod (docs/benchmarks-bundles.md).
    const [{ TableChangeRecord }, { aggregateComplaintChange }, { aggregatesOf }] = await Promise.all([
      streamSchemas(),
      import('../use-cases/oversight/dashboard.ts'),
      import('../wiring/aggregates.ts'),
    ]);
    const aggregates = aggregatesOf(d);
    const response = await handleStreamBatch(
      event,
      TableChangeRecord,
      async ({ firstInvalid, valid }) => {
        const out = await handleTableChanges(
          {
            firstInvalid,
            valid: valid.map(
              ({ index, record, sequenceNumber, parsed }): TableChange => ({
                index,
                sequenceNumber,
                record: record as TableChange['record'],
                eventId: parsed.eventID,
                eventName: parsed.eventName,
                createdAt: parsed.dynamodb.ApproximateCreationDateTime,
                newImage: parsed.dynamodb.NewImage as Partial<Complaint> | undefined,
                oldImage: parsed.dynamodb.OldImage as Partial<Complaint> | undefined,
              }),
            ),
          },
          {
            ...d,
            archive: archiveStore(),
            workflow: d.workflow,
            // The aggregates' marker TTL: real time, as DynamoDB's TTL is.
            aggregate: (change) => aggregateComplaintChange(change, { store: aggregates, now: () => new Date() }),
            remainingMs: () => context.getRemainingTimeInMillis(),
            count: (metric, n = 1) => metrics.addMetric(metric, 'Count', n),
          },
        );
        if (out.starts.throttledRetries) logger.info('Workflow starts throttled and retried', { throttledRetries: out.starts.throttledRetries });
        if (out.starts.failed) logger.warn('Workflow starts failed; the records will be retried', { failed: out.starts.failed });
        if (out.aggregates.failed) logger.warn('Aggregates not updated; the records will be retried', { failed: out.aggregates.failed });
        if (out.archive.failed)
          logger.warn('Archival failed; the batch resumes at the failed record', {
            failed: out.archive.failed,
            done: out.archive.outcomes.length,
            errorName: out.archive.error?.name,
          });
        logger.debug('Table changes', {
          records: event.Records.length,
          started: out.starts.started,
          aggregated: out.aggregates.applied,
          archived: out.archive.outcomes.length,
        });
        return out.failed;
      },
      context,
    );
    // Only archival counts (most batches are complaint changes: nothing to publish, and no warning about it).
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    return response;
  });
