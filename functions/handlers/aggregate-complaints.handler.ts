import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { Complaint } from '../domain/complaint.ts';
import { deps } from '../wiring/container.ts';
import { logger } from '../shared/logger.ts';
import { aggregateComplaintChange } from '../use-cases/oversight/dashboard.ts';
import { aggregatesOf } from '../wiring/aggregates.ts';

const image = (i: unknown) => (i ? (unmarshall(i as never) as Partial<Complaint>) : undefined);

/**
 * Stream consumer (INSERT and MODIFY of complaint items): keeps the dashboard's aggregates up
 * to date, each record applied exactly once. Partial batch failures: only failed records are
 * retried; records after a failure that were applied are skipped on redelivery by their marker.
 */
export const handler = middy<DynamoDBStreamEvent>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const store = aggregatesOf(deps());
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      const reference = (record.dynamodb?.Keys?.PK?.S ?? '').replace(/^COMPLAINT#/, '');
      try {
        const { outcome, items } = await aggregateComplaintChange({
          eventId: record.eventID!, eventName: record.eventName ?? '',
          oldImage: image(record.dynamodb?.OldImage), newImage: image(record.dynamodb?.NewImage),
          createdAt: record.dynamodb?.ApproximateCreationDateTime,
        }, { store, now: () => new Date() }); // marker TTL: real time, as DynamoDB's TTL is
        logger.debug('Aggregates', { reference, outcome, items });
      } catch (e) {
        logger.warn('Aggregates not updated', { reference, errorName: (e as Error).name });
        batchItemFailures.push({ itemIdentifier: record.dynamodb!.SequenceNumber! });
      }
    }
    return { batchItemFailures };
  });
