import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { freshDeps } from '../wiring/container.ts';
import { logger, metrics } from '../shared/logger.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { watchDeadlines } from '../use-cases/workflow/deadline-watch.ts';
import { calendarWarning, recomputeOpenDeadlines } from '../use-cases/calendar/calendars.ts';

/**
 * Scheduled: open complaints' deadlines measured again when the business calendar changed,
 * then reminders before deadlines and escalation at breaches; and the missing-year warning.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const d = await freshDeps();
    const calendar = await recomputeOpenDeadlines(d);
    const result = await watchDeadlines(d);
    const missing = calendarWarning(await d.calendars.load(), d.region, d.clock.now());
    logger.info('Deadline watch', {
      reminders: result.reminders.length,
      escalations: result.escalations.length,
      eightWeekLetters: result.eightWeekLetters.length,
      calendarVersion: calendar.version,
      recomputed: calendar.changed,
      ...(missing ? { calendarYearMissing: missing.year } : {}),
    });
    // The SLA-breach alarm watches this metric (CloudWatch embedded metric format).
    metrics.addMetric('DeadlineBreached', MetricUnit.Count, result.escalations.length);
    metrics.addMetric('DeadlineReminders', MetricUnit.Count, result.reminders.length);
    // The missing-year alarm (issue 22): 1 while next year's calendar is due and not confirmed.
    metrics.addMetric('CalendarYearMissing', MetricUnit.Count, missing ? 1 : 0);
    metrics.addMetric('DeadlinesRecomputed', MetricUnit.Count, calendar.changed);
    metrics.publishStoredMetrics();
    return { ...result, calendar: { ...calendar, missingYear: missing ?? null } };
  });
