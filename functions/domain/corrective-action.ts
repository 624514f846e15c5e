/**
 * A corrective (improvement) action: a drill's improvement actions and the regulatory issue's
 * root-cause corrective actions are the same kind of item (issue 19 part B, issue 20). Exactly
 * the shared field names, so that the two can be one type when both are merged.
 */
import type { CorrectiveAction } from './complaint.ts';

export type { CorrectiveAction };

/** Days from creation to closing (whole days, rounded up); undefined while open. */
export function daysToFix(a: Pick<CorrectiveAction, 'createdAt' | 'closedAt'>): number | undefined {
  if (!a.closedAt) return undefined;
  return Math.max(0, Math.ceil((Date.parse(a.closedAt) - Date.parse(a.createdAt)) / 86_400_000));
}
