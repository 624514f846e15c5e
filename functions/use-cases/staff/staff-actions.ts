/**
 * Every staff action of the lifecycle. Each one: load the complaint, authorise the actor
 * (role, department, conflict of interest), decide by the pure rules, then commit complaint,
 * task, history and messages in one transaction guarded by the complaint's version - two
 * staff completing the same task: one wins, the other gets 409. A completed stage is handed
 * to the waiting workflow with the stored task token (SendTaskSuccess).
 */
import { mayApprove, replyApprovalTier, routeApproval, seniorTierProblems, type ApprovalRoute, type ApprovalTier } from '../../domain/approval.ts';
import { authorize, canBeAssigned, type Actor, type StaffOperation } from '../../domain/authorization.ts';
import type { BusinessCalendar } from '../../domain/business-calendar.ts';
import { dissatisfactionReviewed } from '../../domain/callback.ts';
import type { Classification, Complaint, HistoryEntry, OutcomeResult, Stage } from '../../domain/complaint.ts';
import { deadlineRule, extendDeadline, shiftDeadlineForPause } from '../../domain/deadlines.ts';
import type { Complaints, OneTimeTokens, Outbox, StaffDirectory, TaskQueue, WorkflowEngine } from '../../domain/ports.ts';
import type { OutboundMessage, TaskItem } from '../../domain/model.ts';
import { customerKeys } from '../../domain/repeats.ts';
import type { RegionConfig } from '../../domain/regions.ts';
import { messageHtml } from '../../domain/message-html.ts';
import { draftReply, formatLocalTime, renderCustomerMessage, statusPageUrl } from '../../domain/reply-templates.ts';
import { finalResponseRecord, formatLocalDate, regulatoryParagraphs, type CfpbResponse } from '../../domain/final-response.ts';
import type { Clock } from '../../shared/clock.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import { normaliseDepartment } from '../../domain/classification.ts';
import { customerChannel, entry, load, markMet, openTaskUpdate, refreshTask, staffMessage, type LinkSigner } from '../common.ts';
import { verifyTaskLink } from '../../domain/task-links.ts';
import { queueOrder } from '../../domain/vulnerability.ts';
import { replyOutcome } from './redress.ts';

export interface StaffDeps {
  repo: Complaints & TaskQueue & StaffDirectory & Outbox & OneTimeTokens;
  workflow: WorkflowEngine;
  clock: Clock;
  region: RegionConfig;
  calendar: BusinessCalendar;
  links?: LinkSigner;
  /** The customer pages' origin (PUBLIC_BASE_URL): the reply links to the status page, where the customer answers. */
  config?: { publicBaseUrl?: string };
}

export interface Ctx {
  c: Complaint;
  task?: TaskItem;
  at: string;
  now: Date;
}

function allow(actor: Actor, op: StaffOperation, c?: Complaint): void {
  const d = authorize(actor, op, c);
  if (!d.allowed) throw new ForbiddenError(d.reason);
}

export async function begin(deps: StaffDeps, actor: Actor, op: StaffOperation, reference: string, stage?: Stage | Stage[]): Promise<Ctx> {
  const c = await load(deps.repo, reference);
  allow(actor, op, c);
  const task = await deps.repo.getTask(reference);
  const stages = stage === undefined ? undefined : Array.isArray(stage) ? stage : [stage];
  if (stages && (!stages.includes(c.stage) || !task || task.status === 'completed')) {
    throw new ConflictError(`This action needs the complaint to be at stage ${stages.join(' or ')} with an open task; it is at ${c.stage}`);
  }
  const now = deps.clock.now();
  return { c, task, at: now.toISOString(), now };
}

export function bump(c: Complaint, at: string): Complaint {
  return { ...structuredClone(c), updatedAt: at, version: c.version + 1 };
}

function customerMessage(deps: StaffDeps, c: Complaint, at: string, kind: OutboundMessage['kind'], vars: Record<string, string>): OutboundMessage {
  // Instants are shown to customers in the region's local time, in their language.
  const shown = Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [k, /DueAt$/.test(k) ? formatLocalTime(new Date(v), deps.region.calendar.timeZone, c.language) : v]),
  );
  const m = renderCustomerMessage(kind as never, c.language, { reference: c.reference, ...shown });
  return { reference: c.reference, at, kind, audience: 'customer', language: c.language, ...customerChannel(c), subject: m.subject, text: m.text };
}

/** Commits the stage's completion, then hands its output to the workflow. */
export async function finishStage(
  deps: StaffDeps,
  ctx: Ctx,
  next: Complaint,
  actorId: string,
  output: Record<string, unknown>,
  history: HistoryEntry[],
  messages: OutboundMessage[] = [],
) {
  const task = ctx.task!;
  const done: TaskItem = { ...refreshTask(task, next), status: 'completed', completedAt: ctx.at, completedBy: actorId, output };
  await deps.repo.commit({ complaint: next, expectedVersion: ctx.c.version, task: { put: done, ifToken: task.taskToken }, history, messages });
  // If this fails the completion is stored: the sweeper hands it to the workflow later.
  await deps.workflow.completeTask(task.taskToken, output).catch(() => false);
}

async function saveWithTask(
  deps: StaffDeps,
  ctx: Ctx,
  next: Complaint,
  history: HistoryEntry[],
  messages: OutboundMessage[] = [],
  taskPatch: Partial<TaskItem> = {},
) {
  const task = ctx.task && ctx.task.status !== 'completed' ? { put: { ...refreshTask(ctx.task, next), ...taskPatch }, ifToken: ctx.task.taskToken } : undefined;
  await deps.repo.commit({ complaint: next, expectedVersion: ctx.c.version, task, history, messages });
}

export async function claimTask(deps: StaffDeps, actor: Actor, reference: string) {
  const ctx = await begin(deps, actor, 'claimTask', reference, ['INVESTIGATION', 'REPLY', 'CALLBACK']);
  const current = ctx.c.assignment?.assignee;
  if (current && current !== actor.id) throw new ConflictError(`The task is already claimed by ${current}`);
  const next = bump(ctx.c, ctx.at);
  next.assignment = { team: next.assignment?.team ?? actor.department, ...next.assignment, assignee: actor.id };
  // Major complaints: emergency handling starts when the lead claims it (S2 1.1.22).
  const met = markMet(next, ['emergencyStart'], ctx.at);
  await saveWithTask(deps, ctx, next, [
    entry(reference, ctx.at, actor.id, 'claimed', `Claimed by ${actor.id}${met.length ? '; emergency handling started' : ''}`),
  ]);
  return next;
}

export async function correctClassification(
  deps: StaffDeps,
  actor: Actor,
  reference: string,
  patch: Partial<Pick<Classification, 'nature' | 'urgency' | 'riskLevel' | 'priority'>>,
) {
  const ctx = await begin(deps, actor, 'correctClassification', reference, ['RECEIVED', 'INVESTIGATION']);
  if (!ctx.c.classification) throw new ConflictError('The complaint is not classified yet');
  const next = bump(ctx.c, ctx.at);
  const before = ctx.c.classification;
  next.classification = { ...before, ...patch, correctedBy: actor.id, correctedAt: ctx.at, reasons: [...before.reasons, `corrected by ${actor.id}`] };
  await saveWithTask(deps, ctx, next, [
    entry(
      reference,
      ctx.at,
      actor.id,
      'classification-corrected',
      `Classification corrected by ${actor.id}`,
      false,
      { nature: before.nature, urgency: before.urgency, riskLevel: before.riskLevel, priority: before.priority },
      patch,
    ),
  ]);
  return next;
}

export async function completeInvestigation(
  deps: StaffDeps,
  actor: Actor,
  reference: string,
  body: { rootCause: string; responsiblePeople: string; correctiveMeasures: string; correctionResult: string },
) {
  const ctx = await begin(deps, actor, 'completeInvestigation', reference, 'INVESTIGATION');
  const next = bump(ctx.c, ctx.at);
  next.investigation = { ...body, by: actor.id, at: ctx.at };
  markMet(next, ['investigate', 'emergencyStart'], ctx.at);
  await finishStage(deps, ctx, next, actor.id, { stage: 'INVESTIGATION' }, [
    entry(reference, ctx.at, actor.id, 'investigation-completed', 'The investigation is complete', true, undefined, { investigation: body }),
  ]);
  return next;
}

export async function submitHandlingPlan(
  deps: StaffDeps,
  actor: Actor,
  reference: string,
  body: { departments: { department: string; duty: string; dueAt: string }[] },
) {
  const ctx = await begin(deps, actor, 'submitHandlingPlan', reference, ['INVESTIGATION']);
  if (!ctx.c.routing?.crossDepartment) throw new ConflictError('A handling plan is for cross-department complaints');
  const next = bump(ctx.c, ctx.at);
  next.handlingPlan = { departments: body.departments, by: actor.id, at: ctx.at };
  markMet(next, ['handlingPlan'], ctx.at);
  await saveWithTask(deps, ctx, next, [
    entry(reference, ctx.at, actor.id, 'handling-plan', `Handling plan: ${body.departments.map((d) => d.department).join(', ')}`, false, undefined, {
      handlingPlan: body,
    }),
  ]);
  return next;
}

export async function getReplyDraft(deps: StaffDeps, actor: Actor, reference: string) {
  const ctx = await begin(deps, actor, 'getReplyDraft', reference, 'REPLY');
  const c = ctx.c;
  return draftReply({
    reference,
    language: c.language,
    nature: c.classification?.nature ?? 'service',
    customerName: c.complainant.anonymous ? undefined : c.complainant.name,
    outcome: c.investigation?.correctionResult,
    measures: c.investigation?.correctiveMeasures,
    handlerName: actor.name,
    at: ctx.now,
    timeZone: deps.region.calendar.timeZone,
  });
}

/**
 * The reply as the customer gets it: the handler's text, then the satisfaction question (1-5,
 * what a dissatisfied answer leads to, where to answer) - one message where there were two.
 * What a dissatisfied customer may do is the region's final-response wording
 * (domain/final-response.ts: UK DISP and the FOS, CN 12378 and mediation, US the CFPB and the
 * response category), recorded as `finalResponse` (UK: with the FOS referral deadline).
 * The message keeps the text, as sent (the complaint records who sent what when); the status
 * page shows it next to the answer form.
 */
function sendReply(
  deps: StaffDeps,
  ctx: Ctx,
  next: Complaint,
  reply: { subject: string; text: string; by: string; cfpbResponse?: CfpbResponse },
  approvedBy?: string,
) {
  const statusUrl = statusPageUrl(deps.config?.publicBaseUrl, next.reference);
  const profile = deps.region.profile.name;
  const finalResponse = finalResponseRecord(profile, ctx.at, next.deadlines.summaryResolution?.dueAt);
  const regulatory = regulatoryParagraphs(profile, next.language, {
    kind: finalResponse.kind === 'summary-resolution' ? 'summary-resolution' : 'final',
    reviewed: !dissatisfactionReviewed(next.reopenCount ?? 0),
    ...(finalResponse.fosDeadline ? { fosDeadline: formatLocalDate(new Date(finalResponse.fosDeadline), deps.region.calendar.timeZone) } : {}),
    ...(reply.cfpbResponse ? { cfpbResponse: reply.cfpbResponse } : {}),
  });
  const rendered = renderCustomerMessage('reply', next.language, {
    reference: next.reference,
    subject: reply.subject,
    body: reply.text,
    ...(statusUrl ? { statusUrl } : {}),
    regulatory: regulatory.join('\n\n'),
  });
  const message: OutboundMessage = {
    reference: next.reference,
    at: ctx.at,
    kind: 'reply',
    audience: 'customer',
    language: next.language,
    ...customerChannel(next),
    subject: rendered.subject,
    text: rendered.text,
  };
  next.reply = {
    subject: reply.subject,
    by: reply.by,
    ...(approvedBy ? { approvedBy } : {}),
    sentAt: ctx.at,
    channel: message.channel,
    ...(reply.cfpbResponse ? { cfpbResponse: reply.cfpbResponse } : {}),
  };
  next.finalResponse = finalResponse;
  const summaryOk = next.deadlines.summaryResolution && ctx.at <= next.deadlines.summaryResolution.dueAt;
  markMet(next, ['replyTarget', 'finalResponse', ...(summaryOk ? ['summaryResolution'] : [])], ctx.at);
  return message;
}

/** The parts of the complaint the approval rule looks at, for an approval by `author`. */
const approvalSubject = (c: Complaint, author: string) => ({ author, team: c.assignment?.team ?? '', manager: c.assignment?.manager, target: c.target });

/**
 * Where an approval by `author` goes (domain/approval.ts): the required tier, or the senior tier when
 * nobody but the author holds it. A directory with nobody at all to approve is refused, naming why.
 */
async function routeFor(deps: StaffDeps, c: Complaint, required: ApprovalTier, author: string): Promise<ApprovalRoute> {
  const candidates = await deps.repo.approvalCandidates(c.assignment?.team ?? '');
  const manager = c.assignment?.manager;
  if (manager && !candidates.some((p) => p.id === manager)) {
    const m = await deps.repo.getStaff(manager);
    if (m && !m.disabled) candidates.push(m);
  }
  const route = routeApproval(required, approvalSubject(c, author), candidates);
  if (!route.approvers.length)
    throw new ConflictError(
      `Nobody but you may approve this; ${seniorTierProblems(candidates).join('; ') || 'the senior approval tier is not staffed for this complaint'}`,
    );
  return route;
}

/** The approval notice: to those who may approve at the senior tier (the manager tier works from its team queue). */
function approvalNotices(deps: StaffDeps, next: Complaint, at: string, route: ApprovalRoute, what: string, author: string): OutboundMessage[] {
  if (route.tier !== 'senior') return [];
  return route.approvers.map((id) =>
    staffMessage(
      next,
      at,
      { id },
      'progress',
      `${next.reference}: ${what} waits for your approval`,
      `${author} asks for approval of ${what} on complaint ${next.reference} (senior tier: ${deps.region.profile.approvalTiers.senior}).${route.escalated ? ' It came to the senior tier because nobody but its author could approve it below.' : ''}`,
      deps.links,
    ),
  );
}

function checkApprover(deps: StaffDeps, actor: Actor, tier: ApprovalTier, c: Complaint, author: string, what: string) {
  const d = mayApprove(actor, tier, approvalSubject(c, author));
  if (d.allowed) return;
  if (d.reason.startsWith('approved by')) throw new ForbiddenError(`${what} is ${d.reason}`);
  throw new ForbiddenError(`${what} waits for the ${tier} tier (${deps.region.profile.approvalTiers[tier]}): ${d.reason}`);
}

export async function submitReply(
  deps: StaffDeps,
  actor: Actor,
  reference: string,
  { outcome, ...body }: { subject: string; text: string; cfpbResponse?: CfpbResponse; outcome?: { result: OutcomeResult; note?: string } },
) {
  const ctx = await begin(deps, actor, 'submitReply', reference, 'REPLY');
  if (ctx.task!.status === 'awaiting-approval') throw new ConflictError('A reply is already waiting for approval');
  const us = deps.region.profile.name === 'US';
  if (us && !body.cfpbResponse)
    throw new ValidationError([{ field: 'cfpbResponse', message: 'is required in the US: choose the CFPB company response category' }]);
  if (!us && body.cfpbResponse)
    throw new ValidationError([{ field: 'cfpbResponse', message: 'is for US complaints only (the CFPB company response category)' }]);
  const next = bump(ctx.c, ctx.at);
  // The reply states the outcome: given with it or recorded before (use-cases/staff/redress.ts).
  const decided = replyOutcome(next, outcome, actor.id, ctx.at);
  const reply = { ...body, by: actor.id };
  // Major and escalated complaints: the reply is approved before it goes out - by a manager, or
  // by the senior tier when its author is the only manager who could (domain/approval.ts).
  const required = replyApprovalTier(next);
  if (required) {
    const route = await routeFor(deps, ctx.c, required, actor.id);
    const tierName = deps.region.profile.approvalTiers[route.tier];
    await saveWithTask(
      deps,
      ctx,
      next,
      [
        entry(
          reference,
          ctx.at,
          actor.id,
          'reply-drafted',
          `Reply drafted; waiting for approval by the ${route.tier} tier (${tierName})${route.escalated ? ': nobody but its author could approve it at the manager tier' : ''}`,
          false,
          undefined,
          decided,
        ),
      ],
      approvalNotices(deps, next, ctx.at, route, 'a reply', actor.id),
      { status: 'awaiting-approval', pendingReply: { ...reply, at: ctx.at, tier: route.tier } },
    );
    return { status: 'awaiting-approval' as const, tier: route.tier, approvers: route.approvers, complaint: next };
  }
  const message = sendReply(deps, ctx, next, reply);
  await finishStage(
    deps,
    ctx,
    next,
    actor.id,
    { stage: 'REPLY' },
    // The customer sees the summary only; staff see the outcome in `after`.
    [entry(reference, ctx.at, actor.id, 'reply-sent', `Our reply was sent (${message.channel})`, true, undefined, decided)],
    [message],
  );
  return { status: 'sent' as const, complaint: next };
}

export async function approveReply(deps: StaffDeps, actor: Actor, reference: string, body: { approve: boolean; comment?: string }) {
  const ctx = await begin(deps, actor, 'approveReply', reference, 'REPLY');
  const pending = ctx.task!.pendingReply;
  if (ctx.task!.status !== 'awaiting-approval' || !pending) throw new ConflictError('No reply is waiting for approval');
  checkApprover(deps, actor, pending.tier ?? 'manager', ctx.c, pending.by, 'A reply');
  const next = bump(ctx.c, ctx.at);
  if (!body.approve) {
    await saveWithTask(
      deps,
      ctx,
      next,
      [entry(reference, ctx.at, actor.id, 'reply-rejected', `Reply sent back by ${actor.id}: ${body.comment ?? ''}`.trim())],
      [],
      { status: 'open', pendingReply: undefined },
    );
    return { status: 'rejected' as const, complaint: next };
  }
  const message = sendReply(deps, ctx, next, pending, actor.id);
  await finishStage(
    deps,
    ctx,
    next,
    actor.id,
    { stage: 'REPLY' },
    [
      entry(reference, ctx.at, actor.id, 'reply-approved', `Reply approved by ${actor.id} (${pending.tier ?? 'manager'} tier)`),
      entry(reference, ctx.at, actor.id, 'reply-sent', `Our reply was sent (${message.channel})`, true),
    ],
    [message],
  );
  return { status: 'sent' as const, complaint: next };
}

/** Its author takes back a reply waiting for approval: the task is open again, to redraft and submit. */
export async function withdrawReply(deps: StaffDeps, actor: Actor, reference: string, body: { reason?: string }) {
  const ctx = await begin(deps, actor, 'withdrawReply', reference, 'REPLY');
  const pending = ctx.task!.pendingReply;
  if (ctx.task!.status !== 'awaiting-approval' || !pending) throw new ConflictError('No reply is waiting for approval');
  if (pending.by !== actor.id) throw new ForbiddenError('Only its author may withdraw a reply waiting for approval');
  const next = bump(ctx.c, ctx.at);
  await saveWithTask(
    deps,
    ctx,
    next,
    [entry(reference, ctx.at, actor.id, 'reply-withdrawn', `Reply withdrawn by its author${body.reason ? `: ${body.reason}` : ''}`)],
    [],
    { status: 'open', pendingReply: undefined },
  );
  return { status: 'withdrawn' as const, complaint: next };
}

export async function requestExtension(deps: StaffDeps, actor: Actor, reference: string, body: { reason: string }) {
  const ctx = await begin(deps, actor, 'requestExtension', reference, ['INVESTIGATION', 'REPLY']);
  const c = ctx.c;
  if (c.extensions?.pending) throw new ConflictError('An extension is already waiting for approval');
  const ext = extendDeadline(deps.region.profile, deps.calendar, new Date(c.receivedAt), c.extensions?.granted ?? 0, new Date(c.deadlines.finalResponse.dueAt));
  if (!ext) throw new ConflictError(`No extension is available under the ${deps.region.profile.name} rules`);
  if (ctx.at > c.deadlines.finalResponse.dueAt) throw new ConflictError('Too late: an extension must be told to the customer before the deadline passes');
  const next = bump(c, ctx.at);
  if (ext.approval === 'none') return grantExtension(deps, ctx, next, actor, body.reason, actor.id);
  // Approved at the tier the region profile requires (CN: 30 days manager, 60 days senior), or
  // above it when nobody but the requester holds that tier.
  const route = await routeFor(deps, c, ext.approval, actor.id);
  next.extensions = { granted: c.extensions?.granted ?? 0, pending: { requestedBy: actor.id, requestedAt: ctx.at, reason: body.reason, tier: route.tier } };
  await saveWithTask(
    deps,
    ctx,
    next,
    [
      entry(
        reference,
        ctx.at,
        actor.id,
        'extension-requested',
        `Extension requested (${ext.rule}): ${body.reason}; approval by the ${route.tier} tier (${deps.region.profile.approvalTiers[route.tier]})`,
      ),
    ],
    approvalNotices(deps, next, ctx.at, route, 'an extension', actor.id),
  );
  return { status: 'pending' as const, tier: route.tier, approvers: route.approvers, complaint: next };
}

async function grantExtension(deps: StaffDeps, ctx: Ctx, next: Complaint, _actor: Actor, reason: string, approvedBy: string) {
  const granted = next.extensions?.granted ?? 0;
  const before = next.deadlines.finalResponse;
  // From the deadline in force: time it was moved by (a pause, a restart) is kept.
  const ext = extendDeadline(deps.region.profile, deps.calendar, new Date(next.receivedAt), granted, new Date(before.dueAt))!;
  next.deadlines.finalResponse = { dueAt: ext.dueAt, rule: ext.rule };
  next.extensions = { granted: granted + 1 };
  const msg = customerMessage(deps, next, ctx.at, 'extension', { oldDueAt: before.dueAt, newDueAt: ext.dueAt, reason });
  await saveWithTask(
    deps,
    ctx,
    next,
    [
      entry(
        next.reference,
        ctx.at,
        approvedBy,
        'extension-granted',
        `We need more time to answer properly; our response is now due by ${ext.dueAt}`,
        true,
        { finalResponse: before },
        { finalResponse: next.deadlines.finalResponse, reason },
      ),
    ],
    [msg],
  );
  return { status: 'granted' as const, complaint: next };
}

export async function decideExtension(deps: StaffDeps, actor: Actor, reference: string, body: { approve: boolean; comment?: string }) {
  const ctx = await begin(deps, actor, 'decideExtension', reference, ['INVESTIGATION', 'REPLY']);
  const pending = ctx.c.extensions?.pending;
  if (!pending) throw new ConflictError('No extension is waiting for approval');
  if (pending.requestedBy === actor.id) throw new ForbiddenError('An extension is approved by someone other than the person who asked for it');
  // Requested before tiers: the tier the profile requires of it.
  const required = deps.region.profile.clocks.extensions[ctx.c.extensions?.granted ?? 0]?.approval;
  checkApprover(deps, actor, pending.tier ?? (required === 'senior' ? 'senior' : 'manager'), ctx.c, pending.requestedBy, 'An extension');
  const next = bump(ctx.c, ctx.at);
  // The customer must be told before the old deadline: after it, approval is refused.
  const late = ctx.at > ctx.c.deadlines.finalResponse.dueAt;
  if (!body.approve || late) {
    next.extensions = { granted: ctx.c.extensions?.granted ?? 0 };
    const why = late ? 'refused: the deadline passed before the customer could be told' : `refused by ${actor.id}${body.comment ? `: ${body.comment}` : ''}`;
    await saveWithTask(deps, ctx, next, [entry(reference, ctx.at, actor.id, 'extension-refused', `Extension ${why}`)]);
    return { status: 'refused' as const, late, complaint: next };
  }
  return grantExtension(deps, ctx, next, actor, pending.reason, actor.id);
}

export async function pauseClock(deps: StaffDeps, actor: Actor, reference: string, body: { reason: string }) {
  const ctx = await begin(deps, actor, 'pauseClock', reference, ['INVESTIGATION', 'REPLY']);
  if (ctx.c.pause) throw new ConflictError('The clock is already paused');
  const next = bump(ctx.c, ctx.at);
  next.pause = { since: ctx.at, reason: body.reason, by: actor.id };
  await saveWithTask(
    deps,
    ctx,
    next,
    [entry(reference, ctx.at, actor.id, 'clock-paused', `The clock is paused: ${body.reason}`, true)],
    [customerMessage(deps, next, ctx.at, 'pause', { reason: body.reason })],
  );
  return next;
}

export async function resumeClock(deps: StaffDeps, actor: Actor, reference: string) {
  const ctx = await begin(deps, actor, 'resumeClock', reference, ['INVESTIGATION', 'REPLY']);
  const pause = ctx.c.pause;
  if (!pause) throw new ConflictError('The clock is not paused');
  const next = bump(ctx.c, ctx.at);
  delete next.pause;
  const shifted: Record<string, { from: string; to: string }> = {};
  for (const [name, d] of Object.entries(next.deadlines)) {
    if (d.metAt) continue;
    const rule = deadlineRule(deps.region.profile, name, next.extensions?.granted ?? 0);
    const to = shiftDeadlineForPause(deps.calendar, rule, new Date(d.dueAt), new Date(pause.since), ctx.now).toISOString();
    if (to !== d.dueAt) {
      shifted[name] = { from: d.dueAt, to };
      d.dueAt = to;
    }
  }
  await saveWithTask(
    deps,
    ctx,
    next,
    [entry(reference, ctx.at, actor.id, 'clock-resumed', 'The clock runs again; our deadlines moved by the paused time', true, { pause }, { shifted })],
    [customerMessage(deps, next, ctx.at, 'resume', { newDueAt: next.deadlines.finalResponse.dueAt })],
  );
  return next;
}

/**
 * Phone and branch customers get their messages by a staff call: the call task is recorded
 * when done (reached) or attempted (no answer, wrong number - it stays to do).
 */
export async function recordCall(
  deps: StaffDeps,
  actor: Actor,
  reference: string,
  body: { messageId: string; outcome: 'reached' | 'no-answer' | 'wrong-number'; note?: string },
) {
  const c = await load(deps.repo, reference);
  allow(actor, 'recordCall', c);
  const message = (await deps.repo.messages(reference)).find((m) => m.messageId === body.messageId);
  if (message?.channel !== 'call-task') throw new NotFoundError('No call task with this id on this complaint');
  const at = deps.clock.now().toISOString();
  if (message.status !== 'recorded') throw new ConflictError('This call task is already done');
  const next = bump(c, at);
  // The call task done and its history entry: one transaction.
  await deps.repo
    .commit({
      complaint: next,
      expectedVersion: c.version,
      history: [
        entry(
          reference,
          at,
          actor.id,
          `call:${body.outcome}`,
          `Call about the ${message.kind}: ${body.outcome}${body.note ? ` (${body.note})` : ''}`,
          body.outcome === 'reached',
        ),
      ],
      ...(body.outcome === 'reached'
        ? { messageStatus: { messageId: body.messageId, from: 'recorded' as const, to: 'sent' as const, patch: { sentAt: at, calledBy: actor.id } } }
        : {}),
    })
    .catch((e) => {
      throw e instanceof ConflictError && /no longer/.test(e.message) ? new ConflictError('This call task is already done') : e;
    });
  return { messageId: body.messageId, outcome: body.outcome };
}

/**
 * A manager restricts a customer who abuses the channels (S4 5.2): recorded with its reason.
 * Complaints from them are still registered and handled (a regulatory duty), and flagged.
 */
export async function restrictCustomer(deps: StaffDeps, actor: Actor, reference: string, body: { reason: string; until?: string }) {
  const c = await load(deps.repo, reference);
  allow(actor, 'restrictCustomer', c);
  const keys = c.complainant.anonymous ? [] : customerKeys(c.complainant.contact);
  if (!keys.length) throw new ConflictError('The complaint has no customer contact to restrict');
  const at = deps.clock.now().toISOString();
  const restriction = { reason: body.reason, by: actor.id, at, ...(body.until ? { until: body.until } : {}) };
  const next = bump(c, at);
  next.restricted = restriction;
  const task = await deps.repo.getTask(reference);
  // The restriction, the flag on the complaint and the history entry: one transaction.
  await deps.repo.commit({
    complaint: next,
    expectedVersion: c.version,
    restriction: { keys, restriction },
    task: openTaskUpdate(task, next),
    history: [
      entry(
        reference,
        at,
        actor.id,
        'customer-restricted',
        `Customer restricted by ${actor.id}: ${body.reason}${body.until ? ` (until ${body.until})` : ''}`,
        false,
        undefined,
        { restriction },
      ),
    ],
  });
  return { restricted: true, restriction };
}

export async function reassign(deps: StaffDeps, actor: Actor, reference: string, body: { assignee?: string; team?: string }) {
  const ctx = await begin(deps, actor, 'reassign', reference, ['INVESTIGATION', 'REPLY', 'CALLBACK']);
  // Only to a team the staff directory staffs ("Loans Department" is loans): a team of any other
  // name would take the complaint out of every queue.
  if (body.team !== undefined) {
    const team = normaliseDepartment(body.team);
    if (!team || !(await deps.repo.isStaffedTeam(team))) throw new ValidationError([{ field: 'team', message: 'must be a team in the staff directory' }]);
    body = { ...body, team };
  }
  const next = bump(ctx.c, ctx.at);
  if (body.assignee) {
    const staff = await deps.repo.getStaff(body.assignee);
    if (!staff) throw new NotFoundError(`No staff member ${body.assignee}`);
    if (!canBeAssigned(staff, ctx.c)) throw new ForbiddenError('Conflict of interest: the complaint names this staff member');
    next.assignment = { ...(next.assignment ?? { team: staff.department }), team: body.team ?? staff.department, assignee: staff.id };
  } else if (body.team) {
    next.assignment = { ...next.assignment, team: body.team, assignee: undefined };
  }
  // The new assignee is told, with a link straight to the task.
  const notice =
    next.assignment?.assignee && next.assignment.assignee !== actor.id
      ? [
          staffMessage(
            next,
            ctx.at,
            { id: next.assignment.assignee },
            'progress',
            `${reference}: assigned to you`,
            `${actor.name} assigned complaint ${reference} (stage ${next.stage}) to you.`,
            deps.links,
          ),
        ]
      : [];
  await saveWithTask(
    deps,
    ctx,
    next,
    [
      entry(
        reference,
        ctx.at,
        actor.id,
        'reassigned',
        `Reassigned to ${next.assignment?.assignee ?? `the ${next.assignment?.team} queue`}`,
        false,
        { assignment: ctx.c.assignment },
        { assignment: next.assignment },
      ),
    ],
    notice,
  );
  return next;
}

/** A customer message as it went out: with its HTML part (made from the text, as at delivery). */
const withHtml = (m: OutboundMessage): OutboundMessage =>
  m.audience === 'customer' && m.html === undefined && m.text ? { ...m, html: messageHtml(m.language, m.subject, m.text) } : m;

export async function getComplaintForStaff(deps: StaffDeps, actor: Actor, reference: string) {
  const c = await load(deps.repo, reference);
  allow(actor, 'getComplaint', c);
  const [history, messages, task] = await Promise.all([deps.repo.history(reference), deps.repo.messages(reference), deps.repo.getTask(reference)]);
  const { taskToken, ...taskView } = task ?? ({} as TaskItem);
  // Past its hot retention, DynamoDB may keep an item up to two days before TTL removes it:
  // shown as what it is, a closed complaint on its way to the archive.
  const archiving = c.status === 'CLOSED' && c.expiresAt !== undefined && c.expiresAt * 1000 <= deps.clock.now().getTime();
  // The repeat confirmation's hash and salt stay server-side: staff see that a code was mailed, until when, and the tries.
  const confirmation = c.relatedTo?.confirmation;
  const shown = confirmation
    ? { ...c, relatedTo: { ...c.relatedTo!, confirmation: { expiresAt: confirmation.expiresAt, attempts: confirmation.attempts } } }
    : c;
  return {
    complaint: shown,
    task: task ? taskView : undefined,
    history,
    messages: messages.map(withHtml),
    ...(archiving ? { archive: { state: 'archiving' as const } } : {}),
  };
}

export async function listTasks(deps: StaffDeps, actor: Actor, scope: 'mine' | 'team', team?: string) {
  allow(actor, scope === 'mine' ? 'listMyTasks' : 'listTeamQueue');
  const which = team ?? actor.department;
  // The complaints desk (specialists), oversight (quality, admin) and the senior tier see every team's queue.
  // The senior approval tier too: it approves in every department.
  if (team && team !== actor.department && !actor.roles.some((r) => r === 'quality' || r === 'admin' || r === 'specialist' || r === 'senior'))
    throw new ForbiddenError("You can list your own team's queue only");
  const tasks = await deps.repo.queue(which);
  const visible = scope === 'mine' ? tasks.filter((t) => t.assignee === actor.id || t.manager === actor.id) : tasks;
  const now = deps.clock.now();
  // Time left in business time: closes of business between now and the deadline on the region's calendar.
  const businessDaysLeft = (dueAt: string) => {
    if (dueAt.startsWith('9999')) return undefined;
    const due = new Date(dueAt);
    return due >= now ? deps.calendar.businessDaysBetween(now, due) : -deps.calendar.businessDaysBetween(due, now);
  };
  // Vulnerable customers first (domain/vulnerability.ts), each group by its earliest deadline.
  return queueOrder(visible).map(({ taskToken, pendingReply, output, ...t }) => ({ ...t, businessDaysLeft: businessDaysLeft(t.nextDueAt) }));
}

/** Opens a task from a notification link: signed, unexpired, for this staff member, used once. */
export async function openTaskLink(deps: StaffDeps, actor: Actor, query: Record<string, string | undefined>) {
  allow(actor, 'openTaskLink');
  if (!deps.links) throw new ForbiddenError('Task links are not configured');
  const check = verifyTaskLink(query, deps.links.key, deps.clock.now(), actor.id);
  if (!check.ok) throw new ForbiddenError(`This link cannot be used: ${check.reason}`);
  if (!(await deps.repo.useOnce(`link:${check.link.nonce}`, check.link.expiresAt)))
    throw new ForbiddenError('This link was already used; open the task from your queue');
  return { reference: check.link.reference };
}
