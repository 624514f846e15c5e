/**
 * Outcome, redress, referrals, vulnerability and corrective actions (issue 19 B): the staff
 * use cases. Each loads the complaint, authorises the actor (domain/authorization.ts), decides by
 * the pure rules (domain/outcome.ts, referrals.ts, vulnerability.ts, corrective-actions.ts), and
 * commits the complaint with its history entry in one transaction guarded by the version. The
 * StaffApi audits every call. They work on a closed complaint too (redress is often paid, and a
 * referral made, after the final response), except the outcome, which is decided before the reply.
 */
import { randomUUID } from 'node:crypto';
import { authorize, type Actor, type StaffOperation } from '../../domain/authorization.ts';
import type { Complaint, CorrectiveAction, HistoryEntry, OutcomeResult } from '../../domain/complaint.ts';
import { actionSummary, closeAction, linkFlaggedCategories } from '../../domain/corrective-actions.ts';
import type { Dashboard } from '../../domain/dashboard.ts';
import { ledgerBalance, ledgerEntry, recordOutcome as outcomeOf, type LedgerRequest } from '../../domain/outcome.ts';
import type { Change } from '../../domain/model.ts';
import type { Complaints, CorrectiveActions, StaffDirectory, TaskQueue } from '../../domain/ports.ts';
import { newReferral, type ReferralRequest } from '../../domain/referrals.ts';
import { staffVulnerability } from '../../domain/vulnerability.ts';
import type { Clock } from '../../shared/clock.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import { entry, load, openTaskUpdate } from '../common.ts';

export interface RedressDeps {
  repo: Complaints & TaskQueue & StaffDirectory & CorrectiveActions;
  clock: Clock;
}

function allow(actor: Actor, op: StaffOperation, c?: Complaint): void {
  const d = authorize(actor, op, c);
  if (!d.allowed) throw new ForbiddenError(d.reason);
}

const invalid = (field: string, message: string) => new ValidationError([{ field, message }]);

/** Loads, authorises and commits one change of the complaint with its history entries (and the open task refreshed). */
async function change(
  deps: RedressDeps,
  actor: Actor,
  op: StaffOperation,
  reference: string,
  decide: (c: Complaint, at: string) => { next: Complaint; history: HistoryEntry[]; extra?: Partial<Change> },
) {
  const c = await load(deps.repo, reference);
  allow(actor, op, c);
  const at = deps.clock.now().toISOString();
  const { next, history, extra } = decide(structuredClone(c), at);
  next.updatedAt = at;
  next.version = c.version + 1;
  const task = await deps.repo.getTask(reference);
  await deps.repo.commit({ complaint: next, expectedVersion: c.version, task: openTaskUpdate(task, next), history, ...extra });
  return next;
}

/**
 * The outcome a reply goes out with: given with it, or recorded before. None: refused, naming
 * the field (a complaint is never answered, and so never closed, without an outcome). Answers
 * what the reply's own history entry records of it (no entry of its own: one item fewer per
 * complaint).
 */
export function replyOutcome(
  c: Complaint,
  given: { result: OutcomeResult; note?: string } | undefined,
  by: string,
  at: string,
): { outcome: NonNullable<Complaint['outcome']>; outcomeBefore?: Complaint['outcome'] } {
  if (!given) {
    if (!c.outcome) throw invalid('outcome', 'give the outcome with the reply: upheld, partly-upheld or not-upheld');
    return { outcome: c.outcome };
  }
  const before = c.outcome;
  c.outcome = outcomeOf(given.result, by, at, given.note);
  return { outcome: c.outcome, ...(before ? { outcomeBefore: before } : {}) };
}

function outcomeEntry(reference: string, at: string, by: string, before: Complaint['outcome'], after: NonNullable<Complaint['outcome']>): HistoryEntry {
  return entry(reference, at, by, 'outcome-recorded', `Outcome: ${after.result}`, false, before ? { outcome: before } : undefined, { outcome: after });
}

export function recordOutcome(deps: RedressDeps, actor: Actor, reference: string, body: { result: OutcomeResult; note?: string }) {
  return change(deps, actor, 'recordOutcome', reference, (c, at) => {
    if (c.status === 'CLOSED') throw new ConflictError('The complaint is closed: its outcome was given with the final response');
    const before = c.outcome;
    c.outcome = outcomeOf(body.result, actor.id, at, body.note);
    return { next: c, history: [outcomeEntry(reference, at, actor.id, before, c.outcome)] };
  });
}

/** Appends to the redress ledger (a correction is a reversing entry); answers the entry and the balance. */
export async function addRedress(deps: RedressDeps, actor: Actor, reference: string, body: LedgerRequest) {
  let added: NonNullable<Complaint['redress']>[number] | undefined;
  const next = await change(deps, actor, 'addRedress', reference, (c, at) => {
    const r = ledgerEntry(c.redress ?? [], body, actor.id, at);
    if (!r.ok) throw invalid(r.field, r.message);
    added = r.entry;
    c.redress = [...(c.redress ?? []), r.entry];
    const summary = r.entry.reverses
      ? `Redress entry ${r.entry.reverses} reversed (${r.entry.id})`
      : `Redress recorded: ${r.entry.kind} ${r.entry.amountMinor} ${r.entry.currency} minor units${r.entry.paidAt ? ', paid' : ''} (${r.entry.id})`;
    return { next: c, history: [entry(reference, at, actor.id, 'redress-recorded', summary, false, undefined, { redress: r.entry })] };
  });
  return { entry: added, ledger: next.redress, balance: ledgerBalance(next.redress ?? []) };
}

export async function recordReferral(deps: RedressDeps, actor: Actor, reference: string, body: ReferralRequest) {
  let made: NonNullable<Complaint['referrals']>[number] | undefined;
  await change(deps, actor, 'recordReferral', reference, (c, at) => {
    const r = newReferral(c, body, actor.id, at);
    if (!r.ok) throw invalid(r.field, r.message);
    made = r.referral;
    c.referrals = [...(c.referrals ?? []), r.referral];
    const due = r.referral.deadline ? `; due ${r.referral.deadline.dueAt}` : '';
    return {
      next: c,
      history: [
        entry(
          reference,
          at,
          actor.id,
          'referral-recorded',
          `Referred to ${body.body}${r.referral.late ? ' after its time limit' : ''}${due}`,
          false,
          undefined,
          {
            referral: r.referral,
          },
        ),
      ],
    };
  });
  return made;
}

export async function recordReferralOutcome(
  deps: RedressDeps,
  actor: Actor,
  reference: string,
  body: { referralId: string; result: NonNullable<NonNullable<Complaint['referrals']>[number]['outcome']>['result']; note?: string },
) {
  let done: NonNullable<Complaint['referrals']>[number] | undefined;
  await change(deps, actor, 'recordReferralOutcome', reference, (c, at) => {
    const referral = c.referrals?.find((r) => r.id === body.referralId);
    if (!referral) throw invalid('referralId', `no referral ${body.referralId} on this complaint`);
    if (referral.outcome) throw new ConflictError(`The outcome of referral ${referral.id} is already recorded`);
    referral.outcome = { result: body.result, ...(body.note ? { note: body.note } : {}), by: actor.id, at };
    done = referral;
    return {
      next: c,
      history: [entry(reference, at, actor.id, 'referral-outcome', `${referral.body} referral ${referral.id}: ${body.result}`, false, undefined, { referral })],
    };
  });
  return done;
}

/** Staff record (or correct) the customer's vulnerability; the summary never says which kind (personal data). */
export function setVulnerability(
  deps: RedressDeps,
  actor: Actor,
  reference: string,
  body: { kinds: string[]; adjustments: string[]; causedByFailureToRespond?: boolean },
) {
  return change(deps, actor, 'setVulnerability', reference, (c, at) => {
    const before = c.vulnerability;
    c.vulnerability = staffVulnerability(before, body, actor.id, at);
    return {
      next: c,
      history: [
        entry(
          reference,
          at,
          actor.id,
          'vulnerability-recorded',
          `Vulnerability recorded by ${actor.id}; ${c.vulnerability.adjustments.length} adjustment(s)`,
          false,
          undefined,
          {
            vulnerability: c.vulnerability,
          },
        ),
      ],
    };
  });
}

/** A corrective action found on a complaint: its own item, written with the complaint's history entry. */
export async function createCorrectiveAction(
  deps: RedressDeps,
  actor: Actor,
  reference: string,
  body: { description: string; owner: string; dueAt: string; category?: string },
) {
  const owner = await deps.repo.getStaff(body.owner);
  if (!owner || owner.disabled) throw invalid('owner', 'must be an active staff member');
  let action: CorrectiveAction | undefined;
  await change(deps, actor, 'createCorrectiveAction', reference, (c, at) => {
    if (body.dueAt <= at) throw invalid('dueAt', 'must be in the future');
    action = {
      id: `CA-${randomUUID()}`,
      complaintId: reference,
      ...((body.category ?? c.classification?.nature) ? { category: body.category ?? c.classification?.nature } : {}),
      description: body.description,
      owner: owner.id,
      dueAt: body.dueAt,
      createdAt: at,
      createdBy: actor.id,
    };
    return {
      next: c,
      history: [
        entry(reference, at, actor.id, 'corrective-action', `Corrective action ${action.id} for ${owner.id}, due ${body.dueAt}`, false, undefined, { action }),
      ],
      extra: { correctiveActions: [action] },
    };
  });
  return action;
}

/** Evidence, or closure (with evidence): by its owner or a manager. */
export async function updateCorrectiveAction(deps: RedressDeps, actor: Actor, body: { id: string; evidence?: string; close?: boolean }) {
  allow(actor, 'updateCorrectiveAction');
  const a = await deps.repo.getCorrectiveAction(body.id);
  if (!a) throw new NotFoundError(`No corrective action ${body.id}`);
  if (a.owner !== actor.id && !actor.roles.includes('manager')) throw new ForbiddenError('only its owner or a manager may update a corrective action');
  if (a.closedAt) throw new ConflictError('The action is closed');
  const at = deps.clock.now().toISOString();
  let next: CorrectiveAction = body.evidence ? { ...a, evidence: body.evidence } : { ...a };
  if (body.close) {
    const r = closeAction(next, actor.id, at);
    if (!r.ok) throw invalid(r.field, r.message);
    next = r.action;
  }
  await deps.repo.updateCorrectiveAction(next, a.version ?? 1);
  return { ...next, version: (a.version ?? 1) + 1 };
}

export async function listCorrectiveActions(deps: RedressDeps, actor: Actor, q: { complaint?: string; state?: 'open' | 'closed' | 'all' }) {
  allow(actor, 'listCorrectiveActions');
  const all = await deps.repo.listCorrectiveActions();
  const state = q.state ?? 'all';
  const actions = all.filter((a) => (!q.complaint || a.complaintId === q.complaint) && (state === 'all' || (state === 'open' ? !a.closedAt : !!a.closedAt)));
  const s = actionSummary(all, deps.clock.now());
  return { actions, summary: { open: s.open, overdue: s.overdue, closed: s.closed, meanDaysToFix: s.meanDaysToFix, medianDaysToFix: s.medianDaysToFix } };
}

/** The dashboard with the corrective actions: open ones, time from finding to fixing, and each flagged category's actions. */
export async function withCorrectiveActions(deps: RedressDeps, board: Dashboard) {
  const s = actionSummary(await deps.repo.listCorrectiveActions(), deps.clock.now());
  return {
    ...board,
    months: board.months.map((m) => ({ ...m, topCategories: linkFlaggedCategories(m.topCategories, s) })),
    correctiveActions: {
      open: s.open,
      overdue: s.overdue,
      closed: s.closed,
      meanDaysToFix: s.meanDaysToFix,
      medianDaysToFix: s.medianDaysToFix,
      openActions: s.openActions.map(({ id, complaintId, category, description, owner, dueAt }) => ({ id, complaintId, category, description, owner, dueAt })),
    },
  };
}
