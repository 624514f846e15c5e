/**
 * The orphan sweeper: every open complaint must have a live workflow. One without (its
 * start failed, its execution was stopped or lost, the local runtime restarted) gets a
 * new execution that resumes at the complaint's persisted stage - or at the next stage
 * when its staff task was completed but the workflow never heard of it. A completion that
 * a live workflow missed is handed to it again. Scheduled on AWS (every 6 hours: a backstop);
 * run at start-up by the local runtime, whose engine keeps executions in memory.
 *
 * An execution that ends abnormally does not wait for the sweep: its status-change event
 * resumes its complaint at once (resumeEnded).
 */
import type { Complaint, Stage } from '../../domain/complaint.ts';
import type { Complaints, TaskQueue, WorkflowEngine } from '../../domain/ports.ts';
import type { TaskItem } from '../../domain/model.ts';
import type { Clock } from '../../shared/clock.ts';
import { entry } from '../common.ts';

export interface SweepDeps {
  repo: Complaints & TaskQueue;
  workflow: WorkflowEngine;
  clock: Clock;
  graceSeconds: number;
}
export interface SweepResult {
  checked: number;
  resumed: { reference: string; stage: Stage; executionName: string }[];
  redelivered: string[];
}

/** Where the workflow goes after a completed staff task (mirrors the state machine). */
export function stageAfter(task: TaskItem): Stage {
  // Merged into another complaint (issue 16): every waiting state goes to Close.
  if ((task.output as { next?: string } | undefined)?.next === 'MERGED') return 'CLOSED';
  switch (task.stage) {
    case 'INVESTIGATION':
      return 'REPLY';
    case 'REPLY':
      return 'CALLBACK';
    case 'CALLBACK':
      return (task.output as { next?: string } | undefined)?.next === 'REOPEN' ? 'INVESTIGATION' : 'CLOSED';
    default:
      return task.stage;
  }
}

/** The stages in which the workflow waits on a staff task. */
const TASK_STAGES = new Set<Stage>(['INVESTIGATION', 'REPLY', 'CALLBACK']);

export async function resumeOrphans(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - deps.graceSeconds * 1000).toISOString();
  const open = await deps.repo.listOpen();
  const result: SweepResult = { checked: open.length, resumed: [], redelivered: [] };
  for (const o of open) {
    // A live workflow needs nothing - unless its staff task was completed (before the grace
    // period) and the completion never reached it. Only the waiting stages have a task.
    if (await deps.workflow.isRunning(o.executionName)) {
      // Eventually consistent: a completion older than the grace period is long visible.
      const task = TASK_STAGES.has(o.stage) ? await deps.repo.getTask(o.reference, { consistent: false }) : undefined;
      if (task?.status === 'completed' && task.completedAt! <= cutoff && (await deps.workflow.completeTask(task.taskToken, task.output)))
        result.redelivered.push(o.reference);
      continue;
    }
    // The index is eventually consistent: the complaint itself decides. Anything updated inside
    // the grace period may still have a StartExecution in flight.
    const c = await deps.repo.get(o.reference);
    if (c?.status !== 'OPEN' || c.updatedAt > cutoff) continue;
    if (c.executionName !== o.executionName && (await deps.workflow.isRunning(c.executionName))) continue;
    const resumed = await resume(c, deps, cutoff);
    if (resumed) result.resumed.push(resumed);
  }
  return result;
}

/**
 * How many times a complaint is resumed at once when its execution ends abnormally; after that
 * it waits for the scheduled sweep, so that a step that keeps failing cannot loop (each failure
 * also raises the workflow-failed alarm).
 */
export const IMMEDIATE_RESUMES = 3;

export interface EndedExecution {
  name: string;
  status: string;
  input?: string;
}
export type EndedResult =
  | { reference: string; resumed: { reference: string; stage: Stage; executionName: string } }
  | { reference?: string; skipped: 'not-a-complaint' | 'closed-or-gone' | 'superseded' | 'running' | 'resumed-too-often' | 'changed-meanwhile' };

/**
 * An execution ended abnormally (FAILED, TIMED_OUT, ABORTED: Step Functions' status-change
 * event, an EventBridge rule on AWS, the local engine's notice locally): its complaint is resumed
 * at once, where the sweep would have found it within hours. Only if that execution is still the
 * complaint's own - an event that comes late, or twice, finds a newer one and does nothing. No
 * grace period: the execution is known to have ended, and a task completed any time before it
 * counts (the workflow goes on at the next stage).
 */
export async function resumeEnded(ended: EndedExecution, deps: Omit<SweepDeps, 'graceSeconds'>): Promise<EndedResult> {
  const reference = referenceOf(ended);
  if (!reference) return { skipped: 'not-a-complaint' };
  const c = await deps.repo.get(reference);
  if (c?.status !== 'OPEN') return { reference, skipped: 'closed-or-gone' };
  if (c.executionName !== ended.name) return { reference, skipped: 'superseded' };
  if (c.resumeCount >= IMMEDIATE_RESUMES) return { reference, skipped: 'resumed-too-often' };
  if (await deps.workflow.isRunning(c.executionName)) return { reference, skipped: 'running' };
  const resumed = await resume(c, deps, deps.clock.now().toISOString());
  return resumed ? { reference, resumed } : { reference, skipped: 'changed-meanwhile' };
}

/** The complaint an execution drives: its input's reference, else its name (`<reference>` or `<reference>--r<n>`). */
function referenceOf(ended: EndedExecution): string | undefined {
  try {
    const input = JSON.parse(ended.input ?? '') as { reference?: unknown };
    if (typeof input.reference === 'string' && input.reference) return input.reference;
  } catch {
    /* no input, or not JSON: the name says */
  }
  return ended.name.replace(/--r\d+$/, '') || undefined;
}

/**
 * A complaint without a live workflow gets one, at its persisted stage - or at the next stage
 * when its staff task was completed (before `cutoff`) but the workflow never heard of it.
 * Undefined when the complaint changed meanwhile (another sweeper, a staff action): the next
 * sweep looks again.
 */
async function resume(c: Complaint, deps: Omit<SweepDeps, 'graceSeconds'>, cutoff: string) {
  const task = await deps.repo.getTask(c.reference);
  const completed = task?.status === 'completed' && task.completedAt! <= cutoff;
  // Never started (its stream hand-off is late or failing): start it under its own name with
  // the hand-off's input, so that a TableChanges batch that runs later finds it and starts no
  // second workflow. Only if that name is taken by a finished execution is a new name used.
  if (c.executionName === c.reference && c.stage === 'RECEIVED' && !c.resumeCount) {
    await deps.workflow.start(c.reference, { reference: c.reference, resumeAt: 'RECEIVED' });
    if (await deps.workflow.isRunning(c.reference)) return { reference: c.reference, stage: 'RECEIVED' as Stage, executionName: c.reference };
  }
  const resumeAt = completed ? stageAfter(task!) : c.stage;
  const next = `${c.reference}--r${c.resumeCount + 1}`;
  const at = deps.clock.now().toISOString();
  try {
    await deps.repo.commit({
      complaint: { ...c, executionName: next, resumeCount: c.resumeCount + 1, updatedAt: at, version: c.version + 1 },
      expectedVersion: c.version,
      history: [
        entry(
          c.reference,
          at,
          'system',
          'workflow-resumed',
          `Workflow resumed at stage ${resumeAt}`,
          false,
          { executionName: c.executionName },
          { executionName: next },
        ),
      ],
    });
  } catch {
    return undefined;
  }
  await deps.workflow.start(next, { reference: c.reference, resumeAt });
  return { reference: c.reference, stage: resumeAt, executionName: next };
}
