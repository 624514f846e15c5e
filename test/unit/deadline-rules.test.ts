/** The deadlines' standard rule texts left out of the stored complaint item and put back on reading (ADR 0025). */
import { describe, expect, it } from 'vitest';
import { shippedCalendar } from '../../functions/domain/calendar-data.ts';
import { standardRuleTexts, withoutStandardRules, withStandardRules } from '../../functions/domain/deadline-rules.ts';
import { computeDeadlines, extendDeadline } from '../../functions/domain/deadlines.ts';
import { REGIONS, type RegionName } from '../../functions/domain/regions.ts';

const REGION_NAMES = Object.keys(REGIONS) as RegionName[];

describe('deadline rule texts', () => {
  it.each(REGION_NAMES)('%s: every deadline computeDeadlines gives loses its text when stored and gets the same text back when read', (region) => {
    const deadlines = computeDeadlines(REGIONS[region].profile, shippedCalendar(region), new Date('2026-07-01T08:00:00.000Z'), {
      major: true,
      crossDepartment: true,
    });
    const stored = withoutStandardRules(deadlines as Record<string, { rule?: string; dueAt: string }>, region);
    for (const [name, d] of Object.entries(stored)) {
      expect(d, name).not.toHaveProperty('rule');
      expect(d.dueAt).toBe(deadlines[name as keyof typeof deadlines]!.dueAt);
    }
    expect(withStandardRules(stored, region)).toEqual(deadlines);
  });

  it('the texts are what the profiles say (a change of a clock changes the text read for items stored without one)', () => {
    expect(standardRuleTexts('cn')).toEqual({
      register: 'CN: registration within 1 business day',
      qualityControl: 'CN: hand-off to quality control within 30 minutes',
      investigate: 'CN: investigation within 7 business days',
      replyTarget: 'CN: reply target within 5 business days',
      finalResponse: 'CN: final response within 15 calendar days',
      emergencyStart: 'CN: emergency handling of a major complaint starts within 2 hours',
      handlingPlan: 'CN: cross-department handling plan within 3 business days',
    });
    expect(standardRuleTexts('uk').finalResponse).toMatch(/^UK[^:]*: final response within 56 calendar days$/);
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
    expect(withoutStandardRules(own, 'cn')).toEqual(own);
    expect(withStandardRules(own, 'cn')).toEqual(own);
  });

  it('fills in only what is missing, and leaves deadlines of a name or region it does not know alone', () => {
    const stored = (d: Record<string, { dueAt: string; rule?: string }>) => d;
    expect(withStandardRules(stored({ investigate: { dueAt: 'x' }, custom: { dueAt: 'y' } }), 'cn')).toEqual({
      investigate: { dueAt: 'x', rule: 'CN: investigation within 7 business days' },
      custom: { dueAt: 'y' },
    });
    const text = stored({ investigate: { dueAt: 'x', rule: 'CN: investigation within 7 business days' } });
    expect(withoutStandardRules(text, 'mars')).toEqual(text);
    expect(withStandardRules(stored({ investigate: { dueAt: 'x' } }), 'mars')).toEqual({ investigate: { dueAt: 'x' } });
    expect(withoutStandardRules(undefined, 'cn')).toBeUndefined();
    expect(withStandardRules(undefined, 'cn')).toBeUndefined();
  });
});
