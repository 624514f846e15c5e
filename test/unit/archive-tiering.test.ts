/**
 * The archive's storage classes (infra/archive-tiering.ts): the size thresholds of its
 * lifecycle rules put every object in the cheapest of Standard, Deep Archive after 90 days, and
 * Standard-IA from day 30 on the way there - at the list prices of bench/prices.json.
 */
import { describe, expect, it } from 'vitest';
import { archiveTiering, planFor, storageCost, type ArchivePlan } from '../../infra/archive-tiering.ts';

const PLANS: ArchivePlan[] = ['standard', 'deep-archive', 'standard-ia-then-deep-archive'];

describe('archive tiering', () => {
  for (const years of [3, 5, 7]) {
    it(`gives every object size the cheapest plan for ${years} years' retention`, () => {
      const t = archiveTiering(years);
      for (let kib = 1; kib <= 2048; kib += 1) {
        const bytes = kib * 1024;
        const costs = PLANS.map((p) => storageCost(bytes, t.keepDays, p));
        const chosen = storageCost(bytes, t.keepDays, planFor(bytes, t));
        // Cheapest, but for the KiB the thresholds are rounded up to: under a millionth of a dollar.
        expect(chosen - Math.min(...costs), `${kib} KiB`).toBeLessThan(1e-6);
        if (Math.abs(bytes - t.deepArchiveAbove) > 1024 && Math.abs(bytes - t.standardIaAbove) > 1024) expect(chosen, `${kib} KiB`).toBe(Math.min(...costs));
      }
    });
  }

  it('keeps a typical record (2.4 KB) in Standard: a twentieth of what Deep Archive would cost it', () => {
    const t = archiveTiering(3);
    expect(planFor(2458, t)).toBe('standard');
    expect(storageCost(2458, t.keepDays, 'standard') * 20).toBeLessThan(storageCost(2458, t.keepDays, 'deep-archive'));
    expect(t.deepArchiveAbove / 1024).toBe(80);
    expect(archiveTiering(5).deepArchiveAbove / 1024).toBe(51);
  });

  it('sends objects to Standard-IA only where its 128 KB minimum and its transition are paid back', () => {
    const t = archiveTiering(3);
    expect(t.standardIaAbove).toBeGreaterThan(128 * 1024);
    expect(storageCost(t.standardIaAbove - 4096, t.keepDays, 'standard-ia-then-deep-archive')).toBeGreaterThan(
      storageCost(t.standardIaAbove - 4096, t.keepDays, 'deep-archive'),
    );
    expect(storageCost(t.standardIaAbove + 4096, t.keepDays, 'standard-ia-then-deep-archive')).toBeLessThan(
      storageCost(t.standardIaAbove + 4096, t.keepDays, 'deep-archive'),
    );
  });

  it('refuses a retention too short for Deep Archive minimum duration', () => {
    expect(() => archiveTiering(0)).toThrow(/minimum duration/);
  });
});
