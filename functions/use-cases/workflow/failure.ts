/** The workflow's failure record: what the state machine's Catch invokes (WorkflowStep `record-failure`). */
import type { Complaints } from '../../domain/ports.ts';
import type { Clock } from '../../shared/clock.ts';
import { entry, load } from '../common.ts';

/**
 * The workflow's Catch: a step failed for good. The failure goes into the complaint's history
 * (staff see it; the customer does not), with the error's name only - a cause can carry data.
 * The execution then fails, which raises the workflow-failed alarm on AWS, and the sweeper
 * gives the complaint a new execution. A failure of a superseded execution is recorded too.
 */
export async function recordWorkflowFailure(input: { reference: string; executionName: string; error: string }, deps: { repo: Complaints; clock: Clock }) {
  const c = await load(deps.repo, input.reference);
  const at = deps.clock.now().toISOString();
  const error = input.error.replace(/[^\w.:-]/g, '').slice(0, 100) || 'Unknown';
  await deps.repo.commit({
    complaint: { ...c, updatedAt: at, version: c.version + 1 },
    expectedVersion: c.version,
    history: [
      entry(
        c.reference,
        at,
        'system',
        'workflow-failed',
        `Workflow ${input.executionName} failed at stage ${c.stage} (${error}); the orphan sweeper resumes it`,
        false,
        undefined,
        { executionName: input.executionName, error },
      ),
    ],
  });
  return { reference: c.reference, recorded: true };
}
