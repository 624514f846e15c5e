/**
 * functions/domain/returns.ts, exactly (issue 23, mutation testing): every branch of the period
 * arithmetic, of what a complaint counts in, of a change's delta and of the returns built from
 * crafted counter items, compared whole. The worked half-year is in returns.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { cals, calendarOf, complaint, outcome, paid, replied, uk } from '../support/returns-fixtures.ts';
import type { Complaint } from '../../functions/domain/complaint.ts';
import {
  buildCnReturn,
  buildUkReturn,
  buildUsReturn,
  CFPB_COLUMNS,
  type CnReturn,
  cfpbRow,
  cnKey,
  companyResponse,
  DRILL_METRICS,
  isPeriod,
  KEY_PARTS,
  keyMatches,
  M,
  memberships,
  nextPeriod,
  OPEN_PERIOD,
  outcomeOf,
  paidRedress,
  periodBounds,
  periodOf,
  resolvedAt,
  returnCsv,
  returnKeys,
  returnSheets,
  returnsDelta,
  timelyResponse,
  type UkFigures,
  type UkReturn,
  ukKey,
  type UsReturn,
  usKey,
} from '../../functions/domain/returns.ts';
import { CN_CODES, isTaxonomyRegion, taxonomyVersion } from '../../functions/domain/taxonomies.ts';

const figures = (f: Partial<UkFigures> = {}): UkFigures => ({
  outstandingAtStart: 0,
  opened: 0,
  closedWithin3BusinessDays: 0,
  closedWithin8Weeks: 0,
  closedAfter8Weeks: 0,
  upheld: 0,
  redressPaid: {},
  ...f,
});
const US_CLASS = {
  taxonomyVersion: 'us-cfpb-2026.1',
  us: {
    product: 'Credit card',
    subProduct: 'Store credit card',
    issue: 'Fees or interest',
    subIssue: 'Problem with fees',
    publicResponse: 'Company believes it acted appropriately',
  },
};
const CN_CLASS = { taxonomyVersion: 'cn-jrt0169-2018.1', cn: { a: 'A01', b: 'B02', c: 'C03' } };

describe('taxonomy regions', () => {
  it("are the configured ones only: an object's inherited names are no region", () => {
    expect(['uk', 'us', 'cn'].map(isTaxonomyRegion)).toEqual([true, true, true]);
    expect(['eu', 'constructor', 'toString', '__proto__', 'hasOwnProperty'].map(isTaxonomyRegion)).toEqual([false, false, false, false, false]);
  });
});

describe('periods, exactly', () => {
  it.each([
    ['uk', '2026H1', true],
    ['uk', '2026H2', true],
    ['uk', '2026H3', false],
    ['uk', '2026H0', false],
    ['uk', '2026Q1', false],
    ['uk', '12026H1', false],
    ['uk', '2026H1x', false],
    ['uk', '026H1', false],
    ['uk', 'abcdH1', false],
    ['cn', '2026Q1', true],
    ['cn', '2026Q4', true],
    ['cn', '2026Q0', false],
    ['cn', '2026Q5', false],
    ['cn', 'x2026Q1', false],
    ['cn', '2026Q1x', false],
    ['cn', 'abcdQ1', false],
    ['us', '2026Q2', true],
    ['us', '2026Q5', false],
    ['us', '2026H1', false],
    ['us', '12026Q1', false],
    ['us', '2026Q1 ', false],
    ['us', 'abcdQ2', false],
    ['eu', '2026Q1', false],
  ] as const)('isPeriod(%s, %s) is %s', (region, period, ok) => {
    expect(isPeriod(region, period)).toBe(ok);
  });

  it('periodOf: half-years and every quarter boundary', () => {
    expect(['2026-01-01', '2026-06-30', '2026-07-01', '2026-12-31'].map((d) => periodOf('uk', d))).toEqual(['2026H1', '2026H1', '2026H2', '2026H2']);
    expect(
      ['2026-01-01', '2026-03-31', '2026-04-01', '2026-06-30', '2026-07-01', '2026-09-30', '2026-10-01', '2026-12-31'].map((d) => periodOf('cn', d)),
    ).toEqual(['2026Q1', '2026Q1', '2026Q2', '2026Q2', '2026Q3', '2026Q3', '2026Q4', '2026Q4']);
  });

  it('periodBounds: first and last local dates, leap years included', () => {
    expect(periodBounds('uk', '2026H1')).toEqual({ from: '2026-01-01', to: '2026-06-30' });
    expect(periodBounds('uk', '2026H2')).toEqual({ from: '2026-07-01', to: '2026-12-31' });
    expect(periodBounds('us', '2026Q2')).toEqual({ from: '2026-04-01', to: '2026-06-30' });
    expect(periodBounds('us', '2026Q3')).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    expect(periodBounds('cn', '2026Q4')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(periodBounds('cn', '2028Q1')).toEqual({ from: '2028-01-01', to: '2028-03-31' });
  });

  it('periodBounds names a wrong period', () => {
    expect(() => periodBounds('uk', '2026Q1')).toThrow(new RangeError('Not a uk period: 2026Q1'));
    expect(() => periodBounds('cn', '2026H1')).toThrow(new RangeError('Not a cn period: 2026H1'));
  });

  it('nextPeriod crosses the year', () => {
    expect(nextPeriod('uk', '2026H1')).toBe('2026H2');
    expect(nextPeriod('uk', '2026H2')).toBe('2027H1');
    expect(nextPeriod('cn', '2026Q3')).toBe('2026Q4');
    expect(nextPeriod('us', '2026Q4')).toBe('2027Q1');
  });
});

describe('what a complaint says', () => {
  const base = complaint('uk', '2026-02-02T10:00:00Z');

  it('outcomeOf', () => {
    expect(outcomeOf(base)).toBeUndefined();
    expect(outcomeOf({ ...base, ...outcome('partly-upheld') } as Complaint)).toBe('partly-upheld');
  });

  it('paidRedress: paid entries with a finite amount, reversals negative, only amount, currency and kind', () => {
    expect(paidRedress(base)).toStrictEqual([]);
    const c = {
      ...base,
      redress: [
        paid(2500),
        paid(700, 'interest', null),
        { ...paid(300, 'goodwill'), currency: 'EUR' },
        { ...paid(-2500), reverses: 'r2500' },
        { ...paid(1), amountMinor: Number.NaN },
      ],
    } as Complaint;
    expect(paidRedress(c)).toStrictEqual([
      { amountMinor: 2500, currency: 'GBP', kind: 'financial-loss' },
      { amountMinor: 300, currency: 'EUR', kind: 'goodwill' },
      { amountMinor: -2500, currency: 'GBP', kind: 'financial-loss' },
    ]);
  });

  it('resolvedAt: a final response or summary resolution first, then the reply, then the summary deadline, then the close', () => {
    const T = ['2026-03-01T10:00:00Z', '2026-03-02T10:00:00Z', '2026-03-03T10:00:00Z', '2026-03-04T10:00:00Z'];
    const all = {
      ...base,
      status: 'CLOSED',
      closedAt: T[3],
      finalResponse: { kind: 'final', sentAt: T[0] },
      deadlines: { finalResponse: { dueAt: T[3], rule: 'r', metAt: T[1] }, summaryResolution: { dueAt: T[3], rule: 'r', metAt: T[2] } },
    } as Complaint;
    expect(resolvedAt(all)).toBe(T[0]);
    expect(resolvedAt({ ...all, finalResponse: { kind: 'summary-resolution', sentAt: T[0] } })).toBe(T[0]);
    expect(resolvedAt({ ...all, finalResponse: { kind: 'eight-week', sentAt: T[0] } })).toBe(T[1]);
    expect(resolvedAt({ ...all, finalResponse: undefined })).toBe(T[1]);
    expect(resolvedAt({ ...all, finalResponse: undefined, deadlines: { summaryResolution: all.deadlines.summaryResolution } })).toBe(T[2]);
    expect(resolvedAt({ ...all, finalResponse: undefined, deadlines: { finalResponse: { dueAt: T[3], rule: 'r' } } })).toBe(T[3]);
    expect(resolvedAt({ ...all, finalResponse: undefined, deadlines: undefined } as unknown as Complaint)).toBe(T[3]);
    expect(resolvedAt({ ...all, finalResponse: undefined, deadlines: {}, status: 'OPEN' })).toBeUndefined();
    expect(resolvedAt({ ...all, finalResponse: undefined, deadlines: {}, closedAt: undefined })).toBeUndefined();
  });

  it('the taxonomy keys', () => {
    expect(ukKey({ ...base, ...uk('home-finance', 'arrears') } as Complaint)).toBe('home-finance|arrears');
    expect(ukKey(base)).toBe('unclassified|unclassified');
    expect(cnKey({ ...base, regulatoryClass: CN_CLASS } as Complaint)).toBe('A01|B02|C03');
    expect(cnKey(base)).toBe('unclassified|unclassified|unclassified');
    expect(usKey({ ...base, regulatoryClass: US_CLASS } as Complaint)).toBe('Credit card|Store credit card');
    expect(usKey({ ...base, regulatoryClass: { taxonomyVersion: 'v', us: { product: 'Mortgage', issue: 'i' } } } as Complaint)).toBe('Mortgage|');
    expect(usKey(base)).toBe('unclassified|');
  });

  it('companyResponse: every CFPB category', () => {
    const r = (over: Record<string, unknown>) => companyResponse({ ...base, ...over } as Complaint);
    expect(r({ ...outcome('upheld'), redress: [paid(100)] })).toBe('In progress');
    expect(r({ ...replied('2026-02-03T10:00:00Z'), redress: [paid(100)] })).toBe('Closed with monetary relief');
    expect(r({ ...replied('2026-02-03T10:00:00Z'), ...outcome('not-upheld'), redress: [paid(100, 'goodwill')] })).toBe('Closed with monetary relief');
    expect(r({ ...replied('2026-02-03T10:00:00Z'), ...outcome('upheld'), redress: [paid(100, 'interest', null)] })).toBe('Closed with non-monetary relief');
    expect(r({ ...replied('2026-02-03T10:00:00Z'), ...outcome('partly-upheld') })).toBe('Closed with non-monetary relief');
    expect(r({ ...replied('2026-02-03T10:00:00Z'), ...outcome('not-upheld') })).toBe('Closed with explanation');
    expect(r(replied('2026-02-03T10:00:00Z'))).toBe('Closed with explanation');
  });

  describe('timelyResponse: the reply target when decided, else 15 calendar days', () => {
    // Received Mon 6 Apr 2026 10:00 in New York; day 15 is Tue 21 Apr.
    const us = complaint('us', '2026-04-06T14:00:00Z', { regulatoryClass: US_CLASS });
    const t = (over: Record<string, unknown>) => timelyResponse({ ...us, ...over } as Complaint, cals.us);
    const target = (extra: Record<string, unknown> = {}) => ({ replyTarget: { dueAt: '2026-04-08T21:00:00Z', rule: 'r', ...extra } });

    it('a decided target decides', () => {
      expect(t({ ...replied('2026-04-30T15:00:00Z'), deadlines: target({ metAt: '2026-04-08T21:00:00Z' }) })).toBe('Yes');
      expect(t({ ...replied('2026-04-07T15:00:00Z'), deadlines: target({ metAt: '2026-04-08T21:00:01Z' }) })).toBe('No');
      expect(t({ ...replied('2026-04-07T15:00:00Z'), deadlines: target({ escalatedAt: '2026-04-08T21:00:00Z' }) })).toBe('No');
      expect(t({ status: 'CLOSED', closedAt: '2026-04-07T15:00:00Z', deadlines: target() })).toBe('No'); // closed without meeting it
    });

    it('an undecided target: the days decide, once resolved', () => {
      expect(t({ deadlines: target() })).toBe('');
      expect(t({ deadlines: { ...target(), finalResponse: { dueAt: 'x', rule: 'r', metAt: '2026-04-07T15:00:00Z' } } })).toBe('Yes');
    });

    it('no target: resolved on the 15th local day is timely, on the 16th not', () => {
      expect(t({ deadlines: {} })).toBe('');
      expect(t({ deadlines: {}, status: 'CLOSED', closedAt: '2026-04-22T03:59:00Z' })).toBe('Yes'); // 21 Apr 23:59 EDT
      expect(t({ deadlines: {}, status: 'CLOSED', closedAt: '2026-04-22T04:00:00Z' })).toBe('No'); // 22 Apr 00:00 EDT
      // An image without deadlines at all (as a stream may carry) is read the same way.
      expect(t({ deadlines: undefined, status: 'CLOSED', closedAt: '2026-04-22T03:59:00Z' })).toBe('Yes');
    });
  });

  it('cfpbRow: every portal field, empty where the class says nothing', () => {
    const c = complaint('us', '2026-04-06T03:00:00Z', { reference: 'US-1', regulatoryClass: US_CLASS }) as Complaint;
    expect(cfpbRow(c, cals.us)).toStrictEqual({
      reference: 'US-1',
      received: '2026-04-05',
      product: 'Credit card',
      subProduct: 'Store credit card',
      issue: 'Fees or interest',
      subIssue: 'Problem with fees',
      companyResponse: 'In progress',
      timelyResponse: '',
      publicResponse: 'Company believes it acted appropriately',
    });
    expect(cfpbRow({ ...c, regulatoryClass: undefined }, cals.us)).toStrictEqual({
      reference: 'US-1',
      received: '2026-04-05',
      product: 'unclassified',
      subProduct: '',
      issue: '',
      subIssue: '',
      companyResponse: 'In progress',
      timelyResponse: '',
      publicResponse: '',
    });
  });
});

describe('metric names and keys (stored attributes and partitions)', () => {
  it('are these', () => {
    expect({ ...M, redress: M.redress('GBP') }).toStrictEqual({
      opened: 'opened',
      closed3bd: 'closed3bd',
      closed8w: 'closed8w',
      closedOver8w: 'closedOver8w',
      upheld: 'upheld',
      redress: 'redress_GBP',
      vulnerable: 'vulnerable',
      vulnerabilityFailure: 'vulnFailure',
      outstanding: 'outstanding',
      received: 'received',
      closed: 'closed',
    });
    expect(OPEN_PERIOD).toBe('open');
    expect([
      returnKeys.counters('uk'),
      returnKeys.counter('2026H1', 'a|b'),
      returnKeys.index('uk', '2026H1', 'opened'),
      returnKeys.indexItem('a|b', 'UK-1'),
      returnKeys.log('cn', '2026Q1'),
      returnKeys.logItem('2026-07-01T00:00:00Z', 'CN-1', 'ev1'),
      returnKeys.snapshot('us'),
    ]).toEqual(['AGGRET#uk', '2026H1#a|b', 'AGGRETIX#uk#2026H1#opened', 'a|b#UK-1', 'AGGRETLOG#cn#2026Q1', '2026-07-01T00:00:00Z#CN-1#ev1', 'AGGRETSNAP#us']);
  });

  it('which index each figure drills down to, and the key parts a drill-down selects', () => {
    expect(DRILL_METRICS).toStrictEqual({
      uk: {
        outstandingAtStart: 'outstanding',
        opened: 'opened',
        closedWithin3BusinessDays: 'closed3bd',
        closedWithin8Weeks: 'closed8w',
        closedAfter8Weeks: 'closedOver8w',
        upheld: 'upheld',
        fromVulnerableCustomers: 'vulnerable',
        causedByFailureToRespond: 'vulnFailure',
      },
      cn: { received: 'received', closed: 'closed' },
      us: { received: 'received' },
    });
    expect(KEY_PARTS).toStrictEqual({ uk: ['productGroup', 'cause'], cn: ['a', 'b', 'c'], us: ['product', 'subProduct'] });
  });

  it('keyMatches: every selected part must match; absent parts match anything', () => {
    expect(keyMatches('uk', 'home-finance|arrears', {})).toBe(true);
    expect(keyMatches('uk', 'home-finance|arrears', { productGroup: 'home-finance', cause: 'arrears' })).toBe(true);
    expect(keyMatches('uk', 'home-finance|arrears', { productGroup: 'home-finance', cause: 'other' })).toBe(false);
    expect(keyMatches('uk', 'home-finance|arrears', { productGroup: 'investments', cause: 'arrears' })).toBe(false);
    expect(keyMatches('uk', 'home-finance|arrears', { cause: 'arrears', productGroup: undefined })).toBe(true);
    expect(keyMatches('cn', 'A01|B02|C03', { c: 'C03' })).toBe(true);
    expect(keyMatches('cn', 'A01|B02|C03', { b: 'B03' })).toBe(false);
    expect(keyMatches('cn', 'A01|B02|C03', { a: 'A02' })).toBe(false);
    expect(keyMatches('us', 'Mortgage|', { subProduct: '' })).toBe(true);
    expect(keyMatches('us', 'Mortgage|', { product: 'Credit card' })).toBe(false);
    expect(keyMatches('us', 'Mortgage|FHA', { subProduct: 'VA' })).toBe(false);
  });
});

describe('memberships, whole', () => {
  it('a UK complaint received in 2025H2, resolved in 2026H2 after 8 weeks, upheld, two paid currencies, vulnerable', () => {
    // Received 3 Nov 2025, resolved 1 Jul 2026: after 8 weeks, outstanding at the start of 2026H1 and 2026H2.
    const c = complaint('uk', '2025-11-03T10:00:00Z', {
      reference: 'UK-9',
      ...uk('home-finance', 'arrears'),
      ...replied('2026-07-01T10:00:00Z'),
      ...outcome('upheld'),
      redress: [paid(2500), paid(500), { ...paid(300), currency: 'EUR' }, paid(999, 'interest', null)],
      vulnerability: { source: 'staff', kinds: ['health'], adjustments: [], causedByFailureToRespond: true, at: '2025-11-03T10:00:00Z' },
    });
    const key = 'home-finance|arrears';
    expect(memberships(c, calendarOf)).toStrictEqual([
      { period: '2025H2', metric: 'opened', key },
      { period: '2025H2', metric: 'vulnerable', key },
      { period: '2025H2', metric: 'vulnFailure', key },
      { period: '2026H2', metric: 'closedOver8w', key },
      { period: '2026H2', metric: 'upheld', key },
      { period: '2026H2', metric: 'redress_GBP', key, amount: 3000, row: { amountMinor: '3000' } },
      { period: '2026H2', metric: 'redress_EUR', key, amount: 300, row: { amountMinor: '300' } },
      { period: '2026H1', metric: 'outstanding', key, indexOnly: true },
      { period: '2026H2', metric: 'outstanding', key, indexOnly: true },
    ]);
  });

  it('UK: resolved at close of business on the third business day is within 3; a second later is not', () => {
    // Received Fri 9 Jan 2026; the third business day is Wed 14 Jan, close of business 17:00 GMT.
    const at = (t: string) =>
      memberships(complaint('uk', '2026-01-09T10:00:00Z', { ...uk('investments', 'other'), ...replied(t), ...outcome('not-upheld') }), calendarOf).map(
        (m) => m.metric,
      );
    const cob = cals.uk.addBusinessDays(new Date('2026-01-09T10:00:00Z'), 3).toISOString();
    expect(cob).toBe('2026-01-14T17:00:00.000Z');
    expect(at(cob)).toEqual(['opened', 'closed3bd']);
    expect(at('2026-01-14T17:00:01.000Z')).toEqual(['opened', 'closed8w']);
  });

  it('UK: still open -> the open index with the receipt date; partly upheld counts; not vulnerable without kinds', () => {
    const open = complaint('uk', '2026-03-01T10:00:00Z', {
      ...uk('investments', 'other'),
      vulnerability: { source: 'customer', kinds: [], adjustments: [], causedByFailureToRespond: false, at: '2026-03-01T10:00:00Z' },
    });
    expect(memberships(open, calendarOf)).toStrictEqual([
      { period: '2026H1', metric: 'opened', key: 'investments|other' },
      { period: 'open', metric: 'outstanding', key: 'investments|other', indexOnly: true, row: { received: '2026-03-01' } },
    ]);
    const partly = { ...open, ...replied('2026-03-02T10:00:00Z'), ...outcome('partly-upheld') } as Complaint;
    expect(memberships(partly, calendarOf).map((m) => m.metric)).toEqual(['opened', 'closed3bd', 'upheld']);
  });

  it('CN: received, and closed once resolved', () => {
    const c = complaint('cn', '2026-03-31T15:00:00Z', { regulatoryClass: CN_CLASS }); // 23:00 in Shanghai
    expect(memberships(c, calendarOf)).toStrictEqual([{ period: '2026Q1', metric: 'received', key: 'A01|B02|C03' }]);
    expect(memberships({ ...c, ...replied('2026-03-31T16:30:00Z') }, calendarOf)).toStrictEqual([
      { period: '2026Q1', metric: 'received', key: 'A01|B02|C03' },
      { period: '2026Q2', metric: 'closed', key: 'A01|B02|C03' },
    ]);
  });

  it('US: received, with the CFPB row', () => {
    const c = complaint('us', '2026-04-06T14:00:00Z', { reference: 'US-2', regulatoryClass: US_CLASS });
    expect(memberships(c, calendarOf)).toStrictEqual([
      { period: '2026Q2', metric: 'received', key: 'Credit card|Store credit card', row: cfpbRow(c, cals.us) },
    ]);
  });

  it('counts only registered complaints of a taxonomy region with a reference and a valid receipt, not drills or merged ones', () => {
    const c = complaint('uk', '2026-03-01T10:00:00Z', uk('investments', 'other'));
    expect(memberships(c, calendarOf)).toHaveLength(2);
    expect(memberships({ ...c, classification: undefined, ...replied('2026-03-02T10:00:00Z') }, calendarOf)).toHaveLength(2); // closed unregistered
    for (const bad of [
      undefined,
      { ...c, reference: undefined },
      { ...c, reference: 7 },
      { ...c, receivedAt: undefined },
      { ...c, receivedAt: Date.parse('2026-03-01T10:00:00Z') },
      { ...c, receivedAt: 'yesterday' },
      { ...c, region: undefined },
      { ...c, region: ['uk'] },
      { ...c, region: 'eu' },
      { ...c, drill: { drillId: 'd', scenario: 's' } },
      { ...c, mergedInto: { reference: 'UK-1', by: 's', at: 'x' } },
      { ...c, classification: undefined },
    ])
      expect(memberships(bad as Partial<Complaint>, calendarOf)).toEqual([]);
  });
});

describe('returnsDelta, whole', () => {
  const key = 'investments|other';
  const base = complaint('uk', '2026-02-02T10:00:00Z', { reference: 'UK-7', ...uk('investments', 'other') });
  const resolved = { ...base, ...replied('2026-02-03T10:00:00Z'), ...outcome('not-upheld') } as Complaint;

  it('a new open complaint: its counter and the open index item, no log', () => {
    expect(returnsDelta(undefined, base, calendarOf, { eventId: 'e1', at: '2026-02-02T10:00:00Z' })).toStrictEqual({
      counters: [{ pk: 'AGGRET#uk', sk: `2026H1#${key}`, add: { opened: 1 } }],
      puts: [
        { pk: 'AGGRETIX#uk#2026H1#opened', sk: `${key}#UK-7`, attributes: { in: 1, reference: 'UK-7' } },
        { pk: 'AGGRETIX#uk#open#outstanding', sk: `${key}#UK-7`, attributes: { in: 1, reference: 'UK-7', received: '2026-02-02' } },
      ],
    });
  });

  it('resolved then upheld with paid redress: a counter nets to zero and is left out, the amount is added', () => {
    const upheld = { ...resolved, ...outcome('upheld'), redress: [paid(2500), paid(500)] } as Complaint;
    expect(returnsDelta(resolved, upheld, calendarOf, { eventId: 'e2', at: '2026-02-05T10:00:00Z' })).toStrictEqual({
      counters: [{ pk: 'AGGRET#uk', sk: `2026H1#${key}`, add: { upheld: 1, redress_GBP: 3000 } }],
      puts: [
        { pk: 'AGGRETIX#uk#2026H1#upheld', sk: `${key}#UK-7`, attributes: { in: 1, reference: 'UK-7' } },
        { pk: 'AGGRETIX#uk#2026H1#redress_GBP', sk: `${key}#UK-7`, attributes: { in: 1, reference: 'UK-7', amountMinor: '3000' } },
      ],
    });
  });

  it('a paid amount that changes rewrites its index item (~) and logs it when late; unchanged memberships write nothing', () => {
    const a = { ...resolved, redress: [paid(2500)] } as Complaint;
    const b = { ...resolved, redress: [paid(2500), paid(100)] } as Complaint;
    expect(returnsDelta(a, b, calendarOf, { eventId: 'e3', at: '2027-01-05T10:00:00Z' })).toStrictEqual({
      counters: [{ pk: 'AGGRET#uk', sk: `2026H1#${key}`, add: { redress_GBP: 100 } }],
      puts: [
        { pk: 'AGGRETIX#uk#2026H1#redress_GBP', sk: `${key}#UK-7`, attributes: { in: 1, reference: 'UK-7', amountMinor: '2600' } },
        {
          pk: 'AGGRETLOG#uk#2026H1',
          sk: '2027-01-05T10:00:00Z#UK-7#e3',
          attributes: { reference: 'UK-7', at: '2027-01-05T10:00:00Z', changes: [`~redress_GBP ${key}`] },
        },
      ],
    });
  });

  it('a complaint that stops counting: every membership out, from the old image, logged per period in order', () => {
    const late = { ...base, ...replied('2026-07-02T10:00:00Z') } as Complaint; // opened H1, resolved H2
    const d = returnsDelta(late, { ...late, drill: { drillId: 'd', scenario: 's' } }, calendarOf, { eventId: 'e4', at: '2027-03-01T00:00:00Z' });
    expect(d.counters).toStrictEqual([
      { pk: 'AGGRET#uk', sk: `2026H1#${key}`, add: { opened: -1 } },
      { pk: 'AGGRET#uk', sk: `2026H2#${key}`, add: { closedOver8w: -1 } },
    ]);
    expect(d.puts).toStrictEqual([
      { pk: 'AGGRETIX#uk#2026H1#opened', sk: `${key}#UK-7`, attributes: { in: 0, reference: 'UK-7' } },
      { pk: 'AGGRETIX#uk#2026H2#closedOver8w', sk: `${key}#UK-7`, attributes: { in: 0, reference: 'UK-7' } },
      { pk: 'AGGRETIX#uk#2026H2#outstanding', sk: `${key}#UK-7`, attributes: { in: 0, reference: 'UK-7' } },
      {
        pk: 'AGGRETLOG#uk#2026H1',
        sk: '2027-03-01T00:00:00Z#UK-7#e4',
        attributes: { reference: 'UK-7', at: '2027-03-01T00:00:00Z', changes: [`-opened ${key}`] },
      },
      {
        pk: 'AGGRETLOG#uk#2026H2',
        sk: '2027-03-01T00:00:00Z#UK-7#e4',
        attributes: { reference: 'UK-7', at: '2027-03-01T00:00:00Z', changes: [`-closedOver8w ${key}`, `-outstanding ${key}`] },
      },
    ]);
    // Deleted: the reference and region come from the old image.
    expect(returnsDelta(late, undefined, calendarOf, { eventId: 'e4', at: '2027-03-01T00:00:00Z' })).toStrictEqual(d);
  });

  it('the log lists periods in order, whatever order the changes came in; counters sorted by key', () => {
    const inH2 = { ...base, ...replied('2026-07-02T10:00:00Z') } as Complaint;
    const inH1 = { ...base, ...uk('banking-credit-cards', 'other'), ...replied('2026-02-03T10:00:00Z') } as Complaint;
    const d = returnsDelta(inH2, inH1, calendarOf, { eventId: 'e5', at: '2027-03-01T00:00:00Z' });
    expect(d.puts.filter((p) => p.pk.startsWith('AGGRETLOG#')).map((p) => p.pk)).toEqual(['AGGRETLOG#uk#2026H1', 'AGGRETLOG#uk#2026H2']);
    expect(d.counters.map((u) => [u.sk, u.add])).toEqual([
      ['2026H1#banking-credit-cards|other', { opened: 1, closed3bd: 1 }],
      ['2026H1#investments|other', { opened: -1 }],
      ['2026H2#investments|other', { closedOver8w: -1 }],
    ]);
  });

  it('the log lists periods in order also when a later period changed first', () => {
    const inH2 = { ...base, ...replied('2026-07-02T10:00:00Z') } as Complaint;
    const inH1 = { ...base, ...replied('2026-02-03T10:00:00Z') } as Complaint; // the reply date corrected
    const d = returnsDelta(inH2, inH1, calendarOf, { eventId: 'e7', at: '2027-03-01T00:00:00Z' });
    expect(d.puts.filter((p) => p.pk.startsWith('AGGRETLOG#')).map((p) => [p.pk, p.attributes.changes])).toEqual([
      ['AGGRETLOG#uk#2026H1', [`+closed3bd ${key}`]],
      ['AGGRETLOG#uk#2026H2', [`-closedOver8w ${key}`, `-outstanding ${key}`]],
    ]);
  });

  it('a change dated in the period logs nothing; an undated one is taken as late', () => {
    const upheld = { ...resolved, ...outcome('upheld') } as Complaint;
    expect(returnsDelta(resolved, upheld, calendarOf, { eventId: 'e6', at: '2026-06-30T22:59:59Z' }).puts.map((p) => p.pk)).toEqual([
      'AGGRETIX#uk#2026H1#upheld',
    ]);
    expect(returnsDelta(resolved, upheld, calendarOf, { eventId: 'e6', at: '2026-06-30T23:00:00Z' }).puts.map((p) => p.pk)).toEqual([
      'AGGRETIX#uk#2026H1#upheld',
      'AGGRETLOG#uk#2026H1',
    ]);
    expect(returnsDelta(resolved, upheld, calendarOf, { eventId: 'e6', at: 'unknown' }).puts.map((p) => p.pk)).toEqual([
      'AGGRETIX#uk#2026H1#upheld',
      'AGGRETLOG#uk#2026H1',
    ]);
  });

  it('no change of a membership or its row writes nothing, also for rows (US, open UK)', () => {
    const us = complaint('us', '2026-04-06T14:00:00Z', { regulatoryClass: US_CLASS });
    expect(returnsDelta(us, { ...us, version: 2 }, calendarOf, { eventId: 'e', at: 'x' })).toStrictEqual({ counters: [], puts: [] });
    expect(returnsDelta(base, { ...base, version: 2 }, calendarOf, { eventId: 'e', at: 'x' })).toStrictEqual({ counters: [], puts: [] });
    const a = { ...resolved, redress: [paid(2500)] } as Complaint;
    expect(returnsDelta(a, { ...a, version: 2 }, calendarOf, { eventId: 'e', at: 'x' })).toStrictEqual({ counters: [], puts: [] });
  });
});

describe('buildUkReturn from crafted counters', () => {
  const item = (sk: string, counters: Record<string, number>) => ({ sk, counters });

  it('outstanding at the start is opened minus closed in earlier periods; later periods are left out', () => {
    const r = buildUkReturn('2026H2', [
      item('2026H1#investments|other', { opened: 5, closed3bd: 1, closed8w: 1, closedOver8w: 1, upheld: 1, redress_GBP: 700, vulnerable: 1, vulnFailure: 1 }),
      item('2026H2#investments|other', { opened: 2, closed3bd: 1, closed8w: 2, closedOver8w: 3, upheld: 4, redress_GBP: 100, vulnerable: 1 }),
      item('2026H2#investments|arrears', { redress_GBP: 50, redress_EUR: 7, redress_USD: 0, vulnFailure: 1 }),
      item('2027H1#investments|other', { opened: 9, vulnerable: 9 }),
    ]);
    const inv = figures({
      outstandingAtStart: 2,
      opened: 2,
      closedWithin3BusinessDays: 1,
      closedWithin8Weeks: 2,
      closedAfter8Weeks: 3,
      upheld: 4,
      redressPaid: { GBP: 150, EUR: 7 },
    });
    expect(r.total).toStrictEqual(inv);
    expect(r.vulnerability).toStrictEqual({ fromVulnerableCustomers: 1, causedByFailureToRespond: 1 });
    expect(r.byProductGroup.map((g) => [g.code, g.figures])).toStrictEqual([
      ['banking-credit-cards', figures()],
      ['home-finance', figures()],
      ['insurance-protection', figures()],
      ['decumulation-pensions', figures()],
      ['investments', inv],
    ]);
    expect(r.byCause.find((x) => x.code === 'other')?.figures).toStrictEqual(figures({ ...inv, redressPaid: { GBP: 100 } }));
    expect(r.byCause.find((x) => x.code === 'arrears')?.figures).toStrictEqual(figures({ redressPaid: { GBP: 50, EUR: 7 } }));
    expect(r.byCause[0]).toStrictEqual({ code: 'advising-selling-arranging', label: expect.any(String), figures: figures() });
    expect({ region: r.region, period: r.period, from: r.from, to: r.to, taxonomyVersion: r.taxonomyVersion }).toStrictEqual({
      region: 'uk',
      period: '2026H2',
      from: '2026-07-01',
      to: '2026-12-31',
      taxonomyVersion: taxonomyVersion('uk'),
    });
  });

  it('a counter name is a redress only as redress_<currency>, whole', () => {
    const r = buildUkReturn('2026H1', [item('2026H1#investments|other', { xredress_GBP: 5, 'redress_GB\nP': 6, redress_: 7, redress_EUR: 3 })]);
    expect(r.total.redressPaid).toStrictEqual({ EUR: 3 });
  });

  it.each([
    ['an earlier period left one outstanding', [item('2026H1#unclassified|unclassified', { opened: 1 })]],
    ['opened', [item('2026H2#unclassified|unclassified', { opened: 1 })]],
    ['closed within 3 and 8 weeks', [item('2026H2#unclassified|unclassified', { closed3bd: 1, closed8w: 1 })]],
    ['closed within 3 and after 8 weeks', [item('2026H2#unclassified|unclassified', { closed3bd: 1, closedOver8w: 1 })]],
    ['closed within and after 8 weeks', [item('2026H2#unclassified|unclassified', { closed8w: 1, closedOver8w: 1 })]],
    ['upheld', [item('2026H2#unclassified|unclassified', { upheld: 1 })]],
    ['redress', [item('2026H2#unclassified|unclassified', { redress_GBP: 5 })]],
  ])('the unclassified row is listed, labelled, when anything is in it: %s', (_, items) => {
    const r = buildUkReturn('2026H2', items);
    expect(r.byProductGroup.at(-1)).toMatchObject({ code: 'unclassified', label: 'Not yet classified' });
    expect(r.byCause.at(-1)).toMatchObject({ code: 'unclassified', label: 'Not yet classified' });
    expect(r.byProductGroup).toHaveLength(6);
  });

  it('redress that nets to zero leaves the unclassified row out', () => {
    const r = buildUkReturn('2026H2', [item('2026H2#unclassified|unclassified', { redress_GBP: 5 }), item('2026H2#unclassified|other', { redress_GBP: -5 })]);
    expect(r.byProductGroup.map((g) => g.code)).not.toContain('unclassified');
    expect(r.total.redressPaid).toStrictEqual({ GBP: 0 });
  });

  it('the unclassified row is left out when all its figures are zero or there is none', () => {
    const zero = buildUkReturn('2026H2', [
      item('2026H1#unclassified|unclassified', { opened: 3, closed3bd: 1, closed8w: 1, closedOver8w: 1 }),
      item('2026H2#unclassified|unclassified', { redress_GBP: 0 }),
    ]);
    expect(zero.byProductGroup.map((g) => g.code)).not.toContain('unclassified');
    expect(zero.total).toStrictEqual(figures());
    expect(buildUkReturn('2026H2', [item('2026H2#investments|other', { opened: 1 })]).byProductGroup).toHaveLength(5);
    expect(buildUkReturn('2026H2', []).byCause).toHaveLength(5);
  });
});

describe('buildCnReturn from crafted counters', () => {
  const label = (d: 'a' | 'b' | 'c', code: string) => CN_CODES[d].find((x) => x.code === code)?.label;
  it('counts by A, B, C and per cell, sorted; empty cells and other quarters left out', () => {
    const r = buildCnReturn('2026Q1', [
      { sk: '2026Q1#A02|B01|C01', counters: { received: 2 } },
      { sk: '2026Q1#A01|B02|C01', counters: { received: 1, closed: 1 } },
      { sk: '2026Q1#A01|B01|C02', counters: { closed: 3 } },
      { sk: '2026Q1#A03|B03|C03', counters: { received: 0, closed: 0 } },
      { sk: '2025Q4#A01|B01|C01', counters: { received: 5 } },
      { sk: '2026Q2#A01|B01|C01', counters: { received: 7 } },
      { sk: '2026Q1#unclassified|unclassified|unclassified', counters: { received: 1 } },
    ]);
    expect(r).toStrictEqual({
      region: 'cn',
      period: '2026Q1',
      from: '2026-01-01',
      to: '2026-03-31',
      taxonomyVersion: taxonomyVersion('cn'),
      total: { received: 4, closed: 4 },
      byA: [
        { code: 'A01', label: label('a', 'A01'), received: 1, closed: 4 },
        { code: 'A02', label: label('a', 'A02'), received: 2, closed: 0 },
        { code: 'unclassified', label: 'Not yet classified', received: 1, closed: 0 },
      ],
      byB: [
        { code: 'B01', label: label('b', 'B01'), received: 2, closed: 3 },
        { code: 'B02', label: label('b', 'B02'), received: 1, closed: 1 },
        { code: 'unclassified', label: 'Not yet classified', received: 1, closed: 0 },
      ],
      byC: [
        { code: 'C01', label: label('c', 'C01'), received: 3, closed: 1 },
        { code: 'C02', label: label('c', 'C02'), received: 0, closed: 3 },
        { code: 'unclassified', label: 'Not yet classified', received: 1, closed: 0 },
      ],
      cells: [
        { a: 'A01', b: 'B01', c: 'C02', received: 0, closed: 3 },
        { a: 'A01', b: 'B02', c: 'C01', received: 1, closed: 1 },
        { a: 'A02', b: 'B01', c: 'C01', received: 2, closed: 0 },
        { a: 'unclassified', b: 'unclassified', c: 'unclassified', received: 1, closed: 0 },
      ],
    });
    expect(label('a', 'A01')).toMatch(/营业网点/);
  });
});

describe('buildUsReturn from crafted counters and index entries', () => {
  it('received by product, most first then by name; rows by receipt then reference, every column', () => {
    const row = (reference: string, received: string) => ({ reference, received, product: 'Mortgage' });
    const r = buildUsReturn(
      '2026Q2',
      [
        { sk: '2026Q2#Mortgage|FHA', counters: { received: 1 } },
        { sk: '2026Q2#Credit card|Store credit card', counters: { received: 2 } },
        { sk: '2026Q2#Mortgage|VA', counters: { received: 1 } },
        { sk: '2026Q2#Checking|', counters: { received: 2 } },
        { sk: '2026Q2#Vehicle loan|', counters: { received: 0 } },
        { sk: '2026Q1#Debt collection|', counters: { received: 9 } },
      ],
      [
        { key: 'Mortgage|', reference: 'US-3', row: row('US-3', '2026-04-02') },
        { key: 'Mortgage|', reference: 'US-2', row: row('US-2', '2026-04-02') },
        { key: 'Mortgage|', reference: 'US-1', row: { received: '2026-04-03' } },
      ],
    );
    expect(r.total).toStrictEqual({ received: 6 });
    expect(r.byProduct).toStrictEqual([
      { product: 'Checking', received: 2 },
      { product: 'Credit card', received: 2 },
      { product: 'Mortgage', received: 2 },
    ]);
    const empty = { subProduct: '', issue: '', subIssue: '', companyResponse: '', timelyResponse: '', publicResponse: '' };
    expect(r.rows).toStrictEqual([
      { reference: 'US-2', received: '2026-04-02', product: 'Mortgage', ...empty },
      { reference: 'US-3', received: '2026-04-02', product: 'Mortgage', ...empty },
      { reference: 'US-1', received: '2026-04-03', product: '', ...empty },
    ]);
    expect(r.rows.map((x) => Object.keys(x))).toEqual(r.rows.map(() => [...CFPB_COLUMNS]));
    expect([r.region, r.period, r.from, r.to, r.taxonomyVersion]).toEqual(['us', '2026Q2', '2026-04-01', '2026-06-30', taxonomyVersion('us')]);
  });

  it('more received comes first whatever the names', () => {
    const r = buildUsReturn(
      '2026Q2',
      [
        { sk: '2026Q2#A|', counters: { received: 1 } },
        { sk: '2026Q2#Z|', counters: { received: 3 } },
        { sk: '2026Q2#M|', counters: { received: 2 } },
      ],
      [],
    );
    expect(r.byProduct.map((p) => p.product)).toEqual(['Z', 'M', 'A']);
    expect(r.rows).toEqual([]);
  });
});

describe('tables and CSV, whole', () => {
  const ukReturn: UkReturn = {
    region: 'uk',
    period: '2026H1',
    from: '2026-01-01',
    to: '2026-06-30',
    taxonomyVersion: 'uk-v',
    total: figures({
      outstandingAtStart: 1,
      opened: 4,
      closedWithin3BusinessDays: 1,
      closedWithin8Weeks: 1,
      closedAfter8Weeks: 1,
      upheld: 2,
      redressPaid: { USD: 1050, GBP: 5 },
    }),
    byProductGroup: [{ code: 'g', label: 'G', figures: figures({ opened: 1 }) }],
    byCause: [{ code: 'c', label: 'C', figures: figures({ closedWithin8Weeks: 3, upheld: 1 }) }],
    vulnerability: { fromVulnerableCustomers: 3, causedByFailureToRespond: 1 },
  };
  const header = [
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
  const about = (r: { region: string; period: string; from: string; to: string; taxonomyVersion: string }) => [
    ['field', 'value'],
    ['region', r.region],
    ['period', r.period],
    ['from', r.from],
    ['to', r.to],
    ['taxonomyVersion', r.taxonomyVersion],
  ];

  it('UK: four sheets, upheld percent of closed to one decimal, money by currency in order', () => {
    const total = ['total', 'Total', 1, 4, 1, 1, 1, 2, 66.7, 'GBP 0.05; USD 10.50'];
    expect(returnSheets(ukReturn)).toStrictEqual([
      { name: 'Return', rows: about(ukReturn) },
      { name: 'By product grouping', rows: [header, ['g', 'G', 0, 1, 0, 0, 0, 0, '', ''], total] },
      { name: 'By cause', rows: [header, ['c', 'C', 0, 0, 0, 3, 0, 1, 33.3, ''], total] },
      {
        name: 'Vulnerability',
        rows: [
          ['dataPoint', 'complaints'],
          ['fromVulnerableCustomers', 3],
          ['causedByFailureToRespond', 1],
        ],
      },
    ]);
  });

  it('CN: the three dimensions and the cells', () => {
    const r: CnReturn = {
      region: 'cn',
      period: '2026Q1',
      from: '2026-01-01',
      to: '2026-03-31',
      taxonomyVersion: 'cn-v',
      total: { received: 2, closed: 1 },
      byA: [{ code: 'A01', label: 'a1', received: 2, closed: 1 }],
      byB: [{ code: 'B01', label: 'b1', received: 2, closed: 1 }],
      byC: [{ code: 'C01', label: 'c1', received: 2, closed: 1 }],
      cells: [{ a: 'A01', b: 'B01', c: 'C01', received: 2, closed: 1 }],
    };
    const dim = (code: string, label: string) => [
      ['code', 'label', 'received', 'closed'],
      [code, label, 2, 1],
    ];
    expect(returnSheets(r)).toStrictEqual([
      { name: 'Return', rows: about(r) },
      { name: 'A channel', rows: dim('A01', 'a1') },
      { name: 'B business type', rows: dim('B01', 'b1') },
      { name: 'C cause', rows: dim('C01', 'c1') },
      {
        name: 'A x B x C',
        rows: [
          ['a', 'b', 'c', 'received', 'closed'],
          ['A01', 'B01', 'C01', 2, 1],
        ],
      },
    ]);
  });

  it('US: the CFPB columns and the counts by product; one CSV led by the table names', () => {
    const row = {
      reference: 'US-1',
      received: '2026-04-02',
      product: 'Mortgage',
      subProduct: 'FHA',
      issue: 'i',
      subIssue: 's',
      companyResponse: 'In progress',
      timelyResponse: '',
      publicResponse: 'p',
    };
    const r: UsReturn = {
      region: 'us',
      period: '2026Q2',
      from: '2026-04-01',
      to: '2026-06-30',
      taxonomyVersion: 'us-v',
      total: { received: 1 },
      byProduct: [{ product: 'Mortgage', received: 1 }],
      rows: [row],
    };
    expect(returnSheets(r)).toStrictEqual([
      { name: 'Return', rows: about(r) },
      {
        name: 'CFPB complaints',
        rows: [
          ['reference', 'received', 'product', 'subProduct', 'issue', 'subIssue', 'companyResponse', 'timelyResponse', 'publicResponse'],
          ['US-1', '2026-04-02', 'Mortgage', 'FHA', 'i', 's', 'In progress', '', 'p'],
        ],
      },
      {
        name: 'By product',
        rows: [
          ['product', 'received'],
          ['Mortgage', 1],
        ],
      },
    ]);
    expect(returnCsv(r).split('\r\n').slice(0, 3)).toEqual(['Return,field,value', 'Return,region,us', 'Return,period,2026Q2']);
    expect(returnCsv(r)).toContain('CFPB complaints,US-1,2026-04-02,Mortgage,FHA,i,s,In progress,,p\r\n');
    expect(returnCsv(r)).toContain('By product,Mortgage,1');
  });
});
