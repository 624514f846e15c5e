/**
 * The managers' and quality's dashboard (S2 ch.7, S3 §4), read from aggregates that the
 * TableChanges stream reader keeps up to date (domain/dashboard.ts says what each
 * figure means).
 *
 * Reading (getDashboard, exportDashboardCsv):
 *  1. validate the query (from/to YYYY-MM, by department|channel|nature);
 *  2. one Query per month of the period, plus one per UTC day of the group-incident windows
 *     (2 or 3): the cost depends on the period, never on the number of complaints;
 *  3. rates and percentiles computed from the summed counters.
 *
 * Writing (aggregateComplaintChange, for each stream record of a complaint item):
 *  1. the delta of counters between the old and the new image (the dashboard's and the
 *     regulatory returns', with the returns' index and log items: domain/returns.ts);
 *  2. applied with its AGGSEEN marker in one transaction: exactly once.
 */
import { authorize, type Actor, type StaffOperation } from '../../domain/authorization.ts';
import type { BusinessCalendar } from '../../domain/business-calendar.ts';
import { shippedCalendar } from '../../domain/calendar-data.ts';
import type { Complaint } from '../../domain/complaint.ts';
import {
  buildDashboard,
  complaintDelta,
  dashboardCsv,
  type GROUP_BY,
  incidentWindows,
  monthsBetween,
  type AggregateItem,
  type AggregateStore,
  type ApplyOutcome,
  type Dashboard,
  type DashboardInput,
} from '../../domain/dashboard.ts';
import { regionConfig, type RegionConfig } from '../../domain/regions.ts';
import { returnsDelta } from '../../domain/returns.ts';
import { DashboardQuerySchema } from '../../contract/oversight.schema.ts';
import { parseOrThrow } from '../../contract/validation.ts';
import type { Clock } from '../../shared/clock.ts';
import { ForbiddenError, ValidationError } from '../../shared/errors.ts';

export interface DashboardQuery {
  from?: string;
  to?: string;
  by?: string;
}

/** Longest period one request may read (36 monthly queries). */
export const MAX_MONTHS = 36;

/**
 * The business calendar of a region (each complaint is counted on its own region's): as shipped
 * (calendar-data.ts). A runtime correction of a year reaches the complaints' deadlines (the
 * recomputation), which the on-time counts compare with; the business days counted for the
 * handling time follow the shipped calendar until the next release ships the year.
 */
export function calendarOf(region: string): BusinessCalendar {
  return shippedCalendar(regionConfig(region).name);
}

type ReadDeps = { region: RegionConfig; clock: Clock; calendar: BusinessCalendar };

function allowOrThrow(actor: Actor, operation: StaffOperation): void {
  const decision = authorize(actor, operation);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
}

/** Validated query with its defaults: the year up to the current month, by department. */
export function resolveQuery(deps: ReadDeps, q: DashboardQuery): { from: string; to: string; by: (typeof GROUP_BY)[number] } {
  const v = parseOrThrow(DashboardQuerySchema, q);
  const to = v.to ?? deps.calendar.localDate(deps.clock.now()).slice(0, 7);
  const from = v.from ?? monthsBack(to, 11);
  if (from > to) throw new ValidationError([{ field: 'to', message: 'must not be before from' }]);
  if (monthsBetween(from, to).length > MAX_MONTHS) throw new ValidationError([{ field: 'from', message: `the period is at most ${MAX_MONTHS} months` }]);
  return { from, to, by: v.by ?? 'department' };
}

function monthsBack(m: string, n: number): string {
  const [y, mo] = m.split('-').map(Number);
  const i = y * 12 + mo - 1 - n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

async function readInput(deps: ReadDeps, q: DashboardQuery, store: AggregateStore): Promise<DashboardInput> {
  const { from, to, by } = resolveQuery(deps, q);
  const region = deps.region.name;
  const now = deps.clock.now();
  const windowHours = deps.region.thresholds.groupIncidentWindowHours;
  const w = incidentWindows(now, windowHours);
  const months = monthsBetween(from, to);
  const [items, matters] = await Promise.all([
    Promise.all(months.map((m) => store.monthItems(region, m))),
    store.matterCounts(region, w.previousStart, w.currentHour),
  ]);
  const monthItems: Record<string, AggregateItem[]> = Object.fromEntries(months.map((m, i) => [m, items[i]]));
  return { region, from, to, by, monthItems, matters, now, windowHours };
}

export async function getDashboard(deps: ReadDeps, actor: Actor, q: DashboardQuery, store: AggregateStore): Promise<Dashboard> {
  allowOrThrow(actor, 'getDashboard');
  return buildDashboard(await readInput(deps, q, store));
}

export async function exportDashboardCsv(deps: ReadDeps, actor: Actor, q: DashboardQuery, store: AggregateStore): Promise<string> {
  allowOrThrow(actor, 'exportDashboardCsv');
  return dashboardCsv(await readInput(deps, q, store));
}

/** One stream record of a complaint item, as the consumer hands it over. */
export interface ComplaintChange {
  eventId: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
  oldImage?: Partial<Complaint>;
  newImage?: Partial<Complaint>;
  /** When the record was written (epoch seconds); the marker lives a week past it. */
  createdAt?: number;
}

/** Markers outlive the stream's 24 h retention, so a redelivery always finds its marker. */
export const MARKER_TTL_SECONDS = 7 * 86_400;

export class MissingOldImageError extends Error {
  constructor() {
    super('A MODIFY record without its old image: the stream must be NEW_AND_OLD_IMAGES');
    this.name = 'MissingOldImageError';
  }
}

/** Applies what one change of a complaint adds to the aggregates, exactly once. */
export async function aggregateComplaintChange(
  change: ComplaintChange,
  deps: { store: AggregateStore; now: () => Date },
): Promise<{ outcome: ApplyOutcome; items: number }> {
  if (change.eventName === 'MODIFY' && !change.oldImage) throw new MissingOldImageError();
  // Only complaint items count (a future META-like item of another type is left alone).
  const image = (i?: Partial<Complaint> & { type?: string }) => (i && (i.type === undefined || i.type === 'Complaint') ? i : undefined);
  const updates = complaintDelta(image(change.oldImage), image(change.newImage), calendarOf);
  // The regulatory returns' counters, index and log ride the same transaction (domain/returns.ts).
  // Dated by the change itself (the complaint's updatedAt, on the clock of the use case that made it).
  const at = typeof change.newImage?.updatedAt === 'string' ? change.newImage.updatedAt : deps.now().toISOString();
  const returns = returnsDelta(image(change.oldImage), image(change.newImage), calendarOf, { eventId: change.eventId, at });
  const createdAt = change.createdAt ?? Math.floor(deps.now().getTime() / 1000);
  const outcome = await deps.store.applyOnce(change.eventId, [...updates, ...returns.counters], Math.floor(createdAt) + MARKER_TTL_SECONDS, returns.puts);
  return { outcome, items: updates.length };
}
