/**
 * Regulatory returns (domain/returns.ts) with known answers: a generated UK half-year whose FCA
 * return is worked out by hand below, a CN quarter, CFPB rows; the aggregates' deltas telescope
 * to the same figures whatever the order of changes; late changes are logged per period.
 */
import { describe, expect, it } from 'vitest';
import { apply, calendarOf, cnQuarter, inserted, refsIn, replied, uk, ukHalfYear, US_DUE, usEntries, usQuarter } from '../support/returns-fixtures.ts';
import type { Complaint } from '../../functions/domain/complaint.ts';
import {
  buildCnReturn,
  buildUkReturn,
  buildUsReturn,
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

// Each test builds its fixtures and returns itself: code run while the tests are collected would
// make every mutant of returns.ts "static" for Stryker (run against every test: ADR 0020).
const ukH1 = () => {
  const c = ukHalfYear();
  const all = Object.values(c);
  const { items, index } = inserted(all);
  const r = buildUkReturn('2026H1', items);
  const group = (code: string) => r.byProductGroup.find((g) => g.code === code)?.figures;
  const cause = (code: string) => r.byCause.find((g) => g.code === code)?.figures;
  return { c, all, items, index, r, group, cause };
};

describe('UK FCA return of 2026H1, worked out by hand', () => {
  it('totals', () => {
    const { r } = ukH1();
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
    const { r, group } = ukH1();
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
    const { cause } = ukH1();
    expect(cause('admin-customer-service')).toEqual(figures({ outstandingAtStart: 3, opened: 1, closedWithin3BusinessDays: 1, closedWithin8Weeks: 1 }));
    expect(cause('terms-disputed-charges')).toEqual(
      figures({ opened: 2, closedWithin3BusinessDays: 1, closedWithin8Weeks: 1, upheld: 2, redressPaid: { GBP: 3500 } }),
    );
    expect(cause('arrears')).toEqual(figures({ opened: 1, closedWithin3BusinessDays: 1, redressPaid: { GBP: 5000 } }));
    expect(cause('advising-selling-arranging')).toEqual(figures({ opened: 2, closedWithin8Weeks: 1, closedAfter8Weeks: 1, upheld: 1 }));
    expect(cause('other')).toEqual(figures({ opened: 1 }));
  });

  it('the next half-year starts with what was left outstanding (3 + 8 - 7 = 4)', () => {
    const { items } = ukH1();
    const h2 = buildUkReturn('2026H2', items);
    expect(h2.total.outstandingAtStart).toBe(4); // 2, 9, 13, 14
    expect(h2.total.opened).toBe(1); // 10
    expect(h2.total.closedWithin8Weeks).toBe(1); // 13
  });

  it('every figure drills down to its complaints', () => {
    const { c, index } = ukH1();
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
    const { c, all, index, r } = ukH1();
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
    const { c } = ukH1();
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
    // Dated within the period (30 Jun 23:30 in London): it cannot be late, so no log item.
    const within = returnsDelta(c.c8, moved, calendarOf, { eventId: 'ev8', at: '2026-06-30T22:30:00Z' });
    expect(within.puts.filter((p) => p.pk.startsWith('AGGRETLOG#'))).toEqual([]);
    expect(within.counters).toEqual(d.counters);
  });

  it('exports: tables, CSV with every figure', () => {
    const { r } = ukH1();
    const sheets = returnSheets(r);
    expect(sheets.map((s) => s.name)).toEqual(['Return', 'By product grouping', 'By cause', 'Vulnerability']);
    expect(sheets[1].rows.at(-1)).toEqual(['total', 'Total', 3, 8, 3, 3, 1, 3, 42.9, 'GBP 85.00']);
    const csv = returnCsv(r);
    expect(csv).toContain('By product grouping,home-finance,Home finance,0,2,1,1,0,1,50,GBP 50.00\r\n');
    expect(csv).toContain('Vulnerability,causedByFailureToRespond,1\r\n');
  });
});

describe('CN JR/T 0169 return of 2026Q1', () => {
  it('counts received and closed by A, B, C', () => {
    const r = buildCnReturn('2026Q1', inserted(cnQuarter()).items);
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
  const q2 = () => {
    const rows = usQuarter();
    const { items, index } = inserted(rows);
    return { rows, r: buildUsReturn('2026Q2', items, usEntries(index, '2026Q2')) };
  };
  const due = US_DUE;

  it('has the portal fields of each complaint', () => {
    const { r } = q2();
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
    const { rows } = q2();
    const open = rows[3];
    const closed = { ...open, ...replied('2026-04-12T15:00:00Z'), deadlines: { replyTarget: { dueAt: due, rule: 'r', metAt: '2026-04-12T15:00:00Z' } } };
    const d = returnsDelta(open, closed, calendarOf, { eventId: 'e', at: 't' });
    expect(d.counters).toEqual([]);
    expect(d.puts[0].attributes).toMatchObject({ in: 1, companyResponse: 'Closed with explanation', timelyResponse: 'Yes' });
    expect(memberships({ ...open, region: 'eu' as never }, calendarOf)).toEqual([]);
  });
});
