/**
 * Live evaluation of major complaints (domain/live-evaluation.ts, ADR 0023): the evaluation
 * clock's start, its intervals and their exact boundaries, the watch's alerts and alarm, the
 * snapshot of facts, the refusals, and the counts the periodic review sums.
 */
import { describe, expect, it } from 'vitest';
import type { Complaint } from '../../functions/domain/complaint.ts';
import {
  evaluationAlarmAt,
  evaluationAlerts,
  evaluationClockStart,
  evaluationCounts,
  evaluationRefusal,
  evaluationSchedule,
  evaluationSnapshot,
  evaluationStatus,
  intervalMs,
  isLiveEvaluated,
  markAlert,
  missedIntervals,
  missedSinceLast,
  newEvaluation,
  settledMissedIntervals,
  type LiveEvaluation,
  watchAlarmAt,
} from '../../functions/domain/live-evaluation.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { C, complaintCounters, contributions } from '../../functions/domain/dashboard.ts';
import { buildPeriodicReview, periodicReviewDocument } from '../../functions/domain/periodic-review.ts';
import { productionCalendar } from '../support/calendars.ts';

const H = 3_600_000;
const EVERY = { unit: 'hours', value: 24 } as const;
const T0 = Date.parse('2026-03-02T01:00:00.000Z'); // received
const ES_DUE = new Date(T0 + 2 * H).toISOString();
const at = (ms: number) => new Date(ms);
const iso = (ms: number) => new Date(ms).toISOString();

function major(over: Partial<Complaint> = {}): Complaint {
  return {
    reference: 'CN-2026-000001',
    region: 'cn',
    channel: 'web',
    language: 'zh-CN',
    status: 'OPEN',
    stage: 'INVESTIGATION',
    receivedAt: iso(T0),
    deadlines: {
      emergencyStart: { dueAt: ES_DUE, rule: 'CN: emergency handling of a major complaint starts within 2 hours' },
      investigate: { dueAt: iso(T0 + 7 * 24 * H), rule: 'investigate' },
      finalResponse: { dueAt: iso(T0 + 15 * 24 * H), rule: 'final' },
    },
    routing: { major: true, majorReasons: ['large amount: 600,000 CNY >= 500,000 CNY'], crossDepartment: false, departments: ['cards'], anonymous: false },
    assignment: { team: 'cards', assignee: 'mia', manager: 'mia' },
    complainant: { anonymous: false, name: 'Li Wei' },
    matter: { description: 'x' },
    consent: { personalData: true },
    executionName: 'e',
    resumeCount: 0,
    updatedAt: iso(T0),
    version: 1,
    ...over,
  } as Complaint;
}

/** Claimed (emergency handling started) at T0 + 1 h: the evaluation clock starts then. */
const claimedAt = T0 + H;
function claimed(over: Partial<Complaint> = {}): Complaint {
  const c = major(over);
  c.deadlines.emergencyStart.metAt = iso(claimedAt);
  return c;
}
const evals = (...times: number[]) => times.map((t) => ({ at: iso(t), decision: 'continue' }) as LiveEvaluation);

describe('the evaluation setting', () => {
  it('is a daily, elapsed-time cadence in every region', () => {
    for (const r of Object.values(REGIONS)) expect(r.profile.liveEvaluationEvery).toEqual({ unit: 'hours', value: 24 });
  });
  it('counts hours and minutes in milliseconds', () => {
    expect(intervalMs({ unit: 'hours', value: 24 })).toBe(24 * H);
    expect(intervalMs({ unit: 'minutes', value: 90 })).toBe(90 * 60_000);
    expect(intervalMs({ unit: 'hours', value: 1.5 })).toBe(1.5 * H);
  });
});

describe('when the evaluation clock starts', () => {
  it('at the emergency start when it was met in time', () => {
    expect(evaluationClockStart(claimed())).toBe(iso(claimedAt));
  });
  it('at the emergency start deadline while handling has not started', () => {
    expect(evaluationClockStart(major())).toBe(ES_DUE);
  });
  it('at the deadline when handling started late (a late start does not postpone it)', () => {
    const c = major();
    c.deadlines.emergencyStart.metAt = iso(T0 + 5 * H);
    expect(evaluationClockStart(c)).toBe(ES_DUE);
  });
  it('at the deadline when handling started exactly at it', () => {
    const c = major();
    c.deadlines.emergencyStart.metAt = ES_DUE;
    expect(evaluationClockStart(c)).toBe(ES_DUE);
  });
  it('at receipt for a major complaint without the emergency clock', () => {
    const c = major();
    delete c.deadlines.emergencyStart;
    expect(evaluationClockStart(c)).toBe(iso(T0));
  });
  it('never for a complaint that is not major', () => {
    const c = major({ routing: { ...major().routing!, major: false } });
    expect(isLiveEvaluated(c)).toBe(false);
    expect(evaluationClockStart(c)).toBeUndefined();
    expect(evaluationSchedule(c, EVERY, at(T0 + 100 * H))).toBeUndefined();
    expect(evaluationStatus(c, EVERY, 0.2, at(T0 + 100 * H))).toBeUndefined();
    expect(missedIntervals(c, EVERY, at(T0 + 100 * H))).toBe(0);
    expect(settledMissedIntervals(c, EVERY)).toBe(0);
    expect(isLiveEvaluated(major({ routing: undefined }))).toBe(false);
  });
});

describe('the schedule: one evaluation due in each interval', () => {
  const firstDue = claimedAt + 24 * H;
  it('first due one interval after the clock starts; nothing missed before it', () => {
    expect(evaluationSchedule(claimed(), EVERY, at(claimedAt))).toEqual({ dueAt: iso(firstDue), missed: 0, made: 0 });
    expect(evaluationSchedule(claimed(), EVERY, at(firstDue))).toEqual({ dueAt: iso(firstDue), missed: 0, made: 0 });
  });
  it('one interval missed the millisecond after its due instant; the next one due an interval later', () => {
    expect(evaluationSchedule(claimed(), EVERY, at(firstDue + 1))).toEqual({ dueAt: iso(firstDue + 24 * H), missed: 1, made: 0 });
    expect(evaluationSchedule(claimed(), EVERY, at(firstDue + 24 * H))).toEqual({ dueAt: iso(firstDue + 24 * H), missed: 1, made: 0 });
    expect(evaluationSchedule(claimed(), EVERY, at(firstDue + 24 * H + 1))).toEqual({ dueAt: iso(firstDue + 48 * H), missed: 2, made: 0 });
  });
  it('an evaluation exactly at its due instant is in time; the next is due an interval after it', () => {
    const c = claimed({ liveEvaluations: evals(firstDue) });
    expect(evaluationSchedule(c, EVERY, at(firstDue + 1))).toEqual({ dueAt: iso(firstDue + 24 * H), missed: 0, made: 1 });
  });
  it('an early evaluation moves the next due earlier (rolling from each evaluation)', () => {
    const c = claimed({ liveEvaluations: evals(claimedAt + 3 * H) });
    expect(evaluationSchedule(c, EVERY, at(claimedAt + 4 * H))!.dueAt).toBe(iso(claimedAt + 27 * H));
  });
  it('a late evaluation leaves the intervals it passed missed', () => {
    const c = claimed({ liveEvaluations: evals(firstDue + 1) });
    expect(evaluationSchedule(c, EVERY, at(firstDue + 2))).toEqual({ dueAt: iso(firstDue + 1 + 24 * H), missed: 1, made: 1 });
    const two = claimed({ liveEvaluations: evals(firstDue + 24 * H + 1) });
    expect(evaluationSchedule(two, EVERY, at(firstDue + 24 * H + 1))!.missed).toBe(2);
  });
  it('takes evaluations in time order whatever their stored order, and ignores those after `until`', () => {
    const c = claimed({ liveEvaluations: evals(claimedAt + 30 * H, claimedAt + 10 * H) });
    expect(evaluationSchedule(c, EVERY, at(claimedAt + 31 * H))).toEqual({ dueAt: iso(claimedAt + 54 * H), missed: 0, made: 2 });
    expect(evaluationSchedule(c, EVERY, at(claimedAt + 20 * H))).toEqual({ dueAt: iso(claimedAt + 34 * H), missed: 0, made: 1 });
  });
  it('several evaluations in one interval count once each and miss nothing', () => {
    const c = claimed({ liveEvaluations: evals(claimedAt + H, claimedAt + 2 * H, claimedAt + 3 * H) });
    expect(evaluationSchedule(c, EVERY, at(claimedAt + 4 * H))).toEqual({ dueAt: iso(claimedAt + 27 * H), missed: 0, made: 3 });
  });
  it('works in minutes too', () => {
    const c = claimed();
    expect(evaluationSchedule(c, { unit: 'minutes', value: 30 }, at(claimedAt + 61 * 60_000))).toEqual({
      dueAt: iso(claimedAt + 90 * 60_000),
      missed: 2,
      made: 0,
    });
  });
});

describe('missed intervals', () => {
  const firstDue = claimedAt + 24 * H;
  it('up to now for an open complaint', () => {
    expect(missedIntervals(claimed(), EVERY, at(firstDue))).toBe(0);
    expect(missedIntervals(claimed(), EVERY, at(firstDue + 1))).toBe(1);
  });
  it('up to the close for a closed complaint, whatever now is', () => {
    const c = claimed({ status: 'CLOSED', stage: 'CLOSED', closedAt: iso(firstDue + 24 * H + 1), liveEvaluations: evals(claimedAt + 2 * H) });
    // Evaluated at +2 h: next due +26 h (missed at +26 h + 1 ms), then +50 h; closed at firstDue + 24 h + 1 = +49 h + 1 ms.
    expect(missedIntervals(c, EVERY, at(firstDue + 100 * H))).toBe(1);
    expect(missedIntervals(c, EVERY, at(claimedAt + 26 * H))).toBe(0);
  });
  it('a closed complaint without its close instant counts to now', () => {
    const c = claimed({ status: 'CLOSED', stage: 'CLOSED' });
    expect(missedIntervals(c, EVERY, at(firstDue + 1))).toBe(1);
  });
  it('since the last evaluation', () => {
    const c = claimed({ liveEvaluations: evals(firstDue + 24 * H + 1) }); // two missed before it
    expect(missedSinceLast(c, EVERY, at(firstDue + 24 * H + 2))).toBe(0);
    expect(missedSinceLast(c, EVERY, at(firstDue + 48 * H + 1))).toBe(0);
    expect(missedSinceLast(c, EVERY, at(firstDue + 48 * H + 2))).toBe(1);
    // An evaluation after `now` is not yet made.
    expect(missedSinceLast(c, EVERY, at(firstDue + 1))).toBe(1);
    expect(missedSinceLast(claimed(), EVERY, at(firstDue + 1))).toBe(1);
  });
  it('settled: to the close of a closed complaint, to the last evaluation of an open one', () => {
    expect(settledMissedIntervals(claimed(), EVERY)).toBe(0);
    const open = claimed({ liveEvaluations: evals(firstDue + 24 * H + 1) });
    expect(settledMissedIntervals(open, EVERY)).toBe(2);
    const closed = claimed({ status: 'CLOSED', stage: 'CLOSED', closedAt: iso(firstDue + 1), liveEvaluations: [] });
    expect(settledMissedIntervals(closed, EVERY)).toBe(1);
    const closedNoInstant = claimed({ status: 'CLOSED', stage: 'CLOSED', liveEvaluations: evals(firstDue + 1) });
    expect(settledMissedIntervals(closedNoInstant, EVERY)).toBe(1);
  });
});

describe('status, alerts and the alarm of the deadline watch', () => {
  const firstDue = claimedAt + 24 * H;
  const remindAt = firstDue - 0.2 * 24 * H;
  it('not due before the reminder point; due from it (inclusive); overdue after the due instant', () => {
    expect(evaluationStatus(claimed(), EVERY, 0.2, at(remindAt - 1))).toEqual({
      dueAt: iso(firstDue),
      remindAt: iso(remindAt),
      dueSoon: false,
      missedSinceLast: 0,
    });
    expect(evaluationStatus(claimed(), EVERY, 0.2, at(remindAt))!.dueSoon).toBe(true);
    expect(evaluationStatus(claimed(), EVERY, 0.2, at(firstDue))).toMatchObject({ dueSoon: true, missedSinceLast: 0 });
    expect(evaluationStatus(claimed(), EVERY, 0.2, at(firstDue + 1))).toEqual({
      dueAt: iso(firstDue + 24 * H),
      remindAt: iso(remindAt + 24 * H),
      dueSoon: false,
      missedSinceLast: 1,
      overdueSince: iso(firstDue),
    });
    expect(evaluationStatus(claimed({ status: 'CLOSED' }), EVERY, 0.2, at(firstDue))).toBeUndefined();
  });
  it('reminds once per due instant, from the reminder point', () => {
    expect(evaluationAlerts(claimed(), EVERY, 0.2, at(remindAt - 1))).toEqual([]);
    expect(evaluationAlerts(claimed(), EVERY, 0.2, at(remindAt))).toEqual([{ action: 'remind', dueAt: iso(firstDue), missed: 0 }]);
    const reminded = claimed({ liveEvaluationAlerts: markAlert(undefined, { action: 'remind', dueAt: iso(firstDue) }, iso(remindAt)) });
    expect(evaluationAlerts(reminded, EVERY, 0.2, at(firstDue))).toEqual([]);
  });
  it('escalates a missed evaluation once, then reminds of the next', () => {
    const reminded = claimed({ liveEvaluationAlerts: { remindedFor: iso(firstDue), remindedAt: iso(remindAt) } });
    expect(evaluationAlerts(reminded, EVERY, 0.2, at(firstDue + 1))).toEqual([{ action: 'escalate', dueAt: iso(firstDue), missed: 1 }]);
    const escalated = claimed({
      liveEvaluationAlerts: markAlert(reminded.liveEvaluationAlerts, { action: 'escalate', dueAt: iso(firstDue) }, iso(firstDue + 1)),
    });
    expect(escalated.liveEvaluationAlerts).toEqual({
      remindedFor: iso(firstDue),
      remindedAt: iso(remindAt),
      escalatedFor: iso(firstDue),
      escalatedAt: iso(firstDue + 1),
    });
    expect(evaluationAlerts(escalated, EVERY, 0.2, at(firstDue + 2))).toEqual([]);
    expect(evaluationAlerts(escalated, EVERY, 0.2, at(remindAt + 24 * H))).toEqual([{ action: 'remind', dueAt: iso(firstDue + 24 * H), missed: 1 }]);
    // Never reminded, long overdue: the latest missed due instant is escalated, and the one coming due reminded.
    expect(evaluationAlerts(claimed(), EVERY, 0.2, at(firstDue + 24 * H))).toEqual([
      { action: 'escalate', dueAt: iso(firstDue), missed: 1 },
      { action: 'remind', dueAt: iso(firstDue + 24 * H), missed: 1 },
    ]);
  });
  it('no alert once the evaluation is made', () => {
    const c = claimed({ liveEvaluations: evals(firstDue - H) });
    expect(evaluationAlerts(c, EVERY, 0.2, at(firstDue + 1))).toEqual([]);
    expect(evaluationAlerts(claimed({ status: 'CLOSED' }), EVERY, 0.2, at(firstDue + 1))).toEqual([]);
  });
  it('the alarm: the reminder, then the first millisecond after the due instant, then the next reminder', () => {
    expect(evaluationAlarmAt(claimed(), EVERY, 0.2, at(claimedAt))).toBe(iso(remindAt));
    const reminded = claimed({ liveEvaluationAlerts: { remindedFor: iso(firstDue) } });
    expect(evaluationAlarmAt(reminded, EVERY, 0.2, at(remindAt))).toBe(iso(firstDue + 1));
    const escalated = claimed({ liveEvaluationAlerts: { remindedFor: iso(firstDue), escalatedFor: iso(firstDue) } });
    expect(evaluationAlarmAt(escalated, EVERY, 0.2, at(firstDue + 1))).toBe(iso(remindAt + 24 * H));
    // An escalation not made yet: at once (the first millisecond after the missed due instant).
    expect(evaluationAlarmAt(reminded, EVERY, 0.2, at(firstDue + 5 * H))).toBe(iso(firstDue + 1));
    expect(evaluationAlarmAt(claimed({ status: 'CLOSED' }), EVERY, 0.2, at(claimedAt))).toBeUndefined();
    expect(evaluationAlarmAt(major({ routing: undefined }), EVERY, 0.2, at(claimedAt))).toBeUndefined();
  });
  it("the OPEN index's alarm: the earlier of the deadlines' and the evaluation's, measured when the complaint was written", () => {
    const written = claimed({ updatedAt: iso(claimedAt) });
    expect(watchAlarmAt(written, iso(remindAt + 1), 0.2, EVERY)).toBe(iso(remindAt));
    expect(watchAlarmAt(written, iso(remindAt - 1), 0.2, EVERY)).toBe(iso(remindAt - 1));
    expect(watchAlarmAt(written, iso(remindAt), 0.2, EVERY)).toBe(iso(remindAt));
    expect(watchAlarmAt(written, undefined, 0.2, EVERY)).toBe(iso(remindAt));
    // No cadence given, or nothing to evaluate: the deadlines' alarm alone.
    expect(watchAlarmAt(written, iso(remindAt + 1), 0.2, undefined)).toBe(iso(remindAt + 1));
    expect(watchAlarmAt(claimed({ status: 'CLOSED' }), undefined, 0.2, EVERY)).toBeUndefined();
    // Written after the reminder went out: the escalation's alarm.
    const reminded = claimed({ updatedAt: iso(remindAt), liveEvaluationAlerts: { remindedFor: iso(firstDue) } });
    expect(watchAlarmAt(reminded, undefined, 0.2, EVERY)).toBe(iso(firstDue + 1));
  });
  it('a paused regulatory clock does not stop the evaluation clock', () => {
    const c = claimed({ pause: { since: iso(claimedAt + H), reason: 'appraisal', by: 'mia' } });
    expect(evaluationAlerts(c, EVERY, 0.2, at(firstDue + 1))).toEqual([{ action: 'escalate', dueAt: iso(firstDue), missed: 1 }]);
  });
});

describe('the snapshot of facts and the evaluation record', () => {
  const now = at(claimedAt + 3 * H);
  it('takes the stage, people, open deadlines with time left, emergency start, links and callbacks', () => {
    const c = claimed({
      relatedTo: { reference: 'CN-2026-000000', reason: 'staff-link', at: iso(T0) },
      repeats: 2,
      routing: { ...major().routing!, majorReasons: ['possible group incident: 6 complaints within 24 h (threshold 5)'] },
      callbacks: [{ satisfaction: 2, by: 'sam', at: iso(T0) }],
      extensions: { granted: 1 },
      escalated: true,
      pause: { since: iso(claimedAt + 2 * H), reason: 'appraisal', by: 'mia' },
    });
    const s = evaluationSnapshot(c, EVERY, 0.2, now);
    expect(s).toEqual({
      stage: 'INVESTIGATION',
      assignee: 'mia',
      manager: 'mia',
      deadlines: [
        { name: 'investigate', dueAt: iso(T0 + 7 * 24 * H), state: 'due', msLeft: T0 + 7 * 24 * H - now.getTime() },
        { name: 'finalResponse', dueAt: iso(T0 + 15 * 24 * H), state: 'due', msLeft: T0 + 15 * 24 * H - now.getTime() },
      ],
      emergencyStart: { state: 'met', dueAt: ES_DUE, metAt: iso(claimedAt) },
      paused: { since: iso(claimedAt + 2 * H) },
      groupIncident: true,
      linked: { relatedTo: 'CN-2026-000000', repeats: 2 },
      callbacks: { count: 1, lastSatisfaction: 2 },
      extensionsGranted: 1,
      escalated: true,
      evaluationsBefore: 0,
      missedIntervals: 0,
    });
  });
  it('states the emergency start: late, overdue, pending; a breached deadline has negative time left', () => {
    const late = major();
    late.deadlines.emergencyStart.metAt = iso(T0 + 3 * H);
    expect(evaluationSnapshot(late, EVERY, 0.2, now).emergencyStart).toEqual({ state: 'late', dueAt: ES_DUE, metAt: iso(T0 + 3 * H) });
    expect(evaluationSnapshot(major(), EVERY, 0.2, at(T0 + 2 * H)).emergencyStart).toEqual({ state: 'pending', dueAt: ES_DUE });
    const overdue = evaluationSnapshot(major(), EVERY, 0.2, at(T0 + 2 * H + 1));
    expect(overdue.emergencyStart).toEqual({ state: 'overdue', dueAt: ES_DUE });
    expect(overdue.deadlines[0]).toEqual({ name: 'emergencyStart', dueAt: ES_DUE, state: 'breached', msLeft: -1 });
    const bare = evaluationSnapshot(major({ assignment: { team: 'cards' }, routing: undefined }), EVERY, 0.2, now);
    expect(bare).toMatchObject({ groupIncident: false, linked: { repeats: 0 }, callbacks: { count: 0 }, extensionsGranted: 0, escalated: false });
    expect(bare).not.toHaveProperty('assignee');
    expect(bare).not.toHaveProperty('manager');
    expect(bare).not.toHaveProperty('paused');
    const noClock = major();
    delete noClock.deadlines.emergencyStart;
    expect(evaluationSnapshot(noClock, EVERY, 0.2, now)).not.toHaveProperty('emergencyStart');
  });
  it('numbers the evaluation, records the due instant it answers and whether it came late', () => {
    const firstDue = claimedAt + 24 * H;
    const req = {
      riskLevel: 'high',
      progress: 'at-risk',
      findings: 'Media enquiry',
      decision: 'adjust',
      changes: 'Daily call',
      nextStepOwner: 'hana',
    } as const;
    const e1 = newEvaluation(claimed(), req, 'mia', EVERY, 0.2, at(firstDue));
    expect(e1).toMatchObject({ id: 'E1', by: 'mia', at: iso(firstDue), dueAt: iso(firstDue), late: false, ...req });
    expect(e1.snapshot.evaluationsBefore).toBe(0);
    const e2 = newEvaluation(
      claimed({ liveEvaluations: [e1] }),
      { ...req, decision: 'continue', changes: undefined, nextStepOwner: undefined },
      'quinn',
      EVERY,
      0.2,
      at(firstDue + 24 * H + 1),
    );
    expect(e2).toMatchObject({ id: 'E2', late: true, dueAt: iso(firstDue + 48 * H), decision: 'continue' });
    expect(e2).not.toHaveProperty('changes');
    expect(e2).not.toHaveProperty('nextStepOwner');
    expect(e2.snapshot).toMatchObject({ evaluationsBefore: 1, missedIntervals: 1 });
  });
  it('refuses a complaint that is not major, or closed', () => {
    expect(evaluationRefusal(claimed())).toBeUndefined();
    expect(evaluationRefusal(major({ routing: { ...major().routing!, major: false } }))).toMatch(/major complaints/);
    expect(evaluationRefusal(claimed({ status: 'CLOSED' }))).toMatch(/closed/);
  });
  it('counts evaluations, adjustments and escalations', () => {
    const list = ['continue', 'adjust', 'escalate', 'adjust'].map((decision) => ({ decision }) as LiveEvaluation);
    expect(evaluationCounts({ liveEvaluations: list })).toEqual({ made: 4, adjusted: 2, escalated: 1 });
    expect(evaluationCounts({})).toEqual({ made: 0, adjusted: 0, escalated: 0 });
  });
});

describe('counted for the periodic review (dashboard aggregates)', () => {
  const cal = productionCalendar('cn');
  const firstDue = claimedAt + 24 * H;
  const list = (...d: [number, string][]) => d.map(([t, decision]) => ({ at: iso(t), decision }) as LiveEvaluation);
  it('a closed major complaint: evaluations, adjustments, escalations and the intervals missed to its close', () => {
    // Evaluated at +2 h (adjust) and 2 ms after the second due instant (escalate: one missed), closed a day and a half later (one more missed).
    const c = claimed({
      status: 'CLOSED',
      stage: 'CLOSED',
      closedAt: iso(claimedAt + 2 * H + 24 * H + 1 + 36 * H),
      liveEvaluations: list([claimedAt + 2 * H, 'adjust'], [claimedAt + 2 * H + 24 * H + 1, 'escalate']),
    });
    expect(complaintCounters(c, cal)).toMatchObject({ [C.major]: 1, [C.liveEvaluations]: 2, [C.liveAdjusted]: 1, [C.liveEscalated]: 1, [C.liveMissed]: 2 });
  });
  it('an open one: missed intervals only up to its last evaluation; none evaluated: no live counters', () => {
    const open = claimed({ liveEvaluations: list([firstDue + 1, 'continue']) });
    const k = complaintCounters(open, cal);
    expect(k).toMatchObject({ [C.liveEvaluations]: 1, [C.liveMissed]: 1 });
    expect(k).not.toHaveProperty(C.liveAdjusted);
    expect(k).not.toHaveProperty(C.liveEscalated);
    const none = complaintCounters(claimed(), cal);
    for (const key of [C.liveEvaluations, C.liveMissed, C.liveAdjusted, C.liveEscalated]) expect(none).not.toHaveProperty(key);
    const notMajor = complaintCounters(claimed({ routing: { ...major().routing!, major: false }, liveEvaluations: list([firstDue + 1, 'adjust']) }), cal);
    expect(notMajor).not.toHaveProperty(C.liveEvaluations);
  });
  it("a drill's complaint counts nowhere", () => {
    const drill = claimed({
      classification: { nature: 'service' } as never,
      drill: { drillId: 'DR-1', scenario: 's' },
      liveEvaluations: list([firstDue + 1, 'adjust']),
    });
    expect(contributions(drill, () => cal)).toEqual([]);
    expect(contributions({ ...drill, drill: undefined }, () => cal)[0].add).toMatchObject({ [C.liveEvaluations]: 1, [C.liveMissed]: 1 });
  });
  it("the review sums the period's counters and shows them in both languages", () => {
    const review = buildPeriodicReview({
      region: 'cn',
      period: '2026-Q1',
      monthItems: {
        '2026-03': [
          {
            sk: 'c#web#cards#service',
            counters: { [C.total]: 3, [C.major]: 2, [C.liveEvaluations]: 5, [C.liveAdjusted]: 2, [C.liveEscalated]: 1, [C.liveMissed]: 3 },
          },
        ],
      } as never,
      actions: [],
      drills: [],
      now: new Date('2026-04-02T00:00:00Z'),
    });
    expect(review.liveEvaluation).toEqual({ majorComplaints: 2, evaluations: 5, adjusted: 2, escalated: 1, missedIntervals: 3 });
    const en = JSON.stringify(periodicReviewDocument(review, 'en'));
    expect(en).toContain('Major complaints: live evaluation');
    expect(JSON.stringify(periodicReviewDocument(review, 'zh-CN'))).toContain('重大投诉动态评估');
    const figures = periodicReviewDocument(review, 'en').blocks.find(
      (_b, i, all) => i > 0 && all[i - 1].kind === 'heading' && (all[i - 1] as { text: string }).text === 'Major complaints: live evaluation',
    );
    expect(figures).toEqual({
      kind: 'figures',
      items: [
        { label: 'Major', value: '2' },
        { label: 'Evaluations', value: '5' },
        { label: 'Strategy adjusted', value: '2' },
        { label: 'Escalated', value: '1' },
        { label: 'Intervals missed', value: '3' },
      ],
    });
  });
});
