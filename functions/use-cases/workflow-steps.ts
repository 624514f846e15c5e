/**
 * The steps the workflow runs itself (not staff): registering and assessing a complaint,
 * opening a staff task with its task token, closing. Each is idempotent, because Step
 * Functions retries tasks and the orphan sweeper may replay a stage.
 */
import type { HistoryEntry, Stage } from '../domain/complaint.ts';
import type { ComplaintRepository } from '../domain/ports.ts';
import type { RegionConfig } from '../domain/regions.ts';
import type { Clock } from '../shared/clock.ts';
import { NotFoundError } from '../shared/errors.ts';

export interface StepDeps { repo: ComplaintRepository; clock: Clock; region: RegionConfig }

const TASK_SUMMARY: Partial<Record<Stage, string>> = {
  INVESTIGATION: 'Your complaint is being investigated',
  REPLY: 'We are preparing our reply',
  CALLBACK: 'Our reply has been sent; we will ask whether you are satisfied',
};

export async function openStaffTask(
  input: { reference: string; stage: Stage; taskToken: string; executionName: string },
  deps: StepDeps,
): Promise<{ reference: string; stage: Stage; result: 'opened' | 'already-open' }> {
  const at = deps.clock.now().toISOString();
  const complaint = await deps.repo.get(input.reference);
  if (!complaint) throw new NotFoundError(`Complaint ${input.reference} not found`);
  // A resumed workflow re-opens the task of the stage the complaint is already in: the
  // customer has been told about that stage once; staff see the re-opening in the history.
  const reopened = complaint.stage === input.stage;
  const history: HistoryEntry = reopened
    ? { reference: input.reference, at, actor: 'system', action: 'task-reopened', visibleToCustomer: false, summary: `Task of stage ${input.stage} re-opened by a resumed workflow` }
    : { reference: input.reference, at, actor: 'system', action: `stage:${input.stage.toLowerCase()}`, visibleToCustomer: true, summary: TASK_SUMMARY[input.stage] ?? `Stage ${input.stage}` };
  const result = await deps.repo.openTask({ ...input, openedAt: at }, history);
  return { reference: input.reference, stage: input.stage, result };
}

export async function closeComplaint(input: { reference: string }, deps: StepDeps): Promise<{ reference: string; closedAt: string }> {
  const complaint = await deps.repo.get(input.reference);
  if (!complaint) throw new NotFoundError(`Complaint ${input.reference} not found`);
  if (complaint.status === 'CLOSED') return { reference: input.reference, closedAt: complaint.updatedAt };
  const now = deps.clock.now();
  const at = now.toISOString();
  const expiresAt = Math.floor(now.getTime() / 1000) + deps.region.retention.hotSeconds;
  await deps.repo.close(input.reference, at, expiresAt, {
    reference: input.reference, at, actor: 'system', action: 'closed', visibleToCustomer: true, summary: 'Your complaint is closed',
  });
  return { reference: input.reference, closedAt: at };
}
