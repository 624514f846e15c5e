/**
 * Business-day calendar of a region: weekends and public holidays of its country (from
 * `date-holidays`, through a generated table), judged on local dates in the region's IANA time zone, with its local
 * close of business. Pure: no I/O, no clock of its own - every instant is an argument.
 *
 * Local wall time <-> UTC conversion uses Intl.DateTimeFormat only (DST-safe, no date library).
 */
import type { RegionConfig } from './regions.ts';
import HOLIDAYS from './holidays.generated.json' with { type: 'json' };

export type CalendarConfig = RegionConfig['calendar'];

export interface BusinessCalendarOptions {
  /**
   * Local dates (YYYY-MM-DD) that are working days even if they fall on a weekend or a holiday,
   * e.g. China's official make-up working weekend days (调休), which date-holidays does not know.
   */
  extraWorkingDays?: readonly string[];
  /** Local dates (YYYY-MM-DD) that are non-working days on top of date-holidays' public holidays. */
  extraHolidays?: readonly string[];
  /**
   * date-holidays rules (the `rule` field of a holiday, e.g. '06-01') that are NOT non-working
   * days for the bank. Defaults to DEFAULT_IGNORED_HOLIDAY_RULES[country] (holidays of part of
   * the population only); pass [] to honour every full-day public holiday date-holidays returns.
   */
  ignoreHolidayRules?: readonly string[];
  /** Where full-day public holidays come from (default: the generated table). */
  holidays?: HolidayTable;
  /**
   * Years whose official adjustments are not confirmed (calendar-data.ts): the calendar still
   * answers for them (base holidays only), and says so through isConfirmedDate.
   */
  unconfirmedYears?: readonly number[];
  /** Which runtime state of the region's calendar data this is (calendar-data.ts calendarVersion); absent: as shipped. */
  version?: string;
}

/**
 * Full-day "public" holidays in date-holidays' data that only part of the population gets off,
 * so banks work. CN Children's Day (06-01, children under 14; State Council 全国年节及纪念日放假办法
 * art. 3). The other group holidays (Women's, Youth, Army Day) are half days starting 12:00 and
 * are already ignored as partial-day holidays.
 */
export const DEFAULT_IGNORED_HOLIDAY_RULES: Readonly<Record<string, readonly string[]>> = {
  CN: ['06-01'],
};

export interface BusinessCalendar {
  readonly timeZone: string;
  /** The runtime state of the calendar data it was made from (absent: as shipped). Deadlines record it. */
  readonly version?: string;
  /** Local close of business, HH:MM. */
  readonly closeOfBusiness: string;
  /** Whether the local date (in the region's zone) of `date` is a business day. */
  isBusinessDay(date: Date): boolean;
  /** Whether a local date (YYYY-MM-DD) is a business day. */
  isBusinessDate(localDate: string): boolean;
  /**
   * Close of business (as a UTC instant) of the n-th business day after `from`'s local date
   * (n >= 1, integer). A receipt on a non-business day or after close of business counts from
   * the next business day: n=1 for a Friday 20:00 receipt is close of business on Monday.
   */
  addBusinessDays(from: Date, n: number): Date;
  /** Number of business days whose close of business lies in (a, b]; 0 when b <= a. */
  businessDaysBetween(a: Date, b: Date): number;
  /** Local date (YYYY-MM-DD) of an instant in the region's zone. */
  localDate(d: Date): string;
  /** Close of business on a local date, as a UTC instant. */
  closeOfBusinessOn(localDate: string): Date;
  /** Last millisecond (23:59:59.999 local) of a local date, as a UTC instant. */
  endOfLocalDay(localDate: string): Date;
  /** Non-working full-day public holidays (local dates, sorted) of a year, after options. */
  holidays(year: number): readonly string[];
  /** Whether the year of a local date (YYYY-MM-DD) has confirmed official adjustments. */
  isConfirmedDate(localDate: string): boolean;
}

// ---------------------------------------------------------------------------------------------
// Local dates as day numbers (days since 1970-01-01) and wall time <-> UTC
// ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})$/;

function parseLocalDate(s: string): number {
  const m = DATE_RE.exec(s);
  if (!m) throw new RangeError(`Invalid local date "${s}": expected YYYY-MM-DD`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`Invalid local date "${s}": no such calendar day`);
  }
  return t / DAY_MS;
}

function formatDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** A local date plus n calendar days (n may be negative). */
export function addLocalDays(localDate: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`Calendar days must be an integer, got ${n}`);
  return formatDayNumber(parseLocalDate(localDate) + n);
}

function parseTime(hhmm: string): { h: number; m: number } {
  const m = TIME_RE.exec(hhmm);
  const h = m ? Number(m[1]) : NaN;
  const min = m ? Number(m[2]) : NaN;
  if (!m || h > 23 || min > 59) throw new RangeError(`Invalid local time "${hhmm}": expected HH:MM`);
  return { h, m: min };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a zone. */
function wallClock(ms: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return { y: out.year, mo: out.month, d: out.day, h: out.hour, mi: out.minute, s: out.second };
}

/** Offset of a zone at an instant: local wall time minus UTC, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const whole = Math.floor(ms / 1000) * 1000;
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - whole;
}

/**
 * UTC instant of a local wall time in a zone. Ambiguous times (DST fall-back) take the earlier
 * instant; non-existent times (DST spring-forward gap) are pushed forward by the gap.
 */
export function wallTimeToUtc(localDate: string, time: string, timeZone: string, seconds = 0, millis = 0): Date {
  const { h, m } = parseTime(time);
  const wall = parseLocalDate(localDate) * DAY_MS + h * 3_600_000 + m * 60_000 + seconds * 1000 + millis;
  const candidates = [...new Set([offsetAt(wall - DAY_MS, timeZone), offsetAt(wall + DAY_MS, timeZone)])]
    .map((o) => ({ o, t: wall - o }))
    .filter(({ o, t }) => offsetAt(t, timeZone) === o)
    .map(({ t }) => t);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  return new Date(wall - offsetAt(wall - DAY_MS, timeZone));
}

/** Local date (YYYY-MM-DD) of an instant in a zone. */
export function localDateIn(d: Date, timeZone: string): string {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid Date');
  const w = wallClock(ms, timeZone);
  return `${String(w.y).padStart(4, '0')}-${String(w.mo).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Holidays: a table generated from date-holidays (scripts/generate-holidays.ts), so that the
// Lambda bundles do not carry date-holidays and its time-zone data (about 1.4 MB). A unit
// test checks that the table still equals what date-holidays computes.
// ---------------------------------------------------------------------------------------------

export interface HolidayEntry {
  date: string;
  rule: string;
}
/** Full-day public holidays by calendar key (country|state|zone) and year. */
export type HolidayTable = Record<string, Record<string, readonly HolidayEntry[]>>;

/**
 * The generated file's form of a HolidayTable, small to ship in every bundle and quick to load:
 * per calendar, the rules once, and per year one string of `MMDD.<rule index>` entries in the
 * table's order (29 KB of objects became ~6 KB).
 */
export type CompactHolidayTable = Record<string, { rules: string[]; years: Record<string, string> }>;

export function compactHolidays(table: HolidayTable): CompactHolidayTable {
  return Object.fromEntries(
    Object.entries(table).map(([key, years]) => {
      const rules = [...new Set(Object.values(years).flatMap((entries) => entries.map((h) => h.rule)))];
      return [
        key,
        {
          rules,
          years: Object.fromEntries(
            Object.entries(years).map(([year, entries]) => [
              year,
              entries
                .map((h) => {
                  if (!h.date.startsWith(`${year}-`)) throw new RangeError(`Holiday ${h.date} is not in ${year}`);
                  return `${h.date.slice(5, 7)}${h.date.slice(8, 10)}.${rules.indexOf(h.rule)}`;
                })
                .join(' '),
            ]),
          ),
        },
      ];
    }),
  );
}

export function expandHolidays(compact: CompactHolidayTable): HolidayTable {
  return Object.fromEntries(
    Object.entries(compact).map(([key, { rules, years }]) => [
      key,
      Object.fromEntries(
        Object.entries(years).map(([year, line]) => [
          year,
          line ? line.split(' ').map((e) => ({ date: `${year}-${e.slice(0, 2)}-${e.slice(2, 4)}`, rule: rules[Number(e.slice(5))] })) : [],
        ]),
      ),
    ]),
  );
}

let shipped: HolidayTable | undefined;
/** The generated table, expanded on first use. */
const shippedHolidays = (): HolidayTable => (shipped ??= expandHolidays(HOLIDAYS as CompactHolidayTable));

export function calendarKey(cfg: CalendarConfig): string {
  return `${cfg.country}|${cfg.state ?? ''}|${cfg.timeZone}`;
}

function fullDayPublicHolidays(table: HolidayTable, cfg: CalendarConfig, year: number): readonly HolidayEntry[] {
  const years = table[calendarKey(cfg)];
  if (!years) throw new RangeError(`No holiday table for ${calendarKey(cfg)}: run scripts/generate-holidays.ts`);
  const entries = years[String(year)];
  if (!entries) throw new RangeError(`The holiday table of ${calendarKey(cfg)} does not cover ${year}: run scripts/generate-holidays.ts`);
  return entries;
}

// ---------------------------------------------------------------------------------------------
// The calendar
// ---------------------------------------------------------------------------------------------

/** Longest stretch searched for the next business day before giving up (misconfiguration). */
const MAX_SEARCH_DAYS = 3660;

export function createBusinessCalendar(cfg: CalendarConfig, opts: BusinessCalendarOptions = {}): BusinessCalendar {
  const { timeZone, closeOfBusiness } = cfg;
  parseTime(closeOfBusiness);
  localDateIn(new Date(0), timeZone); // throws RangeError on an unknown zone
  const extraWorking = new Set((opts.extraWorkingDays ?? []).map((s) => formatDayNumber(parseLocalDate(s))));
  const extraHolidays = new Set((opts.extraHolidays ?? []).map((s) => formatDayNumber(parseLocalDate(s))));
  const clash = [...extraWorking].filter((d) => extraHolidays.has(d));
  if (clash.length > 0) throw new RangeError(`Dates both extra working day and extra holiday: ${clash.join(', ')}`);
  const ignored = new Set(opts.ignoreHolidayRules ?? DEFAULT_IGNORED_HOLIDAY_RULES[cfg.country] ?? []);
  const unconfirmed = new Set(opts.unconfirmedYears ?? []);

  const years = new Map<number, Set<string>>();
  const holidaySet = (year: number): Set<string> => {
    let set = years.get(year);
    if (!set) {
      set = new Set(
        fullDayPublicHolidays(opts.holidays ?? shippedHolidays(), cfg, year)
          .filter((h) => !ignored.has(h.rule))
          .map((h) => h.date),
      );
      for (const d of extraHolidays) if (d.startsWith(`${year}-`)) set.add(d);
      for (const d of extraWorking) set.delete(d);
      years.set(year, set);
    }
    return set;
  };

  const isBusinessDayNumber = (day: number): boolean => {
    const date = formatDayNumber(day);
    if (extraWorking.has(date)) return true;
    const weekday = new Date(day * DAY_MS).getUTCDay();
    if (weekday === 0 || weekday === 6) return false;
    return !holidaySet(Number(date.slice(0, 4))).has(date);
  };

  const localDay = (d: Date): number => parseLocalDate(localDateIn(d, timeZone));
  const cobOf = (day: number): Date => wallTimeToUtc(formatDayNumber(day), closeOfBusiness, timeZone);

  return {
    timeZone,
    ...(opts.version ? { version: opts.version } : {}),
    closeOfBusiness,
    isBusinessDay: (date) => isBusinessDayNumber(localDay(date)),
    isBusinessDate: (localDate) => isBusinessDayNumber(parseLocalDate(localDate)),
    addBusinessDays(from, n) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`Business days must be a positive integer, got ${n}`);
      let day = localDay(from);
      for (let counted = 0, searched = 0; counted < n; ) {
        day += 1;
        if (isBusinessDayNumber(day)) {
          counted += 1;
          searched = 0;
        } else if (++searched > MAX_SEARCH_DAYS) throw new Error(`No business day within ${MAX_SEARCH_DAYS} days in ${timeZone}`);
      }
      return cobOf(day);
    },
    businessDaysBetween(a, b) {
      const [ta, tb] = [a.getTime(), b.getTime()];
      if (!(tb > ta)) return 0;
      let count = 0;
      for (let day = localDay(a), last = localDay(b); day <= last; day++) {
        if (!isBusinessDayNumber(day)) continue;
        const cob = cobOf(day).getTime();
        if (cob > ta && cob <= tb) count += 1;
      }
      return count;
    },
    localDate: (d) => localDateIn(d, timeZone),
    closeOfBusinessOn: (localDate) => wallTimeToUtc(localDate, closeOfBusiness, timeZone),
    endOfLocalDay: (localDate) => wallTimeToUtc(localDate, '23:59', timeZone, 59, 999),
    holidays: (year) => [...holidaySet(year)].sort(),
    isConfirmedDate: (localDate) => !unconfirmed.has(Number(formatDayNumber(parseLocalDate(localDate)).slice(0, 4))),
  };
}
