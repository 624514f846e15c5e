import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { deps } from '../wiring/container.ts';
import { aggregatesOf } from '../wiring/aggregates.ts';
import { pdfOnFirstUse, reportsOnFirstUse } from '../wiring/stores-on-first-use.ts';
import { logger } from '../shared/logger.ts';
import { runScheduledReviews } from '../use-cases/drills/drills.ts';

/**
 * Scheduled (issue 20): at the start of each quarter, the review of the quarter that ended (and
 * of the half-year after Q2 and Q4) into the locked archive, once - a review already there stands.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const d = deps();
    const reviews = await runScheduledReviews({ ...d, aggregates: aggregatesOf(d), reports: reportsOnFirstUse(), pdf: pdfOnFirstUse() });
    // Periods only: no personal data.
    logger.info('Periodic reviews', { reviews });
    return { reviews };
  });
