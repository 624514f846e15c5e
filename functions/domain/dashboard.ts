/**
 * The oversight dashboard (S2 ch.7, S3 §4): figures kept as AGGREGATES that the table's
 * stream updates as complaints change, so that reading the dashboard costs a few queries
 * whatever the number of complaints. Pure: no AWS, no clock of its own.
 *
 * How the figures stay right: every complaint image CONTRIBUTES counters to a few aggregate
 * items (`contributions`), and a change of the complaint adds `contribution(new) -
 * contribution(old)` (`complaintDelta`). Summed over all the changes of a complaint the deltas
 * telescope to the contribution of its current image, in any order of application, so the
 * aggregates always equal what a full scan would compute - as long as each change is applied
 * exactly once (the stream consumer's job, see adapters/dynamo-aggregates.ts).
 *
 * Definitions (a complaint's current record decides; keep them simple and stated):
 *  - total: every complaint once registered (the workflow's first step, seconds after receipt;
 *    one closed without it counts too), in the month of its receipt (local date in its
 *    region's zone). Before registration a complaint contributes nothing, so its receipt
 *    writes no aggregate: registration adds it whole.
 *  - handled: the reply has been sent (`deadlines.finalResponse.metAt`) or it is closed.
 *  - handling time: business days on the region's calendar from receipt to the first reply
 *    (or to the close when no reply was sent); histogram 0..59 and 60+ for the 90th percentile.
 *  - on time, per deadline: met when `metAt <= dueAt`; late when met after `dueAt`, when the
 *    deadline watch recorded its breach (`escalatedAt`), or when the complaint was closed
 *    without meeting it. Otherwise undecided (not counted). A reopened investigation replaces
 *    the investigate and reply-target clocks, which then count by the new cycle.
 *  - satisfaction: the last callback's 1-5 of each complaint that has one.
 *  - reopened: handled complaints with reopenCount > 0 (reopen rate = reopened / handled).
 *  - group incidents: complaints per recognised matter (routing.matterKey) per hour of receipt.
 *  - major: complaints routed as major (the periodic review's count).
 *  - live evaluation of major complaints (./live-evaluation.ts, ADR 0023): evaluations made,
 *    those that adjusted or escalated the strategy, and the evaluation intervals missed - up to
 *    the close of a closed complaint, up to the last evaluation of an open one (what one image
 *    can tell without a clock), on the region's cadence.
 *  - a drill's complaint (`drill` set) counts nowhere.
 */
import type { BusinessCalendar } from './business-calendar.ts';
import type { Complaint, DeadlineRecord } from './complaint.ts';
import { evaluationCounts, settledMissedIntervals } from './live-evaluation.ts';
import { REGIONS, type RegionName } from './regions.ts';

// ---------------------------------------------------------------------------------------------
// Aggregate items
// ---------------------------------------------------------------------------------------------

/** Numeric counters of one aggregate item, by attribute name. */
export type Counters = Record<string, number>;

/** Dimensions the monthly figures are broken down by (besides the month's total). */
export const DIMENSIONS = ['department', 'channel', 'nature'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
/** The order of the values in a combination item's key. */
const COMBINATION_ORDER: readonly Dimension[] = ['channel', 'department', 'nature'];

/** The dimensions' values of a combination item's key; undefined for another item. */
export function combinationOf(sk: string): Record<Dimension, string> | undefined {
  if (!sk.startsWith('c#')) return undefined;
  const parts = sk.slice(2).split('#');
  if (parts.length !== COMBINATION_ORDER.length) return undefined;
  return Object.fromEntries(COMBINATION_ORDER.map((d, i) => [d, decodeURIComponent(parts[i])])) as Record<Dimension, string>;
}

/** Last bucket of the handling-time histogram: 60 and more business days. */
export const HISTOGRAM_MAX = 60;

/** Counter names. Deadline counters are `met_<deadline>` / `late_<deadline>`, histogram buckets `h00`..`h60`. */
export const C = {
  total: 'total',
  handled: 'handled',
  reopened: 'reopened',
  /** Major complaints (routing.major): the periodic review lists them. */
  major: 'major',
  /** Their live evaluations (the periodic review's major-complaints part): made, adjusting, escalating, intervals missed. */
  liveEvaluations: 'leN',
  liveAdjusted: 'leAdj',
  liveEscalated: 'leEsc',
  liveMissed: 'leMiss',
  handlingDaysSum: 'hdSum',
  handlingDaysCount: 'hdN',
  satisfactionSum: 'satSum',
  satisfactionCount: 'satN',
  met: (deadline: string) => `met_${deadline}`,
  late: (deadline: string) => `late_${deadline}`,
  bucket: (days: number) => `h${String(Math.min(Math.max(0, Math.floor(days)), HISTOGRAM_MAX)).padStart(2, '0')}`,
} as const;

/**
 * Monthly aggregates of a region: one partition per month, one item per combination of the
 * dimensions' values a complaint of the month has (`c#<channel>#<department>#<nature>`, each
 * value URI-encoded). A change of a complaint writes the one item of its combination (two when
 * it moves between combinations), not one item per dimension; the month's figures and each
 * breakdown are sums over the month's items when it is read - one Query of at most
 * channels x departments x natures small items, whatever the number of complaints.
 */
export const aggregateKeys = {
  month: (region: string, month: string) => `AGG#${region}#${month}`,
  combination: (values: Record<Dimension, string>) => `c#${COMBINATION_ORDER.map((d) => encodeURIComponent(values[d])).join('#')}`,
  /** Group-incident counts: one partition per UTC day, one item per hour and matter. */
  matterDay: (region: string, utcDay: string) => `AGGMATTER#${region}#${utcDay}`,
  matterHour: (utcHour: string, matterKey: string) => `H${utcHour.slice(11, 13)}#${matterKey}`,
  /** Marker of a stream record already applied (exactly-once). */
  seen: (eventId: string) => ({ PK: `AGGSEEN#${eventId}`, SK: 'AGGSEEN' }),
};

/** Hour-of-receipt matter items expire after this long: the watch only reads the last 48 hours. */
export const MATTER_RETENTION_SECONDS = 8 * 86_400;

/** An ADD to one aggregate item. */
export interface AggregateUpdate {
  pk: string;
  sk: string;
  add: Counters;
  /** TTL of the item (epoch seconds), for short-lived items. */
  expiresAt?: number;
}

/** An item written whole with the updates of a record (the regulatory returns' index and log: ./returns.ts). */
export interface ItemPut {
  pk: string;
  sk: string;
  attributes: Record<string, string | number | string[]>;
}

/** Calendar of a region (receipt month and business days are judged on it). */
export type CalendarOf = (region: string) => BusinessCalendar;

const UNASSIGNED = 'unassigned';
const UNCLASSIFIED = 'unclassified';

function isComplaint(c: Partial<Complaint> | undefined): c is Complaint {
  return !!c && typeof c.reference === 'string' && typeof c.receivedAt === 'string' && typeof c.region === 'string' && !Number.isNaN(Date.parse(c.receivedAt));
}

/** Month of receipt (YYYY-MM), in the region's zone. */
export function receiptMonth(c: Pick<Complaint, 'receivedAt'>, cal: BusinessCalendar): string {
  return cal.localDate(new Date(c.receivedAt)).slice(0, 7);
}

/** 'met' | 'late' | undefined (undecided), by the definitions above. */
export function deadlineOutcome(d: DeadlineRecord, closed: boolean): 'met' | 'late' | undefined {
  if (d.metAt) return Date.parse(d.metAt) <= Date.parse(d.dueAt) ? 'met' : 'late';
  if (d.escalatedAt || closed) return 'late';
  return undefined;
}

/** When the complaint was handled: the first reply sent, else the close; undefined while not handled. */
export function handledAt(c: Complaint): string | undefined {
  return c.deadlines?.finalResponse?.metAt ?? c.closedAt;
}

/** The counters one complaint image contributes to each aggregate item it belongs to. */
export function complaintCounters(c: Complaint, cal: BusinessCalendar): Counters {
  const k: Counters = { [C.total]: 1 };
  if (c.routing?.major) {
    k[C.major] = 1;
    const every = Object.hasOwn(REGIONS, c.region) ? REGIONS[c.region as RegionName].profile.liveEvaluationEvery : undefined;
    const made = evaluationCounts(c);
    const missed = every ? settledMissedIntervals(c, every) : 0;
    if (made.made) k[C.liveEvaluations] = made.made;
    if (made.adjusted) k[C.liveAdjusted] = made.adjusted;
    if (made.escalated) k[C.liveEscalated] = made.escalated;
    if (missed) k[C.liveMissed] = missed;
  }
  const end = handledAt(c);
  if (end) {
    k[C.handled] = 1;
    const days = cal.businessDaysBetween(new Date(c.receivedAt), new Date(end));
    k[C.handlingDaysSum] = days;
    k[C.handlingDaysCount] = 1;
    k[C.bucket(days)] = 1;
    if ((c.reopenCount ?? 0) > 0) k[C.reopened] = 1;
  }
  const closed = c.status === 'CLOSED';
  for (const [name, d] of Object.entries(c.deadlines ?? {})) {
    const outcome = d && deadlineOutcome(d, closed);
    if (outcome) k[outcome === 'met' ? C.met(name) : C.late(name)] = 1;
  }
  const last = c.callbacks?.at(-1);
  if (last && Number.isFinite(last.satisfaction)) {
    k[C.satisfactionSum] = last.satisfaction;
    k[C.satisfactionCount] = 1;
  }
  return k;
}

/** The group a complaint falls in, per dimension. */
export function groupOf(c: Complaint, dimension: Dimension): string {
  switch (dimension) {
    case 'department':
      return c.assignment?.team || UNASSIGNED;
    case 'channel':
      return c.channel || 'unknown';
    case 'nature':
      return c.classification?.nature || UNCLASSIFIED;
  }
}

/** UTC hour of an instant, 'YYYY-MM-DDTHH'. */
export function utcHour(iso: string | Date): string {
  return new Date(iso).toISOString().slice(0, 13);
}

/**
 * Registered (classified), or closed without it: from then on a complaint counts. A drill's
 * complaint never counts (issue 20): not in the figures, the KPIs, the returns nor the group
 * incidents.
 */
const counts = (c: Complaint) => !c.drill && (Boolean(c.classification) || c.status === 'CLOSED');

/** Everything one complaint image adds to the aggregates; [] for no image, not a complaint, or not counted yet. */
export function contributions(c: Partial<Complaint> | undefined, calendarOf: CalendarOf): AggregateUpdate[] {
  if (!isComplaint(c) || !counts(c)) return [];
  const cal = calendarOf(c.region);
  const pk = aggregateKeys.month(c.region, receiptMonth(c, cal));
  const counters = complaintCounters(c, cal);
  const values = Object.fromEntries(DIMENSIONS.map((d) => [d, groupOf(c, d)])) as Record<Dimension, string>;
  const out: AggregateUpdate[] = [{ pk, sk: aggregateKeys.combination(values), add: counters }];
  const matterKey = c.routing?.matterKey;
  if (matterKey) {
    const hour = utcHour(c.receivedAt);
    out.push({
      pk: aggregateKeys.matterDay(c.region, hour.slice(0, 10)),
      sk: aggregateKeys.matterHour(hour, matterKey),
      add: { count: 1 },
      expiresAt: Math.floor(Date.parse(`${hour}:00:00Z`) / 1000) + MATTER_RETENTION_SECONDS,
    });
  }
  return out;
}

/**
 * What a change of a complaint (old image -> new image; either may be missing) adds to the
 * aggregates: contributions(new) - contributions(old), merged per item, zeros left out.
 */
export function complaintDelta(oldImage: Partial<Complaint> | undefined, newImage: Partial<Complaint> | undefined, calendarOf: CalendarOf): AggregateUpdate[] {
  const merged = new Map<string, AggregateUpdate>();
  const apply = (updates: AggregateUpdate[], sign: 1 | -1) => {
    for (const u of updates) {
      const key = `${u.pk}\u0000${u.sk}`;
      let m = merged.get(key);
      if (!m) {
        m = { pk: u.pk, sk: u.sk, add: {} };
        merged.set(key, m);
      }
      if (u.expiresAt !== undefined) m.expiresAt = Math.max(m.expiresAt ?? 0, u.expiresAt);
      for (const [name, n] of Object.entries(u.add)) m.add[name] = (m.add[name] ?? 0) + sign * n;
    }
  };
  apply(contributions(oldImage, calendarOf), -1);
  apply(contributions(newImage, calendarOf), 1);
  const out: AggregateUpdate[] = [];
  for (const m of merged.values()) {
    const add = Object.fromEntries(Object.entries(m.add).filter(([, n]) => n !== 0));
    if (Object.keys(add).length) out.push({ ...m, add });
  }
  return out.sort((a, b) => (a.pk + a.sk).localeCompare(b.pk + b.sk));
}

/** Sums counters into `into` (mutates and returns it). */
export function addCounters(into: Counters, from: Counters): Counters {
  for (const [name, n] of Object.entries(from)) into[name] = (into[name] ?? 0) + n;
  return into;
}

// ---------------------------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------------------------

export interface OnTime {
  met: number;
  late: number;
  rate: number | null;
}

export interface Figures {
  total: number;
  handled: number;
  /** handled / total; null when there is no complaint. */
  handledRate: number | null;
  /** Per deadline: met on or before dueAt / deadlines decided. */
  onTime: Record<string, OnTime>;
  handlingBusinessDays: { average: number | null; p90: number | null };
  satisfaction: { average: number | null; responses: number };
  /** Complaints reopened at least once / handled. */
  reopenRate: number | null;
}

/** Deadlines in the order of the lifecycle (others after them, alphabetically). */
export const DEADLINE_ORDER = [
  'register',
  'qualityControl',
  'emergencyStart',
  'handlingPlan',
  'investigate',
  'replyTarget',
  'summaryResolution',
  'finalResponse',
];

function deadlineRank(name: string): number {
  const i = DEADLINE_ORDER.indexOf(name);
  return i < 0 ? DEADLINE_ORDER.length : i;
}

export function sortDeadlines(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => deadlineRank(a) - deadlineRank(b) || a.localeCompare(b));
}

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);

/**
 * The p-th percentile (0 < p <= 1) of a histogram by the nearest-rank method: the smallest
 * bucket b with at least ceil(p * n) values at or below it. Null for an empty histogram.
 * `hist[b]` is the number of values in bucket b; the last bucket is open-ended (b or more).
 */
export function percentileFromHistogram(hist: readonly number[], p: number): number | null {
  const n = hist.reduce((s, x) => s + Math.max(0, x), 0);
  if (n <= 0) return null;
  const rank = Math.max(1, Math.ceil(p * n - 1e-9));
  let cumulative = 0;
  for (let b = 0; b < hist.length; b++) {
    cumulative += Math.max(0, hist[b] ?? 0);
    if (cumulative >= rank) return b;
  }
  return hist.length - 1;
}

export function histogramOf(k: Counters): number[] {
  return Array.from({ length: HISTOGRAM_MAX + 1 }, (_, b) => k[C.bucket(b)] ?? 0);
}

/** Figures (rates 0..1, null when undefined) from summed counters. */
export function figuresOf(k: Counters): Figures {
  const total = k[C.total] ?? 0;
  const handled = k[C.handled] ?? 0;
  const deadlines = sortDeadlines(
    Object.keys(k).flatMap((name) => {
      const m = /^(met|late)_(.+)$/.exec(name);
      return m ? [m[2]] : [];
    }),
  );
  const onTime: Record<string, OnTime> = {};
  for (const name of deadlines) {
    const met = k[C.met(name)] ?? 0;
    const late = k[C.late(name)] ?? 0;
    onTime[name] = { met, late, rate: ratio(met, met + late) };
  }
  const satN = k[C.satisfactionCount] ?? 0;
  return {
    total,
    handled,
    handledRate: ratio(handled, total),
    onTime,
    handlingBusinessDays: {
      average: ratio(k[C.handlingDaysSum] ?? 0, k[C.handlingDaysCount] ?? 0),
      p90: percentileFromHistogram(histogramOf(k), 0.9),
    },
    satisfaction: { average: ratio(k[C.satisfactionSum] ?? 0, satN), responses: satN },
    reopenRate: ratio(k[C.reopened] ?? 0, handled),
  };
}

// ---------------------------------------------------------------------------------------------
// Top categories (S3 §4) and group incidents
// ---------------------------------------------------------------------------------------------

export interface TopCategory {
  key: string;
  count: number;
  share: number;
  flagged: boolean;
}

/** A category above this share of the month's volume calls for action (S3 §4). */
export const CATEGORY_FLAG_SHARE = 0.2;

/**
 * The month's top categories (complaint nature): the 5 largest by count (ties by name),
 * with their share of the month's volume, flagged above 20 %. Complaints not yet classified
 * count in the volume but are no category.
 */
export function topCategories(counts: { key: string; count: number }[], monthTotal: number, limit = 5): TopCategory[] {
  if (monthTotal <= 0) return [];
  return counts
    .filter((c) => c.count > 0 && c.key !== UNCLASSIFIED)
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
    .slice(0, limit)
    .map((c) => ({ key: c.key, count: c.count, share: c.count / monthTotal, flagged: c.count / monthTotal > CATEGORY_FLAG_SHARE }));
}

export interface MatterCount {
  matterKey: string /** UTC hour, YYYY-MM-DDTHH */;
  hour: string;
  count: number;
}
export interface GroupIncident {
  matterKey: string;
  last24h: number;
  previous24h: number;
  rising: boolean;
}

/** Whole UTC hours the watch reads: the window ending with the current hour, and the one before it. */
export function incidentWindows(now: Date, windowHours = 24) {
  const current = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  const lastStart = current - (windowHours - 1) * 3_600_000;
  const previousStart = lastStart - windowHours * 3_600_000;
  return { previousStart: new Date(previousStart), lastStart: new Date(lastStart), currentHour: new Date(current) };
}

/**
 * Matters with complaints in the last window (by whole hours of receipt, the current hour
 * included) against the window before. Rising: more than before, and at least 2 (one
 * complaint is no trend). Rising first, then by count.
 */
export function groupIncidents(rows: MatterCount[], now: Date, windowHours = 24, limit = 20): GroupIncident[] {
  const w = incidentWindows(now, windowHours);
  const by = new Map<string, { last: number; previous: number }>();
  for (const r of rows) {
    const t = Date.parse(`${r.hour}:00:00Z`);
    const e = by.get(r.matterKey) ?? { last: 0, previous: 0 };
    if (t >= w.lastStart.getTime() && t <= w.currentHour.getTime()) e.last += r.count;
    else if (t >= w.previousStart.getTime() && t < w.lastStart.getTime()) e.previous += r.count;
    else continue;
    by.set(r.matterKey, e);
  }
  return [...by.entries()]
    .filter(([, e]) => e.last > 0 || e.previous > 0)
    .map(([matterKey, e]) => ({ matterKey, last24h: e.last, previous24h: e.previous, rising: e.last > e.previous && e.last >= 2 }))
    .sort((a, b) => Number(b.rising) - Number(a.rising) || b.last24h - a.last24h || a.matterKey.localeCompare(b.matterKey))
    .slice(0, limit);
}

// ---------------------------------------------------------------------------------------------
// The dashboard
// ---------------------------------------------------------------------------------------------

export const GROUP_BY = ['department', 'channel', 'nature'] as const satisfies readonly Dimension[];
export type GroupBy = (typeof GROUP_BY)[number];

/** One aggregate item as read back: its sort key and counters. */
export interface AggregateItem {
  sk: string;
  counters: Counters;
}

export interface Dashboard {
  period: { from: string; to: string };
  region: string;
  totals: Figures;
  groups: { key: string; figures: Figures }[];
  months: { month: string; figures: Figures; topCategories: TopCategory[] }[];
  groupIncidents: GroupIncident[];
}

export interface DashboardInput {
  region: string;
  from: string;
  to: string;
  by: GroupBy;
  /** Aggregate items of each month of the period (months without items may be missing). */
  monthItems: Record<string, AggregateItem[]>;
  matters: MatterCount[];
  now: Date;
  windowHours?: number;
}

/** Months from..to (YYYY-MM), inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const [fy, fm] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  const out: string[] = [];
  for (let i = fy * 12 + fm - 1; i <= ty * 12 + tm - 1; i++) out.push(`${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
  return out;
}

/** Counters per group of a dimension within some items: the sum of the combinations with that value. */
function groupsIn(items: AggregateItem[], dimension: Dimension): Map<string, Counters> {
  const out = new Map<string, Counters>();
  for (const it of items) {
    const values = combinationOf(it.sk);
    if (!values) continue;
    out.set(values[dimension], addCounters(out.get(values[dimension]) ?? {}, it.counters));
  }
  return out;
}

/** The month's figures: the sum of its combination items (aggregateKeys). */
function allIn(items: AggregateItem[]): Counters {
  return items.filter((i) => combinationOf(i.sk)).reduce((k, i) => addCounters(k, i.counters), {} as Counters);
}

const byTotal = (a: { key: string; figures: Figures }, b: { key: string; figures: Figures }) => b.figures.total - a.figures.total || a.key.localeCompare(b.key);

function groupFigures(groups: Map<string, Counters>): { key: string; figures: Figures }[] {
  return [...groups.entries()]
    .map(([key, k]) => ({ key, figures: figuresOf(k) }))
    .filter((g) => g.figures.total !== 0 || g.figures.handled !== 0)
    .sort(byTotal);
}

export function buildDashboard(input: DashboardInput): Dashboard {
  const months = monthsBetween(input.from, input.to);
  const totals: Counters = {};
  const groups = new Map<string, Counters>();
  const monthRows = months.map((month) => {
    const items = input.monthItems[month] ?? [];
    const k = allIn(items);
    addCounters(totals, k);
    for (const [key, g] of groupsIn(items, input.by)) groups.set(key, addCounters(groups.get(key) ?? {}, g));
    const natures = [...groupsIn(items, 'nature').entries()].map(([key, n]) => ({ key, count: n[C.total] ?? 0 }));
    return { month, figures: figuresOf(k), topCategories: topCategories(natures, k[C.total] ?? 0) };
  });
  return {
    period: { from: input.from, to: input.to },
    region: input.region,
    totals: figuresOf(totals),
    groups: groupFigures(groups),
    months: monthRows,
    groupIncidents: groupIncidents(input.matters, input.now, input.windowHours ?? 24),
  };
}

// ---------------------------------------------------------------------------------------------
// CSV for regulatory returns
// ---------------------------------------------------------------------------------------------

/**
 * A cell a spreadsheet would run as a formula (= + - @, or a leading tab or carriage
 * return) gets a leading apostrophe, so it is shown as text (OWASP CSV injection).
 */
export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180: a field with a comma, a double quote, CR or LF is quoted, quotes doubled. */
export function csvField(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Rows -> CSV text (CRLF line ends, every cell neutralised then quoted as needed). */
export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return `${rows.map((r) => r.map((c) => csvField(neutraliseFormula(c === null || c === undefined ? '' : String(c)))).join(',')).join('\r\n')}\r\n`;
}

const round = (x: number | null, digits: number): string => (x === null ? '' : String(Math.round(x * 10 ** digits) / 10 ** digits));

/**
 * One row per period x group: each month of the period and then the whole period
 * (`from/to`), first all complaints (group "all"), then each group of `by`.
 */
export function dashboardCsv(input: DashboardInput): string {
  const months = monthsBetween(input.from, input.to);
  const rows: { period: string; group: string; figures: Figures }[] = [];
  const whole: Counters = {};
  const wholeGroups = new Map<string, Counters>();
  for (const month of months) {
    const items = input.monthItems[month] ?? [];
    const k = allIn(items);
    addCounters(whole, k);
    rows.push({ period: month, group: 'all', figures: figuresOf(k) });
    const groups = groupsIn(items, input.by);
    for (const [key, g] of groups) wholeGroups.set(key, addCounters(wholeGroups.get(key) ?? {}, g));
    for (const g of groupFigures(groups)) rows.push({ period: month, group: g.key, figures: g.figures });
  }
  const period = `${input.from}/${input.to}`;
  rows.push({ period, group: 'all', figures: figuresOf(whole) });
  for (const g of groupFigures(wholeGroups)) rows.push({ period, group: g.key, figures: g.figures });

  const deadlines = sortDeadlines(rows.flatMap((r) => Object.keys(r.figures.onTime)));
  const header = [
    'region',
    'period',
    'groupBy',
    'group',
    'total',
    'handled',
    'handledRate',
    'handlingBusinessDaysAverage',
    'handlingBusinessDaysP90',
    'satisfactionAverage',
    'satisfactionResponses',
    'reopenRate',
    ...deadlines.flatMap((d) => [`onTime.${d}.met`, `onTime.${d}.late`, `onTime.${d}.rate`]),
  ];
  return toCsv([
    header,
    ...rows.map(({ period: p, group, figures: f }) => [
      input.region,
      p,
      group === 'all' ? 'all' : input.by,
      group,
      f.total,
      f.handled,
      round(f.handledRate, 4),
      round(f.handlingBusinessDays.average, 2),
      f.handlingBusinessDays.p90,
      round(f.satisfaction.average, 2),
      f.satisfaction.responses,
      round(f.reopenRate, 4),
      ...deadlines.flatMap((d) => {
        const o = f.onTime[d];
        return o ? [o.met, o.late, round(o.rate, 4)] : [0, 0, ''];
      }),
    ]),
  ]);
}

// ---------------------------------------------------------------------------------------------
// The store (port): implemented on DynamoDB by adapters/dynamo-aggregates.ts
// ---------------------------------------------------------------------------------------------

export type ApplyOutcome = 'applied' | 'duplicate' | 'nothing';

export interface AggregateStore {
  /**
   * Applies the updates of one stream record, once: a second call with the same event id
   * changes nothing and answers 'duplicate'. No updates: 'nothing' (and nothing written).
   * `puts`: items written whole in the same transaction (the regulatory returns' index and log).
   */
  applyOnce(eventId: string, updates: AggregateUpdate[], markerExpiresAt: number, puts?: ItemPut[]): Promise<ApplyOutcome>;
  /** Every aggregate item of a region's month. */
  monthItems(region: string, month: string): Promise<AggregateItem[]>;
  /** Matter counts of the hours [from, to] (UTC hours, inclusive). */
  matterCounts(region: string, from: Date, to: Date): Promise<MatterCount[]>;
}
