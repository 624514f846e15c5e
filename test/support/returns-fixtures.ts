/**
 * Fixture complaints of the regulatory returns with known answers (worked out by hand in
 * test/unit/returns.test.ts): a UK half-year, a CN quarter, CFPB rows. Also the data of the
 * sample returns in docs/regulatory-returns.md (npm run returns:sample).
 */
import { productionCalendar } from './calendars.ts';
import { createBusinessCalendar } from '../../functions/domain/business-calendar.ts';
import type { Complaint, RegulatoryClass } from '../../functions/domain/complaint.ts';
import type { Counters } from '../../functions/domain/dashboard.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { type CounterItem, type IndexEntry, returnKeys, returnsDelta } from '../../functions/domain/returns.ts';

export const cals = Object.fromEntries((['uk', 'us', 'cn'] as const).map((r) => [r, productionCalendar(r)]));
export const calendarOf = (r: string) => cals[r];

let n = 0;
export type Extra = Record<string, unknown>;
export function complaint(region: 'uk' | 'us' | 'cn', receivedAt: string, over: Extra = {}): Complaint {
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
export const uk = (productGroup: string, cause: string): { regulatoryClass: RegulatoryClass } => ({
  regulatoryClass: { taxonomyVersion: 'uk-fca-2027.1', uk: { productGroup, cause } },
});
/** Resolved by the reply (the finalResponse deadline met at `at`) and closed. */
export const replied = (at: string) => ({
  status: 'CLOSED' as const,
  closedAt: at,
  deadlines: { finalResponse: { dueAt: '2030-01-01T00:00:00Z', rule: 'r', metAt: at } },
});
export const outcome = (result: string) => ({ outcome: { result, by: 'mia', at: '2026-01-01T00:00:00Z' } });
export const paid = (amountMinor: number, kind = 'financial-loss', paidAt: string | null = '2026-06-01T00:00:00Z') => ({
  id: `r${amountMinor}`,
  amountMinor,
  currency: 'GBP',
  kind,
  by: 'mia',
  at: '2026-06-01T00:00:00Z',
  ...(paidAt ? { paidAt } : {}),
});

/** Sums counter updates into the AGGRET items, as DynamoDB's ADDs would. */
export function apply(changes: [Partial<Complaint> | undefined, Partial<Complaint> | undefined][]): {
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
export const inserted = (cs: Complaint[]) => apply(cs.map((c) => [undefined, c]));
export const refsIn = (index: Map<string, Record<string, unknown>>, pk: string) =>
  [...index.entries()]
    .filter(([k, v]) => k.startsWith(`${pk} `) && v.in === 1)
    .map(([, v]) => String(v.reference))
    .sort();

/** The UK half-year 2026H1 (England 2026: bank holidays 1 Jan, 3 Apr, 6 Apr; BST from 29 Mar). */
export function ukHalfYear() {
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
  return c;
}

/** A CN quarter, 2026Q1 (Asia/Shanghai). */
export function cnQuarter() {
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
  return list;
}

/** CFPB rows of 2026Q2 (America/New_York). */
export const US_DUE = '2026-04-21T21:00:00Z';
export function usQuarter() {
  const us = (over: Extra, receivedAt = '2026-04-06T14:00:00Z') =>
    complaint('us', receivedAt, {
      regulatoryClass: {
        taxonomyVersion: 'us-cfpb-2026.1',
        us: { product: 'Credit card', subProduct: 'General-purpose credit card or charge card', issue: 'Fees or interest', subIssue: 'Problem with fees' },
      },
      ...over,
    });
  const due = US_DUE;
  const rows = [
    us({ ...replied('2026-04-10T15:00:00Z'), deadlines: { replyTarget: { dueAt: due, rule: 'r', metAt: '2026-04-10T15:00:00Z' } }, redress: [paid(3000)] }),
    us({ ...replied('2026-04-30T15:00:00Z'), deadlines: { replyTarget: { dueAt: due, rule: 'r', metAt: '2026-04-25T15:00:00Z' } }, ...outcome('upheld') }),
    us({ ...replied('2026-04-26T15:00:00Z'), ...outcome('not-upheld'), regulatoryClass: undefined }),
    us({ deadlines: { replyTarget: { dueAt: due, rule: 'r' } } }),
  ];
  return rows;
}

/** The CFPB rows' index entries of a quarter, from what `inserted` wrote. */
export function usEntries(index: Map<string, Record<string, unknown>>, period: string): IndexEntry[] {
  return [...index.entries()]
    .filter(([k]) => k.startsWith(`${returnKeys.index('us', period, 'received')} `))
    .map(([k, v]) => ({ key: k.split(' ')[1], reference: String(v.reference), row: v as Record<string, string> }));
}
