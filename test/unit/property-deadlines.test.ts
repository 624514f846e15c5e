/**
 * Regulatory clocks, property-based (fast-check), on the real CN, UK and US calendars
 * (holidays and China's make-up working days): a business-day deadline is the close of
 * business of a business day, n business days after the day received; later receipt never
 * gives an earlier deadline; extending never shortens; pausing never loses time - in the
 * pure rules and through the staff actions (pause, resume, extension) with fakes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../functions/domain/authorization.ts';
import { addLocalDays, createBusinessCalendar, type BusinessCalendar } from '../../functions/domain/business-calendar.ts';
import { shippedCalendar } from '../../functions/domain/calendar-data.ts';
import {
  addDuration,
  computeDeadlines,
  deadlineRule,
  deadlineState,
  extendDeadline,
  shiftDeadlineForPause,
  type DeadlineName,
} from '../../functions/domain/deadlines.ts';
import { REGIONS, type Duration, type RegionName } from '../../functions/domain/regions.ts';
import { SubmitComplaintRequest } from '../../functions/contract/submit-complaint.schema.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { openStaffTask } from '../../functions/use-cases/workflow/lifecycle.ts';
import { claimTask, decideExtension, pauseClock, requestExtension, resumeClock } from '../../functions/use-cases/staff/staff-actions.ts';
import { submitComplaint } from '../../functions/use-cases/intake/submit-complaint.ts';
import { FakeRepository, FakeWorkflow } from '../support/fakes.ts';
import { runs } from '../support/hostile-arbitraries.ts';

const RUNS = 200;
const DAY = 86_400_000;
const calendars: Record<RegionName, BusinessCalendar> = {
  cn: shippedCalendar('cn'),
  uk: createBusinessCalendar(REGIONS.uk.calendar),
  us: createBusinessCalendar(REGIONS.us.calendar),
};
const regionName = fc.constantFrom<RegionName>('cn', 'uk', 'us');
/** Instants the holiday tables cover with room for the longest deadline (60 days, then pauses). */
const instant = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2040-06-30T00:00:00Z'), noInvalidDate: true });
/** Receipts on the edges that matter too: around close of business, midnight and DST changes. */
const receipt = fc.oneof(
  { weight: 3, arbitrary: instant },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(0, 1, -1, 60_000, -60_000),
      )
      .map(([d, jitter]) => new Date(Math.floor(d.getTime() / 1_800_000) * 1_800_000 + jitter)),
  },
);

/** Every deadline of a complaint (major and cross-department, so all are there) with the rule it is measured by. */
function deadlinesWithRules(r: RegionName, at: Date) {
  const profile = REGIONS[r].profile;
  const d = computeDeadlines(profile, calendars[r], at, { major: true, crossDepartment: true });
  return Object.entries(d).map(([name, v]) => ({ name: name as DeadlineName, due: new Date(v.dueAt), rule: deadlineRule(profile, name)! }));
}

/** The deadline has the shape its rule gives every deadline: close of business of a business day, end of a local day, or exact. */
function expectShape(cal: BusinessCalendar, rule: Duration, due: Date) {
  const day = cal.localDate(due);
  if (rule.unit === 'businessDays') {
    expect(cal.isBusinessDate(day), `${due.toISOString()} is a business day`).toBe(true);
    expect(due.getTime(), `${due.toISOString()} is at close of business`).toBe(cal.closeOfBusinessOn(day).getTime());
  } else if (rule.unit === 'calendarDays') {
    expect(due.getTime(), `${due.toISOString()} is at the end of a local day`).toBe(cal.endOfLocalDay(day).getTime());
  }
}

describe('computed deadlines', () => {
  it('a business-day deadline is the close of business of the n-th business day after the day received; calendar days end the n-th local day; hours are exact', () => {
    fc.assert(
      fc.property(regionName, receipt, (r, at) => {
        const cal = calendars[r];
        for (const { name, due, rule } of deadlinesWithRules(r, at)) {
          expect(due.getTime(), name).toBeGreaterThan(at.getTime());
          expectShape(cal, rule, due);
          if (rule.unit === 'businessDays') {
            // Counting starts after the day received: the closes of business after its end.
            expect(cal.businessDaysBetween(cal.endOfLocalDay(cal.localDate(at)), due), name).toBe(rule.value);
          } else if (rule.unit === 'calendarDays') {
            expect(cal.localDate(due)).toBe(addLocalDays(cal.localDate(at), rule.value));
          } else {
            expect(due.getTime() - at.getTime()).toBe(rule.value * (rule.unit === 'hours' ? 3_600_000 : 60_000));
          }
        }
      }),
      { numRuns: runs(RUNS) },
    );
  });

  it('a later receipt never gives an earlier deadline', () => {
    fc.assert(
      fc.property(regionName, instant, fc.integer({ min: 0, max: 20 * DAY }), (r, a, gap) => {
        const b = new Date(a.getTime() + gap);
        const early = deadlinesWithRules(r, a);
        const late = deadlinesWithRules(r, b);
        for (const [i, d] of early.entries()) expect(late[i].due.getTime(), d.name).toBeGreaterThanOrEqual(d.due.getTime());
      }),
      { numRuns: runs(RUNS) },
    );
  });

  it('more business days is always later; business days between instants add up', () => {
    fc.assert(
      fc.property(
        regionName,
        instant,
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 30 * DAY }),
        fc.integer({ min: 0, max: 30 * DAY }),
        (r, at, n, m, g1, g2) => {
          const cal = calendars[r];
          if (n !== m) expect(cal.addBusinessDays(at, Math.max(n, m)).getTime()).toBeGreaterThan(cal.addBusinessDays(at, Math.min(n, m)).getTime());
          const b = new Date(at.getTime() + g1);
          const c = new Date(b.getTime() + g2);
          expect(cal.businessDaysBetween(at, c)).toBe(cal.businessDaysBetween(at, b) + cal.businessDaysBetween(b, c));
        },
      ),
      { numRuns: runs(RUNS) },
    );
  });

  it('a deadline state only moves forward in time: due, due soon, breached', () => {
    const order = { due: 0, due_soon: 1, breached: 2 } as const;
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 1, max: 60 * DAY }),
        fc.integer({ min: -70 * DAY, max: 70 * DAY }),
        fc.integer({ min: 0, max: 10 * DAY }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (due, length, offset, step, fraction) => {
          const now = new Date(due.getTime() + offset);
          const later = new Date(now.getTime() + step);
          expect(order[deadlineState(due, later, length, fraction)]).toBeGreaterThanOrEqual(order[deadlineState(due, now, length, fraction)]);
        },
      ),
      { numRuns: runs(RUNS) },
    );
  });
});

describe('extensions', () => {
  it('never shorten the deadline in force, and keep the time it was moved by (a pause, a restart)', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 90 * DAY }), (at, granted, moved) => {
        const profile = REGIONS.cn.profile;
        const cal = calendars.cn;
        const rule = granted === 0 ? profile.clocks.finalResponse : profile.clocks.extensions[granted - 1].to;
        const inForce = new Date(addDuration(cal, at, rule).getTime() + moved);
        const ext = extendDeadline(profile, cal, at, granted, inForce)!;
        const extended = new Date(ext.dueAt);
        expect(extended.getTime()).toBeGreaterThanOrEqual(inForce.getTime());
        expect(extended.getTime() - addDuration(cal, at, ext.to).getTime()).toBeGreaterThanOrEqual(moved);
      }),
      { numRuns: runs(RUNS) },
    );
  });

  it('the regions without extensions have none', () => {
    fc.assert(
      fc.property(fc.constantFrom<RegionName>('uk', 'us'), instant, (r, at) => {
        expect(extendDeadline(REGIONS[r].profile, calendars[r], at, 0)).toBeNull();
      }),
      { numRuns: runs(20) },
    );
  });
});

describe('a paused clock', () => {
  it('moves a deadline by at least the paused time, keeping the shape of its rule; a pause after the deadline moves nothing', () => {
    fc.assert(
      fc.property(regionName, receipt, fc.integer({ min: 0, max: 70 * DAY }), fc.integer({ min: 1, max: 40 * DAY }), (r, at, pauseAfter, pausedFor) => {
        const cal = calendars[r];
        const from = new Date(at.getTime() + pauseAfter);
        const to = new Date(from.getTime() + pausedFor);
        for (const { name, due, rule } of deadlinesWithRules(r, at)) {
          const moved = shiftDeadlineForPause(cal, rule, due, from, to);
          if (from.getTime() >= due.getTime()) {
            expect(moved.getTime(), name).toBe(due.getTime());
          } else {
            expect(moved.getTime(), name).toBeGreaterThanOrEqual(due.getTime() + pausedFor);
            expectShape(cal, rule, moved);
            // ... and no further than the next instant of that shape.
            if (rule.unit === 'hours' || rule.unit === 'minutes') expect(moved.getTime()).toBe(due.getTime() + pausedFor);
          }
        }
      }),
      { numRuns: runs(RUNS) },
    );
  });
});

// ---------------------------------------------------------------------------------------
// Through the staff actions, with fakes

const hana: Actor = { id: 'hana', name: 'Hana', roles: ['handler'], department: 'cards' };
const mia: Actor = { id: 'mia', name: 'Mia', roles: ['manager'], department: 'cards' };

async function complaintAtInvestigation(r: RegionName, at: Date) {
  const repo = new FakeRepository();
  const clock = new ManualClock(at);
  const region = REGIONS[r];
  const deps = { repo, workflow: new FakeWorkflow(), clock, region, calendar: calendars[r] };
  await repo.putStaff({ id: 'mia', name: 'Mia', roles: ['manager'], department: 'cards' } as never);
  const { body } = await submitComplaint(
    SubmitComplaintRequest.parse({
      complainant: { contact: { email: 'li.wei@example.com' } },
      matter: { description: 'The annual fee was charged twice' },
      businessLine: 'cards',
      consent: { personalData: true },
    }),
    { channel: 'web' },
    deps,
  );
  const reference = body.reference;
  await openStaffTask({ reference, stage: 'INVESTIGATION', taskToken: 'token-1', executionName: reference }, deps);
  await claimTask(deps, hana, reference);
  return { deps, repo, clock, reference };
}

describe('pause, resume and extension through the staff actions', () => {
  it('resuming moves every unmet deadline by at least the paused time, business-day ones to a business day; a later extension keeps that time', async () => {
    await fc.assert(
      fc.asyncProperty(
        regionName,
        receipt,
        fc.integer({ min: 0, max: 5 * DAY }),
        fc.integer({ min: 60_000, max: 40 * DAY }),
        async (r, at, pauseAfter, pausedFor) => {
          const { deps, repo, clock, reference } = await complaintAtInvestigation(r, at);
          clock.advance(pauseAfter);
          await pauseClock(deps, hana, reference, { reason: 'External appraisal' });
          const since = clock.now().getTime();
          const before = structuredClone(repo.complaints.get(reference)!.deadlines);
          clock.advance(pausedFor);
          await resumeClock(deps, hana, reference);
          const after = repo.complaints.get(reference)!.deadlines;
          for (const [name, d] of Object.entries(before)) {
            const rule = deadlineRule(REGIONS[r].profile, name)!;
            const was = new Date(d.dueAt).getTime();
            const now = new Date(after[name].dueAt);
            if (d.metAt || since >= was) expect(now.getTime(), name).toBe(was);
            else {
              expect(now.getTime(), name).toBeGreaterThanOrEqual(was + pausedFor);
              expectShape(calendars[r], rule, now);
            }
          }
          if (r !== 'cn') return;
          // CN: an extension to 30 days asked for and approved right after the pause.
          const inForce = new Date(after.finalResponse.dueAt);
          const asked = await requestExtension(deps, hana, reference, { reason: 'Waiting for the card scheme' });
          expect(asked.status).toBe('pending');
          const decided = await decideExtension(deps, mia, reference, { approve: true });
          expect(decided.status).toBe('granted');
          const extended = new Date(repo.complaints.get(reference)!.deadlines.finalResponse.dueAt);
          expect(extended.getTime(), 'extending never shortens').toBeGreaterThanOrEqual(inForce.getTime());
          // The paused time still counts as not elapsed: 30 days from receipt plus the pause.
          expect(extended.getTime()).toBeGreaterThanOrEqual(addDuration(calendars.cn, at, { unit: 'calendarDays', value: 30 }).getTime() + pausedFor);
        },
      ),
      { numRuns: runs(60) },
    );
  }, 60_000);
});

describe('regressions (seeds the properties found)', () => {
  it('a pause does not move a business-day deadline onto a weekend (seed -323942135: it moved by the exact paused time)', async () => {
    // Received Monday 2 March 2026, 09:00 Shanghai; investigation due Wednesday 11 March, 17:30.
    const { deps, repo, clock, reference } = await complaintAtInvestigation('cn', new Date('2026-03-02T01:00:00Z'));
    expect(repo.complaints.get(reference)!.deadlines.investigate.dueAt).toBe('2026-03-11T09:30:00.000Z');
    await pauseClock(deps, hana, reference, { reason: 'External appraisal' });
    clock.advance(3 * DAY);
    await resumeClock(deps, hana, reference);
    const d = repo.complaints.get(reference)!.deadlines;
    // Three days later is Saturday 14 March: the deadline is the close of business of the next business day.
    expect(d.investigate.dueAt).toBe('2026-03-16T09:30:00.000Z');
    // A calendar-day deadline moves by the paused time (exactly three days here) to the end of a local day.
    expect(d.finalResponse.dueAt).toBe('2026-03-20T15:59:59.999Z');
  });

  it('an extension after a long pause does not shorten the deadline (seed -569563946: it was measured from receipt only)', async () => {
    const { deps, repo, clock, reference } = await complaintAtInvestigation('cn', new Date('2026-03-02T01:00:00Z'));
    await pauseClock(deps, hana, reference, { reason: 'External appraisal' });
    clock.advance(20 * DAY);
    await resumeClock(deps, hana, reference);
    const inForce = repo.complaints.get(reference)!.deadlines.finalResponse.dueAt;
    expect(inForce).toBe('2026-04-06T15:59:59.999Z'); // 15 days + 20 paused
    await requestExtension(deps, hana, reference, { reason: 'Waiting for the card scheme' });
    await decideExtension(deps, mia, reference, { approve: true });
    // 30 days from receipt (1 April) would be earlier than the deadline in force: it is 30 days + the 20 paused.
    expect(repo.complaints.get(reference)!.deadlines.finalResponse.dueAt).toBe('2026-04-21T15:59:59.999Z');
  });
});
