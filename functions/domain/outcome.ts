/**
 * Outcome and redress (issue 19 B): the pure rules. No AWS, no clock.
 *
 * - Every complaint that is answered has an outcome: upheld, partly upheld or not upheld. For
 *   the FCA's counting (DISP 1 Annex 1R) partly upheld counts as upheld.
 * - The redress ledger is append-only: an entry is never changed or removed; a correction is a
 *   reversing entry (the opposite amount, naming the entry it reverses), then a new entry.
 * - A goodwill payment on a complaint that is not upheld does not make it upheld, and is not
 *   redress paid on an upheld complaint.
 * - Complaints of a drill (`drill` set by the drills part) are never counted.
 */
import type { Complaint, ComplaintOutcome, OutcomeResult, RedressEntry, RedressKind } from './complaint.ts';

/** FCA counting: partly upheld counts as upheld. */
export function countsAsUpheld(result: OutcomeResult | undefined): boolean {
  return result === 'upheld' || result === 'partly-upheld';
}

/** What a count looks at: the outcome, the ledger, and the markers that leave a complaint out. */
export type Countable = Pick<Complaint, 'outcome' | 'redress' | 'mergedInto'> & { drill?: unknown };

/** Complaints a regulator's or a KPI's count takes: not a drill, not merged into another (that one is counted). */
export function counted<T extends Countable>(complaints: readonly T[]): T[] {
  return complaints.filter((c) => !c.drill && !c.mergedInto);
}

export interface OutcomeCounts {
  /** Complaints with an outcome. */
  decided: number;
  /** Upheld, partly upheld included (FCA). */
  upheld: number;
  partlyUpheld: number;
  notUpheld: number;
  /** Complaints without an outcome yet (open, not yet answered). */
  undecided: number;
  /** FCA upheld rate: upheld / decided (null with none decided). */
  upheldRate: number | null;
  /**
   * Redress on upheld complaints, net of reversals, by currency (minor units): `paid` counts the
   * entries with a paid date. Goodwill on a complaint not upheld is left out (`goodwillNotUpheld`).
   */
  redress: Record<string, { recorded: number; paid: number }>;
  goodwillNotUpheld: Record<string, number>;
}

/** The FCA's outcome figures over a set of complaints (drills and merged complaints left out). */
export function outcomeCounts(complaints: readonly Countable[]): OutcomeCounts {
  const out: OutcomeCounts = { decided: 0, upheld: 0, partlyUpheld: 0, notUpheld: 0, undecided: 0, upheldRate: null, redress: {}, goodwillNotUpheld: {} };
  for (const c of counted(complaints)) {
    const result = c.outcome?.result;
    if (!result) {
      out.undecided++;
      continue;
    }
    out.decided++;
    if (countsAsUpheld(result)) out.upheld++;
    else out.notUpheld++;
    if (result === 'partly-upheld') out.partlyUpheld++;
    for (const e of c.redress ?? []) {
      if (countsAsUpheld(result)) {
        out.redress[e.currency] ??= { recorded: 0, paid: 0 };
        const r = out.redress[e.currency];
        r.recorded += e.amountMinor;
        if (e.paidAt) r.paid += e.amountMinor;
      } else if (e.kind === 'goodwill') {
        out.goodwillNotUpheld[e.currency] = (out.goodwillNotUpheld[e.currency] ?? 0) + e.amountMinor;
      }
    }
  }
  out.upheldRate = out.decided ? out.upheld / out.decided : null;
  return out;
}

/** The ledger's balance by currency and kind, reversals netted (minor units). */
export function ledgerBalance(entries: readonly RedressEntry[]): Record<string, { total: number; paid: number; byKind: Partial<Record<RedressKind, number>> }> {
  const out: Record<string, { total: number; paid: number; byKind: Partial<Record<RedressKind, number>> }> = {};
  for (const e of entries) {
    out[e.currency] ??= { total: 0, paid: 0, byKind: {} };
    const b = out[e.currency];
    b.total += e.amountMinor;
    if (e.paidAt) b.paid += e.amountMinor;
    b.byKind[e.kind] = (b.byKind[e.kind] ?? 0) + e.amountMinor;
  }
  return out;
}

/** A new entry (amountMinor, currency, kind, optionally paidAt), or the reversal of one (reverses). */
export interface LedgerRequest {
  amountMinor?: number;
  currency?: string;
  kind?: RedressKind;
  paidAt?: string;
  reverses?: string;
  note?: string;
}

/**
 * The entry a request appends to the ledger, or why it may not. A new entry has a positive
 * amount; a reversal takes the reversed entry's amount, currency, kind and paid date, negated,
 * and an entry is reversed once at most (and a reversal never).
 */
export function ledgerEntry(
  ledger: readonly RedressEntry[],
  request: LedgerRequest,
  by: string,
  at: string,
): { ok: true; entry: RedressEntry } | { ok: false; field: string; message: string } {
  const id = `R${ledger.length + 1}`;
  if (request.reverses !== undefined) {
    const target = ledger.find((e) => e.id === request.reverses);
    if (!target) return { ok: false, field: 'reverses', message: `no entry ${request.reverses} in this ledger` };
    if (target.reverses) return { ok: false, field: 'reverses', message: 'a reversing entry cannot be reversed; add a new entry instead' };
    if (ledger.some((e) => e.reverses === target.id)) return { ok: false, field: 'reverses', message: `entry ${target.id} is already reversed` };
    return {
      ok: true,
      entry: {
        id,
        amountMinor: -target.amountMinor,
        currency: target.currency,
        kind: target.kind,
        by,
        at,
        ...(target.paidAt ? { paidAt: at } : {}),
        reverses: target.id,
        ...(request.note ? { note: request.note } : {}),
      },
    };
  }
  const { amountMinor, currency, kind } = request;
  if (amountMinor === undefined || !Number.isSafeInteger(amountMinor) || amountMinor <= 0)
    return { ok: false, field: 'amountMinor', message: 'must be a positive whole number of minor units (a correction is a reversal)' };
  if (!currency || !/^[A-Z]{3}$/.test(currency)) return { ok: false, field: 'currency', message: 'must be an ISO 4217 code' };
  if (!kind) return { ok: false, field: 'kind', message: 'required' };
  if (request.paidAt && request.paidAt > at) return { ok: false, field: 'paidAt', message: 'must not be in the future' };
  return {
    ok: true,
    entry: {
      id,
      amountMinor,
      currency,
      kind,
      by,
      at,
      ...(request.paidAt ? { paidAt: request.paidAt } : {}),
      ...(request.note ? { note: request.note } : {}),
    },
  };
}

/** The outcome as recorded: who and when, the previous one kept in the history by the caller. */
export function recordOutcome(result: OutcomeResult, by: string, at: string, note?: string): ComplaintOutcome {
  return { result, by, at, ...(note ? { note } : {}) };
}
