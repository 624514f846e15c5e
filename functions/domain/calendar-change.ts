/**
 * What a change of a business calendar does to an open complaint (issue 22): its unmet
 * deadlines are measured again on the new calendar, and a rule decides what the customer is told.
 * Pure: both calendars and the instant are arguments; the use case (use-cases/calendar) commits.
 *
 * The customer rule (docs/lifecycle.md "When a calendar changes"), for a deadline the customer
 * was told (the final response: the acknowledgement's date):
 *  1. the date the customer holds is never later than the legal deadline: if the deadline moves
 *     earlier than that date, the customer is told the new date at once, and so is staff;
 *  2. if the deadline moves later, the customer keeps the date they were told (the bank answers
 *     by it); staff see the move in the history and may choose to tell them;
 * and for every other deadline (staff clocks): moved earlier, staff are told at once; moved
 * later, the history records it.
 */
import type { BusinessCalendar } from './business-calendar.ts';
import type { Complaint, DeadlineRecord } from './complaint.ts';
import { addDuration, deadlineRule, overUnconfirmedCalendar } from './deadlines.ts';
import type { Duration, RegulatoryProfile } from './regions.ts';

/** Deadlines whose date the customer is told (the acknowledgement's response deadline). */
export const CUSTOMER_FACING_DEADLINES: ReadonlySet<string> = new Set(['finalResponse']);

export interface CustomerDateDecision {
  /** The date the customer holds after the change. */
  customerDueAt: string;
  /** Tell the customer the new date now. */
  tellCustomer: boolean;
  /** Tell staff now (the deadline came nearer). */
  alertStaff: boolean;
}

/**
 * The customer rule for one customer-facing deadline: `told` is the date the customer holds,
 * `before` and `after` the legal deadline before and after the calendar change.
 */
export function customerDateAfterChange(told: string, before: string, after: string): CustomerDateDecision {
  const [t, b, a] = [Date.parse(told), Date.parse(before), Date.parse(after)];
  if ([t, b, a].some(Number.isNaN)) throw new RangeError('customerDateAfterChange needs three ISO instants');
  if (a < t) return { customerDueAt: after, tellCustomer: true, alertStaff: true };
  return { customerDueAt: told, tellCustomer: false, alertStaff: a < b };
}

/** One deadline moved by a calendar change. */
export interface DeadlineMove {
  name: string;
  rule: string;
  from: string;
  to: string;
  /** Customer-facing deadlines only: the date the customer holds now, and whether they are told now. */
  customer?: CustomerDateDecision;
  alertStaff: boolean;
}

export interface CalendarRecomputation {
  /** The complaint with its deadlines measured again (the same object when none was measured on another calendar). */
  complaint: Complaint;
  /** Whether any deadline changed (a date, a mark, or only the calendar state it records). */
  changed: boolean;
  moves: DeadlineMove[];
  /** Deadlines whose "calendar unconfirmed" mark was set or cleared without their date moving. */
  marksChanged: string[];
}

/** Longest stretch searched for the next business day (as the calendar does). */
const MAX_SEARCH_DAYS = 3660;

/** The close of business of the first business day whose close is at or after `t`. */
function nextCloseOfBusiness(cal: BusinessCalendar, t: Date): Date {
  let day = cal.localDate(t);
  for (let i = 0; i <= MAX_SEARCH_DAYS; i++) {
    if (cal.isBusinessDate(day)) {
      const close = cal.closeOfBusinessOn(day);
      if (close >= t) return close;
    }
    const next = new Date(cal.endOfLocalDay(day).getTime() + 1);
    day = cal.localDate(next);
  }
  throw new Error(`No business day within ${MAX_SEARCH_DAYS} days in ${cal.timeZone}`);
}

/**
 * A deadline measured on the new calendar: moved by what the change does to its rule's date
 * from receipt (new - old), keeping what pauses or restarts added before; a business-day
 * deadline that had been moved lands on a close of business of the new calendar.
 */
function remeasure(rule: Duration, receivedAt: Date, dueAt: Date, before: BusinessCalendar, after: BusinessCalendar): Date {
  const oldBase = addDuration(before, receivedAt, rule).getTime();
  const newBase = addDuration(after, receivedAt, rule).getTime();
  if (oldBase === newBase) return dueAt;
  if (dueAt.getTime() === oldBase) return new Date(newBase);
  const moved = new Date(dueAt.getTime() + (newBase - oldBase));
  return rule.unit === 'businessDays' ? nextCloseOfBusiness(after, moved) : moved;
}

/**
 * The complaint's unmet deadlines that still run at `now`, measured again on `after`. Each
 * deadline records the calendar state it was measured on (`calendar`, absent: as shipped);
 * `calendarAt` gives that calendar back. A deadline measured on `after` already is left alone
 * (the batch is idempotent); one already past stays as it is: its breach is on the record.
 * Returns the moves, each with the customer rule applied.
 */
export function recomputeForCalendar(
  c: Complaint,
  profile: RegulatoryProfile,
  calendarAt: (version: string | undefined) => BusinessCalendar,
  after: BusinessCalendar,
  now: Date,
): CalendarRecomputation {
  const receivedAt = new Date(c.receivedAt);
  const deadlines: Record<string, DeadlineRecord> = { ...c.deadlines };
  const moves: DeadlineMove[] = [];
  const marksChanged: string[] = [];
  let changed = false;
  for (const [name, d] of Object.entries(c.deadlines)) {
    if (d.metAt || (d.calendar ?? '') === (after.version ?? '')) continue;
    const due = new Date(d.dueAt);
    if (Number.isNaN(due.getTime()) || due < now) continue;
    const rule = deadlineRule(profile, name, c.extensions?.granted ?? 0);
    if (!rule) continue;
    const to = remeasure(rule, receivedAt, due, calendarAt(d.calendar), after);
    const unconfirmed = overUnconfirmedCalendar(after, rule, receivedAt, to);
    const next: DeadlineRecord = { ...d, dueAt: to.toISOString() };
    if (unconfirmed) next.calendarUnconfirmed = true;
    else delete next.calendarUnconfirmed;
    if (after.version) next.calendar = after.version;
    else delete next.calendar;
    if (to.getTime() !== due.getTime()) {
      // A reminder sent for the old date is due again for the new one.
      delete next.remindedAt;
      const move: DeadlineMove = { name, rule: d.rule, from: d.dueAt, to: next.dueAt, alertStaff: to < due };
      if (CUSTOMER_FACING_DEADLINES.has(name)) {
        const decision = customerDateAfterChange(d.customerDueAt ?? d.dueAt, d.dueAt, next.dueAt);
        move.customer = decision;
        move.alertStaff = decision.alertStaff;
        if (decision.customerDueAt !== next.dueAt) next.customerDueAt = decision.customerDueAt;
        else delete next.customerDueAt;
      }
      moves.push(move);
    } else if (Boolean(d.calendarUnconfirmed) !== unconfirmed) {
      marksChanged.push(name);
    }
    deadlines[name] = next;
    changed = true;
  }
  if (!changed) return { complaint: c, changed, moves, marksChanged };
  return { complaint: { ...c, deadlines }, changed, moves, marksChanged };
}
