/**
 * Regulatory returns (domain/returns.ts) with known answers: a generated UK half-year whose FCA
 * return is worked out by hand below, a CN quarter, CFPB rows; the aggregates' deltas telescope
 * to the same figures whatever the order of changes; late changes are logged per period.
 */
import { describe, expect, it } from 'vitest';
import { createBusinessCalendar } from '../../functions/domain/business-calendar.ts';
import type { Complaint, RegulatoryClass } from '../../functions/domain/complaint.ts';
import type { Counters } from '../../functions/domain/dashboard.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import {
  buildCnReturn,
  buildUkReturn,
  buildUsReturn,
  type CounterItem,
  type IndexEntry,
  keyMatches,
  memberships,
  periodBounds,
  periodOf,
  returnCsv,
  returnKeys,
  returnSheets,
  returnsDelta,
  type UkFigures,
} from '../../functions/domain/returns.ts';

const cals = Object.fromEntries((['uk', 'us', 'cn'] as const).map((r) => [r, createBusinessCalendar(REGIONS[r].calendar, REGIONS[r].calendar.adjustments)]));
const calendarOf = (r: string) => cals[r];

let n = 0;
type Extra = Record<string, unknown>;
function complaint(region: 'uk' | 'us' | 'cn', receivedAt: string, over: Extra = {}): Complaint {
  n += 1;
  return {
    reference: `${region.toUpperCase()}-2026-${String(n).padStart(6, '0')}`,
    region,
    channel: 'web',
    language: 'en',
    status: 'OPEN',
    stage: 'INVESTIGATION',
    receivedAt,
    deadlines: {},
    classification: { nature: 'service', channelType: 'online', urgency: 'general', riskLevel: 'low', priority: 'P3', reasons: [] },
    complainant: { anonymous: true },
    matter: { description: 'x' },
    consent: { personalData: true },
    executionName: 'x',
    resumeCount: 0,
    updatedAt: receivedAt,
    version: 1,
    ...over,
  } as Complaint;
}
const uk = (productGroup: string, cause: string): { regulatoryClass: RegulatoryClass } => ({
  regulatoryClass: { taxonomyVersion: 'uk-fca-2027.1', uk: { productGroup, cause } },
});
/** Resolved by the reply (the finalResponse deadline met at `at`) and closed. */
const replied = (at: string) => ({
  status: 'CLOSED' as const,
  closedAt: at,
  deadlines: { finalResponse: { dueAt: '2030-01-01T00:00:00Z', rule: 'r', metAt: at } },
});
const outcome = (result: string) => ({ outcome: { result, by: 'mia', at: '2026-01-01T00:00:00Z' } });
const paid = (amountMinor: number, kind = 'financial-loss', paidAt: string | null = '2026-06-01T00:00:00Z') => ({
  id: `r${amountMinor}`,
  amountMinor,
  currency: 'GBP',
  kind,
  by: 'mia',
  at: '2026-06-01T00:00:00Z',
  ...(paidAt ? { paidAt } : {}),
});

/** Sums counter updates into the AGGRET items, as DynamoDB's ADDs would. */
function apply(changes: [Partial<Complaint> | undefined, Partial<Complaint> | undefined][]): {
  items: CounterItem[];
  index: Map<string, Record<string, unknown>>;
} {
  const counters = new Map<string, Counters>();
  const index = new Map<string, Record<string, unknown>>();
  changes.forEach(([before, after], i) => {
    const d = returnsDelta(before, after, calendarOf, { eventId: `e${i}`, at: '2026-07-01T00:00:00Z' });
    for (const u of d.counters) {
      const k = counters.get(u.sk) ?? {};
      for (const [name, v] of Object.entries(u.add)) k[name] = (k[name] ?? 0) + v;
      counters.set(u.sk, k);
    }
    for (const p of d.puts) index.set(`${p.pk} ${p.sk}`, p.attributes);
  });
  return { items: [...counters.entries()].map(([sk, c]) => ({ sk, counters: c })), index };
}
const inserted = (cs: Complaint[]) => apply(cs.map((c) => [undefined, c]));
const refsIn = (index: Map<string, Record<string, unknown>>, pk: string) =>
  [...index.entries()]
    .filter(([k, v]) => k.startsWith(`${pk} `) && v.in === 1)
    .map(([, v]) => String(v.reference))
    .sort();

const figures = (f: Partial<UkFigures>): UkFigures => ({
  outstandingAtStart: 0,
  opened: 0,
  closedWithin3BusinessDays: 0,
  closedWithin8Weeks: 0,
  closedAfter8Weeks: 0,
  upheld: 0,
  redressPaid: {},
  ...f,
});

describe('periods', () => {
  it('UK half-years and CN/US quarters by local date', () => {
    expect(periodOf('uk', '2026-06-30')).toBe('2026H1');
    expect(periodOf('uk', '2026-07-01')).toBe('2026H2');
    expect(periodOf('cn', '2026-03-31')).toBe('2026Q1');
    expect(periodOf('us', '2026-10-01')).toBe('2026Q4');
    expect(periodBounds('uk', '2026H2')).toEqual({ from: '2026-07-01', to: '2026-12-31' });
    expect(periodBounds('cn', '2024Q1')).toEqual({ from: '2024-01-01', to: '2024-03-31' });
  });
});

describe('UK FCA return of 2026H1, worked out by hand', () => {
  n = 0;
  // England 2026: bank holidays 1 Jan, 3 Apr (Good Friday), 6 Apr (Easter Monday); BST from 29 Mar.
  const c = {
    // 1: received 2025H2, replied Mon 5 Jan: 3rd business day after Mon 15 Dec is Thu 18 Dec -> not within 3;
    //    15 Dec + 56 days = 9 Feb -> within 8 weeks. Outstanding at the start, closed in H1.
    c1: complaint('uk', '2025-12-15T10:00:00Z', {
      ...uk('banking-credit-cards', 'admin-customer-service'),
      ...replied('2026-01-05T12:00:00Z'),
      ...outcome('not-upheld'),
    }),
    // 2: received 2025H2, still open: outstanding at the start and at the end.
    c2: complaint('uk', '2025-11-03T09:00:00Z', uk('banking-credit-cards', 'admin-customer-service')),
    // 3: received and closed in 2025H2: not in 2026H1 at all.
    c3: complaint('uk', '2025-10-01T09:00:00Z', { ...uk('home-finance', 'arrears'), ...replied('2025-11-01T09:00:00Z') }),
    // 4: received Fri 9 Jan, replied Wed 14 Jan 16:00 (3rd business day: Mon 12, Tue 13, Wed 14 by 17:00) -> within 3; upheld, GBP 25.00 paid.
    c4: complaint('uk', '2026-01-09T10:00:00Z', {
      ...uk('banking-credit-cards', 'terms-disputed-charges'),
      ...replied('2026-01-14T16:00:00Z'),
      ...outcome('upheld'),
      redress: [paid(2500)],
    }),
    // 5: same receipt, replied Thu 15 Jan 09:00 -> after 3 business days, within 8 weeks; partly upheld counts as upheld; GBP 10.00 goodwill paid.
    c5: complaint('uk', '2026-01-09T10:00:00Z', {
      ...uk('banking-credit-cards', 'terms-disputed-charges'),
      ...replied('2026-01-15T09:00:00Z'),
      ...outcome('partly-upheld'),
      redress: [paid(1000, 'goodwill')],
    }),
    // 6: received Thu 2 Apr 10:00 BST; Good Friday and Easter Monday are not business days, so the 3rd is Thu 9 Apr:
    //    replied Wed 8 Apr -> within 3 (counting weekdays would say otherwise). Not upheld; a goodwill GBP 50.00 does not uphold it.
    c6: complaint('uk', '2026-04-02T09:00:00Z', {
      ...uk('home-finance', 'arrears'),
      ...replied('2026-04-08T15:00:00Z'),
      ...outcome('not-upheld'),
      redress: [paid(5000, 'goodwill')],
    }),
    // 7: received 2 Feb, replied 30 Mar = the 56th day -> within 8 weeks; upheld; GBP 100.00 awarded but not paid: not counted.
    c7: complaint('uk', '2026-02-02T10:00:00Z', {
      ...uk('home-finance', 'advising-selling-arranging'),
      ...replied('2026-03-30T10:00:00Z'),
      ...outcome('upheld'),
      redress: [paid(10000, 'financial-loss', null)],
    }),
    // 8: received 2 Feb, replied 31 Mar = the 57th day -> after 8 weeks; not upheld.
    c8: complaint('uk', '2026-02-02T10:00:00Z', {
      ...uk('investments', 'advising-selling-arranging'),
      ...replied('2026-03-31T10:00:00Z'),
      ...outcome('not-upheld'),
    }),
    // 9: open; a vulnerable customer, caused by a failure to respond to the vulnerability.
    c9: complaint('uk', '2026-05-11T09:00:00Z', {
      ...uk('insurance-protection', 'admin-customer-service'),
      vulnerability: { source: 'staff', kinds: ['health'], adjustments: [], causedByFailureToRespond: true, at: '2026-05-11T09:00:00Z' },
    }),
    // 10: 30 Jun 23:30 UTC is 1 Jul 00:30 in London: opened in 2026H2.
    c10: complaint('uk', '2026-06-30T23:30:00Z', uk('banking-credit-cards', 'other')),
    // 11: a drill: never counted.
    c11: complaint('uk', '2026-03-10T10:00:00Z', {
      ...uk('banking-credit-cards', 'other'),
      ...replied('2026-03-11T10:00:00Z'),
      drill: { drillId: 'd1', scenario: 's' },
    }),
    // 12: a repeat merged into another complaint: that one counts.
    c12: complaint('uk', '2026-03-12T10:00:00Z', {
      ...uk('banking-credit-cards', 'other'),
      mergedInto: { reference: 'UK-2026-000004', by: 'sam', at: '2026-03-12T11:00:00Z' },
    }),
    // 13: not yet classified, a vulnerable customer; replied in H2.
    c13: complaint('uk', '2026-06-01T09:00:00Z', {
      ...replied('2026-07-02T09:00:00Z'),
      vulnerability: { source: 'customer', kinds: ['bereavement'], adjustments: ['call back'], at: '2026-06-01T09:00:00Z' },
    }),
    // 14: the 8-week letter is not a final response: still open.
    c14: complaint('uk', '2026-01-20T10:00:00Z', {
      ...uk('decumulation-pensions', 'other'),
      finalResponse: { kind: 'eight-week', sentAt: '2026-03-17T10:00:00Z' },
    }),
    // 15: received Wed 31 Dec 2025; summary resolution sent Fri 2 Jan (1 Jan is a holiday: the 1st business day) -> within 3.
    c15: complaint('uk', '2025-12-31T12:00:00Z', {
      ...uk('banking-credit-cards', 'admin-customer-service'),
      finalResponse: { kind: 'summary-resolution', sentAt: '2026-01-02T10:00:00Z' },
    }),
  };
  const all = Object.values(c);
  const { items, index } = inserted(all);
  const r = buildUkReturn('2026H1', items);
  const group = (code: string) => r.byProductGroup.find((g) => g.code === code)?.figures;
  const cause = (code: string) => r.byCause.find((g) => g.code === code)?.figures;

  it('totals', () => {
    expect(r.total).toEqual(
      figures({
        outstandingAtStart: 3, // 1, 2, 15
        opened: 8, // 4, 5, 6, 7, 8, 9, 13, 14
        closedWithin3BusinessDays: 3, // 4, 6, 15
        closedWithin8Weeks: 3, // 1, 5, 7
        closedAfter8Weeks: 1, // 8
        upheld: 3, // 4, 5 (partly), 7
        redressPaid: { GBP: 8500 }, // 2500 + 1000 + 5000
      }),
    );
    expect(r.vulnerability).toEqual({ fromVulnerableCustomers: 2, causedByFailureToRespond: 1 }); // 9, 13; 9
  });

  it('by product grouping, in the taxonomy order, with the unclassified last', () => {
    expect(r.byProductGroup.map((g) => g.code)).toEqual([
      'banking-credit-cards',
      'home-finance',
      'insurance-protection',
      'decumulation-pensions',
      'investments',
      'unclassified',
    ]);
    expect(group('banking-credit-cards')).toEqual(
      figures({ outstandingAtStart: 3, opened: 2, closedWithin3BusinessDays: 2, closedWithin8Weeks: 2, upheld: 2, redressPaid: { GBP: 3500 } }),
    );
    expect(group('home-finance')).toEqual(figures({ opened: 2, closedWithin3BusinessDays: 1, closedWithin8Weeks: 1, upheld: 1, redressPaid: { GBP: 5000 } }));
    expect(group('insurance-protection')).toEqual(figures({ opened: 1 }));
    expect(group('decumulation-pensions')).toEqual(figures({ opened: 1 }));
    expect(group('investments')).toEqual(figures({ opened: 1, closedAfter8Weeks: 1 }));
    expect(group('unclassified')).toEqual(figures({ opened: 1 }));
  });

  it('by cause', () => {
    expect(cause('admin-customer-service')).toEqual(figures({ outstandingAtStart: 3, opened: 1, closedWithin3BusinessDays: 1, closedWithin8Weeks: 1 }));
    expect(cause('terms-disputed-charges')).toEqual(
      figures({ opened: 2, closedWithin3BusinessDays: 1, closedWithin8Weeks: 1, upheld: 2, redressPaid: { GBP: 3500 } }),
    );
    expect(cause('arrears')).toEqual(figures({ opened: 1, closedWithin3BusinessDays: 1, redressPaid: { GBP: 5000 } }));
    expect(cause('advising-selling-arranging')).toEqual(figures({ opened: 2, closedWithin8Weeks: 1, closedAfter8Weeks: 1, upheld: 1 }));
    expect(cause('other')).toEqual(figures({ opened: 1 }));
  });

  it('the next half-year starts with what was left outstanding (3 + 8 - 7 = 4)', () => {
    const h2 = buildUkReturn('2026H2', items);
    expect(h2.total.outstandingAtStart).toBe(4); // 2, 9, 13, 14
    expect(h2.total.opened).toBe(1); // 10
    expect(h2.total.closedWithin8Weeks).toBe(1); // 13
  });

  it('every figure drills down to its complaints', () => {
    const ix = (metric: string) => refsIn(index, returnKeys.index('uk', '2026H1', metric));
    expect(ix('opened')).toEqual([c.c4, c.c5, c.c6, c.c7, c.c8, c.c9, c.c13, c.c14].map((x) => x.reference).sort());
    expect(ix('closed3bd')).toEqual([c.c4, c.c6, c.c15].map((x) => x.reference).sort());
    expect(ix('upheld')).toEqual([c.c4, c.c5, c.c7].map((x) => x.reference).sort());
    expect(ix('redress_GBP')).toEqual([c.c4, c.c5, c.c6].map((x) => x.reference).sort());
    // Outstanding at the start: those resolved in H1 (index of H1) and those still unresolved received before it.
    const stillOpen = [...index.entries()]
      .filter(([k, v]) => k.startsWith(`${returnKeys.index('uk', 'open', 'outstanding')} `) && v.in === 1 && String(v.received) < '2026-01-01')
      .map(([, v]) => v.reference);
    expect([...ix('outstanding'), ...stillOpen].sort()).toEqual([c.c1, c.c2, c.c15].map((x) => x.reference).sort());
    expect(keyMatches('uk', 'home-finance|arrears', { productGroup: 'home-finance' })).toBe(true);
    expect(keyMatches('uk', 'home-finance|arrears', { cause: 'other' })).toBe(false);
  });

  it('the same figures whatever the path: reclassified, reopened and resolved again step by step', () => {
    const start = { ...c.c4, regulatoryClass: undefined, deadlines: {}, status: 'OPEN' as const, closedAt: undefined, outcome: undefined, redress: undefined };
    const mid = { ...c.c4, regulatoryClass: uk('investments', 'other').regulatoryClass, redress: [] };
    const stepwise = apply([
      ...all.filter((x) => x !== c.c4).map((x) => [undefined, x] as [undefined, Complaint]),
      [undefined, start],
      [start, mid],
      [mid, c.c4],
    ]);
    expect(buildUkReturn('2026H1', stepwise.items)).toEqual(r);
    expect(refsIn(stepwise.index, returnKeys.index('uk', '2026H1', 'closed3bd'))).toEqual(refsIn(index, returnKeys.index('uk', '2026H1', 'closed3bd')));
  });

  it('a change writes a log item per period it touches; a change outside the returns writes nothing', () => {
    const moved = { ...c.c8, regulatoryClass: uk('investments', 'other').regulatoryClass };
    const d = returnsDelta(c.c8, moved, calendarOf, { eventId: 'ev9', at: '2026-08-01T10:00:00Z' });
    const logs = d.puts.filter((p) => p.pk.startsWith('AGGRETLOG#'));
    expect(logs).toEqual([
      {
        pk: 'AGGRETLOG#uk#2026H1',
        sk: `2026-08-01T10:00:00Z#${c.c8.reference}#ev9`,
        attributes: {
          reference: c.c8.reference,
          at: '2026-08-01T10:00:00Z',
          changes: [
            '-opened investments|advising-selling-arranging',
            '-closedOver8w investments|advising-selling-arranging',
            '+opened investments|other',
            '+closedOver8w investments|other',
          ],
        },
      },
    ]);
    expect(returnsDelta(c.c8, { ...c.c8, stage: 'CLOSED', version: 9 }, calendarOf, { eventId: 'e', at: 'x' })).toEqual({ counters: [], puts: [] });
  });

  it('exports: tables, CSV with every figure', () => {
    const sheets = returnSheets(r);
    expect(sheets.map((s) => s.name)).toEqual(['Return', 'By product grouping', 'By cause', 'Vulnerability']);
    expect(sheets[1].rows.at(-1)).toEqual(['total', 'Total', 3, 8, 3, 3, 1, 3, 42.9, 'GBP 85.00']);
    const csv = returnCsv(r);
    expect(csv).toContain('By product grouping,home-finance,Home finance,0,2,1,1,0,1,50,GBP 50.00\r\n');
    expect(csv).toContain('Vulnerability,causedByFailureToRespond,1\r\n');
  });
});

describe('CN JR/T 0169 return of 2026Q1', () => {
  const cn = (a: string, b: string, cc: string, receivedAt: string, over: Extra = {}) =>
    complaint('cn', receivedAt, { regulatoryClass: { taxonomyVersion: 'cn-jrt0169-2018.1', cn: { a, b, c: cc } }, ...over });
  const list = [
    cn('A04', 'B03', 'C05', '2026-01-05T02:00:00Z'),
    cn('A04', 'B03', 'C05', '2026-02-05T02:00:00Z', replied('2026-02-10T02:00:00Z')),
    cn('A01', 'B01', 'C01', '2026-03-02T02:00:00Z', replied('2026-03-03T02:00:00Z')),
    cn('A04', 'B04', 'C10', '2026-03-30T02:00:00Z', replied('2026-04-02T02:00:00Z')), // closed in Q2
    cn('A01', 'B03', 'C08', '2026-03-31T17:00:00Z'), // 1 Apr 01:00 in Shanghai: Q2
    cn('A01', 'B03', 'C08', '2026-03-15T02:00:00Z', { drill: { drillId: 'd', scenario: 's' } }), // a drill
    complaint('cn', '2025-12-20T02:00:00Z', replied('2026-01-06T02:00:00Z')), // unclassified, received in 2025Q4, closed in Q1
  ];
  const r = buildCnReturn('2026Q1', inserted(list).items);

  it('counts received and closed by A, B, C', () => {
    expect(r.total).toEqual({ received: 4, closed: 3 });
    expect(r.byA.map((x) => [x.code, x.received, x.closed])).toEqual([
      ['A01', 1, 1],
      ['A04', 3, 1],
      ['unclassified', 0, 1],
    ]);
    expect(r.byB.map((x) => [x.code, x.received, x.closed])).toEqual([
      ['B01', 1, 1],
      ['B03', 2, 1],
      ['B04', 1, 0],
      ['unclassified', 0, 1],
    ]);
    expect(r.byC.map((x) => [x.code, x.received, x.closed])).toEqual([
      ['C01', 1, 1],
      ['C05', 2, 1],
      ['C10', 1, 0],
      ['unclassified', 0, 1],
    ]);
    expect(r.cells).toContainEqual({ a: 'A04', b: 'B03', c: 'C05', received: 2, closed: 1 });
    expect(r.byA[0].label).toMatch(/营业网点/);
  });
});

describe('CFPB rows of 2026Q2', () => {
  const us = (over: Extra, receivedAt = '2026-04-06T14:00:00Z') =>
    complaint('us', receivedAt, {
      regulatoryClass: {
        taxonomyVersion: 'us-cfpb-2026.1',
        us: { product: 'Credit card', subProduct: 'General-purpose credit card or charge card', issue: 'Fees or interest', subIssue: 'Problem with fees' },
      },
      ...over,
    });
  const due = '2026-04-21T21:00:00Z';
  const rows = [
    us({ ...replied('2026-04-10T15:00:00Z'), deadlines: { replyTarget: { dueAt: due, rule: 'r', metAt: '2026-04-10T15:00:00Z' } }, redress: [paid(3000)] }),
    us({ ...replied('2026-04-30T15:00:00Z'), deadlines: { replyTarget: { dueAt: due, rule: 'r', metAt: '2026-04-25T15:00:00Z' } }, ...outcome('upheld') }),
    us({ ...replied('2026-04-26T15:00:00Z'), ...outcome('not-upheld'), regulatoryClass: undefined }),
    us({ deadlines: { replyTarget: { dueAt: due, rule: 'r' } } }),
  ];
  const { items, index } = inserted(rows);
  const entries: IndexEntry[] = [...index.entries()]
    .filter(([k]) => k.startsWith(`${returnKeys.index('us', '2026Q2', 'received')} `))
    .map(([k, v]) => ({ key: k.split(' ')[1], reference: String(v.reference), row: v as Record<string, string> }));
  const r = buildUsReturn('2026Q2', items, entries);

  it('has the portal fields of each complaint', () => {
    expect(r.rows.map((x) => [x.companyResponse, x.timelyResponse, x.product])).toEqual([
      ['Closed with monetary relief', 'Yes', 'Credit card'],
      ['Closed with non-monetary relief', 'No', 'Credit card'], // replied after the 15-day target
      ['Closed with explanation', 'No', 'unclassified'], // 20 days after receipt, no target recorded
      ['In progress', '', 'Credit card'],
    ]);
    expect(r.rows[0]).toMatchObject({
      received: '2026-04-06',
      subProduct: 'General-purpose credit card or charge card',
      issue: 'Fees or interest',
      subIssue: 'Problem with fees',
    });
    expect(r.byProduct).toEqual([
      { product: 'Credit card', received: 3 },
      { product: 'unclassified', received: 1 },
    ]);
  });

  it('a row changes when the complaint does', () => {
    const open = rows[3];
    const closed = { ...open, ...replied('2026-04-12T15:00:00Z'), deadlines: { replyTarget: { dueAt: due, rule: 'r', metAt: '2026-04-12T15:00:00Z' } } };
    const d = returnsDelta(open, closed, calendarOf, { eventId: 'e', at: 't' });
    expect(d.counters).toEqual([]);
    expect(d.puts[0].attributes).toMatchObject({ in: 1, companyResponse: 'Closed with explanation', timelyResponse: 'Yes' });
    expect(memberships({ ...open, region: 'eu' as never }, calendarOf)).toEqual([]);
  });
});
