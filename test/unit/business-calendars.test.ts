/**
 * Business calendars as operational data (issue 22): the shipped years and their sources, the
 * validation of an administrator's entry, the missing-year warning before and after its date,
 * "calendar unconfirmed" on deadlines over an unconfirmed year, the recomputation of a December
 * complaint's January deadlines when next year's adjustments arrive, the customer-date rule, and
 * the per-process cache's lifetime on the injectable clock.
 *
 * The 2027 entries below are TEST DATA, not the official 2027 arrangements (not published when
 * this was written): they only exercise what an administrator's entry does.
 */
import { describe, expect, it } from 'vitest';
import { customerDateAfterChange, recomputeForCalendar } from '../../functions/domain/calendar-change.ts';
import {
  CALENDAR_YEARS,
  calendarFromData,
  calendarVersion,
  calendarYearIssues,
  mergeCalendarData,
  missingCalendarYear,
  parseCalendarVersion,
  shippedCalendar,
  shippedCalendarData,
  unconfirmedYears,
  yearStatus,
  type CalendarYear,
  type StoredCalendarYear,
} from '../../functions/domain/calendar-data.ts';
import type { Complaint } from '../../functions/domain/complaint.ts';
import { computeDeadlines } from '../../functions/domain/deadlines.ts';
import type { CalendarStore } from '../../functions/domain/ports.ts';
import { REGIONS, type RegionName } from '../../functions/domain/regions.ts';
import { CalendarYearRequest } from '../../functions/contract/staff.schema.ts';
import { parseOrThrow } from '../../functions/contract/validation.ts';
import { ValidationError } from '../../functions/shared/errors.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { CALENDAR_CACHE_MS, CalendarProvider } from '../../functions/use-cases/calendar/calendars.ts';

const cn = shippedCalendar('cn');

/** An administrator's 2027 entry (test data): 2027-01-04 (Mon) off, 2027-01-09 (Sat) a working day. */
const TEST_2027: StoredCalendarYear = {
  status: 'confirmed',
  source: { title: 'Test notice on the 2027 arrangements', date: '2026-12-10', url: 'https://www.example.gov/2027' },
  extraHolidays: ['2027-01-04'],
  extraWorkingDays: ['2027-01-09'],
  version: 1,
  by: 'ada',
  at: '2026-12-10T02:00:00.000Z',
};

function runtimeCalendar(region: RegionName, overrides: Record<string, StoredCalendarYear>) {
  return calendarFromData(REGIONS[region].calendar, mergeCalendarData(shippedCalendarData(region), overrides), calendarVersion(overrides));
}

function complaintReceived(receivedAt: string, calendar = cn, region: RegionName = 'cn'): Complaint {
  const deadlines = computeDeadlines(REGIONS[region].profile, calendar, new Date(receivedAt));
  return {
    reference: 'CN-2026-000123',
    region,
    status: 'OPEN',
    stage: 'INVESTIGATION',
    receivedAt,
    updatedAt: receivedAt,
    version: 3,
    language: 'en',
    deadlines,
  } as unknown as Complaint;
}

describe('shipped calendars: per region and year, with their official source', () => {
  it('every shipped year is a valid entry, and a confirmed one names its source (title, date, https URL)', () => {
    for (const region of Object.keys(REGIONS) as RegionName[]) {
      const data = shippedCalendarData(region);
      expect(data.region).toBe(region);
      for (const [year, e] of Object.entries(data.years)) {
        expect(calendarYearIssues(Number(year), e), `${region} ${year}`).toEqual([]);
        if (e.status === 'confirmed') expect(e.source?.url, `${region} ${year}`).toMatch(/^https:\/\//);
      }
    }
  });

  it('CN 2026 is the State Council notice of 2025-11-04 in full: make-up working weekends and the extra days off', () => {
    const y2026 = shippedCalendarData('cn').years['2026'];
    expect(y2026.source).toMatchObject({ date: '2025-11-04', url: 'https://www.gov.cn/zhengce/content/202511/content_7047090.htm' });
    // Working weekend days (调休): 1-4 (Sun), 2-14 and 2-28 (Sat), 5-9 (Sat), 9-20 (Sun), 10-10 (Sat).
    for (const d of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']) expect(cn.isBusinessDate(d), d).toBe(true);
    // Days off beyond the statutory festival days: 1-2, 2-19/20/23, 4-6, 5-4/5, 10-5/6/7.
    for (const d of [
      '2026-01-02',
      '2026-02-19',
      '2026-02-20',
      '2026-02-23',
      '2026-04-06',
      '2026-05-04',
      '2026-05-05',
      '2026-10-05',
      '2026-10-06',
      '2026-10-07',
    ]) {
      expect(cn.isBusinessDate(d), d).toBe(false);
    }
  });

  it('CN 2027 ships unconfirmed with no dates assumed (the notice could not be found); UK and US years follow the statute', () => {
    const y2027 = shippedCalendarData('cn').years['2027'];
    expect(y2027).toMatchObject({ status: 'unconfirmed', extraHolidays: [], extraWorkingDays: [] });
    expect(y2027.source).toBeUndefined();
    expect(cn.isConfirmedDate('2027-01-04')).toBe(false);
    expect(cn.isConfirmedDate('2026-12-31')).toBe(true);
    expect(shippedCalendar('uk').isConfirmedDate('2027-06-01')).toBe(true);
    expect(shippedCalendar('us').isConfirmedDate('2027-06-01')).toBe(true);
  });
});

describe('an administrator entry is validated: each problem names its field', () => {
  const good = { status: 'confirmed' as const, source: TEST_2027.source, extraHolidays: ['2027-01-04'], extraWorkingDays: ['2027-01-09'] };

  it('accepts a sound entry', () => {
    expect(calendarYearIssues(2027, good)).toEqual([]);
  });

  it('refuses dates outside the year, non-dates, duplicates, a day both off and working, a confirmed year without source', () => {
    const issues = calendarYearIssues(2027, {
      status: 'confirmed',
      extraHolidays: ['2026-12-31', '2027-02-30', '2027-01-04', '2027-01-04'],
      extraWorkingDays: ['2027-01-04'],
    });
    expect(issues).toEqual([
      { field: 'extraHolidays.0', code: 'outside-year', message: '2026-12-31 is not in 2027' },
      { field: 'extraHolidays.1', code: 'not-a-date', message: '"2027-02-30" is not a date (YYYY-MM-DD)' },
      { field: 'extraHolidays.3', code: 'duplicate', message: '2027-01-04 is listed twice' },
      { field: 'extraWorkingDays.0', code: 'off-and-working', message: '2027-01-04 is both a day off and a working day' },
      { field: 'source', code: 'source-missing', message: 'a confirmed year needs its official source (title, date, url)' },
    ]);
  });

  it('the API schema answers a 400 naming the fields (and a year outside the calendar table)', () => {
    const bad = () => parseOrThrow(CalendarYearRequest, { ...good, year: 2027, extraWorkingDays: ['2027-01-04'], expectedVersion: 0 });
    expect(bad).toThrow(ValidationError);
    try {
      bad();
    } catch (e) {
      expect((e as ValidationError).issues).toEqual([{ field: 'extraWorkingDays.0', message: '2027-01-04 is both a day off and a working day' }]);
    }
    try {
      parseOrThrow(CalendarYearRequest, { ...good, year: 1999, expectedVersion: 0 });
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).issues.map((i) => i.field)).toContain('year');
    }
    expect(parseOrThrow(CalendarYearRequest, { ...good, year: 2027, expectedVersion: 0 })).toMatchObject({ year: 2027, status: 'confirmed' });
  });
});

describe('missing-year warning', () => {
  const data = shippedCalendarData('cn');

  it('is silent on 30 November and raised from 1 December (the default date) while next year is unconfirmed', () => {
    expect(missingCalendarYear(data, '2026-11-30')).toBeUndefined();
    expect(missingCalendarYear(data, '2026-12-01')).toEqual({ year: 2027, since: '2026-12-01' });
    expect(missingCalendarYear(data, '2026-12-31')).toEqual({ year: 2027, since: '2026-12-01' });
  });

  it('keeps warning into the new year while that year is still unconfirmed', () => {
    expect(missingCalendarYear(data, '2027-01-15')).toEqual({ year: 2027, since: '2026-12-01' });
  });

  it('starts from a configured date instead', () => {
    expect(missingCalendarYear(data, '2026-11-14', '11-15')).toBeUndefined();
    expect(missingCalendarYear(data, '2026-11-15', '11-15')).toEqual({ year: 2027, since: '2026-11-15' });
    expect(() => missingCalendarYear(data, '2026-11-15', '1115')).toThrow(/MM-DD/);
  });

  it('stops once next year is confirmed; the UK and the US, whose years follow the statute, never warn', () => {
    expect(missingCalendarYear(mergeCalendarData(data, { 2027: TEST_2027 }), '2026-12-07')).toBeUndefined();
    expect(missingCalendarYear(shippedCalendarData('uk'), '2026-12-07')).toBeUndefined();
    expect(missingCalendarYear(shippedCalendarData('us'), '2026-12-07')).toBeUndefined();
  });
});

describe('a December complaint: its January deadlines when the 2027 adjustments are added', () => {
  // Received Thursday 2026-12-24, 10:00 Beijing. Investigation: 7 business days.
  const received = '2026-12-24T02:00:00.000Z';

  it('on the shipped calendar, a business-day deadline over 2027 is marked "calendar unconfirmed"; calendar days and 2026-only ones are not', () => {
    const c = complaintReceived(received);
    // Dec 25, 28, 29, 30, 31, (Jan 1 New Year), Jan 4, Jan 5: close of business 17:30 on 2027-01-05.
    expect(c.deadlines.investigate).toMatchObject({ dueAt: '2027-01-05T09:30:00.000Z', calendarUnconfirmed: true });
    expect(c.deadlines.register.calendarUnconfirmed).toBeUndefined(); // 2026-12-25
    expect(c.deadlines.finalResponse.calendarUnconfirmed).toBeUndefined(); // 15 calendar days: no holiday changes them
  });

  it('moves the January deadline, clears the mark, records the calendar it was measured on; a second run changes nothing', () => {
    const c = complaintReceived(received);
    const after = runtimeCalendar('cn', { 2027: TEST_2027 });
    const now = new Date('2026-12-28T02:00:00.000Z');
    const r = recomputeForCalendar(c, REGIONS.cn.profile, () => cn, after, now);
    expect(r.changed).toBe(true);
    // 2027-01-04 is now a day off: the 7th business day is Tuesday 2027-01-06... Jan 5 is the 6th.
    expect(r.complaint.deadlines.investigate).toMatchObject({ dueAt: '2027-01-06T09:30:00.000Z', calendar: '2027.v1' });
    expect(r.complaint.deadlines.investigate.calendarUnconfirmed).toBeUndefined();
    expect(r.moves).toContainEqual(
      expect.objectContaining({ name: 'investigate', from: '2027-01-05T09:30:00.000Z', to: '2027-01-06T09:30:00.000Z', alertStaff: false }),
    );
    // The final response (calendar days) and a deadline already past (register, 2026-12-25) do not move.
    expect(r.complaint.deadlines.finalResponse.dueAt).toBe(c.deadlines.finalResponse.dueAt);
    expect(r.complaint.deadlines.register).toEqual(c.deadlines.register);
    const again = recomputeForCalendar(r.complaint, REGIONS.cn.profile, () => cn, after, now);
    expect(again).toMatchObject({ changed: false, moves: [] });
  });

  it('a deadline moved by a pause keeps the paused time and lands on a close of business of the new calendar', () => {
    const c = complaintReceived(received);
    // Paused for 1 day earlier: investigate had moved from 01-05 to 01-06 17:30.
    c.deadlines.investigate = { ...c.deadlines.investigate, dueAt: '2027-01-06T09:30:00.000Z' };
    const r = recomputeForCalendar(c, REGIONS.cn.profile, () => cn, runtimeCalendar('cn', { 2027: TEST_2027 }), new Date('2026-12-28T02:00:00.000Z'));
    expect(r.complaint.deadlines.investigate.dueAt).toBe('2027-01-07T09:30:00.000Z');
  });

  it('a UK one-off bank holiday is added the same way and moves a UK business-day deadline', () => {
    const uk = shippedCalendar('uk');
    const c = complaintReceived('2027-05-24T09:00:00.000Z', uk, 'uk');
    // Investigation: 10 business days: 2027-05-31 is the spring bank holiday, so due Tuesday 2027-06-08 17:00 BST.
    expect(c.deadlines.investigate.dueAt).toBe('2027-06-08T16:00:00.000Z');
    const oneOff: StoredCalendarYear = {
      ...TEST_2027,
      extraHolidays: ['2027-06-04'],
      extraWorkingDays: [],
      source: { ...TEST_2027.source!, title: 'Test proclamation' },
    };
    const r = recomputeForCalendar(c, REGIONS.uk.profile, () => uk, runtimeCalendar('uk', { 2027: oneOff }), new Date('2027-05-25T09:00:00.000Z'));
    expect(r.complaint.deadlines.investigate.dueAt).toBe('2027-06-09T16:00:00.000Z');
  });
});

describe('the customer-date rule (docs/lifecycle.md)', () => {
  const told = '2027-01-10T15:59:59.999Z';
  it('a deadline moved earlier than the date the customer holds: the customer is told the new date at once, and staff too', () => {
    expect(customerDateAfterChange(told, told, '2027-01-08T15:59:59.999Z')).toEqual({
      customerDueAt: '2027-01-08T15:59:59.999Z',
      tellCustomer: true,
      alertStaff: true,
    });
  });
  it('moved later: the customer keeps the date they were told; staff are not alerted (the history shows it)', () => {
    expect(customerDateAfterChange(told, told, '2027-01-12T15:59:59.999Z')).toEqual({ customerDueAt: told, tellCustomer: false, alertStaff: false });
  });
  it('moved earlier but still after what the customer holds: nothing to tell the customer, staff alerted', () => {
    expect(customerDateAfterChange('2027-01-05T15:59:59.999Z', told, '2027-01-08T15:59:59.999Z')).toEqual({
      customerDueAt: '2027-01-05T15:59:59.999Z',
      tellCustomer: false,
      alertStaff: true,
    });
  });
  it('applied to a customer-facing business-day deadline (a profile whose final response counts business days)', () => {
    const profile = { ...REGIONS.cn.profile, clocks: { ...REGIONS.cn.profile.clocks, finalResponse: { unit: 'businessDays' as const, value: 7 } } };
    const deadlines = computeDeadlines(profile, cn, new Date(received()));
    const c = { ...complaintReceived(received()), deadlines } as Complaint;
    const r = recomputeForCalendar(c, profile, () => cn, runtimeCalendar('cn', { 2027: TEST_2027 }), new Date('2026-12-28T02:00:00.000Z'));
    const move = r.moves.find((m) => m.name === 'finalResponse');
    // Later: the customer keeps the date of the acknowledgement, stored beside the legal deadline.
    expect(move?.customer).toEqual({ customerDueAt: '2027-01-05T09:30:00.000Z', tellCustomer: false, alertStaff: false });
    expect(r.complaint.deadlines.finalResponse).toMatchObject({ dueAt: '2027-01-06T09:30:00.000Z', customerDueAt: '2027-01-05T09:30:00.000Z' });
    // Back to the shipped calendar (the entry withdrawn): earlier again, and no later than what the customer holds: nothing to tell.
    const back = recomputeForCalendar(r.complaint, profile, () => runtimeCalendar('cn', { 2027: TEST_2027 }), cn, new Date('2026-12-29T02:00:00.000Z'));
    expect(back.complaint.deadlines.finalResponse.dueAt).toBe('2027-01-05T09:30:00.000Z');
    expect(back.complaint.deadlines.finalResponse.customerDueAt).toBeUndefined();
    expect(back.moves.find((m) => m.name === 'finalResponse')?.customer?.tellCustomer).toBe(false);
  });
  function received() {
    return '2026-12-24T02:00:00.000Z';
  }
});

describe('the calendar each function loads: cached per process for a short time (injectable clock)', () => {
  class CountingStore implements CalendarStore {
    reads = 0;
    overrides: Record<string, StoredCalendarYear> = {};
    async years() {
      this.reads += 1;
      return { ...this.overrides };
    }
    async yearAt() {
      return undefined;
    }
    async putYear() {
      return true;
    }
    async applied() {
      return '';
    }
    async setApplied() {}
  }

  it('reads the store once per lifetime, then again: a runtime entry reaches a running process without a redeploy', async () => {
    const store = new CountingStore();
    const clock = new ManualClock(new Date('2026-12-07T02:00:00Z'));
    const provider = new CalendarProvider(store, REGIONS.cn, () => clock.now());
    expect(provider.calendar.isConfirmedDate('2027-03-01')).toBe(false); // shipped, before any load
    await provider.load();
    await provider.load();
    expect(store.reads).toBe(1);
    store.overrides = { 2027: TEST_2027 };
    clock.advance(CALENDAR_CACHE_MS - 1);
    expect((await provider.load()).version).toBe('');
    clock.advance(1);
    const loaded = await provider.load();
    expect(store.reads).toBe(2);
    expect(loaded.version).toBe('2027.v1');
    expect(provider.calendar.isConfirmedDate('2027-03-01')).toBe(true);
    expect(provider.calendar.isBusinessDate('2027-01-04')).toBe(false);
    expect(provider.calendar.isBusinessDate('2027-01-09')).toBe(true);
  });

  it('reads again when the clock is set back before its last read (a manual clock moved to 2029 and back)', async () => {
    const store = new CountingStore();
    const clock = new ManualClock(new Date('2029-01-05T02:00:00Z'));
    const provider = new CalendarProvider(store, REGIONS.cn, () => clock.now());
    await provider.load();
    clock.set(new Date('2026-12-07T02:00:00Z'));
    store.overrides = { 2027: TEST_2027 };
    expect((await provider.load()).version).toBe('2027.v1');
    expect(store.reads).toBe(2);
    await provider.load(); // fresh again from the new read
    expect(store.reads).toBe(2);
  });
});

describe('calendar states', () => {
  it('name each override year and version, in order', () => {
    const y = (version: number) => ({ version }) as StoredCalendarYear;
    expect(calendarVersion({})).toBe('');
    expect(calendarVersion({ 2028: y(1), 2027: y(3) })).toBe('2027.v3,2028.v1');
  });
  it('an override replaces the shipped year whole', () => {
    const entry: CalendarYear = { status: 'confirmed', source: TEST_2027.source, extraHolidays: [], extraWorkingDays: [] };
    const merged = mergeCalendarData(shippedCalendarData('cn'), { 2026: entry });
    const cal = calendarFromData(REGIONS.cn.calendar, merged);
    expect(cal.isBusinessDate('2026-01-04')).toBe(false); // no longer a make-up working Sunday
  });
});

describe('exact values the mutation run found unasserted (issue 23: calendar-data.ts survivors)', () => {
  const cnData = shippedCalendarData('cn');

  it('an unknown region has no shipped calendar, and the error names it', () => {
    expect(() => shippedCalendarData('xx' as RegionName)).toThrowError(/^No shipped calendar for region "xx"$/);
  });

  it('the shipped calendar of a region is built once and shared', () => {
    expect(shippedCalendar('uk')).toBe(shippedCalendar('uk'));
    expect(shippedCalendar('uk').timeZone).toBe('Europe/London');
  });

  it('merging keeps the rest of the shipped data and the years not overridden', () => {
    const entry: CalendarYear = { status: 'unconfirmed', extraHolidays: [], extraWorkingDays: [] };
    const merged = mergeCalendarData(cnData, { 2028: entry });
    expect(merged).toEqual({ ...cnData, years: { 2026: cnData.years['2026'], 2027: cnData.years['2027'], 2028: entry } });
    expect(cnData.years['2028']).toBeUndefined(); // the shipped data is not changed
  });

  it("the standing of a year: its entry, else the region's default for years without one", () => {
    expect(yearStatus(cnData, 2026)).toBe('confirmed');
    expect(yearStatus(cnData, 2027)).toBe('unconfirmed');
    expect(yearStatus(cnData, 2030)).toBe('unconfirmed');
    expect(yearStatus(shippedCalendarData('uk'), 2030)).toBe('confirmed');
    expect(unconfirmedYears(cnData, 2025, 2028)).toEqual([2025, 2027, 2028]);
    expect(unconfirmedYears(cnData, 2027, 2027)).toEqual([2027]);
    expect(unconfirmedYears(cnData, 2026, 2026)).toEqual([]);
  });

  it('the calendar is unconfirmed over the years it is asked about (2024-2040) where the data says so, and only those', () => {
    expect(CALENDAR_YEARS).toEqual({ from: 2024, to: 2040 });
    const isConfirmed = (y: number) => cn.isConfirmedDate(`${y}-06-01`);
    expect([2023, 2024, 2026, 2027, 2040, 2041].map(isConfirmed)).toEqual([true, false, true, false, false, true]);
  });

  it('a calendar state names its years and versions, and reads back', () => {
    expect(parseCalendarVersion(undefined)).toEqual([]);
    expect(parseCalendarVersion('')).toEqual([]);
    expect(parseCalendarVersion('2027.v3,2028.v12')).toEqual([
      { year: '2027', version: 3 },
      { year: '2028', version: 12 },
    ]);
    for (const bad of ['2027', 'x2027.v1', '2027.v1x', '2027.v', '027.v1', '2027.v1,,2028.v1']) {
      expect(() => parseCalendarVersion(bad), bad).toThrowError(new RangeError(`Not a calendar state: "${bad}"`));
    }
  });

  it('the calendar made from data carries the version it is given, and none when given none', () => {
    expect(calendarFromData(REGIONS.cn.calendar, cnData, '2027.v1').version).toBe('2027.v1');
    expect('version' in calendarFromData(REGIONS.cn.calendar, cnData)).toBe(false);
    expect('version' in calendarFromData(REGIONS.cn.calendar, cnData, '')).toBe(false);
  });

  it('each entry problem in the working days names its field too; a date that does not parse is not a date', () => {
    const issues = calendarYearIssues(2027, {
      status: 'unconfirmed',
      extraHolidays: ['2027-13-01', '2027-1-04'],
      extraWorkingDays: ['2027-01-09', '2027-01-09', '2028-01-01', 'soon'],
    });
    expect(issues).toEqual([
      { field: 'extraHolidays.0', code: 'not-a-date', message: '"2027-13-01" is not a date (YYYY-MM-DD)' },
      { field: 'extraHolidays.1', code: 'not-a-date', message: '"2027-1-04" is not a date (YYYY-MM-DD)' },
      { field: 'extraWorkingDays.1', code: 'duplicate', message: '2027-01-09 is listed twice' },
      { field: 'extraWorkingDays.2', code: 'outside-year', message: '2028-01-01 is not in 2027' },
      { field: 'extraWorkingDays.3', code: 'not-a-date', message: '"soon" is not a date (YYYY-MM-DD)' },
    ]);
  });

  it('only YYYY-MM-DD is a date: an extended-year form that Date reads back unchanged is not', () => {
    // new Date('+010000-01T00:00:00Z') is a valid instant whose ISO date starts '+010000-01': only the pattern refuses it.
    expect(calendarYearIssues(2027, { status: 'unconfirmed', extraHolidays: ['+010000-01'], extraWorkingDays: [] })).toEqual([
      { field: 'extraHolidays.0', code: 'not-a-date', message: '"+010000-01" is not a date (YYYY-MM-DD)' },
    ]);
  });

  it('a date is a duplicate only within its own list, and the same day in the other list is the off-and-working clash', () => {
    expect(calendarYearIssues(2027, { status: 'unconfirmed', extraHolidays: ['2027-01-04'], extraWorkingDays: ['2027-01-09'] })).toEqual([]);
    expect(calendarYearIssues(2027, { status: 'unconfirmed', extraHolidays: ['2027-01-09'], extraWorkingDays: ['2027-01-09'] })).toEqual([
      { field: 'extraWorkingDays.0', code: 'off-and-working', message: '2027-01-09 is both a day off and a working day' },
    ]);
  });

  it('the source: needed only by a confirmed year; published by the last day of its year at the latest', () => {
    const source = (date: string) => ({ title: 'Notice', date, url: 'https://www.example.gov/n' });
    const entry = (status: 'confirmed' | 'unconfirmed', date?: string) => ({
      status,
      source: date ? source(date) : undefined,
      extraHolidays: [],
      extraWorkingDays: [],
    });
    expect(calendarYearIssues(2027, entry('unconfirmed'))).toEqual([]);
    expect(calendarYearIssues(2027, entry('confirmed', '2027-12-31'))).toEqual([]);
    expect(calendarYearIssues(2027, entry('confirmed', '2028-01-01'))).toEqual([
      { field: 'source.date', code: 'source-after-year', message: 'the source of 2027 cannot be published after the year' },
    ]);
    expect(calendarYearIssues(2027, entry('unconfirmed', '2028-01-01'))).toEqual([
      { field: 'source.date', code: 'source-after-year', message: 'the source of 2027 cannot be published after the year' },
    ]);
    // A source date that is no date is the schema's to refuse, not "after the year".
    expect(calendarYearIssues(2027, entry('confirmed', '2028-13-45'))).toEqual([]);
    expect(calendarYearIssues(2027, entry('confirmed', 'later'))).toEqual([]);
  });

  it('the warning date must be MM-DD, and the error says what it got', () => {
    for (const bad of ['1201', '12-1', '012-01', '12-011', 'x12-01', '12-01x']) {
      expect(() => missingCalendarYear(cnData, '2026-11-15', bad), bad).toThrowError(new RangeError(`The calendar warning date must be MM-DD, got "${bad}"`));
    }
  });

  it('the warning names the year that has begun unconfirmed, from the warning date of the year before', () => {
    expect(missingCalendarYear(cnData, '2028-03-01', '11-15')).toEqual({ year: 2028, since: '2027-11-15' });
    expect(missingCalendarYear(cnData, '2026-12-01', '12-01')).toEqual({ year: 2027, since: '2026-12-01' });
  });
});
