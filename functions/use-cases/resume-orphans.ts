/**
 * The orphan sweeper: every open complaint must have a live workflow. One without (its
 * start failed, its execution was stopped or lost, the local runtime restarted) gets a
 * new execution that resumes at the complaint's persisted stage. Scheduled on AWS; run
 * at start-up by the local runtime, whose engine keeps executions in memory.
 */
import type { Stage } from '../domain/complaint.ts';
import type { ComplaintRepository, WorkflowEngine } from '../domain/ports.ts';
import type { Clock } from '../shared/clock.ts';

export interface SweepDeps { repo: ComplaintRepository; workflow: WorkflowEngine; clock: Clock; graceSeconds: number }
export interface SweepResult { checked: number; resumed: { reference: string; stage: Stage; executionName: string }[] }

export async function resumeOrphans(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.clock.now();
  // Anything updated inside the grace period may still have a StartExecution in flight.
  // ('~' sorts after the '#' that follows the timestamp in the index key: the bound is inclusive.)
  const open = await deps.repo.listOpen(new Date(now.getTime() - deps.graceSeconds * 1000).toISOString() + '~');
  const resumed: SweepResult['resumed'] = [];
  for (const c of open) {
    if (await deps.workflow.isRunning(c.executionName)) continue;
    const next = `${c.reference}--r${c.resumeCount + 1}`;
    const at = now.toISOString();
    const claimed = await deps.repo.replaceExecution(c.reference, c.executionName, next, {
      reference: c.reference, at, actor: 'system', action: 'workflow-resumed', visibleToCustomer: false,
      summary: `Workflow resumed at stage ${c.stage}`, before: { executionName: c.executionName }, after: { executionName: next },
    });
    if (!claimed) continue; // someone else resumed it first
    await deps.workflow.start(next, { reference: c.reference, resumeAt: c.stage });
    resumed.push({ reference: c.reference, stage: c.stage, executionName: next });
  }
  return { checked: open.length, resumed };
}
