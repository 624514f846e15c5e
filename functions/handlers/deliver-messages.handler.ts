import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { SesMailer } from '../adapters/ses-mailer.ts';
import type { OutboundMessage } from '../domain/ports.ts';
import { deps } from '../shared/container.ts';
import { ses } from '../shared/email.ts';
import { logger } from '../shared/logger.ts';
import { deliverMessage } from '../use-cases/deliver-messages.ts';

/** Stream consumer (INSERT of MSG# items). Partial batch failures: only failed records are retried. */
export const handler = middy<DynamoDBStreamEvent>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const d = deps();
    const mailer = new SesMailer(ses());
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      const m = unmarshall((record.dynamodb?.NewImage ?? {}) as never) as OutboundMessage;
      try {
        const outcome = await deliverMessage(m, { repo: d.repo, mailer, sender: d.region.mail.sender, now: () => d.clock.now() });
        logger.info('Message delivery', { reference: m.reference, kind: m.kind, outcome });
      } catch (e) {
        logger.warn('Message delivery failed', { reference: m.reference, kind: m.kind, errorName: (e as Error).name });
        batchItemFailures.push({ itemIdentifier: record.dynamodb!.SequenceNumber! });
      }
    }
    return { batchItemFailures };
  });
