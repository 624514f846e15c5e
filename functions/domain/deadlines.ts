/**
 * Regulatory clocks of a complaint: deadlines from a region's profile and business calendar,
 * their state at a given instant, extensions and pauses. Pure: time is always an argument.
 */
import type { BusinessCalendar } from './business-calendar.ts';
import { addLocalDays } from './business-calendar.ts';
import type { Complaint, DeadlineRecord, Stage } from './complaint.ts';
import type { Duration, RegulatoryProfile } from './regions.ts';
import { eightWeekLetterAt } from './final-response.ts';

export interface Deadline {
  /** ISO 8601 UTC instant. */
  dueAt: string;
  /** The clock it comes from, e.g. 'CN: final response within 15 calendar days'. */
  rule: string;
  /**
   * Set when the deadline counts business days over a day of a year whose official adjustments
   * are not confirmed (calendar-data.ts): staff see "calendar unconfirmed"; the recomputation
   * clears it once the year is confirmed.
   */
  calendarUnconfirmed?: true;
  /** The runtime calendar state it was measured on (BusinessCalendar.version); absent: the shipped calendar. */
  calendar?: string;
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

export interface DeadlineOptions {
  major?: boolean;
  crossDepartment?: boolean;
}

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

/**
 * Whether a deadline measured by `d` from `from` to `due` counts days of a year without
 * confirmed adjustments: only business days depend on them (calendar days, hours and minutes
 * come out the same whatever the holidays).
 */
export function overUnconfirmedCalendar(cal: BusinessCalendar, d: Duration | undefined, from: Date, due: Date): boolean {
  if (d?.unit !== 'businessDays') return false;
  const [first, last] = [Number(cal.localDate(from).slice(0, 4)), Number(cal.localDate(due).slice(0, 4))];
  for (let y = first; y <= last; y++) if (!cal.isConfirmedDate(`${y}-01-01`)) return true;
  return false;
}

function deadline(profile: RegulatoryProfile, cal: BusinessCalendar, from: Date, name: DeadlineName, d: Duration): Deadline {
  const due = addDuration(cal, from, d);
  const out: Deadline = { dueAt: due.toISOString(), rule: `${profile.name}: ${CLOCK_LABEL[name]} within ${describeDuration(d)}` };
  if (overUnconfirmedCalendar(cal, d, from, due)) out.calendarUnconfirmed = true;
  if (cal.version) out.calendar = cal.version;
  return out;
}

/** All deadlines of a complaint received at `receivedAt` under a region's profile. */
export function computeDeadlines(profile: RegulatoryProfile, cal: BusinessCalendar, receivedAt: Date, opts: DeadlineOptions = {}): Deadlines {
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
 *
 * `currentDueAt` is the final-response deadline in force. Where it was moved later than its
 * rule gives (a paused clock, a restart for new facts), the extension keeps that time: the
 * extended limit excludes the paused time as the original did. An extension never shortens
 * the deadline in force.
 */
export function extendDeadline(
  profile: RegulatoryProfile,
  cal: BusinessCalendar,
  receivedAt: Date,
  currentExtensionIndex: number,
  currentDueAt?: Date,
): Extension | null {
  if (!Number.isInteger(currentExtensionIndex) || currentExtensionIndex < 0) {
    throw new RangeError(`Extension index must be a non-negative integer, got ${currentExtensionIndex}`);
  }
  const next = profile.clocks.extensions[currentExtensionIndex];
  if (!next) return null;
  const approval = next.approval === 'none' ? '' : ` (${next.approval} approval)`;
  let due = addDuration(cal, receivedAt, next.to).getTime();
  if (currentDueAt && !Number.isNaN(currentDueAt.getTime())) {
    const rule = finalResponseRule(profile, currentExtensionIndex);
    const moved = currentDueAt.getTime() - addDuration(cal, receivedAt, rule).getTime();
    if (moved > 0) due += moved;
    due = Math.max(due, currentDueAt.getTime());
  }
  return {
    index: currentExtensionIndex,
    dueAt: new Date(due).toISOString(),
    rule: `${profile.name}: final response extended to ${describeDuration(next.to)}${approval}`,
    approval: next.approval,
    to: next.to,
  };
}

/** The rule of the final-response deadline after `extensionsGranted` extensions. */
function finalResponseRule(profile: RegulatoryProfile, extensionsGranted: number): Duration {
  return extensionsGranted === 0
    ? profile.clocks.finalResponse
    : profile.clocks.extensions[Math.min(extensionsGranted, profile.clocks.extensions.length) - 1].to;
}

/** The rule a deadline of a complaint is measured by (undefined for a name the profile does not know). */
export function deadlineRule(profile: RegulatoryProfile, name: string, extensionsGranted = 0): Duration | undefined {
  const c = profile.clocks;
  switch (name as DeadlineName) {
    case 'register':
      return c.register;
    case 'qualityControl':
      return c.qualityControl;
    case 'investigate':
      return c.investigate;
    case 'replyTarget':
      return c.replyTarget;
    case 'finalResponse':
      return finalResponseRule(profile, extensionsGranted);
    case 'summaryResolution':
      return c.summaryResolution;
    case 'emergencyStart':
      return c.majorEmergencyStart;
    case 'handlingPlan':
      return c.crossDepartmentPlan;
    default:
      return undefined;
  }
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

/** Longest stretch searched for the next business day (as the calendar does). */
const MAX_SEARCH_DAYS = 3660;

/**
 * A deadline moved by a pause, keeping the shape of its rule: moved by the paused time
 * (shiftForPause), then, for a deadline counted in business days, to the close of business
 * of a business day (the first at or after the moved instant), and for one counted in
 * calendar days, to the end of that local day. Never earlier than the moved instant, so a
 * pause never loses time, and a business-day deadline never falls on a weekend or holiday.
 */
export function shiftDeadlineForPause(cal: BusinessCalendar, rule: Duration | undefined, dueAt: Date, pausedFrom: Date, resumedAt: Date): Date {
  const moved = shiftForPause(dueAt, pausedFrom, resumedAt);
  if (moved.getTime() === dueAt.getTime()) return moved;
  if (rule?.unit === 'calendarDays') {
    const end = cal.endOfLocalDay(cal.localDate(moved));
    return end >= moved ? end : cal.endOfLocalDay(addLocalDays(cal.localDate(moved), 1));
  }
  if (rule?.unit !== 'businessDays') return moved;
  let day = cal.localDate(moved);
  for (let searched = 0; searched <= MAX_SEARCH_DAYS; searched++, day = addLocalDays(day, 1)) {
    if (!cal.isBusinessDate(day)) continue;
    const close = cal.closeOfBusinessOn(day);
    if (close >= moved) return close;
  }
  throw new Error(`No business day within ${MAX_SEARCH_DAYS} days in ${cal.timeZone}`);
}

/** Deadlines that matter while the complaint is in a stage (met or not). */
const STAGE_DEADLINES: Record<Stage, string[]> = {
  RECEIVED: ['register', 'qualityControl', 'emergencyStart', 'handlingPlan', 'investigate', 'replyTarget', 'finalResponse'],
  INVESTIGATION: ['emergencyStart', 'handlingPlan', 'investigate', 'replyTarget', 'finalResponse'],
  REPLY: ['emergencyStart', 'handlingPlan', 'replyTarget', 'finalResponse'],
  CALLBACK: [],
  CLOSED: [],
};

/** Deadlines that escalate when breached (summary resolution only lapses). */
export const ESCALATING = new Set(['register', 'qualityControl', 'emergencyStart', 'handlingPlan', 'investigate', 'replyTarget', 'finalResponse']);

/** The deadlines of the complaint's current stage that are not met yet. */
export function openDeadlines(c: Complaint): [string, DeadlineRecord][] {
  return STAGE_DEADLINES[c.stage].filter((n) => c.deadlines[n] && !c.deadlines[n].metAt).map((n) => [n, c.deadlines[n]]);
}

/**
 * When the deadline watch next has something to do for this complaint: the earliest reminder
 * not yet sent (at the remaining fraction of the deadline's length, as deadlineState) and the
 * earliest escalating deadline not yet escalated; undefined when there is none, when the
 * complaint is closed, or while its clock is paused (resuming moves the deadlines and so the
 * alarm). A reminder that can no longer be sent - its deadline had passed when the complaint
 * was written (`updatedAt`) - is no alarm: only its escalation is.
 * The OPEN index is keyed by it, so that the watch reads only the complaints that are due.
 */
export function nextAlarmAt(c: Complaint, reminderFraction: number): string | undefined {
  if (c.status !== 'OPEN' || c.pause) return undefined;
  const written = new Date(c.updatedAt).getTime();
  let next = Infinity;
  for (const [name, d] of openDeadlines(c)) {
    const due = new Date(d.dueAt).getTime();
    if (Number.isNaN(due)) continue;
    if (!d.remindedAt && due > written) {
      const length = Math.max(0, due - new Date(c.receivedAt).getTime());
      next = Math.min(next, due - length * reminderFraction);
    }
    if (!d.escalatedAt && ESCALATING.has(name)) next = Math.min(next, due);
  }
  // UK: the eight-week letter (final-response.ts) is an alarm of its own.
  const letter = eightWeekLetterAt(c);
  if (letter) next = Math.min(next, Date.parse(letter));
  return Number.isFinite(next) ? new Date(next).toISOString() : undefined;
}
