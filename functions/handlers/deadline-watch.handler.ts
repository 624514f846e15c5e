import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { deps } from '../shared/container.ts';
import { logger } from '../shared/logger.ts';
import { watchDeadlines } from '../use-cases/deadline-watch.ts';

/** Scheduled: reminders before deadlines, escalation at breaches. */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const result = await watchDeadlines(deps());
    logger.info('Deadline watch', { reminders: result.reminders.length, escalations: result.escalations.length });
    return result;
  });
