import { describe, it, expect } from 'vitest';
import { createBusinessCalendar } from '../../functions/domain/business-calendar.ts';
import { calendarFromData, shippedCalendarData } from '../../functions/domain/calendar-data.ts';
import {
  addDuration,
  computeDeadlines,
  deadlineState,
  describeDuration,
  extendDeadline,
  nextAlarmAt,
  openDeadlines,
  shiftDeadlineForPause,
  shiftForPause,
} from '../../functions/domain/deadlines.ts';
import type { Complaint, DeadlineRecord } from '../../functions/domain/complaint.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { productionCalendar } from '../support/calendars.ts';

const cn = productionCalendar('cn');
const uk = productionCalendar('uk');
const us = productionCalendar('us');

const HOUR = 3_600_000;

describe('addDuration', () => {
  const at = new Date('2026-03-12T02:00:00Z'); // Thursday 10:00 in Shanghai

  it('business days end at close of business', () => {
    expect(addDuration(cn, at, { unit: 'businessDays', value: 2 }).toISOString()).toBe('2026-03-16T09:30:00.000Z');
  });

  it('calendar days end at 23:59:59.999 local of the n-th local day', () => {
    expect(addDuration(cn, at, { unit: 'calendarDays', value: 1 }).toISOString()).toBe('2026-03-13T15:59:59.999Z');
    // Late evening in New York is already the next day in UTC: counting is on the local date.
    const lateNy = new Date('2026-03-03T04:30:00Z'); // Mon 2026-03-02 23:30 EST
    expect(addDuration(us, lateNy, { unit: 'calendarDays', value: 1 }).toISOString()).toBe('2026-03-04T04:59:59.999Z');
  });

  it('hours and minutes are exact', () => {
    expect(addDuration(cn, at, { unit: 'hours', value: 1.5 }).toISOString()).toBe('2026-03-12T03:30:00.000Z');
    expect(addDuration(cn, at, { unit: 'minutes', value: 30 }).toISOString()).toBe('2026-03-12T02:30:00.000Z');
    // Exact across the London DST change: 24 hours after Saturday noon GMT is Sunday 13:00 BST.
    expect(addDuration(uk, new Date('2026-03-28T12:00:00Z'), { unit: 'hours', value: 24 }).toISOString()).toBe('2026-03-29T12:00:00.000Z');
  });
});

describe('computeDeadlines', () => {
  it('CN: received the day before National Day 2026, major and cross-department', () => {
    const received = new Date('2026-09-30T02:00:00Z'); // Wed 10:00 CST
    const d = computeDeadlines(REGIONS.cn.profile, cn, received, { major: true, crossDepartment: true });
    // The official 2026 arrangement (as production applies it): Oct 1-7 off, Saturday Oct 10 a
    // make-up working day. Business days after receipt: Oct 8, 9, 10 (Sat), 12, 13, 14, 15.
    expect(d).toEqual({
      register: { dueAt: '2026-10-08T09:30:00.000Z', rule: 'CN: registration within 1 business day' },
      qualityControl: { dueAt: '2026-09-30T02:30:00.000Z', rule: 'CN: hand-off to quality control within 30 minutes' },
      investigate: { dueAt: '2026-10-15T09:30:00.000Z', rule: 'CN: investigation within 7 business days' },
      replyTarget: { dueAt: '2026-10-13T09:30:00.000Z', rule: 'CN: reply target within 5 business days' },
      finalResponse: { dueAt: '2026-10-15T15:59:59.999Z', rule: 'CN: final response within 15 calendar days' },
      emergencyStart: { dueAt: '2026-09-30T04:00:00.000Z', rule: 'CN: emergency handling of a major complaint starts within 2 hours' },
      handlingPlan: { dueAt: '2026-10-10T09:30:00.000Z', rule: 'CN: cross-department handling plan within 3 business days' },
    });
  });

  it('CN: no emergency or handling-plan deadline unless major / cross-department', () => {
    const d = computeDeadlines(REGIONS.cn.profile, cn, new Date('2026-09-30T02:00:00Z'));
    expect(Object.keys(d).sort()).toEqual(['finalResponse', 'investigate', 'qualityControl', 'register', 'replyTarget']);
    expect(computeDeadlines(REGIONS.cn.profile, cn, new Date('2026-09-30T02:00:00Z'), { major: true }).handlingPlan).toBeUndefined();
  });

  it('UK: 8 weeks = 56 calendar days, summary resolution by close of business day 3, Easter skipped', () => {
    const received = new Date('2026-03-20T10:00:00Z'); // Friday 10:00 GMT
    const d = computeDeadlines(REGIONS.uk.profile, uk, received);
    expect(d.register.dueAt).toBe('2026-03-23T17:00:00.000Z');
    expect(d.summaryResolution).toEqual({ dueAt: '2026-03-25T17:00:00.000Z', rule: 'UK: summary resolution within 3 business days' });
    // 10 business days: Mar 23-27, Mar 30-Apr 2, (Good Friday, Easter Monday off), Apr 7 17:00 BST.
    expect(d.investigate.dueAt).toBe('2026-04-07T16:00:00.000Z');
    expect(d.replyTarget.dueAt).toBe('2026-04-14T16:00:00.000Z');
    // Friday Mar 20 + 56 days = Friday May 15, end of day BST.
    expect(d.finalResponse).toEqual({ dueAt: '2026-05-15T22:59:59.999Z', rule: 'UK: final response within 56 calendar days' });
    expect(d.qualityControl).toBeUndefined();
  });

  it('US: response within 15 days and final within 60, across the DST change', () => {
    const received = new Date('2026-03-01T15:00:00Z'); // Sunday 10:00 EST
    const d = computeDeadlines(REGIONS.us.profile, us, received);
    expect(d.register.dueAt).toBe('2026-03-02T22:00:00.000Z'); // Monday 17:00 EST
    expect(d.investigate.dueAt).toBe('2026-03-10T21:00:00.000Z'); // 7th business day, 17:00 EDT
    expect(d.replyTarget).toEqual({ dueAt: '2026-03-17T03:59:59.999Z', rule: 'US: reply target within 15 calendar days' });
    expect(d.finalResponse).toEqual({ dueAt: '2026-05-01T03:59:59.999Z', rule: 'US: final response within 60 calendar days' });
    expect(d.summaryResolution).toBeUndefined();
  });
});

describe('extendDeadline', () => {
  const received = new Date('2026-09-30T02:00:00Z');

  it('CN: 15 days -> 30 days (manager) -> 60 days (senior) -> nothing left', () => {
    expect(extendDeadline(REGIONS.cn.profile, cn, received, 0)).toEqual({
      index: 0,
      dueAt: '2026-10-30T15:59:59.999Z',
      rule: 'CN: final response extended to 30 calendar days (manager approval)',
      approval: 'manager',
      to: { unit: 'calendarDays', value: 30 },
    });
    const second = extendDeadline(REGIONS.cn.profile, cn, received, 1);
    expect(second?.dueAt).toBe('2026-11-29T15:59:59.999Z'); // Sep 30 + 60 days
    expect(second?.approval).toBe('senior');
    expect(extendDeadline(REGIONS.cn.profile, cn, received, 2)).toBeNull();
  });

  it('UK and US have no extension', () => {
    expect(extendDeadline(REGIONS.uk.profile, uk, received, 0)).toBeNull();
    expect(extendDeadline(REGIONS.us.profile, us, received, 0)).toBeNull();
  });

  it('rejects a negative or fractional index', () => {
    expect(() => extendDeadline(REGIONS.cn.profile, cn, received, -1)).toThrow(RangeError);
    expect(() => extendDeadline(REGIONS.cn.profile, cn, received, 0.5)).toThrow(RangeError);
  });
});

describe('shiftForPause', () => {
  const due = new Date('2026-10-15T15:59:59.999Z');

  it('pushes the deadline later by the paused time', () => {
    const shifted = shiftForPause(due, new Date('2026-10-05T00:00:00Z'), new Date('2026-10-08T12:00:00Z'));
    expect(shifted.toISOString()).toBe('2026-10-19T03:59:59.999Z');
  });

  it('counts the whole pause when it straddles the deadline', () => {
    const shifted = shiftForPause(due, new Date('2026-10-15T12:00:00Z'), new Date('2026-10-16T12:00:00Z'));
    expect(shifted.toISOString()).toBe('2026-10-16T15:59:59.999Z');
  });

  it('never moves it earlier, and a pause after the deadline does not revive it', () => {
    expect(shiftForPause(due, new Date('2026-10-08T00:00:00Z'), new Date('2026-10-05T00:00:00Z')).toISOString()).toBe(due.toISOString());
    expect(shiftForPause(due, new Date('2026-10-16T00:00:00Z'), new Date('2026-10-20T00:00:00Z')).toISOString()).toBe(due.toISOString());
    const same = shiftForPause(due, new Date('2026-10-05T00:00:00Z'), new Date('2026-10-05T00:00:00Z'));
    expect(same.getTime()).toBe(due.getTime());
    expect(same).not.toBe(due); // a fresh Date: callers may mutate it
  });
});

describe('deadlineState', () => {
  const due = new Date('2026-10-15T00:00:00Z');
  const length = 100 * HOUR; // reminder at 20 % left = 20 h before due
  const before = (ms: number) => new Date(due.getTime() - ms);

  it('due while more than the reminder fraction is left', () => {
    expect(deadlineState(due, before(21 * HOUR), length, 0.2)).toBe('due');
    expect(deadlineState(due, before(20 * HOUR + 1), length, 0.2)).toBe('due');
  });

  it('due_soon from exactly the reminder fraction left until the deadline itself', () => {
    expect(deadlineState(due, before(20 * HOUR), length, 0.2)).toBe('due_soon');
    expect(deadlineState(due, before(1), length, 0.2)).toBe('due_soon');
    expect(deadlineState(due, due, length, 0.2)).toBe('due_soon');
  });

  it('breached one millisecond after the deadline', () => {
    expect(deadlineState(due, new Date(due.getTime() + 1), length, 0.2)).toBe('breached');
  });

  it('accepts the stored ISO string and rejects an invalid one', () => {
    expect(deadlineState(due.toISOString(), before(10 * HOUR), length, 0.2)).toBe('due_soon');
    expect(() => deadlineState('not a date', due, length, 0.2)).toThrow(RangeError);
  });

  it('with a fraction of 0 a deadline is due until it is exactly reached', () => {
    expect(deadlineState(due, before(1), length, 0)).toBe('due');
    expect(deadlineState(due, due, length, 0)).toBe('due_soon');
  });

  it('on a computed CN final response: reminder about 74.8 h before its end', () => {
    const received = new Date('2026-09-30T02:00:00Z');
    const final = new Date(computeDeadlines(REGIONS.cn.profile, cn, received).finalResponse.dueAt);
    const len = final.getTime() - received.getTime(); // 15 d 13 h 59 m 59.999 s
    const f = REGIONS.cn.profile.reminderAtRemainingFraction;
    expect(deadlineState(final, new Date(final.getTime() - 75 * HOUR), len, f)).toBe('due');
    expect(deadlineState(final, new Date(final.getTime() - 74 * HOUR), len, f)).toBe('due_soon');
  });
});

describe('nextAlarmAt (the OPEN index key the deadline watch reads)', () => {
  // Received 00:00; investigate due 10:00 (reminder at 80 % of its length: 08:00); finalResponse
  // due 20:00 (reminder 16:00); the UK's summary resolution never escalates.
  const complaint = (over: Partial<Complaint> = {}): Complaint =>
    ({
      reference: 'CN-2026-000001',
      status: 'OPEN',
      stage: 'INVESTIGATION',
      receivedAt: '2026-03-02T00:00:00.000Z',
      updatedAt: '2026-03-02T01:00:00.000Z',
      deadlines: {
        investigate: { dueAt: '2026-03-02T10:00:00.000Z', rule: 'investigate' },
        finalResponse: { dueAt: '2026-03-02T20:00:00.000Z', rule: 'final' },
      },
      ...over,
    }) as unknown as Complaint;
  const d = (c: Complaint) => c.deadlines as Record<string, DeadlineRecord>;

  it('is the earliest reminder not yet sent', () => {
    expect(nextAlarmAt(complaint(), 0.2)).toBe('2026-03-02T08:00:00.000Z');
    expect(nextAlarmAt(complaint(), 0.5)).toBe('2026-03-02T05:00:00.000Z');
  });

  it('after the reminder, the escalation at the deadline; after both, the next deadline', () => {
    const c = complaint();
    d(c).investigate.remindedAt = '2026-03-02T08:00:00.000Z';
    expect(nextAlarmAt(c, 0.2)).toBe('2026-03-02T10:00:00.000Z');
    d(c).investigate.escalatedAt = '2026-03-02T10:00:00.000Z';
    expect(nextAlarmAt(c, 0.2)).toBe('2026-03-02T16:00:00.000Z');
    d(c).investigate.metAt = '2026-03-02T09:00:00.000Z';
    delete d(c).investigate.escalatedAt;
    expect(nextAlarmAt(c, 0.2)).toBe('2026-03-02T16:00:00.000Z');
  });

  it('a reminder whose deadline had passed when the complaint was written is no alarm; its escalation is', () => {
    const c = complaint({ updatedAt: '2026-03-02T11:00:00.000Z' });
    expect(nextAlarmAt(c, 0.2)).toBe('2026-03-02T10:00:00.000Z');
    d(c).investigate.escalatedAt = '2026-03-02T11:00:00.000Z';
    expect(nextAlarmAt(c, 0.2)).toBe('2026-03-02T16:00:00.000Z');
  });

  it('a deadline the watch does not follow (the UK summary resolution only lapses) is no alarm', () => {
    const c = complaint({ deadlines: { summaryResolution: { dueAt: '2026-03-02T10:00:00.000Z', rule: 'summary' } } as never, stage: 'RECEIVED' });
    expect(nextAlarmAt(c, 0.2)).toBeUndefined();
  });

  it('none while paused, once closed, or in a stage without open deadlines', () => {
    expect(nextAlarmAt(complaint({ pause: { since: '2026-03-02T02:00:00.000Z', reason: 'appraisal', by: 'h1' } }), 0.2)).toBeUndefined();
    expect(nextAlarmAt(complaint({ status: 'CLOSED', stage: 'CLOSED' }), 0.2)).toBeUndefined();
    expect(nextAlarmAt(complaint({ stage: 'CALLBACK' }), 0.2)).toBeUndefined();
  });

  it('only the deadlines of the current stage count (investigate is not a reply-stage deadline)', () => {
    expect(nextAlarmAt(complaint({ stage: 'REPLY' }), 0.2)).toBe('2026-03-02T16:00:00.000Z');
  });
});

describe('exact boundaries of pause and resume (CN production calendar, March 2026: no holidays)', () => {
  // Close of business in Shanghai is 17:30 = 09:30Z. Mon 9, Tue 10, Wed 11, Thu 12, Fri 13 March; Sat 14, Sun 15.
  const close = (day: string) => new Date(`2026-03-${day}T09:30:00.000Z`);
  const bd = { unit: 'businessDays', value: 7 } as const;
  const cd = { unit: 'calendarDays', value: 15 } as const;
  const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
  const DAY = 24 * HOUR;

  it('a pause starting exactly at the deadline moves nothing; one starting 1 ms before moves it by the whole pause', () => {
    const due = close('11');
    expect(shiftForPause(due, due, plus(due, 2 * HOUR)).toISOString()).toBe(due.toISOString());
    expect(shiftDeadlineForPause(cn, bd, due, due, plus(due, 2 * HOUR)).toISOString()).toBe(due.toISOString());
    expect(shiftForPause(due, plus(due, -1), plus(due, 2 * HOUR)).toISOString()).toBe('2026-03-11T11:30:00.001Z');
    // Moved by 2 h 1 ms past Wednesday's close: the next close of business is Thursday's.
    expect(shiftDeadlineForPause(cn, bd, due, plus(due, -1), plus(due, 2 * HOUR)).toISOString()).toBe('2026-03-12T09:30:00.000Z');
  });

  it('a pause of exactly one business day (close to close) moves a business-day deadline exactly one business day', () => {
    // Wednesday's close + 24 h is exactly Thursday's close: that is the deadline, not Friday's.
    expect(shiftDeadlineForPause(cn, bd, close('11'), close('09'), close('10')).toISOString()).toBe('2026-03-12T09:30:00.000Z');
    // One millisecond longer and Thursday's close is passed.
    expect(shiftDeadlineForPause(cn, bd, close('11'), close('09'), plus(close('10'), 1)).toISOString()).toBe('2026-03-13T09:30:00.000Z');
  });

  it('a pause ending exactly at close of business', () => {
    // 10:00 to 17:30 local on Monday (7 h 30 min): Wednesday's close + 7.5 h is Thursday 01:00 local -> Thursday's close.
    expect(shiftDeadlineForPause(cn, bd, close('11'), new Date('2026-03-09T02:00:00Z'), close('09')).toISOString()).toBe('2026-03-12T09:30:00.000Z');
    // Friday's close to Monday's close (72 h): Tuesday 17 March's close lands exactly on Friday 20 March's close.
    expect(shiftDeadlineForPause(cn, bd, new Date('2026-03-17T09:30:00Z'), close('13'), new Date('2026-03-16T09:30:00Z')).toISOString()).toBe(
      '2026-03-20T09:30:00.000Z',
    );
    // Two whole days from Thursday's close land on Saturday's 17:30: the next business day's close is Monday's.
    expect(shiftDeadlineForPause(cn, bd, close('12'), close('09'), close('11')).toISOString()).toBe('2026-03-16T09:30:00.000Z');
  });

  it('a calendar-day deadline moved exactly to the end of a local day stays there; 1 ms more is the end of the next', () => {
    const due = new Date('2026-03-15T15:59:59.999Z'); // end of Sunday 15 March, Shanghai
    expect(shiftDeadlineForPause(cn, cd, due, close('09'), close('10')).toISOString()).toBe('2026-03-16T15:59:59.999Z');
    expect(shiftDeadlineForPause(cn, cd, due, close('09'), plus(close('10'), 1)).toISOString()).toBe('2026-03-17T15:59:59.999Z');
    // A pause of 1 ms moves it to the end of the next local day.
    expect(shiftDeadlineForPause(cn, cd, due, close('09'), plus(close('09'), 1)).toISOString()).toBe('2026-03-16T15:59:59.999Z');
  });

  it('an hour deadline and one without a rule move by exactly the paused time; an empty pause moves nothing', () => {
    const due = close('11');
    expect(shiftDeadlineForPause(cn, { unit: 'hours', value: 2 }, due, close('09'), plus(close('09'), DAY + 1)).toISOString()).toBe('2026-03-12T09:30:00.001Z');
    expect(shiftDeadlineForPause(cn, undefined, due, close('09'), plus(close('09'), 1)).toISOString()).toBe('2026-03-11T09:30:00.001Z');
    expect(shiftDeadlineForPause(cn, bd, due, close('09'), close('09')).toISOString()).toBe(due.toISOString());
  });
});

describe('exact boundaries of the extension and reminder thresholds', () => {
  const received = new Date('2026-03-02T01:00:00Z'); // Monday 09:00 Shanghai
  const rule15 = addDuration(cn, received, { unit: 'calendarDays', value: 15 }); // 2026-03-17T15:59:59.999Z
  const rule30 = '2026-04-01T15:59:59.999Z';

  it('an extension from a deadline in force exactly at its rule is the extended rule exactly', () => {
    expect(rule15.toISOString()).toBe('2026-03-17T15:59:59.999Z');
    expect(extendDeadline(REGIONS.cn.profile, cn, received, 0, rule15)?.dueAt).toBe(rule30);
  });

  it('a deadline in force 1 ms past its rule carries that 1 ms into the extension', () => {
    expect(extendDeadline(REGIONS.cn.profile, cn, received, 0, new Date(rule15.getTime() + 1))?.dueAt).toBe('2026-04-01T16:00:00.000Z');
  });

  it('a deadline in force earlier than its rule does not shorten the extension; an invalid one is ignored', () => {
    expect(extendDeadline(REGIONS.cn.profile, cn, received, 0, new Date(rule15.getTime() - 3 * HOUR))?.dueAt).toBe(rule30);
    expect(extendDeadline(REGIONS.cn.profile, cn, received, 0, new Date('not a date'))?.dueAt).toBe(rule30);
  });

  it('the second extension measures the time moved against the first extension, not the original limit', () => {
    // In force: 30 days + 2 h (a pause after the first extension). Second: 60 days + 2 h.
    const inForce = new Date(new Date(rule30).getTime() + 2 * HOUR);
    expect(extendDeadline(REGIONS.cn.profile, cn, received, 1, inForce)?.dueAt).toBe('2026-05-01T17:59:59.999Z');
  });

  it('an extension never ends before the deadline in force (a deadline moved past the extended limit keeps its time)', () => {
    const farther = new Date('2026-06-01T00:00:00.000Z');
    // Moved 75 days past the 15-day rule: the extension is 30 days + that time, later than the deadline in force.
    const ext = extendDeadline(REGIONS.cn.profile, cn, received, 0, farther);
    expect(ext?.dueAt).toBe(new Date(new Date(rule30).getTime() + (farther.getTime() - rule15.getTime())).toISOString());
  });

  it('the reminder alarm is dropped when the complaint was written exactly at the deadline, kept 1 ms before', () => {
    const c = (updatedAt: string) =>
      ({
        reference: 'CN-2026-000001',
        status: 'OPEN',
        stage: 'REPLY',
        receivedAt: '2026-03-02T00:00:00.000Z',
        updatedAt,
        deadlines: {
          summaryResolution: { dueAt: '2026-03-02T10:00:00.000Z', rule: 's' },
          replyTarget: { dueAt: '2026-03-02T10:00:00.000Z', rule: 'r', escalatedAt: '2026-03-02T10:00:00.000Z' },
        },
      }) as unknown as Complaint;
    // Reply target: received 00:00, due 10:00, reminder at 20 % left = 08:00.
    expect(nextAlarmAt(c('2026-03-02T09:59:59.999Z'), 0.2)).toBe('2026-03-02T08:00:00.000Z');
    expect(nextAlarmAt(c('2026-03-02T10:00:00.000Z'), 0.2)).toBeUndefined();
  });

  it('the reminder is due exactly when the remaining time equals the fraction of the length, not 1 ms earlier', () => {
    const due = new Date('2026-03-02T10:00:00.000Z');
    const len = 10 * HOUR;
    expect(deadlineState(due, new Date('2026-03-02T08:00:00.000Z'), len, 0.2)).toBe('due_soon');
    expect(deadlineState(due, new Date('2026-03-02T07:59:59.999Z'), len, 0.2)).toBe('due');
    // A negative length counts as none: due_soon only at the deadline itself.
    expect(deadlineState(due, new Date('2026-03-02T09:59:59.999Z'), -len, 0.2)).toBe('due');
    expect(deadlineState(due, due, -len, 0.2)).toBe('due_soon');
  });
});

describe('exact values the mutation run found unasserted (issue 23: deadlines.ts survivors)', () => {
  const received = new Date('2026-03-02T01:00:00Z'); // Monday 09:00 Shanghai

  it('describeDuration names every unit, singular for 1 and plural otherwise', () => {
    const units = ['businessDays', 'calendarDays', 'hours', 'minutes'] as const;
    expect(units.flatMap((unit) => [1, 2].map((value) => describeDuration({ unit, value })))).toEqual([
      '1 business day',
      '2 business days',
      '1 calendar day',
      '2 calendar days',
      '1 hour',
      '2 hours',
      '1 minute',
      '2 minutes',
    ]);
  });

  it('a deadline records the runtime calendar state it was measured on; on the shipped calendar it has no calendar field', () => {
    const versioned = calendarFromData(REGIONS.cn.calendar, shippedCalendarData('cn'), '2026.v2');
    expect(computeDeadlines(REGIONS.cn.profile, versioned, received).register).toStrictEqual({
      dueAt: '2026-03-03T09:30:00.000Z',
      rule: 'CN: registration within 1 business day',
      calendar: '2026.v2',
    });
    expect(computeDeadlines(REGIONS.cn.profile, cn, received).register).toStrictEqual({
      dueAt: '2026-03-03T09:30:00.000Z',
      rule: 'CN: registration within 1 business day',
    });
  });

  it('the errors name the bad value', () => {
    expect(() => deadlineState('not a date', received, HOUR, 0.2)).toThrowError(/^Invalid dueAt: not a date$/);
    expect(() => extendDeadline(REGIONS.cn.profile, cn, received, -1)).toThrowError(/^Extension index must be a non-negative integer, got -1$/);
    expect(() => extendDeadline(REGIONS.cn.profile, cn, received, 0.5)).toThrowError(/^Extension index must be a non-negative integer, got 0.5$/);
  });

  it('an extension that needs no approval says none in its rule', () => {
    const profile = {
      ...REGIONS.cn.profile,
      clocks: { ...REGIONS.cn.profile.clocks, extensions: [{ to: { unit: 'calendarDays', value: 30 } as const, approval: 'none' as const }] },
    };
    expect(extendDeadline(profile, cn, received, 0)).toEqual({
      index: 0,
      dueAt: '2026-04-01T15:59:59.999Z',
      rule: 'CN: final response extended to 30 calendar days',
      approval: 'none',
      to: { unit: 'calendarDays', value: 30 },
    });
  });

  it('an empty pause leaves a deadline exactly where it is, even one that is not at a close of business', () => {
    const midday = new Date('2026-03-11T05:00:00.000Z'); // Wednesday 13:00 Shanghai
    const bd = { unit: 'businessDays', value: 7 } as const;
    const cd = { unit: 'calendarDays', value: 15 } as const;
    const at = new Date('2026-03-09T02:00:00.000Z');
    expect(shiftDeadlineForPause(cn, bd, midday, at, at).toISOString()).toBe('2026-03-11T05:00:00.000Z');
    expect(shiftDeadlineForPause(cn, cd, midday, at, at).toISOString()).toBe('2026-03-11T05:00:00.000Z');
  });

  it('a calendar-day deadline moved into the repeated hour of a fall-back at midnight goes to the end of the next local day', () => {
    // Santiago falls back at 00:00 on Sunday 5 April 2026 to Saturday 23:00: Saturday 23:00-23:59
    // happens twice, and the end of Saturday (the earlier 23:59:59.999, 02:59:59.999Z) comes before
    // the second 23:29:59.999 (03:29:59.999Z). The deadline must not end before the moved instant.
    const santiago = createBusinessCalendar({ country: 'CL', timeZone: 'America/Santiago', closeOfBusiness: '17:00' });
    const due = new Date('2026-04-04T02:59:59.999Z'); // end of Friday 3 April, -03
    const pausedFrom = new Date('2026-04-01T12:00:00.000Z');
    const resumedAt = new Date(pausedFrom.getTime() + 24 * HOUR + 30 * 60_000);
    const out = shiftDeadlineForPause(santiago, { unit: 'calendarDays', value: 10 }, due, pausedFrom, resumedAt);
    expect(out.toISOString()).toBe('2026-04-06T03:59:59.999Z'); // end of Sunday 5 April, -04
  });

  describe('the search for a business day after a moved business-day deadline', () => {
    const due = new Date('2026-03-11T09:30:00.000Z'); // Wednesday's close in Shanghai
    const bd = { unit: 'businessDays', value: 7 } as const;
    const pause = [new Date('2026-03-09T02:00:00.000Z'), new Date('2026-03-09T03:00:00.000Z')] as const; // 1 h: moved to Wednesday 18:30
    // The production CN calendar with only one business day (a pure stand-in for a misconfigured calendar).
    const onlyBusinessDay = (day: string | undefined) => ({ ...cn, isBusinessDate: (d: string) => d === day });

    it('finds a business day 3660 days after the moved day, the last it searches', () => {
      const last = '2036-03-18'; // 2026-03-11 + 3660 days (10 years of 3653 days, then 7)
      const out = shiftDeadlineForPause(onlyBusinessDay(last), bd, due, ...pause);
      expect(out.toISOString()).toBe('2036-03-18T09:30:00.000Z');
    });

    it('gives up with a clear error when there is none within 3660 days', () => {
      expect(() => shiftDeadlineForPause(onlyBusinessDay('2036-03-19'), bd, due, ...pause)).toThrowError(
        /^No business day within 3660 days in Asia\/Shanghai$/,
      );
      expect(() => shiftDeadlineForPause(onlyBusinessDay(undefined), bd, due, ...pause)).toThrowError(/^No business day within 3660 days in Asia\/Shanghai$/);
    });
  });

  describe('openDeadlines and the alarms', () => {
    const names = ['register', 'qualityControl', 'investigate', 'replyTarget', 'finalResponse', 'summaryResolution', 'emergencyStart', 'handlingPlan'];
    const complaint = (over: Partial<Complaint> = {}): Complaint =>
      ({
        reference: 'CN-2026-000001',
        region: 'cn',
        status: 'OPEN',
        stage: 'RECEIVED',
        receivedAt: '2026-03-02T00:00:00.000Z',
        updatedAt: '2026-03-02T01:00:00.000Z',
        deadlines: Object.fromEntries(names.map((n) => [n, { dueAt: '2026-03-02T10:00:00.000Z', rule: n }])),
        ...over,
      }) as unknown as Complaint;

    it('lists the deadlines of each stage, in order', () => {
      const open = (stage: Complaint['stage']) => openDeadlines(complaint({ stage })).map(([n]) => n);
      expect(open('RECEIVED')).toEqual(['register', 'qualityControl', 'emergencyStart', 'handlingPlan', 'investigate', 'replyTarget', 'finalResponse']);
      expect(open('INVESTIGATION')).toEqual(['emergencyStart', 'handlingPlan', 'investigate', 'replyTarget', 'finalResponse']);
      expect(open('REPLY')).toEqual(['emergencyStart', 'handlingPlan', 'replyTarget', 'finalResponse']);
      expect(open('CALLBACK')).toEqual([]);
      expect(open('CLOSED')).toEqual([]);
    });

    it('every deadline but the summary resolution escalates: reminded, its alarm is its due time', () => {
      const alarmOf = (name: string) =>
        nextAlarmAt(
          complaint({ deadlines: { [name]: { dueAt: '2026-03-02T10:00:00.000Z', rule: name, remindedAt: '2026-03-02T08:00:00.000Z' } } as never }),
          0.2,
        );
      expect(Object.fromEntries(names.map((n) => [n, alarmOf(n)]))).toEqual({
        register: '2026-03-02T10:00:00.000Z',
        qualityControl: '2026-03-02T10:00:00.000Z',
        investigate: '2026-03-02T10:00:00.000Z',
        replyTarget: '2026-03-02T10:00:00.000Z',
        finalResponse: '2026-03-02T10:00:00.000Z',
        summaryResolution: undefined,
        emergencyStart: '2026-03-02T10:00:00.000Z',
        handlingPlan: '2026-03-02T10:00:00.000Z',
      });
    });

    it('a closed complaint has no alarm whatever stage it was left in', () => {
      expect(nextAlarmAt(complaint(), 0.2)).toBe('2026-03-02T08:00:00.000Z');
      expect(nextAlarmAt(complaint({ status: 'CLOSED' }), 0.2)).toBeUndefined();
    });

    it('a deadline with an unreadable due time is skipped, not the whole alarm', () => {
      const c = complaint({
        deadlines: {
          register: { dueAt: 'garbled', rule: 'r' },
          investigate: { dueAt: '2026-03-02T10:00:00.000Z', rule: 'i' },
        } as never,
      });
      expect(nextAlarmAt(c, 0.2)).toBe('2026-03-02T08:00:00.000Z');
    });

    it('UK: the eight-week letter is the alarm only when it is the earliest', () => {
      const uk = (investigateDue: string) =>
        complaint({
          region: 'uk',
          stage: 'INVESTIGATION',
          deadlines: {
            investigate: { dueAt: investigateDue, rule: 'i', remindedAt: '2026-03-02T01:00:00.000Z', escalatedAt: '2026-03-02T01:00:00.000Z' },
            finalResponse: { dueAt: '2026-04-26T22:59:59.999Z', rule: 'f', remindedAt: '2026-03-02T01:00:00.000Z' },
          } as never,
        });
      // The letter: 24 h before the final response; the final response escalates at its due time.
      expect(nextAlarmAt(uk('2026-03-02T10:00:00.000Z'), 0.2)).toBe('2026-04-25T22:59:59.999Z');
      const c = uk('2026-03-02T10:00:00.000Z');
      (c.deadlines as Record<string, DeadlineRecord>).investigate = { dueAt: '2026-03-02T10:00:00.000Z', rule: 'i' };
      expect(nextAlarmAt(c, 0.2)).toBe('2026-03-02T08:00:00.000Z');
    });
  });
});
