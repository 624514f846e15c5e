/**
 * The drill report (S2 chapter 10): for each of the drill's complaints its timeline (each step,
 * who took it and when) against its deadlines (met, late, missed), the routing against what the
 * scenario expected, the problems found (automatically and from the participants' notes) and the
 * improvement actions with their owners. Pure: built from the drill, its scenario and the
 * complaints as stored; `reportDocument` turns it into the document rendered as HTML and PDF.
 */
import type { Complaint, HistoryEntry } from './complaint.ts';
import type { CorrectiveAction } from './corrective-action.ts';
import { sortDeadlines } from './dashboard.ts';
import type { DrillRecord, Scenario, ScenarioExpectation } from './drill.ts';
import type { Block, ReportDocument } from './report-document.ts';

export type DeadlineResult = 'met' | 'late' | 'missed' | 'pending';

export interface ReportDeadline {
  name: string;
  dueAt: string;
  metAt?: string;
  result: DeadlineResult;
}

export interface ReportStep {
  at: string;
  actor: string;
  action: string;
  summary: string;
}

export interface ObservedHandling {
  department?: string;
  major: boolean;
  crossDepartment: boolean;
  anonymous: boolean;
  deadlines: string[];
  reopened: boolean;
  extended: boolean;
}

export interface ReportComplaint {
  reference: string;
  step?: string;
  channel: string;
  receivedAt: string;
  status: string;
  stage: string;
  steps: ReportStep[];
  deadlines: ReportDeadline[];
  expected?: ScenarioExpectation;
  observed: ObservedHandling;
  /** What differs from the scenario's expectation ([] when it matches). */
  differences: string[];
}

export interface Problem {
  source: 'automatic' | 'participant';
  text: string;
  reference?: string;
  by?: string;
}

export interface DrillFigures {
  /** Complaints the scenario scripts, and those that entered the pipeline. */
  scripted: number;
  entered: number;
  deadlines: Record<DeadlineResult, number>;
  /** Complaints whose routing and handling matched the scenario's expectation. */
  routingMatched: number;
  routingChecked: number;
  /** Staff steps taken (history entries by a staff member). */
  staffSteps: number;
  problems: number;
  actions: number;
}

export interface DrillReport {
  drillId: string;
  scenario: { id: string; version: number; title: Scenario['title'] };
  region: string;
  startedAt: string;
  startedBy: string;
  status: DrillRecord['status'];
  closedAt?: string;
  participants: string[];
  generatedAt: string;
  complaints: ReportComplaint[];
  /** Scenario complaints that never entered the pipeline. */
  missing: string[];
  problems: Problem[];
  actions: CorrectiveAction[];
  outcomes: DrillRecord['outcomes'];
  figures: DrillFigures;
}

/** A deadline's result at `now`: met on or before its due time, late after it, missed when past due and unmet. */
export function deadlineResult(d: { dueAt: string; metAt?: string }, now: Date): DeadlineResult {
  if (d.metAt) return Date.parse(d.metAt) <= Date.parse(d.dueAt) ? 'met' : 'late';
  return now.getTime() > Date.parse(d.dueAt) ? 'missed' : 'pending';
}

const SYSTEM_ACTORS = new Set(['system', 'customer', 'workflow']);

/** What the pipeline did with the complaint, in the terms of a scenario's expectation. */
export function observedHandling(c: Complaint, history: HistoryEntry[]): ObservedHandling {
  return {
    department: c.routing?.departments?.[0] ?? c.assignment?.team,
    major: c.routing?.major === true,
    crossDepartment: c.routing?.crossDepartment === true,
    anonymous: c.complainant?.anonymous === true || c.routing?.anonymous === true,
    deadlines: Object.keys(c.deadlines ?? {}),
    reopened: (c.reopenCount ?? 0) > 0,
    extended: (c.extensions?.granted ?? 0) > 0 || history.some((h) => /extension/i.test(h.action) && /grant|approv/i.test(`${h.action} ${h.summary}`)),
  };
}

/** The differences between what the scenario expected and what happened (only what it states). */
export function compareExpectation(expected: ScenarioExpectation | undefined, o: ObservedHandling): string[] {
  if (!expected) return ['not in the scenario'];
  const out: string[] = [];
  if (expected.department !== undefined && expected.department !== o.department)
    out.push(`routed to ${o.department ?? 'no department'}, expected ${expected.department}`);
  for (const flag of ['major', 'crossDepartment', 'anonymous', 'reopened', 'extended'] as const) {
    if (expected[flag] !== undefined && expected[flag] !== o[flag]) out.push(`${flag}: ${o[flag]}, expected ${expected[flag]}`);
  }
  for (const d of expected.deadlines ?? []) if (!o.deadlines.includes(d)) out.push(`no ${d} deadline`);
  return out;
}

export interface DrillReportInput {
  drill: DrillRecord;
  scenario: Scenario;
  complaints: { complaint: Complaint; history: HistoryEntry[] }[];
  now: Date;
}

export function buildDrillReport(input: DrillReportInput): DrillReport {
  const { drill, scenario, now } = input;
  const expectations = new Map(scenario.complaints.map((c) => [c.key, c.expect]));
  const complaints = [...input.complaints]
    .sort((a, b) => a.complaint.receivedAt.localeCompare(b.complaint.receivedAt) || a.complaint.reference.localeCompare(b.complaint.reference))
    .map(({ complaint: c, history }): ReportComplaint => {
      const step = c.drill?.step;
      const expected = step ? expectations.get(step) : undefined;
      const observed = observedHandling(c, history);
      return {
        reference: c.reference,
        step,
        channel: c.channel,
        receivedAt: c.receivedAt,
        status: c.status,
        stage: c.stage,
        steps: [...history].sort((a, b) => a.at.localeCompare(b.at)).map((h) => ({ at: h.at, actor: h.actor, action: h.action, summary: h.summary })),
        deadlines: sortDeadlines(Object.keys(c.deadlines ?? {})).map((name) => {
          const d = c.deadlines[name];
          return { name, dueAt: d.dueAt, ...(d.metAt ? { metAt: d.metAt } : {}), result: deadlineResult(d, now) };
        }),
        expected,
        observed,
        differences: compareExpectation(expected, observed),
      };
    });
  const entered = new Set(complaints.map((c) => c.step).filter(Boolean));
  const missing = scenario.complaints.map((c) => c.key).filter((k) => !entered.has(k));

  const problems: Problem[] = [];
  for (const k of missing) problems.push({ source: 'automatic', text: `scenario complaint ${k} never entered the pipeline` });
  for (const c of complaints) {
    for (const d of c.deadlines) {
      if (d.result === 'late') problems.push({ source: 'automatic', reference: c.reference, text: `${d.name} met late (due ${d.dueAt}, met ${d.metAt})` });
      if (d.result === 'missed') problems.push({ source: 'automatic', reference: c.reference, text: `${d.name} missed (due ${d.dueAt})` });
    }
    for (const diff of c.differences) problems.push({ source: 'automatic', reference: c.reference, text: diff });
  }
  for (const n of drill.notes ?? []) problems.push({ source: 'participant', by: n.by, text: n.text });

  const deadlines: Record<DeadlineResult, number> = { met: 0, late: 0, missed: 0, pending: 0 };
  for (const c of complaints) for (const d of c.deadlines) deadlines[d.result] += 1;
  const checked = complaints.filter((c) => c.expected);
  const actions = drill.actions ?? [];
  return {
    drillId: drill.drillId,
    scenario: { id: scenario.id, version: scenario.version, title: scenario.title },
    region: drill.region,
    startedAt: drill.startedAt,
    startedBy: drill.startedBy,
    status: drill.status,
    ...(drill.closedAt ? { closedAt: drill.closedAt } : {}),
    participants: drill.participants,
    generatedAt: now.toISOString(),
    complaints,
    missing,
    problems,
    actions,
    outcomes: drill.outcomes ?? [],
    figures: {
      scripted: scenario.complaints.length,
      entered: complaints.length,
      deadlines,
      routingMatched: checked.filter((c) => c.differences.length === 0).length,
      routingChecked: checked.length,
      staffSteps: complaints.reduce((n, c) => n + c.steps.filter((s) => !SYSTEM_ACTORS.has(s.actor)).length, 0),
      problems: problems.length,
      actions: actions.length,
    },
  };
}

/** The report's figures kept on the drill when it closes (the periodic review lists them). */
export type DrillSummary = Pick<DrillReport, 'drillId' | 'startedAt' | 'closedAt'> & { scenario: string; figures: DrillFigures };

export function drillSummary(r: DrillReport): DrillSummary {
  return { drillId: r.drillId, scenario: r.scenario.id, startedAt: r.startedAt, ...(r.closedAt ? { closedAt: r.closedAt } : {}), figures: r.figures };
}

// ---------------------------------------------------------------------------------------------
// As a document
// ---------------------------------------------------------------------------------------------

export const RESULT_COLOR: Record<DeadlineResult, string> = { met: '#2da44e', late: '#d4a72c', missed: '#cf222e', pending: '#8c959f' };

const T = {
  en: {
    title: 'Drill report',
    summary: 'Summary',
    scripted: 'Complaints scripted',
    entered: 'Complaints entered',
    met: 'met',
    late: 'late',
    missed: 'missed',
    pending: 'pending',
    routing: 'Routing as expected',
    staffSteps: 'Staff steps',
    chart: 'Deadlines per complaint',
    timeline: 'Timeline',
    when: 'When',
    who: 'Who',
    step: 'Step',
    what: 'What',
    deadlines: 'Deadlines',
    deadline: 'Deadline',
    due: 'Due',
    metAt: 'Met',
    result: 'Result',
    routingSection: 'Routing against the scenario',
    complaint: 'Complaint',
    expected: 'Expected',
    observed: 'Observed',
    matches: 'Matches',
    yes: 'yes',
    no: 'no',
    problems: 'Problems found',
    source: 'Source',
    automatic: 'automatic',
    participant: 'participant',
    actions: 'Improvement actions',
    owner: 'Owner',
    dueAt: 'Due',
    state: 'State',
    open: 'open',
    closed: 'closed',
    outcomes: 'Participants',
    none: 'None.',
    started: (by: string, at: string) => `Started by ${by} at ${at}`,
  },
  'zh-CN': {
    title: '演练报告',
    summary: '概况',
    scripted: '脚本投诉数',
    entered: '实际进入数',
    met: '按时',
    late: '逾时',
    missed: '未完成',
    pending: '未到期',
    routing: '分派符合预期',
    staffSteps: '员工操作步数',
    chart: '各投诉时限完成情况',
    timeline: '处理时间线',
    when: '时间',
    who: '操作人',
    step: '步骤',
    what: '说明',
    deadlines: '时限',
    deadline: '时限',
    due: '到期',
    metAt: '完成',
    result: '结果',
    routingSection: '分派与脚本预期对比',
    complaint: '投诉',
    expected: '预期',
    observed: '实际',
    matches: '是否一致',
    yes: '是',
    no: '否',
    problems: '发现的问题',
    source: '来源',
    automatic: '自动发现',
    participant: '参演人员',
    actions: '改进措施',
    owner: '责任人',
    dueAt: '完成期限',
    state: '状态',
    open: '未完成',
    closed: '已完成',
    outcomes: '参演人员',
    none: '无。',
    started: (by: string, at: string) => `${by} 于 ${at} 启动`,
  },
} as const;

function expectationText(e: ScenarioExpectation | undefined): string {
  if (!e) return '-';
  return Object.entries(e)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join('; ');
}

function observedText(o: ObservedHandling, e: ScenarioExpectation | undefined): string {
  const keys = e ? (Object.keys(e) as (keyof ObservedHandling)[]) : (['department'] as const);
  return keys.map((k) => `${k}: ${Array.isArray(o[k]) ? (o[k] as string[]).join(', ') : String(o[k])}`).join('; ');
}

export function drillReportDocument(r: DrillReport, language: 'en' | 'zh-CN'): ReportDocument {
  const t = T[language];
  const f = r.figures;
  const blocks: Block[] = [
    { kind: 'heading', text: t.summary },
    {
      kind: 'figures',
      items: [
        { label: t.scripted, value: String(f.scripted) },
        { label: t.entered, value: String(f.entered) },
        { label: `${t.deadlines}: ${t.met}`, value: String(f.deadlines.met) },
        { label: `${t.deadlines}: ${t.late}`, value: String(f.deadlines.late) },
        { label: `${t.deadlines}: ${t.missed}`, value: String(f.deadlines.missed) },
        { label: t.routing, value: `${f.routingMatched} / ${f.routingChecked}` },
        { label: t.staffSteps, value: String(f.staffSteps) },
      ],
    },
    {
      kind: 'bars',
      title: t.chart,
      series: (['met', 'late', 'missed', 'pending'] as const).map((k) => ({ label: t[k], color: RESULT_COLOR[k] })),
      groups: r.complaints.map((c) => ({
        label: `${c.reference}${c.step ? ` (${c.step})` : ''}`,
        values: (['met', 'late', 'missed', 'pending'] as const).map((k) => c.deadlines.filter((d) => d.result === k).length),
      })),
    },
  ];
  for (const c of r.complaints) {
    blocks.push({ kind: 'heading', text: `${t.timeline}: ${c.reference}${c.step ? ` (${c.step}, ${c.channel})` : ` (${c.channel})`}` });
    blocks.push({ kind: 'table', columns: [t.when, t.who, t.step, t.what], rows: c.steps.map((s) => [s.at, s.actor, s.action, s.summary]) });
    blocks.push({
      kind: 'table',
      columns: [t.deadline, t.due, t.metAt, t.result],
      rows: c.deadlines.map((d) => [d.name, d.dueAt, d.metAt ?? '-', t[d.result]]),
    });
  }
  blocks.push({ kind: 'heading', text: t.routingSection });
  blocks.push({
    kind: 'table',
    columns: [t.complaint, t.expected, t.observed, t.matches],
    rows: r.complaints.map((c) => [
      `${c.reference} ${c.step ?? ''}`.trim(),
      expectationText(c.expected),
      observedText(c.observed, c.expected),
      c.differences.length ? `${t.no}: ${c.differences.join('; ')}` : t.yes,
    ]),
  });
  blocks.push({ kind: 'heading', text: t.problems });
  if (r.problems.length)
    blocks.push({
      kind: 'table',
      columns: [t.source, t.complaint, t.what],
      rows: r.problems.map((p) => [p.source === 'automatic' ? t.automatic : `${t.participant} ${p.by ?? ''}`.trim(), p.reference ?? '-', p.text]),
    });
  else blocks.push({ kind: 'paragraph', text: t.none });
  blocks.push({ kind: 'heading', text: t.actions });
  if (r.actions.length)
    blocks.push({
      kind: 'table',
      columns: [t.what, t.owner, t.dueAt, t.state],
      rows: r.actions.map((a) => [a.description, a.owner, a.dueAt, a.closedAt ? t.closed : t.open]),
    });
  else blocks.push({ kind: 'paragraph', text: t.none });
  if (r.outcomes?.length) {
    blocks.push({ kind: 'heading', text: t.outcomes });
    blocks.push({ kind: 'table', columns: [t.who, t.result, t.what], rows: r.outcomes.map((o) => [o.staffId, o.outcome, o.note ?? '']) });
  }
  return {
    language,
    title: `${t.title}: ${r.scenario.title[language]}`,
    subtitle: `${r.drillId} · ${r.scenario.id} v${r.scenario.version} · ${t.started(r.startedBy, r.startedAt)}`,
    blocks,
  };
}
