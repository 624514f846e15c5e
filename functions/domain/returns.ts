/**
 * Regulatory returns (issue 19 part C), computed from aggregates that the TableChanges stream
 * reader keeps, the way the dashboard's are (./dashboard.ts): a period's return costs a few
 * queries whatever the number of complaints. Pure: no AWS, no clock of its own.
 *
 *  - uk: the FCA complaints return (DISP 1 Annex 1R, consolidated by PS25/19), half-yearly
 *    (YYYYH1 = 1 Jan - 30 Jun, YYYYH2 = 1 Jul - 31 Dec, UK local dates): by product grouping and
 *    by cause, outstanding at the start, opened, closed within 3 business days / after that
 *    within 8 weeks / after 8 weeks, upheld (partly upheld counts as upheld), redress paid; and
 *    the PS25/19 data points: complaints from vulnerable customers, complaints caused by a
 *    failure to respond to vulnerability.
 *  - us: the CFPB company-portal fields per complaint received in the quarter (YYYYQn).
 *  - cn: JR/T 0169-2018 counts by A (channel), B (business type), C (cause), quarterly.
 *
 * How it stays right and cheap: every complaint image has MEMBERSHIPS (period, metric, key =
 * its taxonomy cell, amount); a change of the complaint writes the difference between the old
 * image's and the new one's (`returnsDelta`):
 *  - counters AGGRET#<region> / <period>#<key> (ADDs, which telescope as the dashboard's do);
 *  - one index item per membership AGGRETIX#<region>#<period>#<metric> / <key>#<reference>
 *    (`in` 1, or 0 once it left): every figure drills down to the complaints behind it;
 *  - one log item per period whose memberships changed, for a change dated after the period
 *    ended, AGGRETLOG#<region>#<period> / <updatedAt>#<reference>#<event>: a change after the
 *    period's return was first produced is listed as a late change, while the return itself
 *    stays as first produced.
 *
 * Definitions (the complaint's current record decides):
 *  - counted: every registered complaint of the region (as on the dashboard: registration follows
 *    receipt by seconds, and the complaint is dated by its receipt) except drills (`drill` set) and
 *    repeats merged into another complaint (`mergedInto`): the one they joined counts.
 *  - resolved (FCA "closed"): the final response or summary resolution was sent
 *    (`finalResponse.sentAt`, not the 8-week letter), else the reply (`deadlines.finalResponse.metAt`),
 *    else the close. Within 3 business days: by close of business on the third business day after
 *    receipt; within 8 weeks: on or before the local date 56 days after receipt's.
 *  - upheld: resolved with outcome upheld or partly-upheld; goodwill redress alone does not uphold.
 *  - redress paid: redress entries with `paidAt`, summed per currency in minor units, on the
 *    period of the complaint's resolution.
 *  - outstanding at the start of P: received before P and not resolved before P, computed as
 *    the sum over earlier periods of opened - resolved (a cost that grows with the years of
 *    operation, never with the number of complaints).
 */
import { addLocalDays, type BusinessCalendar } from './business-calendar.ts';
import type { Complaint, OutcomeResult } from './complaint.ts';
import { isVulnerable } from './vulnerability.ts';
import { type AggregateUpdate, type CalendarOf, type Counters, deadlineOutcome, type ItemPut, toCsv } from './dashboard.ts';
import { CN_CODES, type Coded, UK_CAUSES, UK_PRODUCT_GROUPS, US_TAXONOMY, isTaxonomyRegion, taxonomyVersion } from './taxonomies.ts';

export type ReturnRegion = 'uk' | 'us' | 'cn';
export const UNCLASSIFIED = 'unclassified';

// ---------------------------------------------------------------------------------------------
// Periods
// ---------------------------------------------------------------------------------------------

const PERIOD_RE: Record<ReturnRegion, RegExp> = { uk: /^(\d{4})H([12])$/, us: /^(\d{4})Q([1-4])$/, cn: /^(\d{4})Q([1-4])$/ };

export function isPeriod(region: string, period: string): boolean {
  return isTaxonomyRegion(region) && PERIOD_RE[region].test(period);
}

/** The period (YYYYH1|YYYYH2 for uk, YYYYQ1..4 otherwise) of a local date. */
export function periodOf(region: ReturnRegion, localDate: string): string {
  const y = localDate.slice(0, 4);
  const m = Number(localDate.slice(5, 7));
  return region === 'uk' ? `${y}H${m <= 6 ? 1 : 2}` : `${y}Q${Math.ceil(m / 3)}`;
}

/** First and last local dates of a period. */
export function periodBounds(region: ReturnRegion, period: string): { from: string; to: string } {
  const m = PERIOD_RE[region].exec(period);
  if (!m) throw new RangeError(`Not a ${region} period: ${period}`);
  const [y, n] = [m[1], Number(m[2])];
  const months = region === 'uk' ? 6 : 3;
  const first = (n - 1) * months + 1;
  const last = first + months - 1;
  const lastDay = new Date(Date.UTC(Number(y), last, 0)).getUTCDate();
  return { from: `${y}-${String(first).padStart(2, '0')}-01`, to: `${y}-${String(last).padStart(2, '0')}-${lastDay}` };
}

/** The period after `period`. */
export function nextPeriod(region: ReturnRegion, period: string): string {
  const { to } = periodBounds(region, period);
  return periodOf(region, addLocalDays(to, 1));
}

// ---------------------------------------------------------------------------------------------
// What the complaint says
// ---------------------------------------------------------------------------------------------

export function outcomeOf(c: Complaint): OutcomeResult | undefined {
  return c.outcome?.result;
}

/** The redress entries paid (a reversing entry, negative, paid back, counts against its original). */
export function paidRedress(c: Complaint): { amountMinor: number; currency: string; kind: string }[] {
  return (c.redress ?? [])
    .filter((e) => typeof e.paidAt === 'string' && Number.isFinite(e.amountMinor))
    .map((e) => ({ amountMinor: e.amountMinor, currency: e.currency, kind: e.kind }));
}

function vulnerabilityOf(c: Complaint): { vulnerable: boolean; failure: boolean } {
  return { vulnerable: isVulnerable(c), failure: c.vulnerability?.causedByFailureToRespond === true };
}

/** When the complaint was resolved (the FCA's "closed"); undefined while it is not. */
export function resolvedAt(c: Complaint): string | undefined {
  const fr = c.finalResponse;
  if (fr && fr.kind !== 'eight-week') return fr.sentAt;
  return c.deadlines?.finalResponse?.metAt ?? c.deadlines?.summaryResolution?.metAt ?? (c.status === 'CLOSED' ? c.closedAt : undefined);
}

const counted = (c: Partial<Complaint> | undefined): c is Complaint =>
  !!c &&
  typeof c.reference === 'string' &&
  typeof c.receivedAt === 'string' &&
  !Number.isNaN(Date.parse(c.receivedAt)) &&
  typeof c.region === 'string' &&
  isTaxonomyRegion(c.region) &&
  !c.drill &&
  !c.mergedInto &&
  // As on the dashboard: from registration (seconds after receipt; it is dated by its receipt).
  (Boolean(c.classification) || c.status === 'CLOSED');

// ---------------------------------------------------------------------------------------------
// Memberships
// ---------------------------------------------------------------------------------------------

/** Metric names (counter attributes and index partitions). */
export const M = {
  opened: 'opened',
  closed3bd: 'closed3bd',
  closed8w: 'closed8w',
  closedOver8w: 'closedOver8w',
  upheld: 'upheld',
  redress: (currency: string) => `redress_${currency}`,
  vulnerable: 'vulnerable',
  vulnerabilityFailure: 'vulnFailure',
  /** Index only: received before the period, resolved in it or later (uk). */
  outstanding: 'outstanding',
  received: 'received',
  closed: 'closed',
} as const;
/** Pseudo-period of the index of unresolved complaints (uk outstanding). */
export const OPEN_PERIOD = 'open';

export interface Membership {
  period: string;
  metric: string;
  /** The taxonomy cell: uk `productGroup|cause`, cn `a|b|c`, us `product|subProduct`. */
  key: string;
  /** Added to the counter (default 1). */
  amount?: number;
  /** Index only, no counter. */
  indexOnly?: boolean;
  /** Attributes kept on the index item (CFPB rows, receipt date). */
  row?: Record<string, string>;
}

export function ukKey(c: Complaint): string {
  const uk = c.regulatoryClass?.uk;
  return uk ? `${uk.productGroup}|${uk.cause}` : `${UNCLASSIFIED}|${UNCLASSIFIED}`;
}
export function cnKey(c: Complaint): string {
  const cn = c.regulatoryClass?.cn;
  return cn ? `${cn.a}|${cn.b}|${cn.c}` : `${UNCLASSIFIED}|${UNCLASSIFIED}|${UNCLASSIFIED}`;
}
export function usKey(c: Complaint): string {
  const us = c.regulatoryClass?.us;
  return us ? `${us.product}|${us.subProduct ?? ''}` : `${UNCLASSIFIED}|`;
}

/** The CFPB company response category, from the outcome and the redress paid. */
export function companyResponse(c: Complaint): string {
  if (!resolvedAt(c)) return 'In progress';
  if (paidRedress(c).length) return 'Closed with monetary relief';
  const o = outcomeOf(c);
  if (o === 'upheld' || o === 'partly-upheld') return 'Closed with non-monetary relief';
  return 'Closed with explanation';
}

/** CFPB timely response: the company responded within 15 calendar days ('' while undecided). */
export function timelyResponse(c: Complaint, cal: BusinessCalendar): 'Yes' | 'No' | '' {
  const target = c.deadlines?.replyTarget;
  if (target) {
    const o = deadlineOutcome(target, c.status === 'CLOSED');
    if (o) return o === 'met' ? 'Yes' : 'No';
  }
  const at = resolvedAt(c);
  if (!at) return '';
  const due = addLocalDays(cal.localDate(new Date(c.receivedAt)), US_TAXONOMY.timelyResponseDays);
  return cal.localDate(new Date(at)) <= due ? 'Yes' : 'No';
}

/** The CFPB portal's fields of one complaint. */
export function cfpbRow(c: Complaint, cal: BusinessCalendar): Record<string, string> {
  const us = c.regulatoryClass?.us;
  return {
    reference: c.reference,
    received: cal.localDate(new Date(c.receivedAt)),
    product: us?.product ?? UNCLASSIFIED,
    subProduct: us?.subProduct ?? '',
    issue: us?.issue ?? '',
    subIssue: us?.subIssue ?? '',
    companyResponse: companyResponse(c),
    timelyResponse: timelyResponse(c, cal),
    publicResponse: us?.publicResponse ?? '',
  };
}

/** Every membership of one complaint image ([] when it does not count). */
export function memberships(c: Partial<Complaint> | undefined, calendarOf: CalendarOf): Membership[] {
  if (!counted(c)) return [];
  const region = c.region as ReturnRegion;
  const cal = calendarOf(region);
  const received = cal.localDate(new Date(c.receivedAt));
  const opened = periodOf(region, received);
  const resolved = resolvedAt(c);
  const resolvedDate = resolved ? cal.localDate(new Date(resolved)) : undefined;
  const closedIn = resolvedDate ? periodOf(region, resolvedDate) : undefined;
  const out: Membership[] = [];
  if (region === 'uk') {
    const key = ukKey(c);
    out.push({ period: opened, metric: M.opened, key });
    const v = vulnerabilityOf(c);
    if (v.vulnerable) out.push({ period: opened, metric: M.vulnerable, key });
    if (v.failure) out.push({ period: opened, metric: M.vulnerabilityFailure, key });
    if (resolved && closedIn && resolvedDate) {
      const within3 = Date.parse(resolved) <= cal.addBusinessDays(new Date(c.receivedAt), 3).getTime();
      const within8w = resolvedDate <= addLocalDays(received, 56);
      out.push({ period: closedIn, metric: within3 ? M.closed3bd : within8w ? M.closed8w : M.closedOver8w, key });
      const o = outcomeOf(c);
      if (o === 'upheld' || o === 'partly-upheld') out.push({ period: closedIn, metric: M.upheld, key });
      const paid = new Map<string, number>();
      for (const r of paidRedress(c)) paid.set(r.currency, (paid.get(r.currency) ?? 0) + r.amountMinor);
      for (const [currency, amount] of paid) out.push({ period: closedIn, metric: M.redress(currency), key, amount, row: { amountMinor: String(amount) } });
      for (let p = nextPeriod(region, opened); p <= closedIn; p = nextPeriod(region, p)) out.push({ period: p, metric: M.outstanding, key, indexOnly: true });
    } else {
      out.push({ period: OPEN_PERIOD, metric: M.outstanding, key, indexOnly: true, row: { received } });
    }
  } else if (region === 'cn') {
    const key = cnKey(c);
    out.push({ period: opened, metric: M.received, key });
    if (closedIn) out.push({ period: closedIn, metric: M.closed, key });
  } else {
    out.push({ period: opened, metric: M.received, key: usKey(c), row: cfpbRow(c, cal) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Delta of a change: counters, index items, log
// ---------------------------------------------------------------------------------------------

export const returnKeys = {
  counters: (region: string) => `AGGRET#${region}`,
  counter: (period: string, key: string) => `${period}#${key}`,
  index: (region: string, period: string, metric: string) => `AGGRETIX#${region}#${period}#${metric}`,
  indexItem: (key: string, reference: string) => `${key}#${reference}`,
  log: (region: string, period: string) => `AGGRETLOG#${region}#${period}`,
  logItem: (at: string, reference: string, eventId: string) => `${at}#${reference}#${eventId}`,
  snapshot: (region: string) => `AGGRETSNAP#${region}`,
};

export type { ItemPut };

export interface ReturnsDelta {
  counters: AggregateUpdate[];
  puts: ItemPut[];
}

const ident = (m: Membership) => `${m.period}\u0000${m.metric}\u0000${m.key}`;
const sameRow = (a?: Record<string, string>, b?: Record<string, string>) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});

/**
 * What a change of a complaint (old image -> new image) writes: counter ADDs (new - old),
 * index items of memberships gained, changed or lost (`in` 0), and one log item per period
 * whose memberships changed when the change is dated (`at`: the complaint's updatedAt) after the period ended.
 */
export function returnsDelta(
  oldImage: Partial<Complaint> | undefined,
  newImage: Partial<Complaint> | undefined,
  calendarOf: CalendarOf,
  meta: { eventId: string; at: string },
): ReturnsDelta {
  const before = memberships(oldImage, calendarOf);
  const after = memberships(newImage, calendarOf);
  const reference = (newImage?.reference ?? oldImage?.reference) as string;
  const region = (newImage?.region ?? oldImage?.region) as string;

  const counters = new Map<string, AggregateUpdate>();
  const add = (region: string, m: Membership, sign: 1 | -1) => {
    if (m.indexOnly) return;
    const pk = returnKeys.counters(region);
    const sk = returnKeys.counter(m.period, m.key);
    const id = `${pk}\u0000${sk}`;
    const u = counters.get(id) ?? { pk, sk, add: {} };
    u.add[m.metric] = (u.add[m.metric] ?? 0) + sign * (m.amount ?? 1);
    counters.set(id, u);
  };
  for (const m of before) add(oldImage!.region as string, m, -1);
  for (const m of after) add(newImage!.region as string, m, 1);

  const puts: ItemPut[] = [];
  const changes = new Map<string, string[]>();
  // Only a change dated after its period ended can be late (a return is kept once its period has
  // ended): the others write no log item, which keeps the everyday writes to the counters and index.
  const late = (period: string) =>
    Number.isNaN(Date.parse(meta.at)) || calendarOf(region).localDate(new Date(meta.at)) > periodBounds(region as ReturnRegion, period).to;
  const note = (m: Membership, sign: '+' | '-' | '~') => {
    if (m.period === OPEN_PERIOD || !late(m.period)) return;
    const list = changes.get(m.period) ?? [];
    list.push(`${sign}${m.metric} ${m.key}`);
    changes.set(m.period, list);
  };
  const put = (rgn: string, m: Membership, present: 0 | 1) =>
    puts.push({
      pk: returnKeys.index(rgn, m.period, m.metric),
      sk: returnKeys.indexItem(m.key, reference),
      attributes: { in: present, reference, ...(m.row ?? {}) },
    });
  const afterIds = new Map(after.map((m) => [ident(m), m]));
  const beforeIds = new Map(before.map((m) => [ident(m), m]));
  for (const m of before) {
    if (afterIds.has(ident(m))) continue;
    put(oldImage!.region as string, m, 0);
    note(m, '-');
  }
  for (const m of after) {
    const was = beforeIds.get(ident(m));
    if (was && sameRow(was.row, m.row) && was.amount === m.amount) continue;
    put(newImage!.region as string, m, 1);
    note(m, was ? '~' : '+');
  }
  for (const [period, list] of [...changes.entries()].sort()) {
    puts.push({
      pk: returnKeys.log(region, period),
      sk: returnKeys.logItem(meta.at, reference, meta.eventId),
      attributes: { reference, at: meta.at, changes: list },
    });
  }
  const counterUpdates = [...counters.values()]
    .map((u) => ({ ...u, add: Object.fromEntries(Object.entries(u.add).filter(([, n]) => n !== 0)) }))
    .filter((u) => Object.keys(u.add).length > 0)
    .sort((a, b) => (a.pk + a.sk).localeCompare(b.pk + b.sk));
  return { counters: counterUpdates, puts };
}

// ---------------------------------------------------------------------------------------------
// Building a return from the aggregates
// ---------------------------------------------------------------------------------------------

/** A counter item of AGGRET#<region>: its sort key `<period>#<key>` and counters. */
export interface CounterItem {
  sk: string;
  counters: Counters;
}
/** An index item still in its cell. */
export interface IndexEntry {
  key: string;
  reference: string;
  row: Record<string, string>;
}
export interface LateChange {
  at: string;
  reference: string;
  changes: string[];
}

export interface UkFigures {
  outstandingAtStart: number;
  opened: number;
  closedWithin3BusinessDays: number;
  /** After the third business day, within eight weeks. */
  closedWithin8Weeks: number;
  closedAfter8Weeks: number;
  upheld: number;
  /** Minor units per currency. */
  redressPaid: Record<string, number>;
}
export interface UkGroupRow extends Coded {
  figures: UkFigures;
}
export interface UkReturn {
  region: 'uk';
  period: string;
  from: string;
  to: string;
  taxonomyVersion: string;
  total: UkFigures;
  byProductGroup: UkGroupRow[];
  byCause: UkGroupRow[];
  /** PS25/19: complaints (opened in the period) from customers with characteristics of vulnerability / caused by failing to respond to them. */
  vulnerability: { fromVulnerableCustomers: number; causedByFailureToRespond: number };
}
export interface CnCount extends Coded {
  received: number;
  closed: number;
}
export interface CnReturn {
  region: 'cn';
  period: string;
  from: string;
  to: string;
  taxonomyVersion: string;
  total: { received: number; closed: number };
  byA: CnCount[];
  byB: CnCount[];
  byC: CnCount[];
  cells: { a: string; b: string; c: string; received: number; closed: number }[];
}
export const CFPB_COLUMNS = [
  'reference',
  'received',
  'product',
  'subProduct',
  'issue',
  'subIssue',
  'companyResponse',
  'timelyResponse',
  'publicResponse',
] as const;
export interface UsReturn {
  region: 'us';
  period: string;
  from: string;
  to: string;
  taxonomyVersion: string;
  total: { received: number };
  byProduct: { product: string; received: number }[];
  rows: Record<(typeof CFPB_COLUMNS)[number], string>[];
  /** false: the stored first production kept the figures but not the rows (too many for one item). */
  rowsKept?: false;
}
export type RegulatoryReturn = UkReturn | CnReturn | UsReturn;

const splitCounter = (sk: string) => {
  const i = sk.indexOf('#');
  return { period: sk.slice(0, i), key: sk.slice(i + 1) };
};

const emptyUk = (): UkFigures => ({
  outstandingAtStart: 0,
  opened: 0,
  closedWithin3BusinessDays: 0,
  closedWithin8Weeks: 0,
  closedAfter8Weeks: 0,
  upheld: 0,
  redressPaid: {},
});

function addUk(f: UkFigures, k: Counters, inPeriod: boolean): void {
  const closed = (k[M.closed3bd] ?? 0) + (k[M.closed8w] ?? 0) + (k[M.closedOver8w] ?? 0);
  if (!inPeriod) {
    f.outstandingAtStart += (k[M.opened] ?? 0) - closed;
    return;
  }
  f.opened += k[M.opened] ?? 0;
  f.closedWithin3BusinessDays += k[M.closed3bd] ?? 0;
  f.closedWithin8Weeks += k[M.closed8w] ?? 0;
  f.closedAfter8Weeks += k[M.closedOver8w] ?? 0;
  f.upheld += k[M.upheld] ?? 0;
  for (const [name, n] of Object.entries(k)) {
    const cur = /^redress_(.+)$/.exec(name)?.[1];
    if (cur && n !== 0) f.redressPaid[cur] = (f.redressPaid[cur] ?? 0) + n;
  }
}

const isZeroUk = (f: UkFigures) =>
  f.outstandingAtStart === 0 &&
  f.opened === 0 &&
  f.closedWithin3BusinessDays + f.closedWithin8Weeks + f.closedAfter8Weeks === 0 &&
  f.upheld === 0 &&
  Object.values(f.redressPaid).every((n) => n === 0);

/** The FCA return of a period, from the region's counter items of that period and every earlier one. */
export function buildUkReturn(period: string, items: CounterItem[]): UkReturn {
  const total = emptyUk();
  const groups = new Map<string, UkFigures>();
  const causes = new Map<string, UkFigures>();
  const vulnerability = { fromVulnerableCustomers: 0, causedByFailureToRespond: 0 };
  for (const it of items) {
    const { period: p, key } = splitCounter(it.sk);
    if (p > period) continue;
    const inPeriod = p === period;
    const [group, cause] = key.split('|');
    addUk(total, it.counters, inPeriod);
    if (!groups.has(group)) groups.set(group, emptyUk());
    if (!causes.has(cause)) causes.set(cause, emptyUk());
    addUk(groups.get(group)!, it.counters, inPeriod);
    addUk(causes.get(cause)!, it.counters, inPeriod);
    if (inPeriod) {
      vulnerability.fromVulnerableCustomers += it.counters[M.vulnerable] ?? 0;
      vulnerability.causedByFailureToRespond += it.counters[M.vulnerabilityFailure] ?? 0;
    }
  }
  const rows = (coded: Coded[], m: Map<string, UkFigures>): UkGroupRow[] => {
    const out = coded.map((c) => ({ ...c, figures: m.get(c.code) ?? emptyUk() }));
    const unclassified = m.get(UNCLASSIFIED);
    if (unclassified && !isZeroUk(unclassified)) out.push({ code: UNCLASSIFIED, label: 'Not yet classified', figures: unclassified });
    return out;
  };
  const { from, to } = periodBounds('uk', period);
  return {
    region: 'uk',
    period,
    from,
    to,
    taxonomyVersion: taxonomyVersion('uk'),
    total,
    byProductGroup: rows(UK_PRODUCT_GROUPS, groups),
    byCause: rows(UK_CAUSES, causes),
    vulnerability,
  };
}

/** The JR/T 0169 counts of a quarter, from its counter items. */
export function buildCnReturn(period: string, items: CounterItem[]): CnReturn {
  const total = { received: 0, closed: 0 };
  const dims = { a: new Map<string, CnCount>(), b: new Map<string, CnCount>(), c: new Map<string, CnCount>() };
  const cells: CnReturn['cells'] = [];
  for (const it of items) {
    const { period: p, key } = splitCounter(it.sk);
    if (p !== period) continue;
    const [a, b, c] = key.split('|');
    const received = it.counters[M.received] ?? 0;
    const closed = it.counters[M.closed] ?? 0;
    if (!received && !closed) continue;
    total.received += received;
    total.closed += closed;
    cells.push({ a, b, c, received, closed });
    for (const [d, code] of [
      ['a', a],
      ['b', b],
      ['c', c],
    ] as const) {
      const label = CN_CODES[d].find((x) => x.code === code)?.label ?? 'Not yet classified';
      const row = dims[d].get(code) ?? { code, label, received: 0, closed: 0 };
      row.received += received;
      row.closed += closed;
      dims[d].set(code, row);
    }
  }
  const ordered = (d: 'a' | 'b' | 'c') => [...dims[d].values()].sort((x, y) => x.code.localeCompare(y.code));
  const { from, to } = periodBounds('cn', period);
  return {
    region: 'cn',
    period,
    from,
    to,
    taxonomyVersion: taxonomyVersion('cn'),
    total,
    byA: ordered('a'),
    byB: ordered('b'),
    byC: ordered('c'),
    cells: cells.sort((x, y) => `${x.a}${x.b}${x.c}`.localeCompare(`${y.a}${y.b}${y.c}`)),
  };
}

/** The CFPB rows of a quarter (its index entries) and counts by product (its counters). */
export function buildUsReturn(period: string, items: CounterItem[], entries: IndexEntry[]): UsReturn {
  const byProduct = new Map<string, number>();
  let received = 0;
  for (const it of items) {
    const { period: p, key } = splitCounter(it.sk);
    if (p !== period) continue;
    const n = it.counters[M.received] ?? 0;
    if (!n) continue;
    received += n;
    const product = key.split('|')[0];
    byProduct.set(product, (byProduct.get(product) ?? 0) + n);
  }
  const rows = entries
    .map((e) => Object.fromEntries(CFPB_COLUMNS.map((col) => [col, e.row[col] ?? (col === 'reference' ? e.reference : '')])) as UsReturn['rows'][number])
    .sort((a, b) => a.received.localeCompare(b.received) || a.reference.localeCompare(b.reference));
  const { from, to } = periodBounds('us', period);
  return {
    region: 'us',
    period,
    from,
    to,
    taxonomyVersion: taxonomyVersion('us'),
    total: { received },
    byProduct: [...byProduct.entries()]
      .map(([product, n]) => ({ product, received: n }))
      .sort((a, b) => b.received - a.received || a.product.localeCompare(b.product)),
    rows,
  };
}

// ---------------------------------------------------------------------------------------------
// Drill-down: which index partitions and cells a figure is made of
// ---------------------------------------------------------------------------------------------

/** Figures that drill down, per region, to the metric whose index holds their complaints. */
export const DRILL_METRICS: Record<ReturnRegion, Record<string, string>> = {
  uk: {
    outstandingAtStart: M.outstanding,
    opened: M.opened,
    closedWithin3BusinessDays: M.closed3bd,
    closedWithin8Weeks: M.closed8w,
    closedAfter8Weeks: M.closedOver8w,
    upheld: M.upheld,
    fromVulnerableCustomers: M.vulnerable,
    causedByFailureToRespond: M.vulnerabilityFailure,
  },
  cn: { received: M.received, closed: M.closed },
  us: { received: M.received },
};
/** The key parts a drill-down may select, in key order. */
export const KEY_PARTS: Record<ReturnRegion, string[]> = { uk: ['productGroup', 'cause'], cn: ['a', 'b', 'c'], us: ['product', 'subProduct'] };

/** Whether an index key lies in the selected cell (absent parts: any). */
export function keyMatches(region: ReturnRegion, key: string, select: Record<string, string | undefined>): boolean {
  const parts = key.split('|');
  return KEY_PARTS[region].every((name, i) => select[name] === undefined || parts[i] === select[name]);
}

// ---------------------------------------------------------------------------------------------
// Tables for export (CSV, XLSX)
// ---------------------------------------------------------------------------------------------

export type Cell = string | number;
export interface Sheet {
  name: string;
  rows: Cell[][];
}

const money = (m: Record<string, number>) =>
  Object.entries(m)
    .sort()
    .map(([cur, n]) => `${cur} ${(n / 100).toFixed(2)}`)
    .join('; ');

const UK_HEADER = [
  'code',
  'label',
  'outstandingAtStart',
  'opened',
  'closedWithin3BusinessDays',
  'closedWithin8Weeks',
  'closedAfter8Weeks',
  'upheld',
  'upheldPercent',
  'redressPaid',
];
function ukRow(code: string, label: string, f: UkFigures): Cell[] {
  const closed = f.closedWithin3BusinessDays + f.closedWithin8Weeks + f.closedAfter8Weeks;
  return [
    code,
    label,
    f.outstandingAtStart,
    f.opened,
    f.closedWithin3BusinessDays,
    f.closedWithin8Weeks,
    f.closedAfter8Weeks,
    f.upheld,
    closed ? Math.round((f.upheld / closed) * 1000) / 10 : '',
    money(f.redressPaid),
  ];
}

/** The return as tables: one sheet per table (one worksheet each in XLSX; one CSV with a `table` column). */
export function returnSheets(r: RegulatoryReturn): Sheet[] {
  const about: Cell[][] = [
    ['field', 'value'],
    ['region', r.region],
    ['period', r.period],
    ['from', r.from],
    ['to', r.to],
    ['taxonomyVersion', r.taxonomyVersion],
  ];
  if (r.region === 'uk') {
    return [
      { name: 'Return', rows: about },
      { name: 'By product grouping', rows: [UK_HEADER, ...r.byProductGroup.map((g) => ukRow(g.code, g.label, g.figures)), ukRow('total', 'Total', r.total)] },
      { name: 'By cause', rows: [UK_HEADER, ...r.byCause.map((g) => ukRow(g.code, g.label, g.figures)), ukRow('total', 'Total', r.total)] },
      {
        name: 'Vulnerability',
        rows: [
          ['dataPoint', 'complaints'],
          ['fromVulnerableCustomers', r.vulnerability.fromVulnerableCustomers],
          ['causedByFailureToRespond', r.vulnerability.causedByFailureToRespond],
        ],
      },
    ];
  }
  if (r.region === 'cn') {
    const dim = (list: CnCount[]): Cell[][] => [['code', 'label', 'received', 'closed'], ...list.map((x) => [x.code, x.label, x.received, x.closed])];
    return [
      { name: 'Return', rows: about },
      { name: 'A channel', rows: dim(r.byA) },
      { name: 'B business type', rows: dim(r.byB) },
      { name: 'C cause', rows: dim(r.byC) },
      { name: 'A x B x C', rows: [['a', 'b', 'c', 'received', 'closed'], ...r.cells.map((x) => [x.a, x.b, x.c, x.received, x.closed])] },
    ];
  }
  return [
    { name: 'Return', rows: about },
    { name: 'CFPB complaints', rows: [[...CFPB_COLUMNS], ...r.rows.map((row) => CFPB_COLUMNS.map((c) => row[c]))] },
    { name: 'By product', rows: [['product', 'received'], ...r.byProduct.map((p) => [p.product, p.received])] },
  ];
}

/** One CSV of every table, each row (its header too) led by its table's name (CSV-injection safe: dashboard.ts toCsv). */
export function returnCsv(r: RegulatoryReturn): string {
  return toCsv(returnSheets(r).flatMap((s) => s.rows.map((row) => [s.name, ...row])));
}

// ---------------------------------------------------------------------------------------------
// The store (port): implemented on DynamoDB by adapters/dynamo-aggregates.ts
// ---------------------------------------------------------------------------------------------

/** A return as first produced after its period ended: later productions give these figures. */
export interface ReturnSnapshot {
  producedAt: string;
  producedBy: string;
  report: RegulatoryReturn;
}

export interface ReturnStore {
  /** Counter items of the period (earlier: of every period up to and including it). */
  returnCounters(region: string, period: string, earlier: boolean): Promise<CounterItem[]>;
  /** The complaints in a figure's cells (index items still in). */
  returnIndex(region: string, period: string, metric: string): Promise<IndexEntry[]>;
  /** Complaints not yet resolved (uk: outstanding), with their receipt date. */
  unresolved(region: string): Promise<IndexEntry[]>;
  /** Changes applied to the period's figures after `after` (an ISO instant). */
  lateChanges(region: string, period: string, after: string): Promise<LateChange[]>;
  snapshot(region: string, period: string): Promise<ReturnSnapshot | undefined>;
  /** Stores the first production; if another was stored first, returns that one. */
  saveSnapshot(region: string, period: string, snap: ReturnSnapshot): Promise<ReturnSnapshot>;
}
