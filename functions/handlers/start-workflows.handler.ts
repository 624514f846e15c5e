import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { Complaint } from '../domain/complaint.ts';
import { logger } from '../shared/logger.ts';
import { stepFunctions } from '../shared/workflow-client.ts';
import { startWorkflowFor } from '../use-cases/start-workflows.ts';

/** Stream consumer (INSERT of complaint items). Partial batch failures: only failed records are retried. */
export const handler = middy<DynamoDBStreamEvent>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const workflow = stepFunctions();
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      const c = unmarshall((record.dynamodb?.NewImage ?? {}) as never) as Complaint;
      try {
        await startWorkflowFor(c, workflow);
      } catch (e) {
        logger.warn('Workflow start failed; the record will be retried', { reference: c.reference, errorName: (e as Error)?.name });
        batchItemFailures.push({ itemIdentifier: record.dynamodb!.SequenceNumber! });
      }
    }
    return { batchItemFailures };
  });
