/**
 * Regulatory clocks of a complaint: deadlines from a region's profile and business calendar,
 * their state at a given instant, extensions and pauses. Pure: time is always an argument.
 */
import type { BusinessCalendar } from './business-calendar.ts';
import { addLocalDays } from './business-calendar.ts';
import type { Duration, RegulatoryProfile } from './regions.ts';

export interface Deadline {
  /** ISO 8601 UTC instant. */
  dueAt: string;
  /** The clock it comes from, e.g. 'CN: final response within 15 calendar days'. */
  rule: string;
}

export type Deadlines = {
  register: Deadline;
  qualityControl?: Deadline;
  investigate: Deadline;
  replyTarget: Deadline;
  finalResponse: Deadline;
  summaryResolution?: Deadline;
  /** Major complaints only. */
  emergencyStart?: Deadline;
  /** Cross-department complaints only. */
  handlingPlan?: Deadline;
};

export type DeadlineName = keyof Deadlines;

export type DeadlineState = 'due' | 'due_soon' | 'breached';

export interface DeadlineOptions { major?: boolean; crossDepartment?: boolean }

export interface Extension {
  /** Index of this extension in profile.clocks.extensions (0 = first). */
  index: number;
  dueAt: string;
  rule: string;
  approval: RegulatoryProfile['clocks']['extensions'][number]['approval'];
  to: Duration;
}

/**
 * `from` plus a duration:
 *  - businessDays: close of business of the n-th business day after from's local date
 *  - calendarDays: end (23:59:59.999 local) of the local date n days after from's local date
 *  - hours / minutes: exactly that much later.
 */
export function addDuration(cal: BusinessCalendar, from: Date, d: Duration): Date {
  switch (d.unit) {
    case 'businessDays':
      return cal.addBusinessDays(from, d.value);
    case 'calendarDays':
      return cal.endOfLocalDay(addLocalDays(cal.localDate(from), d.value));
    case 'hours':
      return new Date(from.getTime() + d.value * 3_600_000);
    case 'minutes':
      return new Date(from.getTime() + d.value * 60_000);
  }
}

const UNIT_LABEL: Record<Duration['unit'], [string, string]> = {
  businessDays: ['business day', 'business days'],
  calendarDays: ['calendar day', 'calendar days'],
  hours: ['hour', 'hours'],
  minutes: ['minute', 'minutes'],
};

/** 'within 15 calendar days', 'within 1 business day'. */
export function describeDuration(d: Duration): string {
  const [one, many] = UNIT_LABEL[d.unit];
  return `${d.value} ${d.value === 1 ? one : many}`;
}

const CLOCK_LABEL: Record<DeadlineName, string> = {
  register: 'registration',
  qualityControl: 'hand-off to quality control',
  investigate: 'investigation',
  replyTarget: 'reply target',
  finalResponse: 'final response',
  summaryResolution: 'summary resolution',
  emergencyStart: 'emergency handling of a major complaint starts',
  handlingPlan: 'cross-department handling plan',
};

function deadline(profile: RegulatoryProfile, cal: BusinessCalendar, from: Date, name: DeadlineName, d: Duration): Deadline {
  return { dueAt: addDuration(cal, from, d).toISOString(), rule: `${profile.name}: ${CLOCK_LABEL[name]} within ${describeDuration(d)}` };
}

/** All deadlines of a complaint received at `receivedAt` under a region's profile. */
export function computeDeadlines(
  profile: RegulatoryProfile,
  cal: BusinessCalendar,
  receivedAt: Date,
  opts: DeadlineOptions = {},
): Deadlines {
  const c = profile.clocks;
  const at = (name: DeadlineName, d: Duration) => deadline(profile, cal, receivedAt, name, d);
  const out: Deadlines = {
    register: at('register', c.register),
    investigate: at('investigate', c.investigate),
    replyTarget: at('replyTarget', c.replyTarget),
    finalResponse: at('finalResponse', c.finalResponse),
  };
  if (c.qualityControl) out.qualityControl = at('qualityControl', c.qualityControl);
  if (c.summaryResolution) out.summaryResolution = at('summaryResolution', c.summaryResolution);
  if (opts.major) out.emergencyStart = at('emergencyStart', c.majorEmergencyStart);
  if (opts.crossDepartment) out.handlingPlan = at('handlingPlan', c.crossDepartmentPlan);
  return out;
}

/**
 * State of a deadline at `now`: 'breached' once now is past dueAt; 'due_soon' once at most
 * reminderFraction of its length (lengthMs) is left (inclusive); otherwise 'due'.
 */
export function deadlineState(dueAt: Date | string, now: Date, lengthMs: number, reminderFraction: number): DeadlineState {
  const due = typeof dueAt === 'string' ? new Date(dueAt) : dueAt;
  if (Number.isNaN(due.getTime())) throw new RangeError(`Invalid dueAt: ${String(dueAt)}`);
  const remaining = due.getTime() - now.getTime();
  if (remaining < 0) return 'breached';
  return remaining <= Math.max(0, lengthMs) * reminderFraction ? 'due_soon' : 'due';
}

/**
 * The next extended final-response deadline after `currentExtensionIndex` extensions have been
 * granted (0 = still on the original limit), measured from receipt, with the approval it needs;
 * null when the profile has no further extension.
 */
export function extendDeadline(
  profile: RegulatoryProfile,
  cal: BusinessCalendar,
  receivedAt: Date,
  currentExtensionIndex: number,
): Extension | null {
  if (!Number.isInteger(currentExtensionIndex) || currentExtensionIndex < 0) {
    throw new RangeError(`Extension index must be a non-negative integer, got ${currentExtensionIndex}`);
  }
  const next = profile.clocks.extensions[currentExtensionIndex];
  if (!next) return null;
  const approval = next.approval === 'none' ? '' : ` (${next.approval} approval)`;
  return {
    index: currentExtensionIndex,
    dueAt: addDuration(cal, receivedAt, next.to).toISOString(),
    rule: `${profile.name}: final response extended to ${describeDuration(next.to)}${approval}`,
    approval: next.approval,
    to: next.to,
  };
}

/**
 * A deadline pushed later by the time the clock was paused (e.g. external appraisal, CN Order
 * 2020). Never earlier: an inverted interval leaves it unchanged, and so does a pause that
 * started at or after the deadline (a clock that already ran out cannot be paused).
 */
export function shiftForPause(dueAt: Date, pausedFrom: Date, resumedAt: Date): Date {
  const paused = resumedAt.getTime() - pausedFrom.getTime();
  if (!(paused > 0) || pausedFrom.getTime() >= dueAt.getTime()) return new Date(dueAt.getTime());
  return new Date(dueAt.getTime() + paused);
}
