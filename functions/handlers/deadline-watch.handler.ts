import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { deps } from '../wiring/container.ts';
import { logger, metrics } from '../shared/logger.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { watchDeadlines } from '../use-cases/workflow/deadline-watch.ts';

/** Scheduled: reminders before deadlines, escalation at breaches, the UK eight-week letter. */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const result = await watchDeadlines(deps());
    logger.info('Deadline watch', {
      reminders: result.reminders.length,
      escalations: result.escalations.length,
      eightWeekLetters: result.eightWeekLetters.length,
    });
    // The SLA-breach alarm watches this metric (CloudWatch embedded metric format).
    metrics.addMetric('DeadlineBreached', MetricUnit.Count, result.escalations.length);
    metrics.addMetric('DeadlineReminders', MetricUnit.Count, result.reminders.length);
    metrics.publishStoredMetrics();
    return result;
  });
