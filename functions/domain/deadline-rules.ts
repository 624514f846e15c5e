/**
 * The complaint item without its deadlines' standard rule texts (ADR 0025). Every deadline
 * carries the text of the clock it is measured by ('CN: investigation within 7 business days');
 * about 230 bytes on a CN complaint, written at every step of it at 2 units per KB in a
 * transaction. A rule text exactly as the region's profile gives it (computeDeadlines) is left
 * out of the stored item, which names instead the version of the region's standard texts it was
 * written under (`ruleTexts`); reading puts back that version's texts - the texts as they were
 * when the deadline was set, even after a region's clock changes in the code. Every version ever
 * shipped stays in RULE_TEXTS (a unit test fails while the profiles' texts are not its newest
 * version). A text of its own (an extension, a restart for new facts, an item written before
 * this) is kept as it is. Pure.
 */
import { calendarKey, createBusinessCalendar } from './business-calendar.ts';
import { computeDeadlines } from './deadlines.ts';
import { REGIONS, type RegionName } from './regions.ts';

type Deadlines = Record<string, { rule?: string }>;
export type RuleTexts = Readonly<Record<string, string>>;

/**
 * The standard rule texts of each region, by version: append a version when a region's clock
 * changes (never edit one - stored complaints name it). The newest is the profiles' own.
 */
export const RULE_TEXTS: Readonly<Record<RegionName, Readonly<Record<number, RuleTexts>>>> = {
  cn: {
    1: {
      register: 'CN: registration within 1 business day',
      investigate: 'CN: investigation within 7 business days',
      replyTarget: 'CN: reply target within 5 business days',
      finalResponse: 'CN: final response within 15 calendar days',
      qualityControl: 'CN: hand-off to quality control within 30 minutes',
      emergencyStart: 'CN: emergency handling of a major complaint starts within 2 hours',
      handlingPlan: 'CN: cross-department handling plan within 3 business days',
    },
  },
  uk: {
    1: {
      register: 'UK: registration within 1 business day',
      investigate: 'UK: investigation within 10 business days',
      replyTarget: 'UK: reply target within 15 business days',
      finalResponse: 'UK: final response within 56 calendar days',
      summaryResolution: 'UK: summary resolution within 3 business days',
      emergencyStart: 'UK: emergency handling of a major complaint starts within 2 hours',
      handlingPlan: 'UK: cross-department handling plan within 3 business days',
    },
  },
  us: {
    1: {
      register: 'US: registration within 1 business day',
      investigate: 'US: investigation within 7 business days',
      replyTarget: 'US: reply target within 15 calendar days',
      finalResponse: 'US: final response within 60 calendar days',
      emergencyStart: 'US: emergency handling of a major complaint starts within 2 hours',
      handlingPlan: 'US: cross-department handling plan within 3 business days',
    },
  },
};

/**
 * Any instant, on a calendar without holidays: the texts depend on neither (and the region's
 * holiday tables are not expanded for them).
 */
const ANY_RECEIPT = new Date('2026-01-05T02:00:00.000Z');
const texts = new Map<string, RuleTexts>();

/** Each deadline's standard rule text in a region, as its profile gives it now (empty for a region this version does not know). */
export function standardRuleTexts(region: string): RuleTexts {
  let t = texts.get(region);
  if (!t) {
    if (!Object.hasOwn(REGIONS, region)) return {};
    const { profile, calendar } = REGIONS[region as RegionName];
    const noHolidays = createBusinessCalendar(calendar, { holidays: { [calendarKey(calendar)]: { 2026: [], 2027: [] } } });
    const all = computeDeadlines(profile, noHolidays, ANY_RECEIPT, { major: true, crossDepartment: true });
    t = Object.fromEntries(Object.entries(all).map(([name, d]) => [name, d.rule]));
    texts.set(region, t);
  }
  return t;
}

const sameTexts = (a: RuleTexts, b: RuleTexts) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};

/** The registered version the region's current texts are (undefined while RULE_TEXTS lacks them: then nothing is left out). */
export function currentRuleTextsVersion(
  region: string,
  registry: Readonly<Record<string, Readonly<Record<number, RuleTexts>>>> = RULE_TEXTS,
  current: RuleTexts = standardRuleTexts(region),
): number | undefined {
  const versions = Object.hasOwn(registry, region) ? registry[region] : {};
  const found = Object.entries(versions).find(([, t]) => sameTexts(t, current));
  return found ? Number(found[0]) : undefined;
}

/**
 * The deadlines as stored: each standard rule text left out, and the version of the texts left
 * out (to store beside them); unchanged, with no version, when the current texts are not
 * registered.
 */
export function withoutStandardRules<T extends Deadlines | undefined>(
  deadlines: T,
  region: string,
  registry: Readonly<Record<string, Readonly<Record<number, RuleTexts>>>> = RULE_TEXTS,
): { deadlines: T; ruleTexts?: number } {
  if (!deadlines) return { deadlines };
  const version = currentRuleTextsVersion(region, registry);
  if (version === undefined) return { deadlines };
  const standard = registry[region][version];
  let left = 0;
  const stored = Object.fromEntries(
    Object.entries(deadlines).map(([name, d]) => {
      if (d.rule === undefined || d.rule !== standard[name]) return [name, d];
      left++;
      const { rule: _standard, ...rest } = d;
      return [name, rest];
    }),
  ) as T;
  return left ? { deadlines: stored, ruleTexts: version } : { deadlines };
}

/**
 * The deadlines as read: each missing rule text put back from the version of the standard texts
 * the item names (the current texts for an item that names none, or a version this code does not
 * know - written by a newer one).
 */
export function withStandardRules<T extends Deadlines | undefined>(
  deadlines: T,
  region: string,
  ruleTexts?: number,
  registry: Readonly<Record<string, Readonly<Record<number, RuleTexts>>>> = RULE_TEXTS,
): T {
  if (!deadlines) return deadlines;
  const versions = Object.hasOwn(registry, region) ? registry[region] : {};
  const standard = (ruleTexts !== undefined && Object.hasOwn(versions, ruleTexts) ? versions[ruleTexts] : undefined) ?? standardRuleTexts(region);
  return Object.fromEntries(
    Object.entries(deadlines).map(([name, d]) => [name, d.rule === undefined && Object.hasOwn(standard, name) ? { ...d, rule: standard[name] } : d]),
  ) as T;
}

/** A stored complaint item's fields as the complaint: the rule texts put back, `ruleTexts` gone. */
export function withRuleTexts<C extends { deadlines?: Deadlines; region: string }>(stored: C & { ruleTexts?: number }): C {
  const { ruleTexts, ...c } = stored;
  return (c.deadlines ? { ...c, deadlines: withStandardRules(c.deadlines, c.region, ruleTexts) } : c) as unknown as C;
}
