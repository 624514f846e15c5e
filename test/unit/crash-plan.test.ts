/**
 * The crash test's plan is a pure function of its seed (issue 23: SEED=<n> replays the same
 * complaints and kill points), and its kill points are progress counts that a run surely reaches.
 */
import { describe, expect, it } from 'vitest';
import { crashPlan, KILL_KINDS, planDigest, progressSpan } from '../support/crash-plan.ts';

const SIZE = { complaints: 24, kills: 3 };

describe('crash plan', () => {
  it('the same seed gives the same plan, whatever was drawn before or in between', () => {
    const first = crashPlan(1234, SIZE);
    crashPlan(99, SIZE);
    Math.random();
    const again = crashPlan(1234, SIZE);
    expect(again).toEqual(first);
    expect(planDigest(again)).toBe(planDigest(first));
    expect(planDigest(first)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('another seed gives another plan (complaints, arrivals and kill points), and the seed is in every key', () => {
    const a = crashPlan(1, SIZE);
    const b = crashPlan(2, SIZE);
    expect(planDigest(a)).not.toBe(planDigest(b));
    expect(b.complaints.map((c) => c.key)).toEqual(Array.from({ length: 24 }, (_, i) => `crash-2-${i}`));
    const seeds = Array.from({ length: 20 }, (_, i) => crashPlan(i + 1, SIZE));
    expect(new Set(seeds.map((p) => JSON.stringify(p.kills))).size).toBeGreaterThan(1);
    expect(new Set(seeds.map((p) => p.complaints.map((c) => c.path).join())).size).toBeGreaterThan(1);
  });

  it('kill points: the kinds in turn, each within what a run surely reaches, in increasing order per kind', () => {
    for (const size of [SIZE, { complaints: 150, kills: 30, soak: true }]) {
      for (let seed = 1; seed <= 50; seed++) {
        const { kills, complaints, arrivalPausesMs } = crashPlan(seed, size);
        expect(complaints).toHaveLength(size.complaints);
        expect(arrivalPausesMs).toHaveLength(size.complaints);
        expect(kills.map((k) => k.kind)).toEqual(Array.from({ length: size.kills }, (_, i) => KILL_KINDS[i % 4]));
        for (const kind of KILL_KINDS) {
          const at = kills.filter((k) => k.kind === kind).map((k) => k.at);
          for (const n of at) {
            expect(Number.isInteger(n)).toBe(true);
            expect(n).toBeGreaterThanOrEqual(1);
            expect(n).toBeLessThanOrEqual(progressSpan(kind, size.complaints));
          }
          expect(at).toEqual([...at].sort((x, y) => x - y));
        }
      }
    }
  });

  it('the spans: intake before the last arrivals; staff progress within four actions per complaint', () => {
    expect(progressSpan('intake', 24)).toBe(19);
    expect(progressSpan('staff', 24)).toBe(72);
    expect(progressSpan('workflow', 24)).toBe(72);
    expect(progressSpan('anywhere', 24)).toBe(144);
  });
});
