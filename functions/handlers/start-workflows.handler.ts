import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { Complaint } from '../domain/complaint.ts';
import { logger } from '../shared/logger.ts';
import { stepFunctions } from '../wiring/workflow-client.ts';
import { startWorkflows } from '../use-cases/workflow/start-workflows.ts';

/** Stream consumer (INSERT of complaint items). Partial batch failures: only failed records are retried. */
export const handler = middy<DynamoDBStreamEvent>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) => {
    const records = event.Records.map((r) => ({ seq: r.dynamodb!.SequenceNumber!, complaint: unmarshall((r.dynamodb?.NewImage ?? {}) as never) as Complaint }));
    const out = await startWorkflows(records.map((r) => r.complaint), stepFunctions(), { remainingMs: () => context.getRemainingTimeInMillis() });
    if (out.throttledRetries) logger.info('Workflow starts throttled and retried', { throttledRetries: out.throttledRetries });
    const failed = new Set(out.failed);
    if (failed.size) logger.warn('Workflow starts failed; the records will be retried', { references: [...failed] });
    return { batchItemFailures: records.filter((r) => failed.has(r.complaint.reference)).map((r) => ({ itemIdentifier: r.seq })) };
  });
