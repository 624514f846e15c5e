import { describe, it, expect } from 'vitest';
import {
  addLocalDays,
  calendarKey,
  compactHolidays,
  createBusinessCalendar,
  expandHolidays,
  localDateIn,
  wallTimeToUtc,
  type HolidayTable,
} from '../../functions/domain/business-calendar.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { productionCalendar } from '../support/calendars.ts';

// The calendar engine on date-holidays alone: what the official adjustments are applied on top of
// (calendar-data.ts). Tests of what a complaint gets use productionCalendar (ADR 0020).
const cn = createBusinessCalendar(REGIONS.cn.calendar);
const uk = createBusinessCalendar(REGIONS.uk.calendar);
const us = createBusinessCalendar(REGIONS.us.calendar);

/** Asia/Shanghai is UTC+8 all year. */
const shanghai = (local: string) => new Date(`${local}+08:00`);
const iso = (d: Date) => d.toISOString();

/**
 * The State Council's official 2026 arrangement (国办发明电, 2025-11-04) for the holidays
 * tested here: days off beyond the statutory days date-holidays knows, and make-up working
 * weekend days (调休). Configured by the caller, not shipped by default.
 */
const CN_2026_OFFICIAL = {
  extraHolidays: ['2026-02-15', '2026-02-19', '2026-02-20', '2026-02-23', '2026-10-05', '2026-10-06', '2026-10-07'],
  extraWorkingDays: ['2026-02-14', '2026-02-28', '2026-09-20', '2026-10-10'],
};

describe('CN calendar (Asia/Shanghai, close of business 17:30)', () => {
  it('date-holidays gives National Day Oct 1-3 2026 as full-day public holidays', () => {
    expect(cn.holidays(2026)).toEqual(expect.arrayContaining(['2026-10-01', '2026-10-02', '2026-10-03']));
    expect(cn.isBusinessDay(shanghai('2026-09-30T12:00:00'))).toBe(true); // Wednesday
    expect(cn.isBusinessDay(shanghai('2026-10-01T12:00:00'))).toBe(false); // Thursday, National Day
    expect(cn.isBusinessDay(shanghai('2026-10-02T12:00:00'))).toBe(false); // Friday, National Day
    expect(cn.isBusinessDay(shanghai('2026-10-03T12:00:00'))).toBe(false); // Saturday
    expect(cn.isBusinessDay(shanghai('2026-10-05T12:00:00'))).toBe(true); // Monday: works by default
  });

  it('on date-holidays alone, a day before National Day counts from Monday Oct 5; production, with the official adjustments, from Thursday Oct 8', () => {
    const received = shanghai('2026-09-30T10:00:00');
    expect(iso(cn.addBusinessDays(received, 1))).toBe('2026-10-05T09:30:00.000Z');
    expect(iso(cn.addBusinessDays(received, 3))).toBe('2026-10-07T09:30:00.000Z');
    // What a complaint gets (issue 23): the calendar as the container builds it.
    expect(iso(productionCalendar('cn').addBusinessDays(received, 1))).toBe('2026-10-08T09:30:00.000Z');
    expect(iso(productionCalendar('cn').addBusinessDays(received, 3))).toBe('2026-10-10T09:30:00.000Z');
  });

  it('with the official 2026 arrangement configured: Oct 1-7 off, Sat Oct 10 a make-up working day', () => {
    const official = createBusinessCalendar(REGIONS.cn.calendar, CN_2026_OFFICIAL);
    const received = shanghai('2026-09-30T10:00:00');
    expect(official.isBusinessDate('2026-10-05')).toBe(false);
    expect(official.isBusinessDate('2026-10-10')).toBe(true); // Saturday worked
    expect(official.isBusinessDate('2026-09-20')).toBe(true); // Sunday worked
    expect(iso(official.addBusinessDays(received, 1))).toBe('2026-10-08T09:30:00.000Z');
    expect(iso(official.addBusinessDays(received, 3))).toBe('2026-10-10T09:30:00.000Z'); // Thu, Fri, Sat
  });

  it('Spring Festival 2026: date-holidays has Feb 16-18 (Eve, 1st, 2nd day) off', () => {
    expect(cn.holidays(2026)).toEqual(expect.arrayContaining(['2026-02-16', '2026-02-17', '2026-02-18']));
    expect(cn.isBusinessDate('2026-02-13')).toBe(true); // Friday
    expect(cn.isBusinessDate('2026-02-16')).toBe(false);
    expect(cn.isBusinessDate('2026-02-18')).toBe(false);
    expect(cn.isBusinessDate('2026-02-19')).toBe(true); // 3rd day: not in date-holidays' data
    // Friday evening receipt before the festival: first business day is Thursday Feb 19.
    expect(iso(cn.addBusinessDays(shanghai('2026-02-13T20:00:00'), 1))).toBe('2026-02-19T09:30:00.000Z');
  });

  it('Spring Festival 2026 with the official arrangement: Sat Feb 14 is worked, Feb 15-23 off', () => {
    const official = createBusinessCalendar(REGIONS.cn.calendar, CN_2026_OFFICIAL);
    const fridayEvening = shanghai('2026-02-13T20:00:00');
    expect(iso(official.addBusinessDays(fridayEvening, 1))).toBe('2026-02-14T09:30:00.000Z');
    expect(iso(official.addBusinessDays(fridayEvening, 2))).toBe('2026-02-24T09:30:00.000Z');
    expect(official.businessDaysBetween(fridayEvening, new Date('2026-02-24T09:30:00.000Z'))).toBe(2);
  });

  it("half-day and group-only holidays are working days (Youth Day, Children's Day)", () => {
    expect(cn.isBusinessDate('2026-05-04')).toBe(true); // Monday, Youth Day from 12:00 (ages 14-28)
    expect(cn.isBusinessDate('2026-06-01')).toBe(true); // Monday, Children's Day (under 14)
    expect(cn.holidays(2026)).not.toContain('2026-06-01');
    // Honouring every full-day public entry of date-holidays makes Children's Day a day off.
    const literal = createBusinessCalendar(REGIONS.cn.calendar, { ignoreHolidayRules: [] });
    expect(literal.isBusinessDate('2026-06-01')).toBe(false);
    expect(literal.isBusinessDate('2026-05-04')).toBe(true);
  });

  it('receipt at 17:29 vs 17:31: both count from the next business day, but only 17:29 precedes a close', () => {
    const before = shanghai('2026-03-12T17:29:00'); // Thursday
    const after = shanghai('2026-03-12T17:31:00');
    expect(iso(cn.addBusinessDays(before, 1))).toBe('2026-03-13T09:30:00.000Z'); // Friday 17:30
    expect(iso(cn.addBusinessDays(after, 1))).toBe('2026-03-13T09:30:00.000Z');
    const fridayClose = new Date('2026-03-13T09:30:00.000Z');
    expect(cn.businessDaysBetween(before, fridayClose)).toBe(2); // Thu 17:30 and Fri 17:30
    expect(cn.businessDaysBetween(after, fridayClose)).toBe(1); // only Fri 17:30
    expect(cn.businessDaysBetween(before, shanghai('2026-03-12T17:30:00'))).toBe(1); // close is inclusive
    expect(cn.businessDaysBetween(after, before)).toBe(0);
  });

  it('a Friday 20:00 receipt is due at close of business Monday, Tuesday when Monday is a holiday', () => {
    expect(iso(cn.addBusinessDays(shanghai('2026-03-13T20:00:00'), 1))).toBe('2026-03-16T09:30:00.000Z');
    const withHoliday = createBusinessCalendar(REGIONS.cn.calendar, { extraHolidays: ['2026-03-16'] });
    expect(iso(withHoliday.addBusinessDays(shanghai('2026-03-13T20:00:00'), 1))).toBe('2026-03-17T09:30:00.000Z');
  });

  it('judges the local date in Shanghai, not the UTC date', () => {
    const mondayEarly = new Date('2026-03-15T17:00:00Z'); // Monday 01:00 in Shanghai, Sunday in UTC
    expect(cn.localDate(mondayEarly)).toBe('2026-03-16');
    expect(cn.isBusinessDay(mondayEarly)).toBe(true);
  });
});

describe('UK calendar (Europe/London, England, close of business 17:00)', () => {
  it('Good Friday Apr 3 and Easter Monday Apr 6 2026 are not business days', () => {
    expect(uk.isBusinessDate('2026-04-02')).toBe(true);
    expect(uk.isBusinessDate('2026-04-03')).toBe(false);
    expect(uk.isBusinessDate('2026-04-06')).toBe(false);
    expect(uk.isBusinessDate('2026-04-07')).toBe(true);
    const thursday = new Date('2026-04-02T09:00:00Z'); // 10:00 BST
    expect(iso(uk.addBusinessDays(thursday, 1))).toBe('2026-04-07T16:00:00.000Z'); // Tue 17:00 BST
    expect(iso(uk.addBusinessDays(thursday, 3))).toBe('2026-04-09T16:00:00.000Z');
  });

  it('Christmas 2026: Fri Dec 25 and substitute Boxing Day Mon Dec 28 are off', () => {
    expect(uk.holidays(2026)).toEqual(expect.arrayContaining(['2026-12-25', '2026-12-26', '2026-12-28']));
    expect(uk.isBusinessDate('2026-12-28')).toBe(false);
    expect(uk.isBusinessDate('2026-12-29')).toBe(true);
    expect(iso(uk.addBusinessDays(new Date('2026-12-24T12:00:00Z'), 1))).toBe('2026-12-29T17:00:00.000Z');
  });

  it("counts across the year end into 2027 holidays (New Year's Day, Friday)", () => {
    expect(iso(uk.addBusinessDays(new Date('2026-12-31T10:00:00Z'), 1))).toBe('2027-01-04T17:00:00.000Z');
  });

  it('DST starts 2026-03-29: close of business is 17:00 GMT before and 17:00 BST (16:00Z) after', () => {
    expect(iso(uk.addBusinessDays(new Date('2026-03-26T10:00:00Z'), 1))).toBe('2026-03-27T17:00:00.000Z');
    expect(iso(uk.addBusinessDays(new Date('2026-03-27T12:00:00Z'), 1))).toBe('2026-03-30T16:00:00.000Z');
    expect(uk.localDate(new Date('2026-03-28T23:30:00Z'))).toBe('2026-03-28'); // 23:30 GMT
    expect(uk.localDate(new Date('2026-03-29T23:30:00Z'))).toBe('2026-03-30'); // 00:30 BST
    // Friday close to Monday close across the shorter (23 h) Sunday: one business day.
    expect(uk.businessDaysBetween(new Date('2026-03-27T17:00:00Z'), new Date('2026-03-30T16:00:00Z'))).toBe(1);
  });

  it('end of local day on the DST change days', () => {
    expect(iso(uk.endOfLocalDay('2026-03-29'))).toBe('2026-03-29T22:59:59.999Z');
    expect(iso(uk.endOfLocalDay('2026-10-25'))).toBe('2026-10-25T23:59:59.999Z');
  });
});

describe('US calendar (America/New_York, close of business 17:00)', () => {
  it('Thanksgiving Nov 26 2026 is off; the day after (observance) is a business day', () => {
    expect(us.isBusinessDate('2026-11-26')).toBe(false);
    expect(us.isBusinessDate('2026-11-27')).toBe(true);
    const wednesday = new Date('2026-11-25T21:00:00Z'); // 16:00 EST
    expect(iso(us.addBusinessDays(wednesday, 1))).toBe('2026-11-27T22:00:00.000Z');
  });

  it('judges the local date in New York: 23:30 EST Wednesday is Thanksgiving in UTC', () => {
    const lateWednesday = new Date('2026-11-26T04:30:00Z');
    expect(us.localDate(lateWednesday)).toBe('2026-11-25');
    expect(us.isBusinessDay(lateWednesday)).toBe(true);
    expect(iso(us.addBusinessDays(lateWednesday, 1))).toBe('2026-11-27T22:00:00.000Z');
  });

  it('DST starts 2026-03-08: Friday 18:00 EST receipt is due Monday 17:00 EDT (21:00Z)', () => {
    expect(iso(us.addBusinessDays(new Date('2026-03-06T23:00:00Z'), 1))).toBe('2026-03-09T21:00:00.000Z');
    expect(iso(us.closeOfBusinessOn('2026-03-06'))).toBe('2026-03-06T22:00:00.000Z');
  });

  it('treats the federal observed holiday Fri Jul 3 2026 as non-working (date-holidays)', () => {
    expect(us.isBusinessDate('2026-07-03')).toBe(false);
    const extra = createBusinessCalendar(REGIONS.us.calendar, { extraWorkingDays: ['2026-07-03'] });
    expect(extra.isBusinessDate('2026-07-03')).toBe(true);
  });
});

describe('calendar options and helpers', () => {
  it('rejects malformed or conflicting extra days', () => {
    expect(() => createBusinessCalendar(REGIONS.cn.calendar, { extraWorkingDays: ['2026-2-14'] })).toThrow(RangeError);
    expect(() => createBusinessCalendar(REGIONS.cn.calendar, { extraHolidays: ['2026-02-30'] })).toThrow(RangeError);
    expect(() => createBusinessCalendar(REGIONS.cn.calendar, { extraHolidays: ['2026-10-10'], extraWorkingDays: ['2026-10-10'] })).toThrow(/2026-10-10/);
  });

  it('rejects a non-positive or fractional number of business days', () => {
    const at = new Date('2026-03-12T02:00:00Z');
    expect(() => cn.addBusinessDays(at, 0)).toThrow(RangeError);
    expect(() => cn.addBusinessDays(at, 1.5)).toThrow(RangeError);
  });

  it('rejects an unknown time zone', () => {
    expect(() => createBusinessCalendar({ ...REGIONS.uk.calendar, timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });

  it('adds local calendar days across month, leap-year and year ends', () => {
    expect(addLocalDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addLocalDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addLocalDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addLocalDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('converts wall time to UTC in gaps and overlaps deterministically', () => {
    // 01:30 on 2026-03-29 does not exist in London: pushed forward to 02:30 BST.
    expect(iso(wallTimeToUtc('2026-03-29', '01:30', 'Europe/London'))).toBe('2026-03-29T01:30:00.000Z');
    // 01:30 on 2026-11-01 happens twice in New York: the earlier (EDT) instant.
    expect(iso(wallTimeToUtc('2026-11-01', '01:30', 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(wallTimeToUtc('2026-10-25', '01:30', 'Europe/London'))).toBe('2026-10-25T00:30:00.000Z'); // BST, not GMT
    // 02:30 on 2026-03-08 does not exist in New York: 03:30 EDT.
    expect(iso(wallTimeToUtc('2026-03-08', '02:30', 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
    expect(localDateIn(new Date('2026-11-01T05:30:00Z'), 'America/New_York')).toBe('2026-11-01');
  });
});

describe('exact values the mutation run found unasserted (issue 23: business-calendar.ts survivors)', () => {
  it('a local date is exactly YYYY-MM-DD of a real day, and the errors say which', () => {
    for (const bad of ['x2026-01-01', '2026-01-011', '2026-1-01', '20260-01-01']) {
      expect(() => addLocalDays(bad, 1), bad).toThrowError(new RangeError(`Invalid local date "${bad}": expected YYYY-MM-DD`));
    }
    // Date.UTC reads years 0-99 as 1900-1999: the round trip refuses them rather than shifting the day.
    for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '0050-01-01']) {
      expect(() => addLocalDays(bad, 1), bad).toThrowError(new RangeError(`Invalid local date "${bad}": no such calendar day`));
    }
    expect(addLocalDays('2028-02-29', 0)).toBe('2028-02-29');
    expect(() => addLocalDays('2026-01-01', 1.5)).toThrowError(new RangeError('Calendar days must be an integer, got 1.5'));
  });

  it('a close of business is exactly HH:MM of a real time, and the error says which', () => {
    for (const bad of ['x17:30', '17:300', '7:30', '24:00', '23:60']) {
      expect(() => createBusinessCalendar({ ...REGIONS.cn.calendar, closeOfBusiness: bad }), bad).toThrowError(
        new RangeError(`Invalid local time "${bad}": expected HH:MM`),
      );
    }
    const late = createBusinessCalendar({ ...REGIONS.cn.calendar, closeOfBusiness: '23:59' });
    expect(iso(late.closeOfBusinessOn('2026-03-12'))).toBe('2026-03-12T15:59:00.000Z');
    expect(iso(wallTimeToUtc('2026-03-12', '00:00', 'Asia/Shanghai'))).toBe('2026-03-11T16:00:00.000Z');
  });

  it('the local date of an instant: four-digit years, and an invalid instant refused', () => {
    expect(localDateIn(new Date('0050-06-01T12:00:00Z'), 'UTC')).toBe('0050-06-01');
    expect(() => localDateIn(new Date('not a date'), 'UTC')).toThrowError(/^Invalid Date$/);
  });

  it('wall time to UTC with seconds and milliseconds', () => {
    expect(iso(wallTimeToUtc('2026-03-12', '17:30', 'Asia/Shanghai', 15, 250))).toBe('2026-03-12T09:30:15.250Z');
    // The first instant after a DST change within the day: the offset after the change.
    expect(iso(wallTimeToUtc('2026-03-29', '17:00', 'Europe/London'))).toBe('2026-03-29T16:00:00.000Z');
    expect(iso(wallTimeToUtc('2026-10-25', '17:00', 'Europe/London'))).toBe('2026-10-25T17:00:00.000Z');
  });

  it('the holidays of a year: sorted, with the extra days off of that year only, without the extra working days', () => {
    const cal = createBusinessCalendar(REGIONS.us.calendar, { extraHolidays: ['2026-01-02', '2027-01-04'], extraWorkingDays: ['2026-07-03'] });
    expect(cal.holidays(2026)).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-04',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
    expect(cal.holidays(2027)).toContain('2027-01-04');
    expect(cal.isBusinessDate('2026-07-03')).toBe(true);
    expect(cal.isBusinessDate('2026-01-02')).toBe(false);
    // Asked again: the same answer (the year's set is kept, not changed by reading it).
    expect(cal.holidays(2026)).toHaveLength(12);
  });

  it('no business days between an instant and itself or an invalid instant (the dashboard counts on stored records)', () => {
    const close = new Date('2026-03-12T09:30:00.000Z'); // Thursday's close in Shanghai
    expect(cn.businessDaysBetween(close, close)).toBe(0);
    expect(cn.businessDaysBetween(new Date('not a date'), close)).toBe(0);
    expect(cn.businessDaysBetween(close, new Date('not a date'))).toBe(0);
  });

  it('weekends are not business days, a plain weekday is', () => {
    const plain = createBusinessCalendar(REGIONS.uk.calendar);
    expect(['2026-03-13', '2026-03-14', '2026-03-15', '2026-03-16'].map((d) => plain.isBusinessDate(d))).toEqual([true, false, false, true]);
  });

  it('extra days that clash are all named in the error', () => {
    expect(() =>
      createBusinessCalendar(REGIONS.cn.calendar, {
        extraHolidays: ['2026-10-10', '2026-10-11'],
        extraWorkingDays: ['2026-10-11', '2026-10-10', '2026-10-12'],
      }),
    ).toThrowError(new RangeError('Dates both extra working day and extra holiday: 2026-10-11, 2026-10-10'));
  });

  it('the errors of business days, a missing holiday table and a year the table does not cover name what is wrong', () => {
    const at = new Date('2026-03-12T02:00:00Z');
    expect(() => cn.addBusinessDays(at, 0)).toThrowError(new RangeError('Business days must be a positive integer, got 0'));
    expect(() => cn.addBusinessDays(at, 2.5)).toThrowError(new RangeError('Business days must be a positive integer, got 2.5'));
    const chile = createBusinessCalendar({ country: 'CL', timeZone: 'America/Santiago', closeOfBusiness: '17:00' });
    expect(() => chile.isBusinessDate('2026-03-12')).toThrowError(
      new RangeError('No holiday table for CL||America/Santiago: run scripts/generate-holidays.ts'),
    );
    expect(() => cn.isBusinessDate('2041-03-04')).toThrowError(
      new RangeError('The holiday table of CN||Asia/Shanghai does not cover 2041: run scripts/generate-holidays.ts'),
    );
    expect(calendarKey(REGIONS.uk.calendar)).toBe('GB|ENG|Europe/London');
    expect(calendarKey(REGIONS.cn.calendar)).toBe('CN||Asia/Shanghai');
  });

  describe('the search for the next business day gives up after 3660 days without one', () => {
    // A holiday table in which every day of 2026-2046 is a holiday: only the extra working days work.
    const everyDay: HolidayTable = {
      [calendarKey(REGIONS.cn.calendar)]: Object.fromEntries(
        Array.from({ length: 21 }, (_, i) => 2026 + i).map((y) => {
          const days: { date: string; rule: string }[] = [];
          for (let d = `${y}-01-01`; d.startsWith(`${y}-`); d = addLocalDays(d, 1)) days.push({ date: d, rule: 'all' });
          return [String(y), days];
        }),
      ),
    };
    const from = new Date('2026-03-02T01:00:00Z'); // Monday 2026-03-02, 09:00 Shanghai
    const after = (n: number) => addLocalDays('2026-03-02', n);
    const working = (...days: number[]) => createBusinessCalendar(REGIONS.cn.calendar, { holidays: everyDay, extraWorkingDays: days.map(after) });

    it('3660 days off in a row, then a business day: found', () => {
      expect(after(3661)).toBe('2036-03-10');
      expect(iso(working(3661).addBusinessDays(from, 1))).toBe('2036-03-10T09:30:00.000Z');
    });

    it('3661 days off in a row: the error names the limit and the zone', () => {
      expect(() => working(3662).addBusinessDays(from, 1)).toThrowError(new Error('No business day within 3660 days in Asia/Shanghai'));
    });

    it('the limit counts each stretch between business days afresh', () => {
      expect(iso(working(3000, 6000).addBusinessDays(from, 2))).toBe(`${after(6000)}T09:30:00.000Z`);
    });
  });

  describe('the compact holiday table', () => {
    it('round-trips a year without holidays and rules shared by several years', () => {
      const table: HolidayTable = {
        'XX||UTC': {
          2030: [
            { date: '2030-01-01', rule: '01-01' },
            { date: '2030-12-25', rule: '12-25' },
          ],
          2031: [],
          2032: [{ date: '2032-12-25', rule: '12-25' }],
        },
      };
      const compact = compactHolidays(table);
      expect(compact).toEqual({ 'XX||UTC': { rules: ['01-01', '12-25'], years: { 2030: '0101.0 1225.1', 2031: '', 2032: '1225.1' } } });
      expect(expandHolidays(compact)).toEqual(table);
    });

    it('refuses a holiday filed under another year', () => {
      expect(() => compactHolidays({ 'XX||UTC': { 2030: [{ date: '2029-12-31', rule: '12-31' }] } })).toThrowError(
        new RangeError('Holiday 2029-12-31 is not in 2030'),
      );
    });
  });
});
