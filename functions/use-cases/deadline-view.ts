import type { Deadline } from '../domain/complaint.ts';
import { deadlineState } from '../domain/deadlines.ts';

/**
 * A stored deadline as the customer sees it: with its state at `now`, and the date they hold
 * (a calendar change that moved it later keeps the date they were told: calendar-change.ts).
 */
export function deadlineView(d: Deadline & { metAt?: string; customerDueAt?: string }, now: Date, startedAt: string, reminderFraction: number) {
  const due = new Date(d.customerDueAt ?? d.dueAt);
  const state = d.metAt ? ('met' as const) : deadlineState(due, now, due.getTime() - new Date(startedAt).getTime(), reminderFraction);
  return { dueAt: due.toISOString(), rule: d.rule, state };
}
