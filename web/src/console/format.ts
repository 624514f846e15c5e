/**
 * Deadlines as staff see them in the console: the state at `now` (met, breached, due soon
 * under 24 hours, due) and the time left or overdue, in words. Business-day arithmetic is
 * the server's: the console shows the instant the server computed.
 */
import type { ConsolePage } from './console-page.ts';

export type DueState = 'met' | 'breached' | 'due_soon' | 'due' | 'paused' | 'none';
export const DUE_SOON_MS = 24 * 3600_000;
/** The queue's "no deadline" marker (common.ts nextDue). */
const NO_DEADLINE = '9999-';

export function dueState(dueAt: string | undefined, now: Date, opts: { metAt?: string; paused?: boolean } = {}): DueState {
  if (opts.metAt) return 'met';
  if (!dueAt || dueAt.startsWith(NO_DEADLINE)) return 'none';
  if (opts.paused) return 'paused';
  const left = new Date(dueAt).getTime() - now.getTime();
  if (Number.isNaN(left)) return 'none';
  if (left < 0) return 'breached';
  if (left < DUE_SOON_MS) return 'due_soon';
  return 'due';
}

/** "3 h", "2 days", "45 min", in the page's language. */
export function duration(page: ConsolePage, ms: number): string {
  const min = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  if (min < 60) return page.t('time.minutes', { n: min });
  const hours = Math.round(min / 60);
  if (hours < 48) return page.t(hours === 1 ? 'time.hour' : 'time.hours', { n: hours });
  const days = Math.round(hours / 24);
  return page.t('time.days', { n: days });
}

/** "in 2 days" / "overdue by 3 h" / "met". */
export function relative(page: ConsolePage, dueAt: string, now: Date, metAt?: string): string {
  if (metAt) return page.t('time.metAt', { date: page.formatCompact(metAt, now) });
  if (dueAt.startsWith(NO_DEADLINE)) return '';
  const left = new Date(dueAt).getTime() - now.getTime();
  return left >= 0 ? page.t('time.in', { d: duration(page, left) }) : page.t('time.overdue', { d: duration(page, left) });
}

export function hasDeadline(dueAt: string | undefined): dueAt is string {
  return !!dueAt && !dueAt.startsWith(NO_DEADLINE);
}
