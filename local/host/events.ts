/**
 * The EventBridge rule of infra/stacks/api-stack.ts on Step Functions' status changes, applied
 * locally to the engine's events: the same pattern (functions/functions.ts WORKFLOW_ENDED) - the
 * source, the detail type, an abnormal end, one of the complaint state machines.
 */
import { WORKFLOW_ENDED } from '../../functions/functions.ts';
import type { StatusChangeEvent } from '../emulators/stepfunctions/engine.ts';

export function matchesWorkflowEnded(event: StatusChangeEvent, stateMachineArns: string[]): boolean {
  return (
    event.source === WORKFLOW_ENDED.source &&
    event['detail-type'] === WORKFLOW_ENDED.detailType &&
    (WORKFLOW_ENDED.statuses as readonly string[]).includes(event.detail.status) &&
    stateMachineArns.includes(event.detail.stateMachineArn)
  );
}
