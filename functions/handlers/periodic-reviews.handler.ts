import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { PdfRenderer } from '../domain/ports.ts';
import { config } from '../shared/config.ts';
import { deps } from '../wiring/container.ts';
import { aggregatesOf } from '../wiring/aggregates.ts';
import { reportArchive } from '../wiring/archive-storage.ts';
import { onFirstUse } from '../wiring/on-first-use.ts';
import { logger } from '../shared/logger.ts';
import { runScheduledReviews } from '../use-cases/drills/drills.ts';

/**
 * Scheduled (issue 20): at the start of each quarter, the review of the quarter that ended (and
 * of the half-year after Q2 and Q4) into the locked archive, once - a review already there stands.
 * The archive's reviews/ only (not the staff API's stores on first use, which bring the attachments' presigner).
 */
const pdf = onFirstUse<PdfRenderer>(() => import('../adapters/pdf-document.ts').then((m) => new m.PdfKitRenderer(config().reportCjkFont)), ['render']);

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const d = deps();
    const reviews = await runScheduledReviews({ ...d, aggregates: aggregatesOf(d), reports: reportArchive(), pdf });
    // Periods only: no personal data.
    logger.info('Periodic reviews', { reviews });
    return { reviews };
  });
