/** The deadlines' standard rule texts left out of the stored complaint item and put back on reading, by version (ADR 0025). */
import { describe, expect, it } from 'vitest';
import { shippedCalendar } from '../../functions/domain/calendar-data.ts';
import {
  currentRuleTextsVersion,
  RULE_TEXTS,
  standardRuleTexts,
  withoutStandardRules,
  withRuleTexts,
  withStandardRules,
} from '../../functions/domain/deadline-rules.ts';
import { computeDeadlines, extendDeadline } from '../../functions/domain/deadlines.ts';
import { REGIONS, type RegionName } from '../../functions/domain/regions.ts';

const REGION_NAMES = Object.keys(REGIONS) as RegionName[];
type D = Record<string, { dueAt: string; rule?: string }>;

describe('deadline rule texts', () => {
  it.each(REGION_NAMES)("%s: the profile's texts now are the newest registered version (add a version when a clock changes; never edit one)", (region) => {
    const versions = Object.keys(RULE_TEXTS[region]).map(Number);
    expect(currentRuleTextsVersion(region)).toBe(Math.max(...versions));
    expect(RULE_TEXTS[region][Math.max(...versions)]).toEqual(standardRuleTexts(region));
  });

  it.each(REGION_NAMES)(
    '%s: every deadline computeDeadlines gives loses its text when stored, names the version, and gets the same text back when read',
    (region) => {
      const deadlines = computeDeadlines(REGIONS[region].profile, shippedCalendar(region), new Date('2026-07-01T08:00:00.000Z'), {
        major: true,
        crossDepartment: true,
      }) as unknown as D;
      const stored = withoutStandardRules(deadlines, region);
      expect(stored.ruleTexts).toBe(1);
      for (const [name, d] of Object.entries(stored.deadlines)) {
        expect(d, name).not.toHaveProperty('rule');
        expect(d.dueAt).toBe(deadlines[name]!.dueAt);
      }
      expect(withStandardRules(stored.deadlines, region, stored.ruleTexts)).toEqual(deadlines);
      const item = { region, deadlines: stored.deadlines, ruleTexts: stored.ruleTexts, reference: 'X-1' };
      expect(withRuleTexts(item)).toEqual({ region, deadlines, reference: 'X-1' });
    },
  );

  it("reads the texts of the version an item was stored under, after a region's clock changed", () => {
    const v1 = RULE_TEXTS.cn[1]!;
    const v2 = { ...v1, investigate: 'CN: investigation within 10 business days' };
    const before = { cn: { 1: v1 } };
    const after = { cn: { 1: v1, 2: v2 } };
    const deadlines: D = { investigate: { dueAt: 'a', rule: v1.investigate }, register: { dueAt: 'b', rule: v1.register } };
    const stored = withoutStandardRules(deadlines, 'cn', before);
    expect(stored).toEqual({ deadlines: { investigate: { dueAt: 'a' }, register: { dueAt: 'b' } }, ruleTexts: 1 });
    expect(withStandardRules(stored.deadlines, 'cn', 1, after)).toEqual(deadlines);
    expect(withStandardRules(stored.deadlines, 'cn', 2, after).investigate.rule).toBe(v2.investigate);
    // A registry without the current texts: nothing is left out, no version named.
    expect(currentRuleTextsVersion('cn', { cn: { 2: v2 } })).toBeUndefined();
    expect(withoutStandardRules(deadlines, 'cn', { cn: { 2: v2 } })).toEqual({ deadlines });
    expect(currentRuleTextsVersion('cn', after, v2)).toBe(2);
    expect(currentRuleTextsVersion('cn', after, { ...v2, extra: 'x' })).toBeUndefined();
    expect(currentRuleTextsVersion('cn', after, { investigate: v2.investigate })).toBeUndefined();
  });

  it('keeps a text of its own: an extension, a restart, another region, an item stored before', () => {
    const cal = shippedCalendar('cn');
    const profile = REGIONS.cn.profile;
    const received = new Date('2026-03-02T01:00:00.000Z');
    const d = computeDeadlines(profile, cal, received);
    const extension = extendDeadline(profile, cal, received, 0, new Date(d.finalResponse.dueAt))!;
    const own = {
      finalResponse: { dueAt: extension.dueAt, rule: extension.rule },
      investigate: { dueAt: d.investigate.dueAt, rule: `${d.investigate.rule} (restarted: new facts)` },
      register: { dueAt: d.register.dueAt, rule: standardRuleTexts('uk').register },
    };
    expect(extension.rule).not.toBe(standardRuleTexts('cn').finalResponse);
    expect(withoutStandardRules(own, 'cn')).toEqual({ deadlines: own });
    expect(withStandardRules(own, 'cn')).toEqual(own);
    expect(withStandardRules(own, 'cn', 1)).toEqual(own);
  });

  it('fills in only what is missing, from the current texts for an item naming no version or one this code does not know', () => {
    expect(withStandardRules({ investigate: { dueAt: 'x' }, custom: { dueAt: 'y' } } as D, 'cn')).toEqual({
      investigate: { dueAt: 'x', rule: 'CN: investigation within 7 business days' },
      custom: { dueAt: 'y' },
    });
    expect(withStandardRules({ investigate: { dueAt: 'x' } } as D, 'cn', 99).investigate.rule).toBe('CN: investigation within 7 business days');
    const text: D = { investigate: { dueAt: 'x', rule: 'CN: investigation within 7 business days' } };
    expect(withoutStandardRules(text, 'mars')).toEqual({ deadlines: text });
    expect(withStandardRules({ investigate: { dueAt: 'x' } } as D, 'mars')).toEqual({ investigate: { dueAt: 'x' } });
    expect(withStandardRules({ constructor: { dueAt: 'x' } } as D, 'cn')).toEqual({ constructor: { dueAt: 'x' } });
    expect(withoutStandardRules(undefined, 'cn')).toEqual({ deadlines: undefined });
    expect(withStandardRules(undefined, 'cn')).toBeUndefined();
  });
});
