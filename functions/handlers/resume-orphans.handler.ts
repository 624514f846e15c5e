import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { WORKFLOW_ENDED } from '../functions.ts';
import { deps } from '../wiring/container.ts';
import { logger } from '../shared/logger.ts';
// Looks up executions on every run: Step Functions loaded at start-up.
import { stepFunctions } from '../wiring/workflow-client.ts';
import { resumeEnded, resumeOrphans, type EndedExecution } from '../use-cases/workflow/resume-orphans.ts';

/**
 * Step Functions' status-change event (EventBridge): the fields used, or undefined for another
 * event. Checked by hand: this function's bundle carries no zod (test/infra/bundles.test.ts).
 */
function workflowEnded(event: unknown): EndedExecution | undefined {
  const e = event as { source?: unknown; 'detail-type'?: unknown; detail?: { name?: unknown; status?: unknown; input?: unknown } } | null | undefined;
  if (e?.source !== WORKFLOW_ENDED.source || e['detail-type'] !== WORKFLOW_ENDED.detailType) return undefined;
  const { name, status, input } = e.detail ?? {};
  if (typeof name !== 'string' || !name) throw new TypeError('detail.name: the execution name is required');
  if (typeof status !== 'string') throw new TypeError('detail.status: the execution status is required');
  if (input != null && typeof input !== 'string') throw new TypeError('detail.input: must be a string (the execution input as JSON)');
  return { name, status, input: input ?? undefined };
}

/**
 * Two callers:
 * - a workflow execution ended abnormally (its status-change event): its complaint is resumed
 *   at once;
 * - the schedule (every 6 hours): every open complaint without a live workflow gets a new one.
 *   An operator (or the local runtime) may pass `{ "graceSeconds": n }` to sweep with another
 *   grace period.
 */
export const handler = middy<unknown>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const d = deps();
    const ended = workflowEnded(event);
    if (ended) {
      const result = await resumeEnded(ended, { ...d, workflow: stepFunctions() });
      // The reference, never the input (it is only { reference, resumeAt }, but a log stays a log).
      logger.info('Workflow ended', { status: ended.status, reference: result.reference, outcome: 'resumed' in result ? 'resumed' : result.skipped });
      return result;
    }
    const asked = Number((event as { graceSeconds?: unknown } | undefined)?.graceSeconds);
    const grace = Number.isFinite(asked) && asked >= 0 ? asked : d.config.orphanGraceSeconds;
    const result = await resumeOrphans({ ...d, workflow: stepFunctions(), graceSeconds: grace });
    logger.info('Orphan sweep', { checked: result.checked, resumed: result.resumed.length });
    return result;
  });
