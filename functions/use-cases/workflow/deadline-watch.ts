/**
 * The regulatory clocks, watched: before each deadline a reminder to whoever holds the
 * task, at a breach an escalation to the department's manager. Both recorded in the
 * history and as staff messages (the notification channel of the staff console). A paused
 * clock neither reminds nor escalates. Scheduled every few minutes; idempotent.
 * A major complaint's live evaluation clock (domain/live-evaluation.ts, ADR 0023) is watched
 * too, paused or not: the lead is reminded when an evaluation comes due, the senior tier (and
 * the lead) told when one is missed. It is no deadline: it never touches `deadlines`.
 */
import { canBeAssigned } from '../../domain/authorization.ts';
import { EIGHT_WEEK_EXPECTED_DAYS, eightWeekLetterAt, formatLocalDate } from '../../domain/final-response.ts';
import { renderCustomerMessage } from '../../domain/reply-templates.ts';
import { deadlineState } from '../../domain/deadlines.ts';
import { evaluationAlerts, markAlert } from '../../domain/live-evaluation.ts';
import type { Complaint } from '../../domain/complaint.ts';
import type { Complaints, StaffDirectory, TaskQueue } from '../../domain/ports.ts';
import type { OutboundMessage, TaskItem } from '../../domain/model.ts';
import type { RegionConfig } from '../../domain/regions.ts';
import type { Clock } from '../../shared/clock.ts';
import { ConflictError } from '../../shared/errors.ts';
import { ESCALATING, customerChannel, entry, openDeadlines, openTaskUpdate, staffMessage, type LinkSigner } from '../common.ts';

export interface WatchDeps {
  repo: Complaints & TaskQueue & StaffDirectory;
  clock: Clock;
  region: RegionConfig;
  links?: LinkSigner;
}
export interface WatchResult {
  reminders: { reference: string; deadline: string }[];
  escalations: { reference: string; deadline: string; to?: string }[];
  /** UK complaints sent their eight-week letter (DISP 1.6.2R) on this run. */
  eightWeekLetters: string[];
}

export async function watchDeadlines(deps: WatchDeps): Promise<WatchResult> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const result: WatchResult = { reminders: [], escalations: [], eightWeekLetters: [] };
  // Only the complaints whose next alarm is due (the OPEN index is keyed by it), each read again
  // in full and consistently.
  for (const reference of await deps.repo.listDue(at)) {
    const c = await deps.repo.get(reference);
    if (c?.status !== 'OPEN') continue;
    const next: Complaint = structuredClone(c);
    const history = [];
    const messages: OutboundMessage[] = [];
    // A paused clock: no reminder, escalation or letter of the regulatory deadlines.
    for (const [name, d] of c.pause ? [] : openDeadlines(next)) {
      const length = new Date(d.dueAt).getTime() - new Date(c.receivedAt).getTime();
      const state = deadlineState(d.dueAt, now, length, deps.region.profile.reminderAtRemainingFraction);
      const staff = (to: string | undefined, kind: 'reminder' | 'escalation', subject: string): OutboundMessage =>
        staffMessage(next, at, to ? { id: to } : { team: next.assignment?.team ?? 'retail' }, kind, subject, `${d.rule}\nDue: ${d.dueAt}`, deps.links);
      if (state === 'due_soon' && !d.remindedAt) {
        d.remindedAt = at;
        history.push(entry(c.reference, at, 'system', `reminder:${name}`, `Reminder: ${d.rule} is due at ${d.dueAt}`));
        messages.push(staff(next.assignment?.assignee, 'reminder', `${c.reference}: ${name} due soon`));
        result.reminders.push({ reference: c.reference, deadline: name });
      }
      if (state === 'breached' && !d.escalatedAt && ESCALATING.has(name)) {
        d.escalatedAt = at;
        const found = next.assignment?.manager
          ? await deps.repo.getStaff(next.assignment.manager)
          : await deps.repo.managerOf(next.assignment?.team ?? 'retail');
        // Never escalated to a manager the complaint names (conflict of interest).
        const manager = found && canBeAssigned(found, next) ? found : undefined;
        next.escalated = true;
        if (manager && next.assignment) next.assignment = { ...next.assignment, manager: manager.id };
        history.push(
          entry(c.reference, at, 'system', `breach:${name}`, `Deadline breached: ${d.rule} (due ${d.dueAt}); escalated to ${manager?.id ?? 'the manager'}`),
        );
        messages.push(staff(manager?.id, 'escalation', `${c.reference}: ${name} deadline breached`));
        result.escalations.push({ reference: c.reference, deadline: name, to: manager?.id });
      }
    }
    // UK: no final response by the start of the eight weeks' last day - the eight-week letter, once.
    const letterAt = c.pause ? undefined : eightWeekLetterAt(next);
    if (letterAt && letterAt <= at) {
      const expectedBy = formatLocalDate(new Date(now.getTime() + EIGHT_WEEK_EXPECTED_DAYS * 86400_000), deps.region.calendar.timeZone);
      const m = renderCustomerMessage('eight-week', c.language, {
        reference: c.reference,
        expectedBy,
        ...(c.complainant.anonymous || !c.complainant.name ? {} : { customerName: c.complainant.name }),
      });
      messages.push({
        reference: c.reference,
        at,
        kind: 'eight-week',
        audience: 'customer',
        language: c.language,
        ...customerChannel(c),
        subject: m.subject,
        text: m.text,
      });
      next.finalResponse = { kind: 'eight-week', sentAt: at };
      history.push(
        entry(
          c.reference,
          at,
          'system',
          'eight-week-letter',
          `We wrote to you: no final response yet after eight weeks; expected by ${expectedBy}; you may now refer your complaint to the Financial Ombudsman Service`,
          true,
        ),
      );
      result.eightWeekLetters.push(c.reference);
    }
    await watchLiveEvaluation(deps, next, now, history, messages, result);
    if (!history.length) continue;
    next.updatedAt = at;
    next.version = c.version + 1;
    const task = await deps.repo.getTask(c.reference);
    try {
      await deps.repo.commit({
        complaint: next,
        expectedVersion: c.version,
        history,
        messages,
        task: openTaskUpdate(task as TaskItem | undefined, next),
      });
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e; // changed meanwhile: the next run sees it again
      result.reminders = result.reminders.filter((r) => r.reference !== c.reference);
      result.escalations = result.escalations.filter((r) => r.reference !== c.reference);
      result.eightWeekLetters = result.eightWeekLetters.filter((r) => r !== c.reference);
    }
  }
  return result;
}

/**
 * The live evaluation of a major complaint (ADR 0023): the evaluation coming due reminds its lead
 * (the complaint's manager, else the team's); a missed one is escalated to the senior tier and
 * the lead. Each once per due instant (`liveEvaluationAlerts`), recorded in the history; reported
 * as the `liveEvaluation` "deadline" of the run's reminders and escalations.
 */
async function watchLiveEvaluation(
  deps: WatchDeps,
  next: Complaint,
  now: Date,
  history: ReturnType<typeof entry>[],
  messages: OutboundMessage[],
  result: WatchResult,
): Promise<void> {
  const alerts = evaluationAlerts(next, deps.region.profile.liveEvaluationEvery, deps.region.profile.reminderAtRemainingFraction, now);
  if (!alerts.length) return;
  const at = now.toISOString();
  const found = next.assignment?.manager ? await deps.repo.getStaff(next.assignment.manager) : await deps.repo.managerOf(next.assignment?.team ?? 'retail');
  const lead = found && !found.disabled && canBeAssigned(found, next) ? found.id : undefined;
  const every = deps.region.profile.liveEvaluationEvery;
  const cadence = `one live evaluation every ${every.value} ${every.unit} while the major complaint is open`;
  const notice = (to: string | undefined, kind: 'reminder' | 'escalation', subject: string, body: string) =>
    staffMessage(next, at, to ? { id: to } : { team: next.assignment?.team ?? 'retail' }, kind, subject, body, deps.links);
  for (const alert of alerts) {
    next.liveEvaluationAlerts = markAlert(next.liveEvaluationAlerts, alert, at);
    if (alert.action === 'remind') {
      history.push(
        entry(next.reference, at, 'system', 'reminder:liveEvaluation', `Reminder: a live evaluation of this major complaint is due by ${alert.dueAt}`),
      );
      messages.push(notice(lead, 'reminder', `${next.reference}: live evaluation due`, `${cadence}\nDue: ${alert.dueAt}`));
      result.reminders.push({ reference: next.reference, deadline: 'liveEvaluation' });
      continue;
    }
    const seniors = (await deps.repo.approvalCandidates(next.assignment?.team ?? '')).filter((p) => p.roles.includes('senior') && canBeAssigned(p, next));
    const to = [...new Set([...seniors.map((p) => p.id), ...(lead ? [lead] : [])])];
    history.push(
      entry(
        next.reference,
        at,
        'system',
        'missed:liveEvaluation',
        `Live evaluation missed (due ${alert.dueAt}; ${alert.missed} interval${alert.missed === 1 ? '' : 's'} without one); escalated to ${to.join(', ') || 'the team'}`,
      ),
    );
    const body = `${cadence}\nMissed: due ${alert.dueAt} (${alert.missed} interval${alert.missed === 1 ? '' : 's'} without an evaluation)`;
    if (!to.length) messages.push(notice(undefined, 'escalation', `${next.reference}: live evaluation missed`, body));
    for (const id of to) messages.push(notice(id, 'escalation', `${next.reference}: live evaluation missed`, body));
    result.escalations.push({ reference: next.reference, deadline: 'liveEvaluation', to: seniors[0]?.id ?? lead });
  }
}
