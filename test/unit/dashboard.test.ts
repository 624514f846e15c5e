/**
 * The dashboard's pure parts with known answers: the delta of counters between two images of
 * a complaint, the figures computed from counters, the top categories and their 20 % flag,
 * the group-incident watch, the CSV (RFC 4180, formula injection) and the exactly-once
 * application of a stream record.
 */
import { describe, expect, it } from 'vitest';
import { DynamoAggregates } from '../../functions/adapters/dynamo-aggregates.ts';
import type { Actor } from '../../functions/domain/authorization.ts';
import { shippedCalendar } from '../../functions/domain/calendar-data.ts';
import type { Complaint } from '../../functions/domain/complaint.ts';
import {
  addCounters,
  aggregateKeys,
  buildDashboard,
  complaintCounters,
  complaintDelta,
  contributions,
  dashboardCsv,
  deadlineOutcome,
  figuresOf,
  groupIncidents,
  monthsBetween,
  neutraliseFormula,
  percentileFromHistogram,
  toCsv,
  topCategories,
  type AggregateItem,
  type AggregateStore,
  type AggregateUpdate,
  type ApplyOutcome,
  type Counters,
  type MatterCount,
} from '../../functions/domain/dashboard.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import type { Container } from '../../functions/wiring/container.ts';
import { ValidationError } from '../../functions/shared/errors.ts';
import {
  aggregateComplaintChange,
  getDashboard,
  MARKER_TTL_SECONDS,
  MissingOldImageError,
  resolveQuery,
} from '../../functions/use-cases/oversight/dashboard.ts';

const cn = shippedCalendar('cn');
const calendarOf = () => cn;
const MONDAY_9AM = '2026-03-02T01:00:00.000Z'; // 09:00 in Shanghai; close of business 17:30 = 09:30Z
const PK = 'AGG#cn#2026-03';

/** A CN complaint as submitted (before assessment): deadlines computed, nothing met. */
function received(over: Partial<Complaint> = {}): Complaint {
  return {
    reference: 'CN-2026-000001',
    region: 'cn',
    channel: 'web',
    language: 'en',
    status: 'OPEN',
    stage: 'RECEIVED',
    receivedAt: MONDAY_9AM,
    deadlines: {
      register: { dueAt: '2026-03-03T09:30:00.000Z', rule: 'r' },
      investigate: { dueAt: '2026-03-11T09:30:00.000Z', rule: 'i' },
      replyTarget: { dueAt: '2026-03-09T09:30:00.000Z', rule: 't' },
      finalResponse: { dueAt: '2026-03-17T15:59:59.999Z', rule: 'f' },
    },
    complainant: { anonymous: false, name: 'Li Wei' },
    matter: { description: 'fee' },
    consent: { personalData: true },
    executionName: 'x',
    resumeCount: 0,
    updatedAt: MONDAY_9AM,
    version: 1,
    ...over,
  };
}

/** The same complaint after each step of its life. */
function lifecycle() {
  const r = received();
  const assessed: Complaint = {
    ...structuredClone(r),
    stage: 'INVESTIGATION',
    version: 2,
    classification: { nature: 'product', channelType: 'online', urgency: 'general', riskLevel: 'low', priority: 'P3', reasons: [] },
    routing: { major: false, majorReasons: [], crossDepartment: false, departments: ['cards'], anonymous: false, matterKey: 'cards:double-charge' },
    assignment: { team: 'cards' },
  };
  assessed.deadlines.register.metAt = MONDAY_9AM;
  const replied = structuredClone(assessed);
  Object.assign(replied, { stage: 'CALLBACK', version: 3 });
  replied.deadlines.investigate.metAt = '2026-03-04T02:00:00.000Z';
  replied.deadlines.replyTarget.metAt = '2026-03-04T02:00:00.000Z';
  replied.deadlines.finalResponse.metAt = '2026-03-04T02:00:00.000Z'; // Wednesday 10:00: 2 business days
  const dissatisfied = structuredClone(replied);
  Object.assign(dissatisfied, {
    stage: 'INVESTIGATION',
    version: 4,
    reopenCount: 1,
    callbacks: [{ satisfaction: 2, by: 'sam', at: '2026-03-05T02:00:00.000Z' }],
  });
  dissatisfied.deadlines.investigate = { dueAt: '2026-03-16T09:30:00.000Z', rule: 'i' }; // a fresh clock
  dissatisfied.deadlines.replyTarget = { dueAt: '2026-03-12T09:30:00.000Z', rule: 't' };
  const moved = structuredClone(dissatisfied);
  Object.assign(moved, { version: 5, assignment: { team: 'loans' } }); // reassigned to another department
  const closed = structuredClone(moved);
  Object.assign(closed, {
    status: 'CLOSED',
    stage: 'CLOSED',
    version: 6,
    closedAt: '2026-03-20T02:00:00.000Z',
    callbacks: [...moved.callbacks!, { satisfaction: 4, by: 'sam', at: '2026-03-20T02:00:00.000Z' }],
  });
  closed.deadlines.investigate.metAt = '2026-03-13T02:00:00.000Z'; // met; replyTarget never met again: late at close
  return { r, assessed, replied, dissatisfied, moved, closed };
}

const find = (u: AggregateUpdate[], sk: string, pk = PK) => u.find((x) => x.pk === pk && x.sk === sk)?.add;
const combo = (channel: string, department: string, nature: string) => aggregateKeys.combination({ channel, department, nature });
const WEB_CARDS_PRODUCT = combo('web', 'cards', 'product');
const WEB_LOANS_PRODUCT = combo('web', 'loans', 'product');

describe('the delta of counters between two images', () => {
  it('INSERT: a complaint not yet registered counts nothing (its receipt writes no aggregate)', () => {
    expect(complaintDelta(undefined, received(), calendarOf)).toEqual([]);
  });

  it('the month of receipt is the local month: 2026-03-31 20:00 UTC is April in Shanghai', () => {
    const { assessed } = lifecycle();
    const d = complaintDelta(undefined, { ...assessed, receivedAt: '2026-03-31T20:00:00.000Z' }, calendarOf);
    expect(new Set(d.filter((u) => u.pk.startsWith('AGG#')).map((u) => u.pk))).toEqual(new Set(['AGG#cn#2026-04']));
  });

  it('registration adds the complaint whole, to the one item of its channel, department and nature; registered as met, its matter counted', () => {
    const { r, assessed } = lifecycle();
    const d = complaintDelta(r, assessed, calendarOf);
    expect(d.map((u) => u.sk).filter((sk) => !sk.startsWith('H'))).toEqual([WEB_CARDS_PRODUCT]);
    expect(WEB_CARDS_PRODUCT).toBe('c#web#cards#product');
    expect(find(d, WEB_CARDS_PRODUCT)).toEqual({ total: 1, met_register: 1 });
    expect(find(d, 'H01#cards:double-charge', 'AGGMATTER#cn#2026-03-02')).toEqual({ count: 1 });
    expect(d.find((u) => u.sk.startsWith('H01#'))!.expiresAt).toBe(Date.parse('2026-03-02T01:00:00Z') / 1000 + 8 * 86400);
  });

  it('the reply makes it handled, with its handling time in business days (Mon 09:00 -> Wed 10:00 = 2)', () => {
    const { assessed, replied } = lifecycle();
    expect(find(complaintDelta(assessed, replied, calendarOf), WEB_CARDS_PRODUCT)).toEqual({
      handled: 1,
      hdSum: 2,
      hdN: 1,
      h02: 1,
      met_investigate: 1,
      met_replyTarget: 1,
      met_finalResponse: 1,
    });
  });

  it('a dissatisfied callback: satisfaction and reopen counted, the replaced clocks undecided again', () => {
    const { replied, dissatisfied } = lifecycle();
    expect(find(complaintDelta(replied, dissatisfied, calendarOf), WEB_CARDS_PRODUCT)).toEqual({
      satSum: 2,
      satN: 1,
      reopened: 1,
      met_investigate: -1,
      met_replyTarget: -1,
    });
  });

  it('a reassignment moves every counter of the complaint from one department to the other', () => {
    const { dissatisfied, moved } = lifecycle();
    const d = complaintDelta(dissatisfied, moved, calendarOf);
    expect(d.map((u) => u.sk)).toEqual([WEB_CARDS_PRODUCT, WEB_LOANS_PRODUCT]);
    const before = complaintCounters(dissatisfied, cn);
    expect(find(d, WEB_LOANS_PRODUCT)).toEqual(before);
    expect(find(d, WEB_CARDS_PRODUCT)).toEqual(Object.fromEntries(Object.entries(before).map(([k, v]) => [k, -v])));
  });

  it('a change that touches no figure adds nothing (no write at all)', () => {
    const { assessed } = lifecycle();
    const claimed = { ...structuredClone(assessed), assignment: { team: 'cards', assignee: 'hana' }, updatedAt: '2026-03-02T03:00:00.000Z', version: 3 };
    expect(complaintDelta(assessed, claimed, calendarOf)).toEqual([]);
  });

  it('the deltas of a whole life add up to the contribution of the last image, in any order of application', () => {
    const s = lifecycle();
    const steps = [undefined, s.r, s.assessed, s.replied, s.dissatisfied, s.moved, s.closed];
    const deltas = steps.slice(1).map((c, i) => complaintDelta(steps[i], c, calendarOf));
    const sum = (ds: AggregateUpdate[][]) => {
      const m = new Map<string, Counters>();
      for (const u of ds.flat()) m.set(`${u.pk} ${u.sk}`, addCounters(m.get(`${u.pk} ${u.sk}`) ?? {}, u.add));
      return Object.fromEntries(
        [...m].map(([k, v]) => [k, Object.fromEntries(Object.entries(v).filter(([, n]) => n !== 0))]).filter(([, v]) => Object.keys(v as object).length),
      );
    };
    const direct = sum([contributions(s.closed, calendarOf)]);
    expect(sum(deltas)).toEqual(direct);
    expect(sum([...deltas].reverse())).toEqual(direct);
    // The closed complaint: handled in 2 business days, satisfied at last (4), reopened once,
    // the second reply target never met before the close: late.
    expect(direct[`${PK} ${WEB_LOANS_PRODUCT}`]).toEqual({
      total: 1,
      handled: 1,
      hdSum: 2,
      hdN: 1,
      h02: 1,
      reopened: 1,
      satSum: 4,
      satN: 1,
      met_register: 1,
      met_investigate: 1,
      late_replyTarget: 1,
      met_finalResponse: 1,
    });
    expect(direct[`${PK} ${WEB_CARDS_PRODUCT}`]).toBeUndefined();
  });
});

describe('deadline outcomes', () => {
  const d = { dueAt: '2026-03-09T09:30:00.000Z', rule: 'x' };
  it.each([
    ['met exactly at dueAt: met', { ...d, metAt: '2026-03-09T09:30:00.000Z' }, false, 'met'],
    ['met a millisecond late: late', { ...d, metAt: '2026-03-09T09:30:00.001Z' }, false, 'late'],
    ['breach recorded by the deadline watch: late', { ...d, escalatedAt: '2026-03-09T10:00:00.000Z' }, false, 'late'],
    ['closed without meeting it: late', d, true, 'late'],
    ['open and not yet met: undecided', d, false, undefined],
  ] as const)('%s', (_name, rec, closed, expected) => {
    expect(deadlineOutcome(rec, closed)).toBe(expected);
  });
});

describe('figures from counters', () => {
  it('p90 of a known histogram (nearest rank): 10 values 0,1,1,2,2,2,3,3,5,60+ -> 5', () => {
    const hist = Array(61).fill(0);
    Object.assign(hist, { 0: 1, 1: 2, 2: 3, 3: 2, 5: 1, 60: 1 });
    expect(percentileFromHistogram(hist, 0.9)).toBe(5);
    expect(percentileFromHistogram(hist, 1)).toBe(60);
    expect(percentileFromHistogram(hist, 0.5)).toBe(2);
  });

  it('p90 edge cases: empty -> null, one value, 100 values 0..99 capped at 60+', () => {
    expect(percentileFromHistogram(Array(61).fill(0), 0.9)).toBeNull();
    expect(percentileFromHistogram([0, 0, 0, 1], 0.9)).toBe(3);
    const hist = Array(61).fill(0);
    for (let v = 0; v < 100; v++) hist[Math.min(v, 60)] += 1;
    expect(percentileFromHistogram(hist, 0.9)).toBe(60); // the 90th value (89) is in the open bucket
    expect(percentileFromHistogram(hist, 0.5)).toBe(49);
  });

  it('rates, averages and the p90 from summed counters', () => {
    const k: Counters = {
      total: 10,
      handled: 4,
      reopened: 1,
      hdSum: 26,
      hdN: 4,
      h02: 1,
      h05: 1,
      h07: 1,
      h12: 1,
      satSum: 7,
      satN: 2,
      met_register: 9,
      late_register: 1,
      met_replyTarget: 3,
      late_replyTarget: 1,
      met_investigate: 0,
      late_investigate: 0,
      met_finalResponse: 4,
    };
    const f = figuresOf(k);
    expect(f).toEqual({
      total: 10,
      handled: 4,
      handledRate: 0.4,
      onTime: {
        register: { met: 9, late: 1, rate: 0.9 },
        investigate: { met: 0, late: 0, rate: null },
        replyTarget: { met: 3, late: 1, rate: 0.75 },
        finalResponse: { met: 4, late: 0, rate: 1 },
      },
      handlingBusinessDays: { average: 6.5, p90: 12 },
      satisfaction: { average: 3.5, responses: 2 },
      reopenRate: 0.25,
    });
    expect(Object.keys(f.onTime)).toEqual(['register', 'investigate', 'replyTarget', 'finalResponse']); // lifecycle order
  });

  it('nothing to count: rates and averages are null, not 0 or NaN', () => {
    expect(figuresOf({})).toEqual({
      total: 0,
      handled: 0,
      handledRate: null,
      onTime: {},
      handlingBusinessDays: { average: null, p90: null },
      satisfaction: { average: null, responses: 0 },
      reopenRate: null,
    });
  });
});

describe('top categories (S3 §4)', () => {
  it('the 5 largest, with their share; above 20 % flagged, exactly 20 % not', () => {
    const counts = [
      { key: 'a', count: 21 },
      { key: 'b', count: 20 },
      { key: 'c', count: 19 },
      { key: 'd', count: 15 },
      { key: 'e', count: 15 },
      { key: 'f', count: 10 },
      { key: 'unclassified', count: 30 },
    ];
    expect(topCategories(counts, 100)).toEqual([
      { key: 'a', count: 21, share: 0.21, flagged: true },
      { key: 'b', count: 20, share: 0.2, flagged: false },
      { key: 'c', count: 19, share: 0.19, flagged: false },
      { key: 'd', count: 15, share: 0.15, flagged: false },
      { key: 'e', count: 15, share: 0.15, flagged: false },
    ]);
    expect(topCategories([], 0)).toEqual([]);
  });
});

describe('group-incident watch', () => {
  const now = new Date('2026-03-10T06:30:00Z');
  const rows: MatterCount[] = [
    { matterKey: 'cards:outage', hour: '2026-03-08T10', count: 1 }, // previous window
    { matterKey: 'cards:outage', hour: '2026-03-09T12', count: 1 }, // last window
    { matterKey: 'cards:outage', hour: '2026-03-10T06', count: 2 }, // current hour: last window
    { matterKey: 'cards:double-charge', hour: '2026-03-09T06', count: 2 }, // last hour of the previous window
    { matterKey: 'cards:double-charge', hour: '2026-03-09T07', count: 1 }, // first hour of the last window
    { matterKey: 'loans:atm', hour: '2026-03-10T01', count: 1 }, // one complaint: no trend
    { matterKey: 'cards:atm', hour: '2026-03-08T06', count: 9 }, // before both windows
  ];
  it('counts the last 24 h against the 24 h before; rising means more, and at least 2', () => {
    expect(groupIncidents(rows, now)).toEqual([
      { matterKey: 'cards:outage', last24h: 3, previous24h: 1, rising: true },
      { matterKey: 'cards:double-charge', last24h: 1, previous24h: 2, rising: false },
      { matterKey: 'loans:atm', last24h: 1, previous24h: 0, rising: false },
    ]);
  });
});

describe('the dashboard and its CSV', () => {
  const item = (sk: string, counters: Counters): AggregateItem => ({ sk, counters });
  const input = {
    region: 'cn',
    from: '2026-02',
    to: '2026-04',
    by: 'department' as const,
    now: new Date('2026-04-15T00:00:00Z'),
    matters: [],
    monthItems: {
      '2026-02': [
        item(combo('web', 'cards', 'operation'), { total: 3, handled: 2, hdSum: 6, hdN: 2, h01: 1, h05: 1, met_register: 3 }),
        item(combo('email', '=HYPERLINK("http://x")#2', 'service'), { total: 1, met_register: 1 }),
        item(combo('web', 'unassigned', 'operation'), { total: 0 }),
      ],
      '2026-04': [item(combo('web', 'cards', 'product'), { total: 1, satSum: 5, satN: 1 })],
    },
  };

  it('totals, groups (emptied groups left out) and every month of the period, with its top categories', () => {
    const d = buildDashboard(input);
    expect(d.period).toEqual({ from: '2026-02', to: '2026-04' });
    expect(d.totals).toMatchObject({
      total: 5,
      handled: 2,
      handledRate: 0.4,
      handlingBusinessDays: { average: 3, p90: 5 },
      satisfaction: { average: 5, responses: 1 },
    });
    // A value with the key's separator in it comes back whole (the key encodes each value).
    expect(d.groups.map((g) => [g.key, g.figures.total])).toEqual([
      ['cards', 4],
      ['=HYPERLINK("http://x")#2', 1],
    ]);
    expect(d.months.map((m) => [m.month, m.figures.total])).toEqual([
      ['2026-02', 4],
      ['2026-03', 0],
      ['2026-04', 1],
    ]);
    expect(d.months[0].topCategories).toEqual([
      { key: 'operation', count: 3, share: 0.75, flagged: true },
      { key: 'service', count: 1, share: 0.25, flagged: true },
    ]);
    expect(d.months[1].topCategories).toEqual([]);
  });

  it('CSV: one row per period x group, RFC 4180 quoting, formula injection neutralised', () => {
    const lines = dashboardCsv(input).split('\r\n');
    expect(lines[0]).toBe(
      'region,period,groupBy,group,total,handled,handledRate,handlingBusinessDaysAverage,handlingBusinessDaysP90,satisfactionAverage,satisfactionResponses,reopenRate,onTime.register.met,onTime.register.late,onTime.register.rate',
    );
    expect(lines[1]).toBe('cn,2026-02,all,all,4,2,0.5,3,5,,0,0,4,0,1');
    expect(lines[2]).toBe('cn,2026-02,department,cards,3,2,0.6667,3,5,,0,0,3,0,1');
    expect(lines[3]).toBe(`cn,2026-02,department,"'=HYPERLINK(""http://x"")#2",1,0,0,,,,0,,1,0,1`);
    expect(lines[4]).toBe('cn,2026-03,all,all,0,0,,,,,0,,0,0,');
    expect(lines.slice(5)).toEqual([
      'cn,2026-04,all,all,1,0,0,,,5,1,,0,0,',
      'cn,2026-04,department,cards,1,0,0,,,5,1,,0,0,',
      'cn,2026-02/2026-04,all,all,5,2,0.4,3,5,5,1,0,4,0,1',
      'cn,2026-02/2026-04,department,cards,4,2,0.5,3,5,5,1,0,3,0,1',
      `cn,2026-02/2026-04,department,"'=HYPERLINK(""http://x"")#2",1,0,0,,,,0,,1,0,1`,
      '',
    ]);
  });

  it.each([
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['cards', 'cards'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('neutralises %j -> %j', (cell, expected) => {
    expect(neutraliseFormula(cell)).toBe(expected);
  });

  it('quotes commas, quotes and line breaks (RFC 4180), after neutralising', () => {
    expect(toCsv([['a,b', 'say "hi"', 'two\nlines', '\rx', 3, null]])).toBe('"a,b","say ""hi""","two\nlines",' + `"'\rx"` + ',3,\r\n');
  });

  it('months between two months, across a year end', () => {
    expect(monthsBetween('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(monthsBetween('2026-03', '2026-03')).toEqual(['2026-03']);
  });
});

/** An in-memory store with the same contract as the DynamoDB one: marker and ADDs all or nothing. */
class MemoryStore implements AggregateStore {
  items = new Map<string, Counters>();
  markers = new Map<string, number>();
  reads = 0;
  async applyOnce(eventId: string, updates: AggregateUpdate[], expiresAt: number): Promise<ApplyOutcome> {
    if (!updates.length) return 'nothing';
    if (this.markers.has(eventId)) return 'duplicate';
    this.markers.set(eventId, expiresAt);
    for (const u of updates) this.items.set(`${u.pk}|${u.sk}`, addCounters(this.items.get(`${u.pk}|${u.sk}`) ?? {}, u.add));
    return 'applied';
  }
  async monthItems(region: string, month: string) {
    this.reads += 1;
    const pk = `AGG#${region}#${month}|`;
    return [...this.items].filter(([k]) => k.startsWith(pk)).map(([k, counters]) => ({ sk: k.slice(pk.length), counters }));
  }
  async matterCounts() {
    this.reads += 1;
    return [];
  }
}

describe('applying stream records exactly once', () => {
  const now = () => new Date('2026-11-22T00:00:00Z');

  it('a redelivered record changes nothing; a new record of the same complaint does', async () => {
    const store = new MemoryStore();
    const { r, assessed } = lifecycle();
    const insert = { eventId: 'ev-1', eventName: 'INSERT', newImage: r, createdAt: 1_790_000_000 };
    // Not registered yet: nothing to apply, no marker written.
    expect(await aggregateComplaintChange(insert, { store, now })).toEqual({ outcome: 'nothing', items: 0 });
    expect(store.markers.size).toBe(0);
    const registered = { eventId: 'ev-2', eventName: 'MODIFY', oldImage: r, newImage: assessed, createdAt: 1_790_000_000 };
    expect(await aggregateComplaintChange(registered, { store, now })).toEqual({ outcome: 'applied', items: 2 });
    expect(await aggregateComplaintChange(registered, { store, now })).toEqual({ outcome: 'duplicate', items: 2 });
    expect(store.markers.get('ev-2')).toBe(1_790_000_000 + MARKER_TTL_SECONDS);
    expect(store.items.get(`${PK}|${WEB_CARDS_PRODUCT}`)).toEqual({ total: 1, met_register: 1 });
    expect([...store.items.keys()].filter((k) => k.startsWith(`${PK}|`))).toEqual([`${PK}|${WEB_CARDS_PRODUCT}`]);
    const replied = lifecycle().replied;
    await aggregateComplaintChange({ eventId: 'ev-3', eventName: 'MODIFY', oldImage: assessed, newImage: replied }, { store, now });
    expect(store.items.get(`${PK}|${WEB_CARDS_PRODUCT}`)).toMatchObject({ total: 1, handled: 1 });
  });

  it('a MODIFY without its old image is refused (the delta would be wrong), and non-complaint items are ignored', async () => {
    const store = new MemoryStore();
    await expect(aggregateComplaintChange({ eventId: 'e', eventName: 'MODIFY', newImage: received() }, { store, now })).rejects.toBeInstanceOf(
      MissingOldImageError,
    );
    const other = { ...received(), type: 'Something' } as Partial<Complaint>;
    expect(await aggregateComplaintChange({ eventId: 'e2', eventName: 'INSERT', newImage: other }, { store, now })).toEqual({ outcome: 'nothing', items: 0 });
    expect(store.items.size).toBe(0);
  });

  it('on DynamoDB: the marker is a conditional put in the same transaction as the ADDs, within the 100-item limit', () => {
    const { r, closed } = lifecycle();
    const updates = complaintDelta(r, { ...closed, assignment: { team: 'loans' } }, calendarOf);
    const items = new DynamoAggregates({} as never, 'complaints').transactItems('ev-9', updates, 123);
    expect(items[0].Put).toMatchObject({ Item: { PK: 'AGGSEEN#ev-9', SK: 'AGGSEEN', expiresAt: 123 }, ConditionExpression: 'attribute_not_exists(PK)' });
    expect(items.slice(1).map((i) => i.Update!.UpdateExpression)).toEqual(
      updates.map(() => expect.stringMatching(/^SET #type = :type(, #ttl = :ttl)? ADD #c0 :c0/)),
    );
    expect(items.length).toBe(updates.length + 1);
    expect(items.length).toBeLessThanOrEqual(100);
    expect(() =>
      new DynamoAggregates({} as never, 't').transactItems(
        'e',
        Array.from({ length: 100 }, (_, i) => ({ pk: 'p', sk: String(i), add: { total: 1 } })),
        1,
      ),
    ).toThrow(RangeError);
  });
});

describe('reading the dashboard', () => {
  const quinn: Actor = { id: 'quinn', name: 'Quinn', roles: ['quality'], department: 'quality' };
  const hana: Actor = { id: 'hana', name: 'Hana', roles: ['handler'], department: 'cards' };
  const deps = { region: REGIONS.cn, calendar: cn, clock: new ManualClock(new Date('2026-03-20T02:00:00Z')) } as unknown as Container;

  it('validates the query, naming the fields', () => {
    const fields = (q: Record<string, string>) => {
      try {
        resolveQuery(deps, q);
      } catch (e) {
        return (e as ValidationError).issues.map((i) => i.field);
      }
      return [];
    };
    expect(fields({ from: '2026-13' })).toEqual(['from']);
    expect(fields({ to: '26-03', by: 'team' })).toEqual(['to', 'by']);
    expect(fields({ from: '2026-04', to: '2026-03' })).toEqual(['to']);
    expect(fields({ from: '2020-01', to: '2026-03' })).toEqual(['from']);
    expect(() => resolveQuery(deps, { from: 'x' })).toThrow(ValidationError);
    // Defaults: the year up to the current month (in the region's zone), by department.
    expect(resolveQuery(deps, {})).toEqual({ from: '2025-04', to: '2026-03', by: 'department' });
  });

  it('reads one query per month and the incident windows, whatever the volume; handlers are refused', async () => {
    const store = new MemoryStore();
    const base = lifecycle().assessed;
    for (let i = 0; i < 50; i++)
      await aggregateComplaintChange(
        { eventId: `e${i}`, eventName: 'INSERT', newImage: { ...base, reference: `CN-2026-${i}` } },
        { store, now: () => new Date() },
      );
    const d = await getDashboard(deps, quinn, { from: '2026-01', to: '2026-03', by: 'channel' }, store);
    expect(store.reads).toBe(3 + 1);
    expect(d.totals.total).toBe(50);
    expect(d.groups).toEqual([{ key: 'web', figures: expect.objectContaining({ total: 50 }) }]);
    await expect(getDashboard(deps, hana, {}, store)).rejects.toMatchObject({ statusCode: 403 });
  });
});
