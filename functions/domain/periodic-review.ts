/**
 * The periodic review (S2 chapter 8 §2, S3 §4): the quarterly and half-year management report.
 * Volumes and their trend against the period before, the indicators (handled rate, on time per
 * deadline, satisfaction, reopen rate), the top-5 categories and those over 20 % with their
 * actions, major complaints, corrective actions open and closed with the time to fix, and the
 * drills of the period. Pure: built from the dashboard's aggregates (drills' complaints are not
 * in them), the corrective actions and the drills' summaries.
 */
import { type CorrectiveAction, daysToFix } from './corrective-action.ts';
import {
  addCounters,
  type AggregateItem,
  buildDashboard,
  C,
  combinationOf,
  type Counters,
  figuresOf,
  type Figures,
  topCategories,
  type TopCategory,
} from './dashboard.ts';
import type { DrillSummary } from './drill-report.ts';
import { type Block, percent, type ReportDocument } from './report-document.ts';

export type ReviewKind = 'quarter' | 'half-year';

/** '2026-Q3' (a quarter) or '2026-H2' (a half-year): its kind, months, and the period before it. */
export function parsePeriod(period: string): { kind: ReviewKind; months: string[]; previous: string } | undefined {
  const m = /^(\d{4})-(Q[1-4]|H[12])$/.exec(period);
  if (!m) return undefined;
  const year = Number(m[1]);
  const n = Number(m[2].slice(1));
  const quarter = m[2][0] === 'Q';
  const size = quarter ? 3 : 6;
  const first = (n - 1) * size + 1;
  const months = Array.from({ length: size }, (_, i) => `${year}-${String(first + i).padStart(2, '0')}`);
  const prevN = n === 1 ? (quarter ? 4 : 2) : n - 1;
  const prevYear = n === 1 ? year - 1 : year;
  return { kind: quarter ? 'quarter' : 'half-year', months, previous: `${prevYear}-${quarter ? 'Q' : 'H'}${prevN}` };
}

/** The last period of a kind that has ended at `today` (YYYY-MM-DD): what the schedule generates. */
export function lastEndedPeriod(today: string, kind: ReviewKind): string {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const size = kind === 'quarter' ? 3 : 6;
  const current = Math.floor((month - 1) / size) + 1;
  const letter = kind === 'quarter' ? 'Q' : 'H';
  return current === 1 ? `${year - 1}-${letter}${12 / size}` : `${year}-${letter}${current - 1}`;
}

/**
 * When the schedule generates reviews (issue 20): 12:00 UTC on the first day of each quarter.
 * That is after the quarter's end in every region's time zone (Asia/Shanghai ends it at 16:00
 * UTC the day before, America/New_York at 05:00 UTC that day); the months of the dashboard's
 * aggregates are the region's local months, so the whole quarter is in. One definition for the
 * EventBridge rule (infra) and the local runtime's timer.
 */
export const REVIEW_RUN = { hourUtc: 12, dayOfMonth: 1, months: [1, 4, 7, 10] } as const;

/** The next scheduled run strictly after `now`. */
export function nextReviewRun(now: Date): Date {
  for (let year = now.getUTCFullYear(); ; year++) {
    for (const month of REVIEW_RUN.months) {
      const run = new Date(Date.UTC(year, month - 1, REVIEW_RUN.dayOfMonth, REVIEW_RUN.hourUtc));
      if (run.getTime() > now.getTime()) return run;
    }
  }
}

/**
 * The periods a scheduled run generates at `today` (YYYY-MM-DD): the last ended quarter, and the
 * last ended half-year when that quarter closes it (Q2, Q4).
 */
export function scheduledPeriods(today: string): string[] {
  const quarter = lastEndedPeriod(today, 'quarter');
  return quarter.endsWith('Q2') || quarter.endsWith('Q4') ? [quarter, lastEndedPeriod(today, 'half-year')] : [quarter];
}

export interface PeriodicReviewInput {
  region: string;
  period: string;
  /** Aggregate items per month of the period and of the period before (months without items may be missing). */
  monthItems: Record<string, AggregateItem[]>;
  actions: CorrectiveAction[];
  drills: DrillSummary[];
  now: Date;
}

export interface PeriodicReview {
  region: string;
  period: string;
  kind: ReviewKind;
  months: string[];
  generatedAt: string;
  volumes: { month: string; total: number; handled: number; major: number }[];
  total: number;
  previousTotal: number;
  /** (total - previous) / previous; null when the period before had none. */
  trend: number | null;
  indicators: Pick<Figures, 'handledRate' | 'onTime' | 'satisfaction' | 'reopenRate'>;
  topCategories: (TopCategory & { actions: CorrectiveAction[] })[];
  major: number;
  /**
   * The live evaluation of the period's major complaints (S2 ch.8 §2 3.2, ADR 0023): evaluations
   * made, those that adjusted or escalated the strategy, and the evaluation intervals missed (to
   * the close; an open complaint's, to its last evaluation). Drill complaints are not in them.
   */
  liveEvaluation: { majorComplaints: number; evaluations: number; adjusted: number; escalated: number; missedIntervals: number };
  correctiveActions: { open: number; closed: number; overdue: number; averageDaysToFix: number | null; items: CorrectiveAction[] };
  drills: DrillSummary[];
}

function sumMonth(items: AggregateItem[] | undefined): Counters {
  return (items ?? []).filter((i) => combinationOf(i.sk)).reduce((k, i) => addCounters(k, i.counters), {} as Counters);
}

function within(iso: string | undefined, months: string[]): boolean {
  return !!iso && months.includes(iso.slice(0, 7));
}

export function buildPeriodicReview(input: PeriodicReviewInput): PeriodicReview {
  const p = parsePeriod(input.period);
  if (!p) throw new Error(`not a period: ${input.period}`);
  const previous = parsePeriod(p.previous)!;
  const dashboard = buildDashboard({
    region: input.region,
    from: p.months[0],
    to: p.months.at(-1)!,
    by: 'nature',
    monthItems: input.monthItems,
    matters: [],
    now: input.now,
  });
  const perMonth = p.months.map((month) => ({ month, k: sumMonth(input.monthItems[month]) }));
  const periodCounters = perMonth.reduce((k, m) => addCounters(k, m.k), {} as Counters);
  const total = periodCounters[C.total] ?? 0;
  const previousTotal = previous.months.reduce((n, m) => n + (sumMonth(input.monthItems[m])[C.total] ?? 0), 0);
  const figures = figuresOf(periodCounters);
  const natures = dashboard.groups.map((g) => ({ key: g.key, count: g.figures.total }));
  const categoryActions = (key: string) => input.actions.filter((a) => a.category === key);
  const end = `${p.months.at(-1)}-31T23:59:59.999Z`;
  // Actions that exist by the period's end: opened before it ends; closed counts those closed within it.
  const actions = input.actions.filter((a) => a.createdAt <= end).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const closed = actions.filter((a) => a.closedAt && a.closedAt <= end);
  const fixDays = closed.map((a) => daysToFix(a)!).filter((d) => d !== undefined);
  const nowIso = input.now.toISOString();
  return {
    region: input.region,
    period: input.period,
    kind: p.kind,
    months: p.months,
    generatedAt: nowIso,
    volumes: perMonth.map(({ month, k }) => ({ month, total: k[C.total] ?? 0, handled: k[C.handled] ?? 0, major: k[C.major] ?? 0 })),
    total,
    previousTotal,
    trend: previousTotal > 0 ? (total - previousTotal) / previousTotal : null,
    indicators: { handledRate: figures.handledRate, onTime: figures.onTime, satisfaction: figures.satisfaction, reopenRate: figures.reopenRate },
    topCategories: topCategories(natures, total).map((c) => ({ ...c, actions: categoryActions(c.key) })),
    major: periodCounters[C.major] ?? 0,
    liveEvaluation: {
      majorComplaints: periodCounters[C.major] ?? 0,
      evaluations: periodCounters[C.liveEvaluations] ?? 0,
      adjusted: periodCounters[C.liveAdjusted] ?? 0,
      escalated: periodCounters[C.liveEscalated] ?? 0,
      missedIntervals: periodCounters[C.liveMissed] ?? 0,
    },
    correctiveActions: {
      open: actions.length - closed.length,
      closed: closed.length,
      overdue: actions.filter((a) => !(a.closedAt && a.closedAt <= end) && a.dueAt < (end < nowIso ? end : nowIso)).length,
      averageDaysToFix: fixDays.length ? fixDays.reduce((s, d) => s + d, 0) / fixDays.length : null,
      items: actions,
    },
    drills: input.drills.filter((d) => within(d.startedAt, p.months)).sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
  };
}

const T = {
  en: {
    title: (period: string, kind: ReviewKind) => `${kind === 'quarter' ? 'Quarterly' : 'Half-year'} complaints review ${period}`,
    generated: (at: string, region: string) => `Region ${region} · generated ${at}`,
    volumes: 'Volumes and trend',
    total: 'Complaints',
    previous: 'Period before',
    trend: 'Trend',
    month: 'Month',
    handled: 'Handled',
    major: 'Major',
    chart: 'Complaints per month',
    open: 'Open',
    indicators: 'Indicators',
    handledRate: 'Handled rate',
    satisfaction: 'Satisfaction (1-5)',
    reopenRate: 'Reopen rate',
    deadline: 'Deadline',
    met: 'Met',
    late: 'Late',
    onTime: 'On time',
    categories: 'Top categories (over 20 % flagged)',
    category: 'Category',
    count: 'Count',
    share: 'Share',
    flagged: 'Over 20 %',
    actions: 'Actions',
    live: 'Major complaints: live evaluation',
    liveEvaluations: 'Evaluations',
    liveAdjusted: 'Strategy adjusted',
    liveEscalated: 'Escalated',
    liveMissed: 'Intervals missed',
    corrective: 'Corrective actions',
    closed: 'Closed',
    overdue: 'Overdue',
    daysToFix: 'Average days to fix',
    description: 'Action',
    owner: 'Owner',
    due: 'Due',
    state: 'State',
    drills: 'Drills',
    drill: 'Drill',
    scenario: 'Scenario',
    started: 'Started',
    deadlines: 'Deadlines met / late / missed',
    routing: 'Routing as expected',
    problems: 'Problems',
    none: 'None.',
    yes: 'yes',
    no: 'no',
  },
  'zh-CN': {
    title: (period: string, kind: ReviewKind) => `投诉处理${kind === 'quarter' ? '季度' : '半年度'}评估报告 ${period}`,
    generated: (at: string, region: string) => `地区 ${region} · 生成于 ${at}`,
    volumes: '投诉量及趋势',
    total: '投诉量',
    previous: '上期',
    trend: '环比',
    month: '月份',
    handled: '已办结',
    major: '重大投诉',
    chart: '各月投诉量',
    open: '未办结',
    indicators: '指标',
    handledRate: '办结率',
    satisfaction: '满意度（1-5）',
    reopenRate: '重新处理率',
    deadline: '时限',
    met: '按时',
    late: '逾时',
    onTime: '按时率',
    categories: '前五类投诉（占比超过20%标注）',
    category: '类别',
    count: '数量',
    share: '占比',
    flagged: '超过20%',
    actions: '整改措施',
    live: '重大投诉动态评估',
    liveEvaluations: '评估次数',
    liveAdjusted: '调整策略',
    liveEscalated: '升级处理',
    liveMissed: '漏评周期',
    corrective: '整改措施',
    closed: '已完成',
    overdue: '已逾期',
    daysToFix: '平均整改天数',
    description: '措施',
    owner: '责任人',
    due: '期限',
    state: '状态',
    drills: '演练',
    drill: '演练',
    scenario: '脚本',
    started: '开始',
    deadlines: '时限 按时/逾时/未完成',
    routing: '分派符合预期',
    problems: '问题数',
    none: '无。',
    yes: '是',
    no: '否',
  },
} as const;

export function periodicReviewDocument(r: PeriodicReview, language: 'en' | 'zh-CN'): ReportDocument {
  const t = T[language];
  const blocks: Block[] = [
    { kind: 'heading', text: t.volumes },
    {
      kind: 'figures',
      items: [
        { label: t.total, value: String(r.total) },
        { label: t.previous, value: String(r.previousTotal) },
        { label: t.trend, value: r.trend === null ? '-' : `${r.trend >= 0 ? '+' : ''}${percent(r.trend)}` },
        { label: t.major, value: String(r.major) },
      ],
    },
    {
      kind: 'bars',
      title: t.chart,
      series: [
        { label: t.handled, color: '#2da44e' },
        { label: t.open, color: '#8c959f' },
      ],
      groups: r.volumes.map((v) => ({ label: v.month, values: [v.handled, v.total - v.handled] })),
    },
    {
      kind: 'table',
      columns: [t.month, t.total, t.handled, t.major],
      rows: r.volumes.map((v) => [v.month, String(v.total), String(v.handled), String(v.major)]),
    },
    { kind: 'heading', text: t.indicators },
    {
      kind: 'figures',
      items: [
        { label: t.handledRate, value: percent(r.indicators.handledRate) },
        { label: t.satisfaction, value: r.indicators.satisfaction.average === null ? '-' : r.indicators.satisfaction.average.toFixed(2) },
        { label: t.reopenRate, value: percent(r.indicators.reopenRate) },
      ],
    },
    {
      kind: 'table',
      columns: [t.deadline, t.met, t.late, t.onTime],
      rows: Object.entries(r.indicators.onTime).map(([name, o]) => [name, String(o.met), String(o.late), percent(o.rate)]),
    },
    { kind: 'heading', text: t.categories },
    r.topCategories.length
      ? {
          kind: 'table',
          columns: [t.category, t.count, t.share, t.flagged, t.actions],
          rows: r.topCategories.map((c) => [
            c.key,
            String(c.count),
            percent(c.share),
            c.flagged ? t.yes : t.no,
            c.actions.map((a) => `${a.description} (${a.owner})`).join('; ') || '-',
          ]),
        }
      : { kind: 'paragraph', text: t.none },
    { kind: 'heading', text: t.live },
    {
      kind: 'figures',
      items: [
        { label: t.major, value: String(r.liveEvaluation?.majorComplaints ?? r.major) },
        { label: t.liveEvaluations, value: String(r.liveEvaluation?.evaluations ?? 0) },
        { label: t.liveAdjusted, value: String(r.liveEvaluation?.adjusted ?? 0) },
        { label: t.liveEscalated, value: String(r.liveEvaluation?.escalated ?? 0) },
        { label: t.liveMissed, value: String(r.liveEvaluation?.missedIntervals ?? 0) },
      ],
    },
    { kind: 'heading', text: t.corrective },
    {
      kind: 'figures',
      items: [
        { label: t.open, value: String(r.correctiveActions.open) },
        { label: t.closed, value: String(r.correctiveActions.closed) },
        { label: t.overdue, value: String(r.correctiveActions.overdue) },
        { label: t.daysToFix, value: r.correctiveActions.averageDaysToFix === null ? '-' : r.correctiveActions.averageDaysToFix.toFixed(1) },
      ],
    },
    r.correctiveActions.items.length
      ? {
          kind: 'table',
          columns: [t.description, t.owner, t.due, t.state],
          rows: r.correctiveActions.items.map((a) => [
            a.description,
            a.owner,
            a.dueAt.slice(0, 10),
            a.closedAt ? `${t.closed} ${a.closedAt.slice(0, 10)}` : t.open,
          ]),
        }
      : { kind: 'paragraph', text: t.none },
    { kind: 'heading', text: t.drills },
    r.drills.length
      ? {
          kind: 'table',
          columns: [t.drill, t.scenario, t.started, t.deadlines, t.routing, t.problems],
          rows: r.drills.map((d) => [
            d.drillId,
            d.scenario,
            d.startedAt.slice(0, 16).replace('T', ' '),
            `${d.figures.deadlines.met} / ${d.figures.deadlines.late} / ${d.figures.deadlines.missed}`,
            `${d.figures.routingMatched} / ${d.figures.routingChecked}`,
            String(d.figures.problems),
          ]),
        }
      : { kind: 'paragraph', text: t.none },
  ];
  return { language, title: t.title(r.period, r.kind), subtitle: t.generated(r.generatedAt, r.region), blocks };
}
