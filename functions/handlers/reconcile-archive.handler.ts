import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { archiveStore } from '../wiring/archive-storage.ts';
import { deps } from '../wiring/container.ts';
import { logger, metrics } from '../shared/logger.ts';
import { reconcile } from '../use-cases/archive/archive.ts';

/**
 * Scheduled: every complaint ever registered (the ledger) must be in the table or in the
 * archive with its history matching its digest. Missing or mismatched ones raise an alarm.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const d = deps();
    const report = await reconcile({ ...d, archive: archiveStore() });
    metrics.addMetric('ReconcileMissing', 'Count', report.missing.length);
    metrics.addMetric('ReconcileMismatched', 'Count', report.mismatched.length);
    metrics.addMetric('ArchiveStaging', 'Count', report.staging);
    metrics.publishStoredMetrics();
    // References only: no personal data.
    logger.info('Reconciliation', {
      registered: report.registered,
      inTable: report.inTable,
      archived: report.archived,
      staging: report.staging,
      missing: report.missing,
      mismatched: report.mismatched,
    });
    return report;
  });
