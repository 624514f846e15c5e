import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { deps } from '../shared/container.ts';
import { logger } from '../shared/logger.ts';
// Looks up executions on every run: Step Functions loaded at start-up.
import { stepFunctions } from '../shared/workflow-client.ts';
import { resumeOrphans } from '../use-cases/resume-orphans.ts';

/**
 * Scheduled: gives every open complaint without a live workflow a new one. An operator (or the
 * local runtime) may pass `{ "graceSeconds": n }` to sweep with another grace period.
 */
export const handler = middy<{ graceSeconds?: unknown } | undefined>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const d = deps();
    const asked = Number(event?.graceSeconds);
    const grace = Number.isFinite(asked) && asked >= 0 ? asked : d.config.orphanGraceSeconds;
    const result = await resumeOrphans({ ...d, workflow: stepFunctions(), graceSeconds: grace });
    logger.info('Orphan sweep', { checked: result.checked, resumed: result.resumed.length });
    return result;
  });
