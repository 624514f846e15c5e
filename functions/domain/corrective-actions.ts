/**
 * Root-cause rectification (CN 溯源整改, the "four don't-let-go" record; FCA root cause): the
 * corrective measures an investigation finds become tracked actions, each its own item, with
 * an owner, a due date, evidence and a closure. Pure.
 *
 * Time from finding to fixing: from the action's creation (when the investigation found the
 * problem and recorded the measure) to its closure, in days.
 */
import type { CorrectiveAction } from './complaint.ts';

const DAY = 86_400_000;

export interface ActionSummary {
  open: number;
  overdue: number;
  closed: number;
  /** Days from finding to fixing over the closed actions (null with none closed). */
  meanDaysToFix: number | null;
  medianDaysToFix: number | null;
  /** By category (complaint nature): open and closed action ids. */
  byCategory: Record<string, { open: string[]; closed: string[] }>;
  /** The open actions, earliest due first. */
  openActions: CorrectiveAction[];
}

export function daysToFix(a: Pick<CorrectiveAction, 'createdAt' | 'closedAt'>): number | undefined {
  return a.closedAt ? (new Date(a.closedAt).getTime() - new Date(a.createdAt).getTime()) / DAY : undefined;
}

export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function actionSummary(actions: readonly CorrectiveAction[], now: Date): ActionSummary {
  const days: number[] = [];
  const byCategory: ActionSummary['byCategory'] = {};
  const open: CorrectiveAction[] = [];
  for (const a of actions) {
    const key = a.category ?? 'uncategorised';
    byCategory[key] ??= { open: [], closed: [] };
    const cat = byCategory[key];
    if (a.closedAt) {
      days.push(daysToFix(a)!);
      cat.closed.push(a.id);
    } else {
      open.push(a);
      cat.open.push(a.id);
    }
  }
  const mean = days.length ? days.reduce((x, y) => x + y, 0) / days.length : null;
  return {
    open: open.length,
    overdue: open.filter((a) => a.dueAt < now.toISOString()).length,
    closed: days.length,
    meanDaysToFix: mean === null ? null : round1(mean),
    medianDaysToFix: days.length ? round1(median(days)!) : null,
    byCategory,
    openActions: open.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id)),
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** A flagged category (over 20 % of the month) with the actions that address it. */
export function linkFlaggedCategories<T extends { key: string; flagged: boolean }>(
  categories: readonly T[],
  summary: Pick<ActionSummary, 'byCategory'>,
): (T & { actions?: { open: string[]; closed: string[] } })[] {
  return categories.map((c) => (c.flagged ? { ...c, actions: summary.byCategory[c.key] ?? { open: [], closed: [] } } : c));
}

/** An action's closure: evidence is required to close it. */
export function closeAction(
  a: CorrectiveAction,
  by: string,
  at: string,
  evidence?: string,
): { ok: true; action: CorrectiveAction } | { ok: false; field: string; message: string } {
  if (a.closedAt) return { ok: false, field: 'close', message: 'the action is already closed' };
  const proof = evidence ?? a.evidence;
  if (!proof) return { ok: false, field: 'evidence', message: 'give the evidence that the fix is in place before closing the action' };
  return { ok: true, action: { ...a, evidence: proof, closedAt: at, closedBy: by } };
}
