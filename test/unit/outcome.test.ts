/**
 * functions/domain/outcome.ts, exactly (issue 23, mutation testing): the FCA counts with every
 * branch taken, the ledger's refusals with their messages, and entries compared strictly (an
 * optional field is absent, not undefined). The worked examples are in redress-rules.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { RedressEntry } from '../../functions/domain/complaint.ts';
import { type Countable, counted, ledgerBalance, ledgerEntry, outcomeCounts, recordOutcome } from '../../functions/domain/outcome.ts';

const AT = '2026-06-01T10:00:00.000Z';
const EARLIER = '2026-05-30T08:00:00.000Z';
const e = (over: Partial<RedressEntry>): RedressEntry => ({
  id: 'R1',
  amountMinor: 1000,
  currency: 'GBP',
  kind: 'financial-loss',
  by: 'hana',
  at: AT,
  ...over,
});
const decided = (result: 'upheld' | 'partly-upheld' | 'not-upheld', redress?: RedressEntry[]): Countable => ({
  outcome: { result, by: 'hana', at: AT },
  ...(redress ? { redress } : {}),
});

describe('counted: drills and merged complaints left out', () => {
  it('keeps a complaint with neither marker, drops one with either', () => {
    const plain: Countable = {};
    const drill: Countable = { drill: { drillId: 'd', scenario: 's' } };
    const merged: Countable = { mergedInto: { reference: 'UK-2026-000001', by: 'sam', at: AT } };
    expect(counted([plain, drill, merged])).toEqual([plain]);
    expect(counted([drill, merged])).toEqual([]);
  });
});

describe('outcomeCounts, branch by branch', () => {
  it('an upheld complaint without a ledger adds no redress', () => {
    expect(outcomeCounts([decided('upheld')])).toStrictEqual({
      decided: 1,
      upheld: 1,
      partlyUpheld: 0,
      notUpheld: 0,
      undecided: 0,
      upheldRate: 1,
      redress: {},
      goodwillNotUpheld: {},
    });
  });

  it('a not-upheld complaint: only its goodwill is kept apart; other kinds count nowhere', () => {
    const c = decided('not-upheld', [e({ kind: 'fees-refund', amountMinor: 700 }), e({ id: 'R2', kind: 'goodwill', amountMinor: 300 })]);
    expect(outcomeCounts([c])).toStrictEqual({
      decided: 1,
      upheld: 0,
      partlyUpheld: 0,
      notUpheld: 1,
      undecided: 0,
      upheldRate: 0,
      redress: {},
      goodwillNotUpheld: { GBP: 300 },
    });
  });

  it('sums goodwill per currency across complaints, and redress per currency, paid apart', () => {
    const counts = outcomeCounts([
      decided('not-upheld', [e({ kind: 'goodwill', amountMinor: 300 }), e({ id: 'R2', kind: 'goodwill', amountMinor: 200, currency: 'EUR' })]),
      decided('not-upheld', [e({ kind: 'goodwill', amountMinor: 50 })]),
      decided('upheld', [e({ amountMinor: 400, paidAt: EARLIER }), e({ id: 'R2', amountMinor: 100 })]),
      decided('partly-upheld', [e({ amountMinor: 25, paidAt: EARLIER }), e({ id: 'R2', amountMinor: 9, currency: 'USD' })]),
    ]);
    expect(counts.goodwillNotUpheld).toStrictEqual({ GBP: 350, EUR: 200 });
    expect(counts.redress).toStrictEqual({ GBP: { recorded: 525, paid: 425 }, USD: { recorded: 9, paid: 0 } });
    expect(counts.upheldRate).toBe(0.5);
    expect([counts.decided, counts.upheld, counts.partlyUpheld, counts.notUpheld, counts.undecided]).toEqual([4, 2, 1, 2, 0]);
  });

  it('counts the undecided, and gives no rate when nothing is decided', () => {
    expect(outcomeCounts([{}, {}])).toStrictEqual({
      decided: 0,
      upheld: 0,
      partlyUpheld: 0,
      notUpheld: 0,
      undecided: 2,
      upheldRate: null,
      redress: {},
      goodwillNotUpheld: {},
    });
  });
});

describe('ledgerBalance', () => {
  it('totals and paid amounts by currency and kind, a reversal netting its entry', () => {
    expect(
      ledgerBalance([
        e({ amountMinor: 500, paidAt: EARLIER }),
        e({ id: 'R2', amountMinor: 200 }),
        e({ id: 'R3', amountMinor: 300, kind: 'interest', paidAt: EARLIER }),
        e({ id: 'R4', amountMinor: -200, reverses: 'R2' }),
        e({ id: 'R5', amountMinor: 70, currency: 'USD', kind: 'goodwill' }),
      ]),
    ).toStrictEqual({
      GBP: { total: 800, paid: 800, byKind: { 'financial-loss': 500, interest: 300 } },
      USD: { total: 70, paid: 0, byKind: { goodwill: 70 } },
    });
    expect(ledgerBalance([])).toStrictEqual({});
  });
});

describe('ledgerEntry: new entries', () => {
  it('appends R<n+1> with exactly the fields given (no paid date or note unless given)', () => {
    expect(ledgerEntry([e({}), e({ id: 'R2' })], { amountMinor: 1, currency: 'EUR', kind: 'interest' }, 'mia', AT)).toStrictEqual({
      ok: true,
      entry: { id: 'R3', amountMinor: 1, currency: 'EUR', kind: 'interest', by: 'mia', at: AT },
    });
    expect(ledgerEntry([], { amountMinor: 250, currency: 'GBP', kind: 'goodwill', paidAt: AT, note: 'cheque' }, 'mia', AT)).toStrictEqual({
      ok: true,
      entry: { id: 'R1', amountMinor: 250, currency: 'GBP', kind: 'goodwill', by: 'mia', at: AT, paidAt: AT, note: 'cheque' },
    });
  });

  it('accepts a payment made at the moment of recording, refuses one a millisecond later', () => {
    expect(ledgerEntry([], { amountMinor: 5, currency: 'GBP', kind: 'interest', paidAt: AT }, 'h', AT).ok).toBe(true);
    expect(ledgerEntry([], { amountMinor: 5, currency: 'GBP', kind: 'interest', paidAt: '2026-06-01T10:00:00.001Z' }, 'h', AT)).toStrictEqual({
      ok: false,
      field: 'paidAt',
      message: 'must not be in the future',
    });
  });

  const amountRefusal = { ok: false, field: 'amountMinor', message: 'must be a positive whole number of minor units (a correction is a reversal)' };
  it.each([[undefined], [0], [-1], [1.5], [2 ** 53], [Number.NaN]])('refuses amountMinor %s with the reason', (amountMinor) => {
    expect(ledgerEntry([], { amountMinor, currency: 'GBP', kind: 'interest' }, 'h', AT)).toStrictEqual(amountRefusal);
  });
  it('accepts the smallest amount, 1', () => {
    expect(ledgerEntry([], { amountMinor: 1, currency: 'GBP', kind: 'interest' }, 'h', AT).ok).toBe(true);
  });

  it.each([[undefined], [''], ['gbp'], ['GB'], ['GBPX'], ['XGBP'], ['G1P'], ['£'], ['GBP ']])('refuses currency %j as not ISO 4217', (currency) => {
    expect(ledgerEntry([], { amountMinor: 5, currency, kind: 'interest' }, 'h', AT)).toStrictEqual({
      ok: false,
      field: 'currency',
      message: 'must be an ISO 4217 code',
    });
  });

  it('refuses a missing kind, naming it', () => {
    expect(ledgerEntry([], { amountMinor: 5, currency: 'GBP' }, 'h', AT)).toStrictEqual({ ok: false, field: 'kind', message: 'required' });
  });
});

describe('ledgerEntry: reversals', () => {
  const ledger = [e({ id: 'R1', amountMinor: 400, kind: 'interest', currency: 'USD' }), e({ id: 'R2', amountMinor: 900, paidAt: EARLIER })];

  it('negates an unpaid entry without a paid date, and without a note unless given', () => {
    expect(ledgerEntry(ledger, { reverses: 'R1' }, 'mia', AT)).toStrictEqual({
      ok: true,
      entry: { id: 'R3', amountMinor: -400, currency: 'USD', kind: 'interest', by: 'mia', at: AT, reverses: 'R1' },
    });
  });

  it('a paid entry is reversed as paid back now, with the note', () => {
    expect(ledgerEntry(ledger, { reverses: 'R2', note: 'duplicate' }, 'mia', AT)).toStrictEqual({
      ok: true,
      entry: { id: 'R3', amountMinor: -900, currency: 'GBP', kind: 'financial-loss', by: 'mia', at: AT, paidAt: AT, reverses: 'R2', note: 'duplicate' },
    });
  });

  it('refuses an unknown entry, a reversing entry and a second reversal, each with its reason', () => {
    const reversed = [...ledger, e({ id: 'R3', amountMinor: -400, kind: 'interest', currency: 'USD', reverses: 'R1' })];
    expect(ledgerEntry(reversed, { reverses: 'R9' }, 'h', AT)).toStrictEqual({ ok: false, field: 'reverses', message: 'no entry R9 in this ledger' });
    expect(ledgerEntry(reversed, { reverses: 'R3' }, 'h', AT)).toStrictEqual({
      ok: false,
      field: 'reverses',
      message: 'a reversing entry cannot be reversed; add a new entry instead',
    });
    expect(ledgerEntry(reversed, { reverses: 'R1' }, 'h', AT)).toStrictEqual({ ok: false, field: 'reverses', message: 'entry R1 is already reversed' });
    // R2 is not reversed although another entry is.
    expect(ledgerEntry(reversed, { reverses: 'R2' }, 'h', AT)).toMatchObject({ ok: true, entry: { id: 'R4', reverses: 'R2' } });
  });

  it('an empty reverses names no entry: refused, not taken as a new entry', () => {
    expect(ledgerEntry(ledger, { reverses: '', amountMinor: 5, currency: 'GBP', kind: 'interest' }, 'h', AT)).toStrictEqual({
      ok: false,
      field: 'reverses',
      message: 'no entry  in this ledger',
    });
  });
});

describe('recordOutcome', () => {
  it('records the result, who and when, and the note only when there is one', () => {
    expect(recordOutcome('partly-upheld', 'hana', AT)).toStrictEqual({ result: 'partly-upheld', by: 'hana', at: AT });
    expect(recordOutcome('upheld', 'hana', AT, '')).toStrictEqual({ result: 'upheld', by: 'hana', at: AT });
    expect(recordOutcome('not-upheld', 'sam', AT, 'terms allow the fee')).toStrictEqual({
      result: 'not-upheld',
      by: 'sam',
      at: AT,
      note: 'terms allow the fee',
    });
  });
});
