/**
 * The steps the workflow runs itself (not staff): open a staff task with its task token (the
 * investigation task registers and assesses a new complaint first: ./registration.ts), close. Each is idempotent,
 * because Step Functions retries tasks and the orphan sweeper may replay a stage.
 */
import type { Complaint, Stage } from '../../domain/complaint.ts';
import type { Complaints, MatterWindow, Retention, StaffDirectory, TaskQueue, WorkflowEngine } from '../../domain/ports.ts';
import type { TaskItem } from '../../domain/model.ts';
import { customerKeys } from '../../domain/repeats.ts';
import { entry, load, refreshTask } from '../common.ts';
import { assessment, isAssessed, type RegistrationDeps } from './registration.ts';

export interface StepDeps extends RegistrationDeps {
  repo: Complaints & TaskQueue & StaffDirectory & MatterWindow & Retention;
  /** Hands a task completed before its stage opened (an early satisfaction answer) to the workflow at once. */
  workflow?: Pick<WorkflowEngine, 'completeTask'>;
}

const STAGE_SUMMARY: Partial<Record<Stage, string>> = {
  INVESTIGATION: 'Your complaint is being investigated',
  REPLY: 'We are preparing our reply',
  CALLBACK: 'Our reply has been sent; please tell us whether you are satisfied',
};

export async function openStaffTask(input: { reference: string; stage: Stage; taskToken: string; executionName: string }, deps: StepDeps) {
  const c = await load(deps.repo, input.reference);
  const current = await deps.repo.getTask(input.reference);
  if (current?.taskToken === input.taskToken) {
    // A repeated invocation: a completion stored with this token may not have reached the workflow yet.
    if (current.status === 'completed') await handOver(deps, current);
    return { reference: c.reference, stage: input.stage, result: 'already-open' as const };
  }
  const now = deps.clock.now();
  const at = now.toISOString();
  // A new complaint is registered, classified and routed as its investigation task opens - in
  // the same commit (no separate workflow state: one billed transition fewer per complaint).
  // Its customer-visible entry says both, so the stage entry is left out (one item fewer).
  const assessing =
    input.stage === 'INVESTIGATION' && !isAssessed(c) ? await assessment(c, deps, now, 'Your complaint is registered and is being investigated') : undefined;
  // A resumed workflow re-opens the task of the stage the complaint is already in: the
  // customer has been told about that stage once; staff see the re-opening in the history.
  const reopened = c.stage === input.stage;
  const reopenInvestigation = input.stage === 'INVESTIGATION' && c.stage === 'CALLBACK';
  const next: Complaint = { ...(assessing?.assessed ?? c), stage: input.stage, updatedAt: at, version: c.version + 1 };
  if (reopenInvestigation && next.escalated && next.assignment?.manager) next.assignment = { ...next.assignment, assignee: next.assignment.manager };
  const base: TaskItem = {
    reference: c.reference,
    stage: input.stage,
    taskToken: input.taskToken,
    executionName: input.executionName,
    openedAt: at,
    status: 'open',
    team: next.assignment?.team ?? 'retail',
    nextDueAt: '',
    nextDueName: '',
    priority: 'P3',
    major: false,
    channel: c.channel,
  };
  // A re-opened task keeps its state: a reply awaiting approval still awaits it, and a task
  // staff completed while no workflow listened (the old one lost, this one not yet open) stays
  // completed - with this execution's token, and the completion is handed over at once (the
  // sweeper hands it over if that fails).
  let task = refreshTask(reopened && current ? { ...current, taskToken: input.taskToken, executionName: input.executionName } : base, next);
  // The satisfaction question went out with the reply, so the callback stage sends nothing; staff
  // may still call back. An answer the customer gave before the stage opened completes it now.
  const early = input.stage === 'CALLBACK' && !reopened ? c.earlyCallback : undefined;
  if (early) {
    delete next.earlyCallback;
    task = { ...task, status: 'completed', completedAt: at, completedBy: early.by, output: early.output };
  }
  // Merged into another complaint while no task was open (a resumed workflow, or the merge between
  // two stages): the task completes at once, and the workflow goes to Close.
  if (c.mergedInto && task.status !== 'completed')
    task = { ...task, status: 'completed', completedAt: at, completedBy: c.mergedInto.by, output: { next: 'MERGED', into: c.mergedInto.reference } };
  const history = reopened
    ? entry(c.reference, at, 'system', 'task-reopened', `Task of stage ${input.stage} re-opened by a resumed workflow`)
    : reopenInvestigation
      ? entry(
          c.reference,
          at,
          'system',
          'reopened',
          next.escalated ? 'Your complaint is being re-examined by a manager' : 'Your complaint is being investigated again',
          true,
        )
      : entry(
          c.reference,
          at,
          'system',
          `stage:${input.stage.toLowerCase()}`,
          early ? 'Our reply has been sent, and your answer on whether you are satisfied is recorded' : (STAGE_SUMMARY[input.stage] ?? `Stage ${input.stage}`),
          true,
        );
  await deps.repo.commit({
    complaint: next,
    expectedVersion: c.version,
    task: { put: task },
    history: assessing ? assessing.history : [history],
    messages: assessing?.messages.length ? assessing.messages : undefined,
  });
  if (task.status === 'completed') await handOver(deps, task);
  return { reference: c.reference, stage: input.stage, result: 'opened' as const };
}

/**
 * A task stored as completed under the token of the waiting workflow: its completion goes to
 * the workflow now. If that fails, the orphan sweeper hands it over later (it is stored).
 */
async function handOver(deps: StepDeps, task: TaskItem): Promise<void> {
  await deps.workflow?.completeTask(task.taskToken, task.output).catch(() => false);
}

/** Every item of a closed complaint gets its expiry, so DynamoDB's TTL moves all of it to the archive. */
async function expireAll(c: Complaint, deps: StepDeps): Promise<void> {
  if (c.expiresAt === undefined) return;
  await deps.repo.expireWith(c.reference, c.expiresAt, c.complainant.anonymous ? [] : customerKeys(c.complainant.contact));
}

export async function closeComplaint(input: { reference: string }, deps: StepDeps) {
  const c = await load(deps.repo, input.reference);
  if (c.status === 'CLOSED') {
    // A retried Close (a crash after the commit) finishes the expiry stamping.
    await expireAll(c, deps);
    return { reference: c.reference, closedAt: c.closedAt ?? c.updatedAt };
  }
  const now = deps.clock.now();
  const at = now.toISOString();
  const last = c.callbacks?.at(-1);
  const outcome = c.mergedInto ? 'merged' : last ? (last.satisfaction >= 3 ? 'resolved-satisfied' : 'closed-dissatisfied') : 'closed';
  const next: Complaint = {
    ...c,
    status: 'CLOSED',
    stage: 'CLOSED',
    closure: outcome,
    closedAt: at,
    updatedAt: at,
    version: c.version + 1,
    // Archival TTL: the hot table keeps a closed complaint for the region's retention period.
    expiresAt: Math.floor(now.getTime() / 1000) + deps.region.retention.hotSeconds,
  };
  const history = [
    entry(
      c.reference,
      at,
      'system',
      'closed',
      outcome === 'closed-dissatisfied'
        ? 'Your complaint is closed. If you remain dissatisfied you may refer it to the ombudsman or regulator.'
        : outcome === 'merged'
          ? `Your complaint is closed here: it is answered together with ${c.mergedInto!.reference}`
          : 'Your complaint is closed',
      true,
      undefined,
      { closure: outcome },
    ),
  ];
  if (c.routing?.anonymous) history.push(entry(c.reference, at, 'system', 'published-internally', 'Outcome of an anonymous complaint published internally'));
  // Stamped before the commit: a crash in between leaves the complaint open, so the sweeper
  // runs Close again (a lost execution is never retried once the complaint is closed). A
  // change committed meanwhile fails this commit on the version, and the retry stamps again.
  await expireAll(next, deps);
  await deps.repo.commit({ complaint: next, expectedVersion: c.version, task: { delete: true }, history });
  return { reference: c.reference, closedAt: at };
}
