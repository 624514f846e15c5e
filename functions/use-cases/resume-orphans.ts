/**
 * The orphan sweeper: every open complaint must have a live workflow. One without (its
 * start failed, its execution was stopped or lost, the local runtime restarted) gets a
 * new execution that resumes at the complaint's persisted stage - or at the next stage
 * when its staff task was completed but the workflow never heard of it. A completion that
 * a live workflow missed is handed to it again. Scheduled on AWS; run at start-up by the
 * local runtime, whose engine keeps executions in memory.
 */
import type { Stage } from '../domain/complaint.ts';
import type { ComplaintRepository, TaskItem, WorkflowEngine } from '../domain/ports.ts';
import type { Clock } from '../shared/clock.ts';
import { entry } from './common.ts';

export interface SweepDeps { repo: ComplaintRepository; workflow: WorkflowEngine; clock: Clock; graceSeconds: number }
export interface SweepResult { checked: number; resumed: { reference: string; stage: Stage; executionName: string }[]; redelivered: string[] }

/** Where the workflow goes after a completed staff task (mirrors the state machine). */
export function stageAfter(task: TaskItem): Stage {
  switch (task.stage) {
    case 'INVESTIGATION': return 'REPLY';
    case 'REPLY': return 'CALLBACK';
    case 'CALLBACK': return (task.output as { next?: string } | undefined)?.next === 'REOPEN' ? 'INVESTIGATION' : 'CLOSED';
    default: return task.stage;
  }
}

export async function resumeOrphans(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - deps.graceSeconds * 1000).toISOString();
  // Anything updated inside the grace period may still have a StartExecution in flight.
  // ('~' sorts after the '#' that follows the timestamp in the index key: the bound is inclusive.)
  const open = await deps.repo.listOpen(cutoff + '~');
  const result: SweepResult = { checked: open.length, resumed: [], redelivered: [] };
  for (const c of open) {
    const task = await deps.repo.getTask(c.reference);
    const completed = task?.status === 'completed' && task.completedAt! <= cutoff;
    if (await deps.workflow.isRunning(c.executionName)) {
      if (completed && (await deps.workflow.completeTask(task!.taskToken, task!.output))) result.redelivered.push(c.reference);
      continue;
    }
    const resumeAt = completed ? stageAfter(task!) : c.stage;
    const next = `${c.reference}--r${c.resumeCount + 1}`;
    const at = now.toISOString();
    try {
      await deps.repo.commit({
        complaint: { ...c, executionName: next, resumeCount: c.resumeCount + 1, updatedAt: at, version: c.version + 1 },
        expectedVersion: c.version,
        history: [entry(c.reference, at, 'system', 'workflow-resumed', `Workflow resumed at stage ${resumeAt}`, false, { executionName: c.executionName }, { executionName: next })],
      });
    } catch {
      continue; // changed meanwhile (another sweeper, a staff action): next sweep looks again
    }
    await deps.workflow.start(next, { reference: c.reference, resumeAt });
    result.resumed.push({ reference: c.reference, stage: resumeAt, executionName: next });
  }
  return result;
}
