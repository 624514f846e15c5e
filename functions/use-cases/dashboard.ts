/**
 * The managers' and quality's dashboard, read from aggregates kept up to date from the
 * table's stream. (Being built: until then the operations answer 501.)
 */
import type { Actor } from '../domain/authorization.ts';
import type { Container } from '../shared/container.ts';
import { AppError } from '../shared/errors.ts';

export interface DashboardQuery { from?: string; to?: string; by?: string }

export async function getDashboard(_deps: Container, _actor: Actor, _q: DashboardQuery): Promise<unknown> {
  throw new AppError('The dashboard is not available yet', 501, 'not_implemented');
}

export async function exportDashboardCsv(_deps: Container, _actor: Actor, _q: DashboardQuery): Promise<string> {
  throw new AppError('The dashboard export is not available yet', 501, 'not_implemented');
}
