/**
 * Issue 19 B, the pure rules with known answers: FCA counting (partly upheld counts as upheld;
 * goodwill on a rejected complaint does not make it upheld; drills and merged complaints left
 * out), the append-only ledger, referral deadlines, vulnerability data points and queue order,
 * time from finding to fixing.
 */
import { describe, expect, it } from 'vitest';
import type { CorrectiveAction, RedressEntry, Referral } from '../../functions/domain/complaint.ts';
import { actionSummary, closeAction, linkFlaggedCategories, median } from '../../functions/domain/corrective-actions.ts';
import { countsAsUpheld, ledgerBalance, ledgerEntry, outcomeCounts, type Countable } from '../../functions/domain/outcome.ts';
import { addCalendarMonths, newReferral, referralDeadline } from '../../functions/domain/referrals.ts';
import { effectivePriority, queueOrder, vulnerabilityDataPoints } from '../../functions/domain/vulnerability.ts';

const AT = '2026-06-01T10:00:00.000Z';
const e = (over: Partial<RedressEntry>): RedressEntry => ({
  id: 'R1',
  amountMinor: 1000,
  currency: 'GBP',
  kind: 'financial-loss',
  by: 'hana',
  at: AT,
  ...over,
});
const outcome = (result: 'upheld' | 'partly-upheld' | 'not-upheld') => ({ result, by: 'hana', at: AT });

describe('FCA counting', () => {
  it('partly upheld counts as upheld; not upheld does not; none is undecided', () => {
    expect([countsAsUpheld('upheld'), countsAsUpheld('partly-upheld'), countsAsUpheld('not-upheld'), countsAsUpheld(undefined)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('a worked set: 7 complaints, of which one drill and one merged are left out', () => {
    const set: Countable[] = [
      { outcome: outcome('upheld'), redress: [e({ amountMinor: 5000, paidAt: AT }), e({ id: 'R2', amountMinor: 2500, kind: 'distress-inconvenience' })] },
      { outcome: outcome('partly-upheld'), redress: [e({ amountMinor: 1200, kind: 'fees-refund', paidAt: AT })] },
      // Goodwill on a rejected complaint: still not upheld, and not redress on an upheld complaint.
      { outcome: outcome('not-upheld'), redress: [e({ amountMinor: 3000, kind: 'goodwill', paidAt: AT })] },
      { outcome: outcome('not-upheld') },
      {},
      { outcome: outcome('upheld'), redress: [e({ amountMinor: 99_999, paidAt: AT })], drill: { drillId: 'd1', scenario: 'x' } },
      { outcome: outcome('upheld'), mergedInto: { reference: 'UK-2026-000001', by: 'sam', at: AT } },
    ];
    expect(outcomeCounts(set)).toEqual({
      decided: 4,
      upheld: 2,
      partlyUpheld: 1,
      notUpheld: 2,
      undecided: 1,
      upheldRate: 0.5,
      redress: { GBP: { recorded: 8700, paid: 6200 } },
      goodwillNotUpheld: { GBP: 3000 },
    });
  });

  it('no decided complaint: no rate (not 0)', () => {
    expect(outcomeCounts([{}]).upheldRate).toBeNull();
  });
});

describe('the redress ledger: append-only, corrected by reversal', () => {
  it('numbers entries, reverses one once, nets the balance by currency and kind', () => {
    const first = ledgerEntry([], { amountMinor: 5000, currency: 'GBP', kind: 'financial-loss', paidAt: '2026-05-31T09:00:00Z' }, 'hana', AT);
    expect(first).toMatchObject({ ok: true, entry: { id: 'R1', amountMinor: 5000 } });
    const ledger = [(first as { entry: RedressEntry }).entry];
    const reversal = ledgerEntry(ledger, { reverses: 'R1', note: 'wrong amount' }, 'mia', AT);
    expect(reversal).toEqual({
      ok: true,
      entry: { id: 'R2', amountMinor: -5000, currency: 'GBP', kind: 'financial-loss', by: 'mia', at: AT, paidAt: AT, reverses: 'R1', note: 'wrong amount' },
    });
    ledger.push((reversal as { entry: RedressEntry }).entry);
    ledger.push((ledgerEntry(ledger, { amountMinor: 4500, currency: 'GBP', kind: 'financial-loss' }, 'mia', AT) as { entry: RedressEntry }).entry);
    ledger.push((ledgerEntry(ledger, { amountMinor: 800, currency: 'USD', kind: 'interest' }, 'mia', AT) as { entry: RedressEntry }).entry);
    expect(ledger.map((x) => x.id)).toEqual(['R1', 'R2', 'R3', 'R4']);
    expect(ledgerBalance(ledger)).toEqual({
      GBP: { total: 4500, paid: 0, byKind: { 'financial-loss': 4500 } },
      USD: { total: 800, paid: 0, byKind: { interest: 800 } },
    });
    expect(ledgerEntry(ledger, { reverses: 'R1' }, 'mia', AT)).toEqual({ ok: false, field: 'reverses', message: 'entry R1 is already reversed' });
    expect(ledgerEntry(ledger, { reverses: 'R2' }, 'mia', AT)).toMatchObject({ ok: false, field: 'reverses' });
    expect(ledgerEntry(ledger, { reverses: 'R9' }, 'mia', AT)).toMatchObject({ ok: false, field: 'reverses' });
  });

  it('refuses a non-positive or fractional amount, a missing kind, and a payment in the future, naming the field', () => {
    expect(ledgerEntry([], { amountMinor: 0, currency: 'GBP', kind: 'interest' }, 'h', AT)).toMatchObject({ ok: false, field: 'amountMinor' });
    expect(ledgerEntry([], { amountMinor: 10.5, currency: 'GBP', kind: 'interest' }, 'h', AT)).toMatchObject({ ok: false, field: 'amountMinor' });
    expect(ledgerEntry([], { amountMinor: 10, currency: 'GBP' }, 'h', AT)).toMatchObject({ ok: false, field: 'kind' });
    expect(ledgerEntry([], { amountMinor: 10, currency: 'GBP', kind: 'interest', paidAt: '2026-06-02T00:00:00.000Z' }, 'h', AT)).toMatchObject({
      ok: false,
      field: 'paidAt',
    });
  });
});

describe('referral deadlines', () => {
  it('six calendar months, clamped to the end of a shorter month', () => {
    expect(addCalendarMonths('2026-03-10T14:00:00.000Z', 6)).toBe('2026-09-10T14:00:00.000Z');
    expect(addCalendarMonths('2026-08-31T09:00:00.000Z', 6)).toBe('2027-02-28T09:00:00.000Z');
    expect(addCalendarMonths('2027-08-31T09:00:00.000Z', 6)).toBe('2028-02-29T09:00:00.000Z');
    expect(addCalendarMonths('2026-12-15T00:00:00.000Z', 6)).toBe('2027-06-15T00:00:00.000Z');
  });

  it('FOS: from the final response when recorded, else from the reply; none before either', () => {
    const reply = { subject: 's', by: 'h', sentAt: '2026-03-10T14:00:00.000Z', channel: 'email' };
    expect(referralDeadline('FOS', { reply }, AT)).toEqual({
      dueAt: '2026-09-10T14:00:00.000Z',
      rule: 'FOS: six months from the final response (DISP 2.8.2R)',
    });
    expect(referralDeadline('FOS', { reply, finalResponse: { sentAt: '2026-04-01T08:00:00.000Z' } }, AT)?.dueAt).toBe('2026-10-01T08:00:00.000Z');
    expect(referralDeadline('FOS', {}, AT)).toBeUndefined();
    expect(referralDeadline('CFPB', {}, '2026-06-01T10:00:00.000Z')?.dueAt).toBe('2026-06-16T10:00:00.000Z');
    expect(referralDeadline('CN-12378', {}, AT, '2026-06-20T00:00:00.000Z')?.dueAt).toBe('2026-06-20T00:00:00.000Z');
    expect(referralDeadline('mediation', {}, AT)).toBeUndefined();
  });

  it('a FOS referral after six months is recorded, marked late; mediation needs its organisation; one referral per body and reference', () => {
    const reply = { subject: 's', by: 'h', sentAt: '2025-11-01T10:00:00.000Z', channel: 'email' };
    const r = newReferral({ reply }, { body: 'FOS', externalReference: 'PNX-1', referredAt: '2026-05-02T10:00:00.000Z' }, 'sam', AT);
    expect(r).toMatchObject({ ok: true, referral: { id: 'F1', late: true, deadline: { dueAt: '2026-05-01T10:00:00.000Z' } } });
    const inTime = newReferral({ reply }, { body: 'FOS', externalReference: 'PNX-2', referredAt: '2026-05-01T10:00:00.000Z' }, 'sam', AT);
    expect(inTime.ok && inTime.referral.late).toBeFalsy();
    expect(newReferral({ reply }, { body: 'mediation', externalReference: 'M', referredAt: AT }, 'sam', AT)).toMatchObject({
      ok: false,
      field: 'organisation',
    });
    const referrals = [(r as { ok: true; referral: Referral }).referral];
    expect(newReferral({ reply, referrals }, { body: 'FOS', externalReference: 'PNX-1', referredAt: AT }, 'sam', AT)).toMatchObject({
      ok: false,
      field: 'externalReference',
    });
    expect(newReferral({ reply }, { body: 'CFPB', externalReference: 'C', referredAt: '2026-06-02T00:00:00.000Z' }, 'sam', AT)).toMatchObject({
      ok: false,
      field: 'referredAt',
    });
  });
});

describe('vulnerable customers', () => {
  it('the two PS25/19 data points, drills and merged complaints left out', () => {
    const v = (caused?: boolean) => ({
      source: 'customer' as const,
      kinds: ['health'],
      adjustments: [],
      at: AT,
      ...(caused !== undefined ? { causedByFailureToRespond: caused } : {}),
    });
    expect(
      vulnerabilityDataPoints([
        { vulnerability: v() },
        { vulnerability: v(true) },
        { vulnerability: v(false) },
        {},
        { vulnerability: { ...v(), kinds: [] } },
        { vulnerability: v(true), drill: { drillId: 'd', scenario: 's' } },
        { vulnerability: v(true), mergedInto: { reference: 'UK-2026-000001', by: 's', at: AT } },
      ]),
    ).toEqual({ fromVulnerableCustomers: 3, causedByFailureToRespond: 1 });
  });

  it('priority: P3 becomes P2, others stay; the queue puts vulnerable customers first, each group by deadline', () => {
    expect([effectivePriority('P3', true), effectivePriority('P1', true), effectivePriority('P3', false)]).toEqual(['P2', 'P1', 'P3']);
    const t = (ref: string, due: string, flags: string[] = []) => ({ ref, nextDueAt: due, flags });
    const order = queueOrder([
      t('a', '2026-06-01'),
      t('b', '2026-06-09', ['vulnerable']),
      t('c', '2026-06-02', ['repeat']),
      t('d', '2026-06-05', ['vulnerable']),
    ]);
    expect(order.map((x) => x.ref)).toEqual(['d', 'b', 'a', 'c']);
  });
});

describe('corrective actions: time from finding to fixing', () => {
  const a = (id: string, createdAt: string, over: Partial<CorrectiveAction> = {}): CorrectiveAction => ({
    id,
    description: 'fix',
    owner: 'hana',
    dueAt: '2026-07-01T00:00:00.000Z',
    createdAt,
    ...over,
  });

  it('median and mean days over closed actions; open and overdue counted; ids by category', () => {
    const actions = [
      a('CA-1', '2026-05-01T00:00:00.000Z', { closedAt: '2026-05-03T00:00:00.000Z', category: 'product' }), // 2 days
      a('CA-2', '2026-05-01T00:00:00.000Z', { closedAt: '2026-05-11T00:00:00.000Z', category: 'product' }), // 10 days
      a('CA-3', '2026-05-01T00:00:00.000Z', { closedAt: '2026-05-04T12:00:00.000Z', category: 'service' }), // 3.5 days
      a('CA-4', '2026-05-20T00:00:00.000Z', { category: 'product', dueAt: '2026-05-30T00:00:00.000Z' }), // overdue
      a('CA-5', '2026-05-21T00:00:00.000Z'),
    ];
    const s = actionSummary(actions, new Date('2026-06-01T00:00:00.000Z'));
    expect({ open: s.open, overdue: s.overdue, closed: s.closed, mean: s.meanDaysToFix, median: s.medianDaysToFix }).toEqual({
      open: 2,
      overdue: 1,
      closed: 3,
      mean: 5.2, // (2 + 10 + 3.5) / 3 = 5.1666
      median: 3.5,
    });
    expect(s.openActions.map((x) => x.id)).toEqual(['CA-4', 'CA-5']);
    expect(s.byCategory).toEqual({
      product: { open: ['CA-4'], closed: ['CA-1', 'CA-2'] },
      service: { open: [], closed: ['CA-3'] },
      uncategorised: { open: ['CA-5'], closed: [] },
    });
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(actionSummary([], new Date()).medianDaysToFix).toBeNull();
  });

  it('a flagged category links to its actions; an unflagged one does not', () => {
    const linked = linkFlaggedCategories(
      [
        { key: 'product', flagged: true },
        { key: 'violation', flagged: true },
        { key: 'service', flagged: false },
      ],
      { byCategory: { product: { open: ['CA-4'], closed: ['CA-1'] }, service: { open: ['CA-9'], closed: [] } } },
    );
    expect(linked).toEqual([
      { key: 'product', flagged: true, actions: { open: ['CA-4'], closed: ['CA-1'] } },
      { key: 'violation', flagged: true, actions: { open: [], closed: [] } },
      { key: 'service', flagged: false },
    ]);
  });

  it('closing needs evidence, once', () => {
    expect(closeAction(a('CA-1', AT), 'hana', AT)).toMatchObject({ ok: false, field: 'evidence' });
    const closed = closeAction(a('CA-1', AT), 'hana', '2026-06-03T10:00:00.000Z', 'release 42');
    expect(closed).toMatchObject({ ok: true, action: { evidence: 'release 42', closedAt: '2026-06-03T10:00:00.000Z', closedBy: 'hana' } });
    expect(closeAction((closed as { action: CorrectiveAction }).action, 'hana', AT)).toMatchObject({ ok: false, field: 'close' });
  });
});
