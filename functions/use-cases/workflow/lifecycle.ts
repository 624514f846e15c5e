/**
 * The steps the workflow runs itself (not staff): open a staff task with its task token (the
 * investigation task registers and assesses a new complaint first), close. Each is idempotent,
 * because Step Functions retries tasks and the orphan sweeper may replay a stage.
 */
import type { BusinessCalendar } from '../../domain/business-calendar.ts';
import { classify, COMPLAINTS_DESK, matterKeyOf, route, staffedRouting } from '../../domain/classification.ts';
import { canBeAssigned } from '../../domain/authorization.ts';
import type { Complaint, Stage } from '../../domain/complaint.ts';
import { computeDeadlines } from '../../domain/deadlines.ts';
import type { Complaints, MatterWindow, Retention, StaffDirectory, TaskQueue, WorkflowEngine } from '../../domain/ports.ts';
import type { TaskItem } from '../../domain/model.ts';
import { customerKeys } from '../../domain/repeats.ts';
import type { RegionConfig } from '../../domain/regions.ts';
import type { Clock } from '../../shared/clock.ts';
import { entry, load, markMet, refreshTask, staffMessage, type LinkSigner } from '../common.ts';

export interface StepDeps {
  repo: Complaints & TaskQueue & StaffDirectory & MatterWindow & Retention; clock: Clock; region: RegionConfig; calendar: BusinessCalendar; links?: LinkSigner;
  /** Hands a task completed before its stage opened (an early satisfaction answer) to the workflow at once. */
  workflow?: Pick<WorkflowEngine, 'completeTask'>;
}

/**
 * Register, classify, assess and route (S2 1.1.14-1.1.24):
 *  1. classify (nature, channel, urgency, risk, priority) by the pure rules;
 *  2. count other complaints on the same matter in the window (group incident);
 *  3. route: major / cross-department / anonymous; departments, lead first;
 *  4. deadlines for the route; registration and quality-control hand-off are met now;
 *  5. assign: the lead department's queue; a major complaint gets its manager.
 * Returns the assessed complaint (same version: the caller commits it with its own change),
 * its history - what the customer is told (`registered`: `customerSummary`) and what staff see
 * (`assessed`: the classification and the route, with the rules' reasons) - and the message to
 * a major complaint's manager. Runs as the first part of opening the investigation task
 * (openStaffTask), in that task's one commit.
 */
async function assessment(c: Complaint, deps: StepDeps, now: Date, customerSummary: string) {
  const at = now.toISOString();
  const classification = classify({ channel: c.channel, matter: c.matter, businessLine: c.businessLine, amount: c.amount, target: c.target }, deps.region);
  const matterKey = matterKeyOf({ channel: c.channel, matter: c.matter, businessLine: c.businessLine, amount: c.amount, target: c.target }, classification);
  let recentSameMatterCount = 0;
  if (matterKey) {
    const windowMs = deps.region.thresholds.groupIncidentWindowHours * 3600_000;
    recentSameMatterCount = await deps.repo.recordMatter(
      matterKey, c.reference, c.receivedAt, new Date(new Date(c.receivedAt).getTime() - windowMs).toISOString(), Math.floor((now.getTime() + windowMs) / 1000) + 86400,
    );
  }
  // Only teams the staff directory staffs; what no team staffs goes to the complaints desk.
  const routing = await staffedRouting(route({
    classification, complainant: c.complainant, amount: c.amount, target: c.target, businessLine: c.businessLine, matterKey, recentSameMatterCount,
  }, deps.region), (team) => deps.repo.isStaffedTeam(team));

  const fresh = computeDeadlines(deps.region.profile, deps.calendar, new Date(c.receivedAt), { major: routing.major, crossDepartment: routing.crossDepartment });
  const deadlines: Complaint['deadlines'] = { ...fresh };
  for (const [k, d] of Object.entries(c.deadlines)) if (deadlines[k]) Object.assign(deadlines[k], { metAt: d.metAt });
  const team = routing.departments[0];
  // The team's manager leads a major complaint - unless the complaint names them (conflict of interest).
  const teamManager = routing.major ? await deps.repo.managerOf(team) : undefined;
  const conflicted = teamManager !== undefined && !canBeAssigned(teamManager, c);
  const manager = conflicted ? undefined : teamManager;

  const assessed: Complaint = {
    ...c, classification, routing, deadlines,
    assignment: { team, ...(manager ? { manager: manager.id, assignee: manager.id } : {}) },
    updatedAt: at,
  };
  markMet(assessed, ['register', 'qualityControl'], at);
  const history = [
    entry(c.reference, at, 'system', 'registered', customerSummary, true),
    entry(c.reference, at, 'system', 'assessed', [
      `Classified: ${classification.nature}, ${classification.urgency}, risk ${classification.riskLevel}, ${classification.priority}`,
      `queue: ${team}`,
      routing.unstaffed ? `no team staffs ${routing.unstaffed.join(', ')}: ${team === COMPLAINTS_DESK ? 'complaints desk' : `left to ${routing.departments.join(', ')}`}${c.target?.department ? ' (the customer named a department: see the complaint)' : ''}` : '',
      routing.major ? `major (${routing.majorReasons.join('; ')}), led by ${manager?.id ?? 'an unassigned manager'}${conflicted ? ` (conflict of interest: the complaint names ${teamManager!.id})` : ''}` : '',
      routing.crossDepartment ? `cross-department: ${routing.departments.join(', ')} (lead ${team})` : '',
      routing.anonymous ? 'anonymous: outcome to be published internally' : '',
    ].filter(Boolean).join('; '), false, undefined, { classification, routing, assignment: assessed.assignment }),
  ];
  // The manager who leads a major complaint is told at once, with a link to it.
  const messages = manager ? [staffMessage(assessed, at, { id: manager.id }, 'escalation', `${c.reference}: major complaint assigned to you`,
    `Major complaint (${routing.majorReasons.join('; ')}): emergency handling is due by ${assessed.deadlines.emergencyStart?.dueAt}.`, deps.links)] : [];
  return { assessed, history, messages };
}

const isAssessed = (c: Complaint) => Boolean(c.classification && c.routing);

/**
 * The assessment as a step of its own: what executions started before the Assess state was
 * folded into Investigate still call (WorkflowStep `assess`) - a deployment leaves running
 * executions on the definition they started with. Idempotent: an assessed complaint is left as it is.
 */
export async function assessComplaint(input: { reference: string }, deps: StepDeps) {
  const c = await load(deps.repo, input.reference);
  if (isAssessed(c)) return { reference: c.reference, major: c.routing!.major, crossDepartment: c.routing!.crossDepartment };
  const { assessed, history, messages } = await assessment(c, deps, deps.clock.now(), 'Your complaint is registered and classified');
  await deps.repo.commit({ complaint: { ...assessed, version: c.version + 1 }, expectedVersion: c.version, history, messages });
  return { reference: c.reference, major: assessed.routing!.major, crossDepartment: assessed.routing!.crossDepartment };
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
  const assessing = input.stage === 'INVESTIGATION' && !isAssessed(c) ? await assessment(c, deps, now, 'Your complaint is registered and is being investigated') : undefined;
  // A resumed workflow re-opens the task of the stage the complaint is already in: the
  // customer has been told about that stage once; staff see the re-opening in the history.
  const reopened = c.stage === input.stage;
  const reopenInvestigation = input.stage === 'INVESTIGATION' && c.stage === 'CALLBACK';
  const next: Complaint = { ...(assessing?.assessed ?? c), stage: input.stage, updatedAt: at, version: c.version + 1 };
  if (reopenInvestigation && next.escalated && next.assignment?.manager) next.assignment = { ...next.assignment, assignee: next.assignment.manager };
  const base: TaskItem = {
    reference: c.reference, stage: input.stage, taskToken: input.taskToken, executionName: input.executionName, openedAt: at, status: 'open',
    team: next.assignment?.team ?? 'retail', nextDueAt: '', nextDueName: '', priority: 'P3', major: false, channel: c.channel,
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
  if (c.mergedInto && task.status !== 'completed') task = { ...task, status: 'completed', completedAt: at, completedBy: c.mergedInto.by, output: { next: 'MERGED', into: c.mergedInto.reference } };
  const history = reopened
    ? entry(c.reference, at, 'system', 'task-reopened', `Task of stage ${input.stage} re-opened by a resumed workflow`)
    : reopenInvestigation
      ? entry(c.reference, at, 'system', 'reopened', next.escalated ? 'Your complaint is being re-examined by a manager' : 'Your complaint is being investigated again', true)
      : entry(c.reference, at, 'system', `stage:${input.stage.toLowerCase()}`, early ? 'Our reply has been sent, and your answer on whether you are satisfied is recorded' : STAGE_SUMMARY[input.stage] ?? `Stage ${input.stage}`, true);
  await deps.repo.commit({
    complaint: next, expectedVersion: c.version, task: { put: task },
    history: assessing ? assessing.history : [history], messages: assessing?.messages.length ? assessing.messages : undefined,
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
    ...c, status: 'CLOSED', stage: 'CLOSED', outcome, closedAt: at, updatedAt: at, version: c.version + 1,
    // Archival TTL: the hot table keeps a closed complaint for the region's retention period.
    expiresAt: Math.floor(now.getTime() / 1000) + deps.region.retention.hotSeconds,
  };
  const history = [entry(c.reference, at, 'system', 'closed', outcome === 'closed-dissatisfied'
    ? 'Your complaint is closed. If you remain dissatisfied you may refer it to the ombudsman or regulator.'
    : outcome === 'merged' ? `Your complaint is closed here: it is answered together with ${c.mergedInto!.reference}` : 'Your complaint is closed', true, undefined, { outcome })];
  if (c.routing?.anonymous) history.push(entry(c.reference, at, 'system', 'published-internally', 'Outcome of an anonymous complaint published internally'));
  // Stamped before the commit: a crash in between leaves the complaint open, so the sweeper
  // runs Close again (a lost execution is never retried once the complaint is closed). A
  // change committed meanwhile fails this commit on the version, and the retry stamps again.
  await expireAll(next, deps);
  await deps.repo.commit({ complaint: next, expectedVersion: c.version, task: { delete: true }, history });
  return { reference: c.reference, closedAt: at };
}
