import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { deps } from '../shared/container.ts';
import { logger } from '../shared/logger.ts';
import { resumeOrphans } from '../use-cases/resume-orphans.ts';

/** Scheduled: gives every open complaint without a live workflow a new one. */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const d = deps();
    const result = await resumeOrphans({ ...d, graceSeconds: d.config.orphanGraceSeconds });
    logger.info('Orphan sweep', { checked: result.checked, resumed: result.resumed.length });
    return result;
  });
