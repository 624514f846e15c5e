/**
 * The satisfaction callback (S2 1.1.20): the answer to the question our reply asked, recorded by
 * staff after a call (recordCallback) or given by the customer on the status page
 * (customerCallback); it closes the complaint, reopens it, or escalates it to the manager.
 */
import { canBeAssigned, type Actor } from '../../domain/authorization.ts';
import { awaitsCallbackStage, callbackOutcome } from '../../domain/callback.ts';
import { computeDeadlines } from '../../domain/deadlines.ts';
import { ConflictError } from '../../shared/errors.ts';
import { entry, load } from '../common.ts';
import { begin, bump, finishStage, type Ctx, type StaffDeps } from '../staff/staff-actions.ts';
import { openAsCustomer, type CustomerAccessDeps, type CustomerRequest } from './customer-access.ts';

export async function recordCallback(deps: StaffDeps, actor: Actor, reference: string, body: { satisfaction: 1 | 2 | 3 | 4 | 5; comment?: string }) {
  const ctx = await begin(deps, actor, 'recordCallback', reference, 'CALLBACK');
  return applyCallback(deps, ctx, actor.id, body);
}

/**
 * The customer answers the satisfaction question (asked in our reply) on the status page: the
 * same step, with the customer as actor. The answer may come before the workflow has opened
 * the callback stage - the reply is out, the stage opens a moment later: it is recorded
 * then, and completes the stage as soon as it opens (workflow/lifecycle.ts openStaffTask).
 */
export async function customerCallback(
  deps: StaffDeps & CustomerAccessDeps,
  reference: string,
  accessCode: string | undefined,
  body: { satisfaction: 1 | 2 | 3 | 4 | 5; comment?: string },
  request: CustomerRequest = {},
) {
  // The same guarded check as the status page (wrong codes limited per source, failures audited).
  let c = await openAsCustomer(reference, accessCode, 'customerCallback', deps, request);
  for (let attempt = 1; ; attempt++) {
    const task = await deps.repo.getTask(reference);
    const now = deps.clock.now();
    const ctx: Ctx = { c, task, at: now.toISOString(), now };
    const open = c.stage === 'CALLBACK' && task && task.status !== 'completed';
    if (!open && !awaitsCallbackStage(c, task)) {
      // The complaint was read before the workflow opened the callback stage and the task after it
      // (two reads, one commit between them): read the complaint again rather than refuse.
      if (task?.stage === 'CALLBACK' && c.stage === 'REPLY' && attempt < 3) {
        c = await load(deps.repo, reference);
        continue;
      }
      throw new ConflictError('No satisfaction callback is due for this complaint');
    }
    try {
      const out = open ? await applyCallback(deps, ctx, 'customer', body) : await recordEarlyCallback(deps, ctx, body);
      return { recorded: true, next: out.next };
    } catch (e) {
      // The workflow opened the stage meanwhile (or a staff member recorded a callback): look again.
      if (!(e instanceof ConflictError) || attempt >= 3) throw e;
      c = await load(deps.repo, reference);
    }
  }
}

/** The complaint after a callback: the answer recorded, and what it leads to (S2 1.1.20). */
async function decideCallback(deps: StaffDeps, ctx: Ctx, actorId: string, body: { satisfaction: 1 | 2 | 3 | 4 | 5; comment?: string }) {
  const reference = ctx.c.reference;
  const next = bump(ctx.c, ctx.at);
  const out = callbackOutcome({ satisfaction: body.satisfaction, reopenCount: ctx.c.reopenCount ?? 0 });
  next.callbacks = [...(next.callbacks ?? []), { ...body, by: actorId, at: ctx.at }];
  next.reopenCount = out.reopenCount;
  const history = [
    entry(reference, ctx.at, actorId, 'callback', `Satisfaction ${body.satisfaction}/5 recorded`, true, undefined, { satisfaction: body.satisfaction }),
  ];
  if (out.next === 'ESCALATE') {
    const teamManager = await deps.repo.managerOf(next.assignment?.team ?? 'retail');
    // Never escalated to the manager the complaint names (conflict of interest).
    const manager = teamManager && canBeAssigned(teamManager, next) ? teamManager : undefined;
    next.escalated = true;
    next.assignment = { team: next.assignment?.team ?? 'retail', ...next.assignment, manager: manager?.id ?? next.assignment?.manager };
    history.push(entry(reference, ctx.at, 'system', 'escalated', `Dissatisfied again: escalated to ${manager?.id ?? 'the manager'}`, false));
  }
  if (out.next !== 'CLOSE') {
    // A reopened investigation runs on a fresh investigation and reply clock from today.
    const fresh = computeDeadlines(deps.region.profile, deps.calendar, ctx.now);
    next.deadlines.investigate = { ...fresh.investigate };
    next.deadlines.replyTarget = { ...fresh.replyTarget };
  }
  const output = { stage: 'CALLBACK' as const, next: out.next === 'CLOSE' ? ('CLOSE' as const) : ('REOPEN' as const), satisfied: out.satisfied };
  return { next, history, output, outcome: out };
}

async function applyCallback(deps: StaffDeps, ctx: Ctx, actorId: string, body: { satisfaction: 1 | 2 | 3 | 4 | 5; comment?: string }) {
  const { next, history, output, outcome } = await decideCallback(deps, ctx, actorId, body);
  await finishStage(deps, ctx, next, actorId, output, history);
  return { next: outcome.next, complaint: next };
}

/**
 * An answer before the callback stage is open: recorded now (the reply's task is completed and
 * stays as it is, for the sweeper to hand over if the workflow missed it); the stage, once
 * open, is completed with the stored output.
 */
async function recordEarlyCallback(deps: StaffDeps, ctx: Ctx, body: { satisfaction: 1 | 2 | 3 | 4 | 5; comment?: string }) {
  const { next, history, output, outcome } = await decideCallback(deps, ctx, 'customer', body);
  next.earlyCallback = { output, by: 'customer', at: ctx.at };
  await deps.repo.commit({ complaint: next, expectedVersion: ctx.c.version, history });
  return { next: outcome.next, complaint: next };
}
