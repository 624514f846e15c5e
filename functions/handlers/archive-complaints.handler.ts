import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { archiveStore } from '../wiring/archive-storage.ts';
import { deps } from '../wiring/container.ts';
import { logger, metrics } from '../shared/logger.ts';
import { archiveBatch, type RemovalRecord } from '../use-cases/archive/archive.ts';

/**
 * Stream consumer (REMOVE of complaint items): TTL removals go to the archive; other deletes
 * are audited and their images kept. Partial batch failures: the batch resumes at the first
 * failed record, so a crash or a failed write loses nothing.
 */
export const handler = middy<DynamoDBStreamEvent>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const d = deps();
    const { outcomes, failed, error } = await archiveBatch(event.Records as RemovalRecord[], {
      ...d, archive: archiveStore(),
      count: (metric, n = 1) => metrics.addMetric(metric, 'Count', n),
    });
    if (failed.length) logger.warn('Archival failed; the batch resumes at the failed record', { failed: failed.length, done: outcomes.length, errorName: error?.name });
    metrics.publishStoredMetrics();
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  });
