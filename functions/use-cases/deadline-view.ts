import type { Deadline } from '../domain/complaint.ts';
import { deadlineState } from '../domain/deadlines.ts';

/** A stored deadline as staff and customers see it: with its state at `now`. */
export function deadlineView(d: Deadline & { metAt?: string }, now: Date, startedAt: string, reminderFraction: number) {
  const due = new Date(d.dueAt);
  const state = d.metAt ? ('met' as const) : deadlineState(due, now, due.getTime() - new Date(startedAt).getTime(), reminderFraction);
  return { dueAt: d.dueAt, rule: d.rule, state };
}
