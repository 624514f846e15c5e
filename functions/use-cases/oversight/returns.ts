/**
 * The regulatory returns (issue 19 part C), read from the aggregates the TableChanges stream
 * reader keeps (domain/returns.ts says what each figure means):
 *
 *  1. validate the period for the deployment's region (uk half-years, us/cn quarters);
 *  2. read the counters: one Query (uk: of every period up to this one, for the outstanding
 *     complaints; us/cn: of this period), plus the period's CFPB rows for us;
 *  3. reproducible: the first production after the period ended is stored and is the return
 *     from then on; the changes applied to the period's figures since are listed as late
 *     changes, with the figures as they are now beside it.
 *
 * Every figure drills down to its complaints (listReturnComplaints): one Query of the figure's
 * index partition, filtered to the cell asked for.
 */
import { authorize, type Actor, type StaffOperation } from '../../domain/authorization.ts';
import type { BusinessCalendar } from '../../domain/business-calendar.ts';
import type { RegionConfig } from '../../domain/regions.ts';
import {
  buildCnReturn,
  buildUkReturn,
  buildUsReturn,
  DRILL_METRICS,
  isPeriod,
  KEY_PARTS,
  keyMatches,
  M,
  periodBounds,
  returnSheets,
  type LateChange,
  type RegulatoryReturn,
  type ReturnRegion,
  type ReturnStore,
  type Sheet,
} from '../../domain/returns.ts';
import { isTaxonomyRegion } from '../../domain/taxonomies.ts';
import { ReturnCellQuery, ReturnQuery } from '../../contract/returns.schema.ts';
import { parseOrThrow } from '../../contract/validation.ts';
import type { Clock } from '../../shared/clock.ts';
import { ConflictError, ForbiddenError, ValidationError } from '../../shared/errors.ts';

export interface ReturnsDeps {
  region: RegionConfig;
  clock: Clock;
  calendar: BusinessCalendar;
}

export interface ProducedReturn {
  /** provisional: the period has not ended (nothing stored); final: as first produced after it ended. */
  status: 'provisional' | 'final';
  firstProducedAt?: string;
  firstProducedBy?: string;
  return: RegulatoryReturn;
  /** Changes applied to the period's figures after the first production. */
  lateChanges: LateChange[];
  /** The figures as they are now, when late changes moved them. */
  current?: RegulatoryReturn;
}

function allowOrThrow(actor: Actor, operation: StaffOperation): void {
  const decision = authorize(actor, operation);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
}

function regionOf(deps: ReturnsDeps): ReturnRegion {
  const r = deps.region.name;
  if (!isTaxonomyRegion(r)) throw new ConflictError(`The region ${r} has no regulatory return`);
  return r;
}

function periodFor(region: ReturnRegion, period: string): string {
  if (!isPeriod(region, period))
    throw new ValidationError([
      { field: 'period', message: region === 'uk' ? 'must be a half-year, YYYYH1 or YYYYH2' : 'must be a quarter, YYYYQ1 to YYYYQ4' },
    ]);
  return period;
}

async function compute(region: ReturnRegion, period: string, store: ReturnStore): Promise<RegulatoryReturn> {
  if (region === 'uk') return buildUkReturn(period, await store.returnCounters(region, period, true));
  if (region === 'cn') return buildCnReturn(period, await store.returnCounters(region, period, false));
  const [items, rows] = await Promise.all([store.returnCounters(region, period, false), store.returnIndex(region, period, M.received)]);
  return buildUsReturn(period, items, rows);
}

/** What one DynamoDB item (400 KB) keeps of a first production with room to spare. */
export const SNAPSHOT_MAX_BYTES = 300_000;
/** The return as stored: whole, except CFPB rows too many for one item (the figures are kept). */
function keepable(r: RegulatoryReturn): RegulatoryReturn {
  return r.region === 'us' && Buffer.byteLength(JSON.stringify(r)) > SNAPSHOT_MAX_BYTES ? { ...r, rows: [], rowsKept: false } : r;
}

async function produce(deps: ReturnsDeps, actor: Actor, period: string, store: ReturnStore): Promise<ProducedReturn> {
  const region = regionOf(deps);
  periodFor(region, period);
  const ended = deps.calendar.localDate(deps.clock.now()) > periodBounds(region, period).to;
  const current = await compute(region, period, store);
  if (!ended) return { status: 'provisional', return: current, lateChanges: [] };
  const snap =
    (await store.snapshot(region, period)) ??
    (await store.saveSnapshot(region, period, { producedAt: deps.clock.now().toISOString(), producedBy: actor.id, report: keepable(current) }));
  // CFPB rows too many to keep in one item: the rows are today's, their changes listed as late changes.
  const report =
    snap.report.region === 'us' && snap.report.rowsKept === false && current.region === 'us' ? { ...snap.report, rows: current.rows } : snap.report;
  const lateChanges = await store.lateChanges(region, period, snap.producedAt);
  const moved = JSON.stringify(report) !== JSON.stringify(current);
  return {
    status: 'final',
    firstProducedAt: snap.producedAt,
    firstProducedBy: snap.producedBy,
    return: report,
    lateChanges,
    ...(moved ? { current } : {}),
  };
}

export async function getRegulatoryReturn(
  deps: ReturnsDeps,
  actor: Actor,
  query: Record<string, string | undefined>,
  store: ReturnStore,
): Promise<ProducedReturn> {
  allowOrThrow(actor, 'getRegulatoryReturn');
  const q = parseOrThrow(ReturnQuery, query);
  return produce(deps, actor, q.period, store);
}

/** The tables of the return (as produced), with its late changes as a last table. */
export async function exportRegulatoryReturn(
  deps: ReturnsDeps,
  actor: Actor,
  query: Record<string, string | undefined>,
  store: ReturnStore,
): Promise<{ format: 'csv' | 'xlsx'; filename: string; sheets: Sheet[]; produced: ProducedReturn }> {
  allowOrThrow(actor, 'exportRegulatoryReturn');
  const q = parseOrThrow(ReturnQuery, query);
  const produced = await produce(deps, actor, q.period, store);
  const sheets = returnSheets(produced.return);
  sheets[0].rows.push(['status', produced.status], ['firstProducedAt', produced.firstProducedAt ?? '']);
  if (produced.lateChanges.length)
    sheets.push({
      name: 'Late changes',
      rows: [['at', 'reference', 'changes'], ...produced.lateChanges.map((l) => [l.at, l.reference, l.changes.join('; ')])],
    });
  const format = q.format ?? 'csv';
  return { format, filename: `complaints-return-${deps.region.name}-${q.period}.${format}`, sheets, produced };
}

/** The complaints behind one figure (optionally of one cell): references, with the cell each is in. */
export async function listReturnComplaints(deps: ReturnsDeps, actor: Actor, query: Record<string, string | undefined>, store: ReturnStore) {
  allowOrThrow(actor, 'listReturnComplaints');
  const q = parseOrThrow(ReturnCellQuery, query);
  const region = regionOf(deps);
  const period = periodFor(region, q.period);
  const select: Record<string, string | undefined> = q;
  const stray = ['productGroup', 'cause', 'a', 'b', 'c', 'product'].find((p) => select[p] !== undefined && !KEY_PARTS[region].includes(p));
  if (stray) throw new ValidationError([{ field: stray, message: `does not apply to the ${region} return` }]);
  let entries: { key: string; reference: string }[];
  if (region === 'uk' && q.figure === 'redressPaid') {
    entries = (await Promise.all([deps.region.thresholds.currency].map((cur) => store.returnIndex(region, period, M.redress(cur))))).flat();
  } else {
    const metric = DRILL_METRICS[region][q.figure];
    if (!metric)
      throw new ValidationError([
        { field: 'figure', message: `must be one of ${[...Object.keys(DRILL_METRICS[region]), ...(region === 'uk' ? ['redressPaid'] : [])].join(', ')}` },
      ]);
    entries = await store.returnIndex(region, period, metric);
    if (region === 'uk' && metric === M.outstanding) {
      // Still unresolved and received before the period: outstanding at its start too.
      const from = periodBounds(region, period).from;
      entries = [...entries, ...(await store.unresolved(region)).filter((e) => (e.row.received ?? '') < from)];
    }
  }
  const complaints = entries
    .filter((e) => keyMatches(region, e.key, select))
    .map((e) => ({ reference: e.reference, cell: Object.fromEntries(KEY_PARTS[region].map((p, i) => [p, e.key.split('|')[i]])) }))
    .sort((a, b) => a.reference.localeCompare(b.reference));
  return { region, period, figure: q.figure, count: complaints.length, complaints };
}
