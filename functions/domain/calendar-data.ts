/**
 * Business calendars as data (issue 22): per region and year, the official adjustments that the
 * holiday library (date-holidays, the base) does not know - China's make-up working weekends and
 * extra days off of the State Council's yearly notice, a UK one-off bank holiday, a US closing -
 * each year with its official source, and whether the year is confirmed.
 *
 * Two layers, merged per year (an override replaces the shipped year whole):
 *  - shipped: ./calendars/<region>.json, in the repository (reviewed like code);
 *  - overrides: added or corrected at runtime by an administrator (use-cases/calendar), stored as
 *    a versioned item of the table, no redeploy.
 *
 * Pure: no I/O, no clock. The use cases load the overrides and pass the merged data here.
 */
import { createBusinessCalendar, type BusinessCalendar, type CalendarConfig } from './business-calendar.ts';
import CN from './calendars/cn.json' with { type: 'json' };
import UK from './calendars/uk.json' with { type: 'json' };
import US from './calendars/us.json' with { type: 'json' };
import { REGIONS, type RegionName } from './regions.ts';

export type YearStatus = 'confirmed' | 'unconfirmed';

/** The official document a year's adjustments come from. */
export interface CalendarSource {
  title: string;
  /** Publication date, YYYY-MM-DD. */
  date: string;
  url: string;
}

/** One year of a region's calendar: its adjustments on top of the base, and their standing. */
export interface CalendarYear {
  status: YearStatus;
  source?: CalendarSource;
  /** Local dates (YYYY-MM-DD) of the year that are days off on top of the base's holidays. */
  extraHolidays: string[];
  /** Local dates (YYYY-MM-DD) of the year that are working days although the base says otherwise (weekend or holiday). */
  extraWorkingDays: string[];
  note?: string;
}

/** A year as stored at runtime: the entry, who set it, when, and its version (1, 2, ...). */
export interface StoredCalendarYear extends CalendarYear {
  version: number;
  by: string;
  at: string;
}

export interface RegionCalendarData {
  region: RegionName;
  /** What the base (date-holidays) gives, in words. */
  base: string;
  baseSource?: CalendarSource;
  /** The standing of a year that has no entry: confirmed where the statute fixes the days (UK, US), unconfirmed where a yearly notice does (CN). */
  yearsWithoutEntry: YearStatus;
  yearsWithoutEntryReason: string;
  years: Record<string, CalendarYear>;
}

const SHIPPED: Record<RegionName, RegionCalendarData> = {
  cn: CN as RegionCalendarData,
  uk: UK as RegionCalendarData,
  us: US as RegionCalendarData,
};

/** The calendar data shipped in the repository for a region (functions/domain/calendars/<region>.json). */
export function shippedCalendarData(region: RegionName): RegionCalendarData {
  const data = SHIPPED[region];
  if (!data) throw new RangeError(`No shipped calendar for region "${region}"`);
  return data;
}

/** The shipped data with the runtime overrides: an override replaces its year. */
export function mergeCalendarData(shipped: RegionCalendarData, overrides: Record<string, CalendarYear>): RegionCalendarData {
  return { ...shipped, years: { ...shipped.years, ...overrides } };
}

/** The standing of a year in the data. */
export function yearStatus(data: RegionCalendarData, year: number): YearStatus {
  return data.years[String(year)]?.status ?? data.yearsWithoutEntry;
}

/** Years (from..to inclusive) that are not confirmed. */
export function unconfirmedYears(data: RegionCalendarData, from: number, to: number): number[] {
  const out: number[] = [];
  for (let y = from; y <= to; y++) if (yearStatus(data, y) === 'unconfirmed') out.push(y);
  return out;
}

/** Years the calendar is asked about: complaints are received and run their clocks in these (the holiday table's). */
export const CALENDAR_YEARS = { from: 2024, to: 2040 } as const;

/**
 * The runtime state of a region's calendar: its overrides' years and versions, e.g.
 * "2027.v2,2028.v1" ('' when there is none: the calendar as shipped). Deadlines record it, so
 * the recomputation knows what each was measured on.
 */
export function calendarVersion(overrides: Record<string, { version: number }>): string {
  return Object.keys(overrides)
    .sort()
    .map((y) => `${y}.v${overrides[y].version}`)
    .join(',');
}

/** The years and versions a calendar state names (the inverse of calendarVersion). */
export function parseCalendarVersion(version: string | undefined): { year: string; version: number }[] {
  if (!version) return [];
  return version.split(',').map((part) => {
    const m = /^(\d{4})\.v(\d+)$/.exec(part);
    if (!m) throw new RangeError(`Not a calendar state: "${version}"`);
    return { year: m[1], version: Number(m[2]) };
  });
}

/** A region's business calendar on the given data (shipped, or shipped with the overrides, then with their state as `version`). */
export function calendarFromData(cfg: CalendarConfig, data: RegionCalendarData, version?: string): BusinessCalendar {
  const entries = Object.values(data.years);
  return createBusinessCalendar(cfg, {
    extraHolidays: entries.flatMap((y) => y.extraHolidays),
    extraWorkingDays: entries.flatMap((y) => y.extraWorkingDays),
    unconfirmedYears: unconfirmedYears(data, CALENDAR_YEARS.from, CALENDAR_YEARS.to),
    ...(version ? { version } : {}),
  });
}

const shippedCalendars = new Map<RegionName, BusinessCalendar>();
/**
 * A region's calendar as shipped: date-holidays with the official adjustments of the repository
 * (no runtime overrides). What tests and the dashboard's per-region counting use.
 */
export function shippedCalendar(region: RegionName): BusinessCalendar {
  let cal = shippedCalendars.get(region);
  if (!cal) {
    cal = calendarFromData(REGIONS[region].calendar, shippedCalendarData(region));
    shippedCalendars.set(region, cal);
  }
  return cal;
}

// ---------------------------------------------------------------------------------------------
// Validation of an entry (the admin API's schema calls it: each issue names its field)
// ---------------------------------------------------------------------------------------------

export interface CalendarIssue {
  field: string;
  /** What is wrong, for a translated message (the console's catalogs: cal.v.<code>). */
  code: 'not-a-date' | 'outside-year' | 'duplicate' | 'off-and-working' | 'source-missing' | 'source-after-year';
  message: string;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
function isCalendarDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * What is wrong with a year's entry: dates that are not days of that year, a day both off and
 * working, duplicates, a confirmed year without its source. Empty when the entry is sound.
 */
export function calendarYearIssues(year: number, e: Pick<CalendarYear, 'status' | 'source' | 'extraHolidays' | 'extraWorkingDays'>): CalendarIssue[] {
  const issues: CalendarIssue[] = [];
  for (const list of ['extraHolidays', 'extraWorkingDays'] as const) {
    const seen = new Set<string>();
    e[list].forEach((d, i) => {
      const field = `${list}.${i}`;
      if (!isCalendarDate(d)) issues.push({ field, code: 'not-a-date', message: `"${d}" is not a date (YYYY-MM-DD)` });
      else if (!d.startsWith(`${year}-`)) issues.push({ field, code: 'outside-year', message: `${d} is not in ${year}` });
      else if (seen.has(d)) issues.push({ field, code: 'duplicate', message: `${d} is listed twice` });
      seen.add(d);
    });
  }
  const off = new Set(e.extraHolidays);
  e.extraWorkingDays.forEach((d, i) => {
    if (off.has(d)) issues.push({ field: `extraWorkingDays.${i}`, code: 'off-and-working', message: `${d} is both a day off and a working day` });
  });
  if (e.status === 'confirmed' && !e.source)
    issues.push({ field: 'source', code: 'source-missing', message: 'a confirmed year needs its official source (title, date, url)' });
  if (e.source?.date && isCalendarDate(e.source.date) && e.source.date > `${year}-12-31`) {
    issues.push({ field: 'source.date', code: 'source-after-year', message: `the source of ${year} cannot be published after the year` });
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// The missing-year warning
// ---------------------------------------------------------------------------------------------

/** Default day (MM-DD, local) from which next year's calendar must be confirmed. */
export const DEFAULT_NEXT_YEAR_DUE_FROM = '12-01';

/**
 * Next year's calendar, if it is not confirmed and the warning period has begun: from
 * `dueFrom` (MM-DD, the region's local date) until the year starts (and on, while the year
 * that has begun is itself unconfirmed: then that year is reported).
 */
export function missingCalendarYear(
  data: RegionCalendarData,
  today: string,
  dueFrom: string = DEFAULT_NEXT_YEAR_DUE_FROM,
): { year: number; since: string } | undefined {
  if (!/^\d{2}-\d{2}$/.test(dueFrom)) throw new RangeError(`The calendar warning date must be MM-DD, got "${dueFrom}"`);
  const year = Number(today.slice(0, 4));
  if (yearStatus(data, year) === 'unconfirmed') return { year, since: `${year - 1}-${dueFrom}` };
  const since = `${year}-${dueFrom}`;
  if (today >= since && yearStatus(data, year + 1) === 'unconfirmed') return { year: year + 1, since };
  return undefined;
}
