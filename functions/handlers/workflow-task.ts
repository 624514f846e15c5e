/**
 * The one middy chain for functions the state machine invokes: the payload is parsed with
 * the step's zod schema; errors are rethrown with their name so that the state machine's
 * Retry/Catch can match them (Step Functions uses the error's name as `Error`).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { ZodType } from 'zod';
import { parseOrThrow } from '../contract/validation.ts';
import { logger } from '../shared/logger.ts';

export function workflowTask<I, O>(schema: ZodType<I>, fn: (input: I) => Promise<O>) {
  return middy<unknown, O>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => fn(parseOrThrow(schema, event)));
}
