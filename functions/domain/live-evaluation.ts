/**
 * Live evaluation of major complaints (S2 chapter 8 §2 3.2 动态评估: "对重大投诉事件进行实时评估，
 * 及时调整处理策略"): while a major complaint is open, its lead or the complaints function evaluates
 * it at a set cadence - risk, progress against the plan, findings, and a strategy decision
 * (continue, adjust, escalate) - on a snapshot of the facts taken at that moment. Pure: time,
 * the cadence and the reminder point are arguments (ADR 0023).
 *
 * The cadence ("evaluation clock"):
 *  - it starts when emergency handling starts (the lead's claim meets `emergencyStart`), or at
 *    the emergency start's deadline when handling had not started by then (a late start does
 *    not postpone the evaluations); a major complaint without that clock: at its receipt;
 *  - one evaluation is due in each interval of `every` (the region's `liveEvaluationEvery`):
 *    the first at clock start + every, the next `every` after each evaluation;
 *  - an interval that ends with no evaluation (its due instant passed, strictly) is missed; the
 *    next one starts at the missed due instant;
 *  - the lead is reminded when the evaluation comes due (at the remaining fraction of the
 *    interval, as the regulatory deadlines are) and the senior tier is told once it is overdue;
 *  - the clock runs while the complaint is open, a paused regulatory clock included (the risk
 *    does not pause), and stops at the close.
 * Evaluations are no regulatory deadline: they live apart from `deadlines`, so the on-time
 * KPIs, the dashboard's per-deadline figures and the returns never see them.
 */
import type { Complaint, LiveEvaluation, LiveEvaluationAlerts, LiveEvaluationSnapshot } from './complaint.ts';
import { deadlineState, openDeadlines } from './deadlines.ts';
import type { ElapsedDuration } from './region-schema.ts';

export { LIVE_DECISIONS, LIVE_PROGRESS, LIVE_RISK_LEVELS } from './complaint.ts';
export type { LiveDecision, LiveEvaluation, LiveEvaluationAlerts, LiveEvaluationSnapshot, LiveProgress, LiveRiskLevel } from './complaint.ts';

/** What the evaluator gives; the rest of a LiveEvaluation is the system's. */
export type EvaluationRequest = Pick<LiveEvaluation, 'riskLevel' | 'progress' | 'findings' | 'decision' | 'changes' | 'nextStepOwner'>;

type Evaluated = Pick<Complaint, 'status' | 'routing' | 'deadlines' | 'receivedAt' | 'closedAt'> & {
  liveEvaluations?: Pick<LiveEvaluation, 'at'>[];
};

export function intervalMs(every: ElapsedDuration): number {
  return every.value * (every.unit === 'hours' ? 3_600_000 : 60_000);
}

/** Whether the complaint is evaluated live at all: routed as major. */
export const isLiveEvaluated = (c: Pick<Complaint, 'routing'>): boolean => c.routing?.major === true;

/**
 * When the evaluation clock starts: the emergency start (met in time: when it was met; late or
 * not yet: its deadline); the receipt for a major complaint without that clock; undefined for
 * one that is not major.
 */
export function evaluationClockStart(c: Pick<Complaint, 'routing' | 'deadlines' | 'receivedAt'>): string | undefined {
  if (!isLiveEvaluated(c)) return undefined;
  const es = c.deadlines.emergencyStart;
  if (!es) return c.receivedAt;
  return es.metAt && Date.parse(es.metAt) < Date.parse(es.dueAt) ? es.metAt : es.dueAt;
}

export interface EvaluationSchedule {
  /** The due instant of the evaluation now expected (the open interval's end). */
  dueAt: string;
  /** Intervals that ended with no evaluation, up to `until`. */
  missed: number;
  /** Evaluations counted (made at or before `until`). */
  made: number;
}

/**
 * The evaluation clock walked up to `until`: evaluations made by then (in time order), the
 * intervals missed, and the due instant of the one expected next. An evaluation made exactly at
 * its due instant is in time; one after it leaves the intervals it passed missed. Undefined
 * when the complaint is not major.
 */
export function evaluationSchedule(c: Evaluated, every: ElapsedDuration, until: Date): EvaluationSchedule | undefined {
  const start = evaluationClockStart(c);
  if (start === undefined) return undefined;
  const step = intervalMs(every);
  const limit = until.getTime();
  let due = Date.parse(start) + step;
  let missed = 0;
  let made = 0;
  const times = (c.liveEvaluations ?? [])
    .map((e) => Date.parse(e.at))
    .filter((t) => t <= limit)
    .sort((a, b) => a - b);
  for (const t of times) {
    while (due < t) {
      missed++;
      due += step;
    }
    made++;
    due = t + step;
  }
  while (due < limit) {
    missed++;
    due += step;
  }
  return { dueAt: new Date(due).toISOString(), missed, made };
}

/** Where the clock stops: the close (a closed complaint), otherwise `now`. */
function clockEnd(c: Evaluated, now: Date): Date {
  return c.status === 'CLOSED' && c.closedAt ? new Date(Math.min(Date.parse(c.closedAt), now.getTime())) : now;
}

/**
 * The evaluation clock of an open major complaint at `now`: the due instant of the evaluation now
 * expected (`dueAt`, at or after now), when its reminder falls (at `reminderFraction` of the interval
 * left, inclusive: `dueSoon`), and, when intervals passed with no evaluation since the last one,
 * how many (`missedSinceLast`) and the latest due instant missed (`overdueSince`). Undefined for
 * a complaint that is closed or not major.
 */
export function evaluationStatus(
  c: Evaluated,
  every: ElapsedDuration,
  reminderFraction: number,
  now: Date,
): { dueAt: string; remindAt: string; dueSoon: boolean; missedSinceLast: number; overdueSince?: string } | undefined {
  if (c.status !== 'OPEN') return undefined;
  const s = evaluationSchedule(c, every, now);
  if (!s) return undefined;
  const step = intervalMs(every);
  const due = Date.parse(s.dueAt);
  const remindAt = due - step * reminderFraction;
  const missed = missedSinceLast(c, every, now);
  return {
    dueAt: s.dueAt,
    remindAt: new Date(remindAt).toISOString(),
    dueSoon: now.getTime() >= remindAt,
    missedSinceLast: missed,
    ...(missed > 0 ? { overdueSince: new Date(due - step).toISOString() } : {}),
  };
}

/** Intervals missed since the last evaluation made by `now` (or since the clock's start) up to `now`. */
export function missedSinceLast(c: Evaluated, every: ElapsedDuration, now: Date): number {
  const all = evaluationSchedule(c, every, now)?.missed ?? 0;
  const t = now.getTime();
  const last = (c.liveEvaluations ?? []).reduce((m, e) => {
    const at = Date.parse(e.at);
    return at <= t ? Math.max(m, at) : m;
  }, Number.NEGATIVE_INFINITY);
  const before = Number.isFinite(last) ? (evaluationSchedule(c, every, new Date(last))?.missed ?? 0) : 0;
  return all - before;
}

/**
 * The evaluation intervals missed: for a closed complaint, from the clock's start to the close;
 * for an open one, up to `now`. 0 for a complaint that is not major.
 */
export function missedIntervals(c: Evaluated, every: ElapsedDuration, now: Date): number {
  return evaluationSchedule(c, every, clockEnd(c, now))?.missed ?? 0;
}

/**
 * The missed intervals that can no longer change, for counting (the periodic review's
 * aggregates, which see one image of the complaint and no clock): up to the close of a closed
 * complaint, up to the last evaluation of an open one.
 */
export function settledMissedIntervals(c: Evaluated, every: ElapsedDuration): number {
  if (!isLiveEvaluated(c)) return 0;
  if (c.status === 'CLOSED' && c.closedAt) return missedIntervals(c, every, new Date(c.closedAt));
  const last = (c.liveEvaluations ?? []).reduce((m, e) => Math.max(m, Date.parse(e.at)), Number.NEGATIVE_INFINITY);
  return Number.isFinite(last) ? (evaluationSchedule(c, every, new Date(last))?.missed ?? 0) : 0;
}

type Alerted = Evaluated & { liveEvaluationAlerts?: LiveEvaluationAlerts };

/**
 * What the deadline watch does about the evaluation at `now`: escalate a missed one (once per
 * missed due instant: the latest), remind the lead of the one coming due (once per due instant).
 */
export function evaluationAlerts(
  c: Alerted,
  every: ElapsedDuration,
  reminderFraction: number,
  now: Date,
): { action: 'remind' | 'escalate'; dueAt: string; missed: number }[] {
  const st = evaluationStatus(c, every, reminderFraction, now);
  if (!st) return [];
  const marks = c.liveEvaluationAlerts;
  const out: { action: 'remind' | 'escalate'; dueAt: string; missed: number }[] = [];
  if (st.overdueSince && marks?.escalatedFor !== st.overdueSince) out.push({ action: 'escalate', dueAt: st.overdueSince, missed: st.missedSinceLast });
  if (st.dueSoon && marks?.remindedFor !== st.dueAt) out.push({ action: 'remind', dueAt: st.dueAt, missed: st.missedSinceLast });
  return out;
}

/**
 * The next instant the deadline watch has an evaluation alarm for this complaint: an escalation
 * not made yet (at once), the reminder of the expected evaluation not sent yet, or the moment
 * that evaluation becomes overdue (the first millisecond after its due instant). Undefined when
 * the complaint is closed or not major.
 */
export function evaluationAlarmAt(c: Alerted, every: ElapsedDuration, reminderFraction: number, now: Date): string | undefined {
  const st = evaluationStatus(c, every, reminderFraction, now);
  if (!st) return undefined;
  const marks = c.liveEvaluationAlerts;
  const candidates = [Date.parse(st.dueAt) + 1];
  if (marks?.remindedFor !== st.dueAt) candidates.push(Date.parse(st.remindAt));
  if (st.overdueSince && marks?.escalatedFor !== st.overdueSince) candidates.push(Date.parse(st.overdueSince) + 1);
  return new Date(Math.min(...candidates)).toISOString();
}

/** The watch's marks after an alert. */
export function markAlert(
  current: LiveEvaluationAlerts | undefined,
  alert: { action: 'remind' | 'escalate'; dueAt: string },
  at: string,
): LiveEvaluationAlerts {
  return alert.action === 'remind' ? { ...current, remindedFor: alert.dueAt, remindedAt: at } : { ...current, escalatedFor: alert.dueAt, escalatedAt: at };
}

const GROUP_INCIDENT = /group incident/i;

/** The facts of the complaint at `now`, for the evaluation's record. */
export function evaluationSnapshot(
  c: Complaint & { liveEvaluations?: LiveEvaluation[] },
  every: ElapsedDuration,
  reminderFraction: number,
  now: Date,
): LiveEvaluationSnapshot {
  const t = now.getTime();
  const received = Date.parse(c.receivedAt);
  const deadlines = openDeadlines(c).map(([name, d]) => {
    const due = Date.parse(d.dueAt);
    return { name, dueAt: d.dueAt, state: deadlineState(d.dueAt, now, due - received, reminderFraction), msLeft: due - t };
  });
  const es = c.deadlines.emergencyStart;
  let emergencyStart: LiveEvaluationSnapshot['emergencyStart'];
  if (es) {
    const late = (at: number) => at > Date.parse(es.dueAt);
    const state = es.metAt ? (late(Date.parse(es.metAt)) ? 'late' : 'met') : late(t) ? 'overdue' : 'pending';
    emergencyStart = { state, dueAt: es.dueAt, ...(es.metAt ? { metAt: es.metAt } : {}) };
  }
  const last = c.callbacks?.at(-1);
  return {
    stage: c.stage,
    ...(c.assignment?.assignee ? { assignee: c.assignment.assignee } : {}),
    ...(c.assignment?.manager ? { manager: c.assignment.manager } : {}),
    deadlines,
    ...(emergencyStart ? { emergencyStart } : {}),
    ...(c.pause ? { paused: { since: c.pause.since } } : {}),
    groupIncident: (c.routing?.majorReasons ?? []).some((r) => GROUP_INCIDENT.test(r)),
    linked: { ...(c.relatedTo ? { relatedTo: c.relatedTo.reference } : {}), repeats: c.repeats ?? 0 },
    callbacks: { count: c.callbacks?.length ?? 0, ...(last ? { lastSatisfaction: last.satisfaction } : {}) },
    extensionsGranted: c.extensions?.granted ?? 0,
    escalated: c.escalated === true,
    evaluationsBefore: c.liveEvaluations?.length ?? 0,
    missedIntervals: missedIntervals(c, every, now),
  };
}

/** Why a complaint cannot be evaluated now (the use case answers 409 with it); undefined: it can. */
export function evaluationRefusal(c: Pick<Complaint, 'status' | 'routing'>): string | undefined {
  if (!isLiveEvaluated(c)) return 'Live evaluation is for major complaints: this complaint is not routed as major';
  if (c.status !== 'OPEN') return 'The complaint is closed: live evaluation ends at the close';
  return undefined;
}

/** Most evaluations one complaint keeps (a daily evaluation for over a year): the item stays far below DynamoDB's 400 KB. */
export const MAX_LIVE_EVALUATIONS = 400;

/** The evaluation recorded now: with its id, the due instant it answers, and the snapshot of the facts. */
export function newEvaluation(
  c: Complaint & { liveEvaluations?: LiveEvaluation[] },
  req: EvaluationRequest,
  by: string,
  every: ElapsedDuration,
  reminderFraction: number,
  now: Date,
): LiveEvaluation {
  const schedule = evaluationSchedule(c, every, now);
  const dueAt = schedule?.dueAt ?? now.toISOString();
  return {
    id: `E${(c.liveEvaluations?.length ?? 0) + 1}`,
    by,
    at: now.toISOString(),
    riskLevel: req.riskLevel,
    progress: req.progress,
    findings: req.findings,
    decision: req.decision,
    ...(req.changes ? { changes: req.changes } : {}),
    ...(req.nextStepOwner ? { nextStepOwner: req.nextStepOwner } : {}),
    dueAt,
    late: missedSinceLast(c, every, now) > 0,
    snapshot: evaluationSnapshot(c, every, reminderFraction, now),
  };
}

/** Counts for the periodic review: evaluations made, adjustments and escalations of the strategy. */
export function evaluationCounts(c: { liveEvaluations?: Pick<LiveEvaluation, 'decision'>[] }): { made: number; adjusted: number; escalated: number } {
  const list = c.liveEvaluations ?? [];
  return {
    made: list.length,
    adjusted: list.filter((e) => e.decision === 'adjust').length,
    escalated: list.filter((e) => e.decision === 'escalate').length,
  };
}

/**
 * The deadline watch's next alarm for a complaint, as the OPEN index is keyed by it: the earlier
 * of the regulatory deadlines' alarm (`deadlineAlarm`: deadlines.ts nextAlarmAt) and the live
 * evaluation's, measured when the complaint was written (`updatedAt`). Without `every` (a
 * caller that does not watch evaluations): the deadlines' alarm alone.
 */
export function watchAlarmAt(
  c: Complaint,
  deadlineAlarm: string | undefined,
  reminderFraction: number,
  every: ElapsedDuration | undefined,
): string | undefined {
  const evaluation = every ? evaluationAlarmAt(c, every, reminderFraction, new Date(c.updatedAt)) : undefined;
  if (!evaluation) return deadlineAlarm;
  if (!deadlineAlarm) return evaluation;
  return Date.parse(evaluation) < Date.parse(deadlineAlarm) ? evaluation : deadlineAlarm;
}
