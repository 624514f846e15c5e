/**
 * The regulatory returns' taxonomies (data consistent, classes checked naming the field, the
 * suggestion from the classification) and use cases on an in-memory store: a provisional return
 * while the period runs, the first production kept once it ended, a later change listed as late,
 * the drill-down's cells, and who may do what.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../functions/domain/authorization.ts';
import type { Counters } from '../../functions/domain/dashboard.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import type { CounterItem, IndexEntry, ItemPut, LateChange, ReturnSnapshot, ReturnStore } from '../../functions/domain/returns.ts';
import { returnsDelta } from '../../functions/domain/returns.ts';
import { checkRegulatoryClass, suggestRegulatoryClass, TAXONOMIES, UK_CAUSES, UK_PRODUCT_GROUPS } from '../../functions/domain/taxonomies.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { ForbiddenError, ValidationError } from '../../functions/shared/errors.ts';
import { getRegulatoryReturn, listReturnComplaints } from '../../functions/use-cases/oversight/returns.ts';
import { calendarOf, complaint, replied, uk } from '../support/returns-fixtures.ts';

/** The store as DynamoDB keeps it: counters by ADD, index and log items put whole. */
class MemoryStore implements ReturnStore {
  counters = new Map<string, Map<string, Counters>>();
  items = new Map<string, Map<string, Record<string, unknown>>>();
  snaps = new Map<string, ReturnSnapshot>();
  apply(change: ReturnType<typeof returnsDelta>) {
    for (const u of change.counters) {
      const part = this.counters.get(u.pk) ?? new Map();
      const k = part.get(u.sk) ?? {};
      for (const [n, v] of Object.entries(u.add)) k[n] = (k[n] ?? 0) + v;
      part.set(u.sk, k);
      this.counters.set(u.pk, part);
    }
    for (const p of change.puts as ItemPut[]) {
      const part = this.items.get(p.pk) ?? new Map();
      part.set(p.sk, p.attributes);
      this.items.set(p.pk, part);
    }
  }
  async returnCounters(region: string, period: string, earlier: boolean): Promise<CounterItem[]> {
    return [...(this.counters.get(`AGGRET#${region}`) ?? new Map()).entries()]
      .filter(([sk]) => (earlier ? sk < `${period}$` : sk.startsWith(`${period}#`)))
      .map(([sk, counters]) => ({ sk, counters }));
  }
  async returnIndex(region: string, period: string, metric: string): Promise<IndexEntry[]> {
    return [...(this.items.get(`AGGRETIX#${region}#${period}#${metric}`) ?? new Map()).entries()]
      .filter(([, v]) => v.in === 1)
      .map(([sk, v]) => ({ key: sk.slice(0, sk.lastIndexOf('#')), reference: String(v.reference), row: v as Record<string, string> }));
  }
  async unresolved(region: string) {
    return this.returnIndex(region, 'open', 'outstanding');
  }
  async lateChanges(region: string, period: string, after: string): Promise<LateChange[]> {
    return [...(this.items.get(`AGGRETLOG#${region}#${period}`) ?? new Map()).entries()]
      .filter(([sk]) => sk > `${after}\uffff`)
      .map(([, v]) => v as unknown as LateChange);
  }
  async snapshot(region: string, period: string) {
    return this.snaps.get(`${region}${period}`);
  }
  async saveSnapshot(region: string, period: string, snap: ReturnSnapshot) {
    const key = `${region}${period}`;
    if (!this.snaps.has(key)) this.snaps.set(key, structuredClone(snap));
    return this.snaps.get(key)!;
  }
}

const mia: Actor = { id: 'mia', name: 'Mia', roles: ['manager'], department: 'cards' };
const quinn: Actor = { id: 'quinn', name: 'Quinn', roles: ['quality'], department: 'quality' };
const hana: Actor = { id: 'hana', name: 'Hana', roles: ['handler'], department: 'cards' };

describe('taxonomies', () => {
  it('every region has a version and a source; the UK has the five PS25/19 product groupings', () => {
    for (const t of Object.values(TAXONOMIES)) {
      expect(t.version).toMatch(/^(uk|us|cn)-/);
      expect(t.sourceUrl).toMatch(/^https:\/\//);
    }
    expect(UK_PRODUCT_GROUPS.map((g) => g.code)).toEqual([
      'banking-credit-cards',
      'home-finance',
      'insurance-protection',
      'decumulation-pensions',
      'investments',
    ]);
    expect(UK_CAUSES.length).toBeGreaterThanOrEqual(5);
    expect(TAXONOMIES.us.subset).toMatch(/representative subset/);
    const codes = [...TAXONOMIES.cn.a, ...TAXONOMIES.cn.b, ...TAXONOMIES.cn.c].map((x) => x.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('checks a class against the region, naming the field', () => {
    expect(checkRegulatoryClass('uk', { uk: { productGroup: 'home-finance', cause: 'arrears' } })).toEqual([]);
    expect(checkRegulatoryClass('uk', { cn: { a: 'A01', b: 'B01', c: 'C01' } })).toEqual([{ field: 'uk', message: 'is required for a UK complaint' }]);
    expect(checkRegulatoryClass('cn', { cn: { a: 'A99', b: 'B01', c: 'C01' } }).map((p) => p.field)).toEqual(['cn.a']);
    expect(checkRegulatoryClass('us', { us: { product: 'Credit card', issue: 'Managing an account' } }).map((p) => p.field)).toEqual(['us.issue']);
    expect(checkRegulatoryClass('us', { us: { product: 'Credit card', issue: 'Fees or interest', subIssue: 'Problem with fees' } })).toEqual([]);
  });

  it('suggests a class from the classification, department and words, with its reasons', () => {
    const base = {
      channel: 'web' as const,
      matter: { description: 'My mortgage arrears letters were charged' },
      classification: { nature: 'product' as const, channelType: 'online' as const },
    };
    const s = suggestRegulatoryClass({ ...base, region: 'uk', assignment: { team: 'loans' } });
    expect(s?.regulatoryClass.uk).toEqual({ productGroup: 'home-finance', cause: 'arrears' });
    expect(s?.reasons.length).toBe(2);
    expect(
      suggestRegulatoryClass({ ...base, region: 'cn', channel: 'branch', assignment: { team: 'cards' }, matter: { description: '信用卡年费' } })
        ?.regulatoryClass.cn,
    ).toEqual({
      a: 'A01',
      b: 'B03',
      c: 'C05',
    });
    const us = suggestRegulatoryClass({ ...base, region: 'us', assignment: { team: 'cards' }, matter: { description: 'an annual fee I never agreed to' } })!;
    expect(us.regulatoryClass.us).toMatchObject({ product: 'Credit card', issue: 'Fees or interest' });
    expect(checkRegulatoryClass('us', us.regulatoryClass)).toEqual([]);
  });
});

describe('producing a return', () => {
  const ukRegion = REGIONS.uk;
  const cal = calendarOf('uk');
  const a = complaint('uk', '2026-02-02T10:00:00Z', { ...uk('home-finance', 'arrears'), ...replied('2026-02-03T10:00:00Z') });
  const b = complaint('uk', '2026-03-02T10:00:00Z', uk('investments', 'other'));
  const store = new MemoryStore();
  store.apply(returnsDelta(undefined, a, calendarOf, { eventId: 'e1', at: a.updatedAt }));
  store.apply(returnsDelta(undefined, b, calendarOf, { eventId: 'e2', at: b.updatedAt }));
  const clock = new ManualClock(new Date('2026-06-30T12:00:00Z'));
  const deps = { region: ukRegion, clock, calendar: cal };

  it('is provisional while the period runs, and stores nothing', async () => {
    const r = await getRegulatoryReturn(deps, mia, { period: '2026H1' }, store);
    expect(r.status).toBe('provisional');
    expect(r.return.region === 'uk' && r.return.total.opened).toBe(2);
    expect(store.snaps.size).toBe(0);
  });

  it('once the period ended: the first production is kept, a later change is listed and shown beside it', async () => {
    clock.set(new Date('2026-07-01T08:00:00Z'));
    const first = await getRegulatoryReturn(deps, quinn, { period: '2026H1' }, store);
    expect(first).toMatchObject({ status: 'final', firstProducedAt: '2026-07-01T08:00:00.000Z', firstProducedBy: 'quinn', lateChanges: [] });
    expect(first.current).toBeUndefined();

    clock.set(new Date('2026-07-03T08:00:00Z'));
    const moved = { ...b, ...uk('investments', 'advising-selling-arranging'), updatedAt: '2026-07-02T09:00:00.000Z', version: 2 };
    store.apply(returnsDelta(b, moved, calendarOf, { eventId: 'e3', at: moved.updatedAt }));
    const again = await getRegulatoryReturn(deps, mia, { period: '2026H1' }, store);
    expect(again.return).toEqual(first.return);
    expect(again.firstProducedBy).toBe('quinn');
    expect(again.lateChanges).toEqual([
      { reference: b.reference, at: '2026-07-02T09:00:00.000Z', changes: ['-opened investments|other', '+opened investments|advising-selling-arranging'] },
    ]);
    expect(again.current?.region === 'uk' && again.current.byCause.find((c) => c.code === 'advising-selling-arranging')?.figures.opened).toBe(1);
  });

  it('drills down by figure and cell; refuses a figure or a cell of another region, and a handler', async () => {
    const r = await listReturnComplaints(deps, mia, { period: '2026H1', figure: 'closedWithin3BusinessDays' }, store);
    expect(r.complaints).toEqual([{ reference: a.reference, cell: { productGroup: 'home-finance', cause: 'arrears' } }]);
    expect((await listReturnComplaints(deps, mia, { period: '2026H1', figure: 'opened', cause: 'arrears' }, store)).count).toBe(1);
    await expect(listReturnComplaints(deps, mia, { period: '2026H1', figure: 'received' }, store)).rejects.toThrow(ValidationError);
    await expect(listReturnComplaints(deps, mia, { period: '2026H1', figure: 'opened', a: 'A01' }, store)).rejects.toThrow(ValidationError);
    await expect(getRegulatoryReturn(deps, mia, { period: '2026Q1' }, store)).rejects.toThrow(ValidationError);
    await expect(getRegulatoryReturn(deps, hana, { period: '2026H1' }, store)).rejects.toThrow(ForbiddenError);
  });
});
