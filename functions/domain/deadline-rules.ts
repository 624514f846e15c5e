/**
 * The complaint item without its deadlines' standard rule texts (ADR 0025). Every deadline
 * carries the text of the clock it is measured by ('CN: investigation within 7 business days');
 * about 230 bytes on a CN complaint, written at every step of it at 2 units per KB in a
 * transaction. A rule text exactly as the region's profile gives it (computeDeadlines) is left
 * out of the stored item and put back when the item is read; a text of its own (an extension, a
 * restart for new facts, an item written before this) is kept as it is. Pure.
 */
import { calendarKey, createBusinessCalendar } from './business-calendar.ts';
import { computeDeadlines } from './deadlines.ts';
import { REGIONS, type RegionName } from './regions.ts';

type Deadlines = Record<string, { rule?: string }>;

/**
 * Any instant, on a calendar without holidays: the texts depend on neither (and the region's
 * holiday tables are not expanded for them).
 */
const ANY_RECEIPT = new Date('2026-01-05T02:00:00.000Z');
const texts = new Map<string, Readonly<Record<string, string>>>();

/** Each deadline's standard rule text in a region (empty for a region this version does not know). */
export function standardRuleTexts(region: string): Readonly<Record<string, string>> {
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

/** The deadlines as stored: each standard rule text left out. */
export function withoutStandardRules<T extends Deadlines | undefined>(deadlines: T, region: string): T {
  if (!deadlines) return deadlines;
  const standard = standardRuleTexts(region);
  return Object.fromEntries(
    Object.entries(deadlines).map(([name, d]) => {
      if (d.rule === undefined || d.rule !== standard[name]) return [name, d];
      const { rule: _standard, ...rest } = d;
      return [name, rest];
    }),
  ) as T;
}

/** The deadlines as read: each missing rule text put back from the region's profile. */
export function withStandardRules<T extends Deadlines | undefined>(deadlines: T, region: string): T {
  if (!deadlines) return deadlines;
  const standard = standardRuleTexts(region);
  return Object.fromEntries(
    Object.entries(deadlines).map(([name, d]) => [name, d.rule === undefined && standard[name] !== undefined ? { ...d, rule: standard[name] } : d]),
  ) as T;
}
