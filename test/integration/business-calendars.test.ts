/**
 * Business calendars as operational data (issue 22), on the real local runtime (DynamoDB Local,
 * each function in its own worker behind the IAM check): in December 2026 a CN complaint's
 * January deadline is "calendar unconfirmed" and the console's warning is up; an administrator's
 * bad entry is refused naming the field; a good one is stored as a version, audited, and reaches
 * the deadline watch without a redeploy, which measures the open complaint again and records it
 * in its history.
 *
 * The 2027 entry is TEST DATA, not the official 2027 arrangements. The test puts the year back
 * to unconfirmed at the end (a new version), as shipped.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { clients, validComplaint } from '../support/clients.ts';
import { Journey } from '../support/journey.ts';

const { ddb, sfn } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const j = new Journey(inject('apiUrl'), ddb, sfn, inject('tableName'), inject('stateMachineArn'));

// Thursday 2026-12-24, 10:00 in Shanghai.
const CHRISTMAS_EVE = '2026-12-24T02:00:00.000Z';
const TEST_2027 = {
  year: 2027,
  status: 'confirmed',
  source: { title: 'Test notice on the 2027 arrangements (not the official one)', date: '2026-12-10', url: 'https://www.example.gov/2027' },
  extraHolidays: ['2027-01-04'],
  extraWorkingDays: ['2027-01-09'],
};
const CACHE_LIFETIME_MS = 60_000;

afterAll(async () => {
  await j.setClock('2026-03-02T01:00:00.000Z');
});

describe('business calendars as data', () => {
  it('a December complaint: unconfirmed January deadline and warning; a bad entry refused; a good one audited, and the deadline recomputed with its history', async () => {
    await j.setClock(CHRISTMAS_EVE);

    // The console's banner: next year is not confirmed, from 1 December.
    const before = await j.as('hana', 'GET', '/calendars');
    expect(before.status).toBe(200);
    expect(before.body.warning).toEqual({ year: 2027, since: '2026-12-01' });
    const y2027 = before.body.years.find((y: any) => y.year === 2027);
    expect(y2027).toMatchObject({ status: 'unconfirmed', origin: 'shipped', version: 0 });

    const { reference: ref } = await j.submit(validComplaint({ businessLine: 'cards', amount: { value: 300, currency: 'CNY' } }));
    await j.waitForStage(ref, 'INVESTIGATION');
    const first = (await j.complaint('hana', ref)).complaint;
    // 7 business days: Dec 25, 28, 29, 30, 31, (Jan 1), Jan 4, Jan 5 - over 2027, whose notice is not in.
    expect(first.deadlines.investigate).toMatchObject({ dueAt: '2027-01-05T09:30:00.000Z', calendarUnconfirmed: true });
    expect(first.deadlines.finalResponse.calendarUnconfirmed).toBeUndefined();

    // Only an administrator corrects a year; a bad entry is refused, each problem by its field.
    expect((await j.as('hana', 'POST', '/calendars', { ...TEST_2027, expectedVersion: 0 })).status).toBe(403);
    const bad = await j.as('ada', 'POST', '/calendars', { ...TEST_2027, extraHolidays: ['2027-01-09', '2028-01-03'], expectedVersion: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([
      { field: 'extraHolidays.1', message: '2028-01-03 is not in 2027' },
      { field: 'extraWorkingDays.0', message: '2027-01-09 is both a day off and a working day' },
    ]);
    const put = await j.as('ada', 'POST', '/calendars', { ...TEST_2027, expectedVersion: 0 });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ region: 'cn', year: 2027, version: 1, status: 'confirmed' });
    // A stale correction (someone else wrote version 1) is a conflict, not an overwrite.
    expect((await j.as('ada', 'POST', '/calendars', { ...TEST_2027, expectedVersion: 0 })).status).toBe(409);

    // Audited: who, what, the year and version; the refusal with the fields.
    const audit = await j.as('quinn', 'GET', '/audit?day=2026-12-24&actor=ada');
    expect(audit.status).toBe(200);
    const calendarEntries = audit.body.entries.filter((e: any) => e.operation === 'putCalendarYear');
    expect(calendarEntries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'ada', outcome: 'ok', detail: 'calendar 2027 v1 (confirmed)' }),
        expect.objectContaining({ actor: 'ada', outcome: 'rejected', detail: expect.stringContaining('extraHolidays.1, extraWorkingDays.0') }),
        expect.objectContaining({ actor: 'ada', outcome: 'rejected', detail: expect.stringContaining('version 1, not 0') }),
      ]),
    );

    // No redeploy: once the functions' cached calendar has lived its lifetime, the deadline watch
    // takes the new year and measures the open complaints again.
    await j.advance(CACHE_LIFETIME_MS);
    const tick = (await j.tick()) as any;
    expect(tick.calendar).toMatchObject({ version: '2027.v1', ran: true, missingYear: null });
    expect(tick.calendar.moves).toContainEqual({
      reference: ref,
      deadline: 'investigate',
      from: '2027-01-05T09:30:00.000Z',
      to: '2027-01-06T09:30:00.000Z',
      customerTold: false,
    });
    const after = await j.complaint('hana', ref);
    expect(after.complaint.deadlines.investigate).toMatchObject({ dueAt: '2027-01-06T09:30:00.000Z', calendar: '2027.v1' });
    expect(after.complaint.deadlines.investigate.calendarUnconfirmed).toBeUndefined();
    const moved = after.history.find((h: any) => h.action === 'calendar:investigate');
    expect(moved).toMatchObject({ actor: 'system', before: { dueAt: '2027-01-05T09:30:00.000Z' }, after: { dueAt: '2027-01-06T09:30:00.000Z' } });
    expect(moved.summary).toContain('2027.v1');
    // The watch ran once for that change: the next tick has nothing to measure again.
    expect(((await j.tick()) as any).calendar).toMatchObject({ ran: false });

    const now = await j.as('hana', 'GET', '/calendars');
    expect(now.body.warning).toBeNull();
    expect(now.body.years.find((y: any) => y.year === 2027)).toMatchObject({ status: 'confirmed', origin: 'runtime', version: 1, by: 'ada' });

    // As shipped again: 2027 unconfirmed (version 2); the complaint's deadline goes back and is marked again.
    const back = await j.as('ada', 'POST', '/calendars', { year: 2027, status: 'unconfirmed', expectedVersion: 1 });
    expect(back.status).toBe(200);
    await j.advance(CACHE_LIFETIME_MS);
    expect(((await j.tick()) as any).calendar).toMatchObject({ version: '2027.v2', ran: true });
    expect((await j.complaint('hana', ref)).complaint.deadlines.investigate).toMatchObject({ dueAt: '2027-01-05T09:30:00.000Z', calendarUnconfirmed: true });
  });
});
