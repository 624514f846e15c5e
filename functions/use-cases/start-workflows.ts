/**
 * The durable hand-off from intake to workflow: each complaint inserted into the table (seen
 * on its stream) gets its execution, named after the reference, so a redelivered record or a
 * retry starts nothing twice. A throttled or failed start is reported for this record only and
 * retried by the stream (then parked in the failure queue); the orphan sweeper is the backstop.
 */
import type { Complaint } from '../domain/complaint.ts';
import type { WorkflowEngine } from '../domain/ports.ts';

export interface StartOutcome { reference: string; started: boolean; error?: string }

export async function startWorkflowFor(c: Pick<Complaint, 'reference' | 'status' | 'stage' | 'executionName'>, workflow: WorkflowEngine): Promise<StartOutcome> {
  // Only a new complaint: a resumed one is started by the sweeper under its own name.
  if (c.status !== 'OPEN' || c.stage !== 'RECEIVED' || c.executionName !== c.reference) return { reference: c.reference, started: false };
  await workflow.start(c.executionName, { reference: c.reference, resumeAt: 'RECEIVED' });
  return { reference: c.reference, started: true };
}
