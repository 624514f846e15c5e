/**
 * Drills (issue 20): the scenario library, the schedule, the drill token, where a drill's mail may
 * go, drill complaints left out of the aggregates, and the drill report and the periodic review
 * with known answers worked out by hand.
 */
import { productionCalendar } from '../support/calendars.ts';
import { describe, expect, it } from 'vitest';
import { scenarios } from '../../functions/contract/drill-scenarios.ts';
import { ScenarioSchema } from '../../functions/contract/drill.schema.ts';
import type { Complaint, HistoryEntry } from '../../functions/domain/complaint.ts';
import { aggregateKeys, contributions, type AggregateItem } from '../../functions/domain/dashboard.ts';
import { createBusinessCalendar } from '../../functions/domain/business-calendar.ts';
import { regionConfig } from '../../functions/domain/regions.ts';
import {
  checkDrillToken,
  drillMailbox,
  drillSafeRecipient,
  drillSchedule,
  dueSteps,
  hashDrillSecret,
  type DrillRecord,
  type Scenario,
} from '../../functions/domain/drill.ts';
import { buildDrillReport, deadlineResult, drillReportDocument, drillSummary } from '../../functions/domain/drill-report.ts';
import {
  buildPeriodicReview,
  lastEndedPeriod,
  nextReviewRun,
  parsePeriod,
  periodicReviewDocument,
  scheduledPeriods,
} from '../../functions/domain/periodic-review.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { renderHtml } from '../../functions/domain/report-document.ts';
import { PdfKitRenderer } from '../../functions/adapters/pdf-document.ts';
import { parseReportFontSetting, REPORT_FONT, reportFontSetting } from '../../functions/shared/report-font.ts';
import { existsSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import type { Actor } from '../../functions/domain/authorization.ts';
import { customerKeys } from '../../functions/domain/repeats.ts';
import { type DisposalDeps, disposeDrill } from '../../functions/use-cases/drills/drills.ts';

describe('the scenario library (drills/scenarios/)', () => {
  it('holds the seven scenarios the issue names, each valid', () => {
    expect([...scenarios().keys()].sort()).toEqual([
      'anonymous',
      'cross-department',
      'dissatisfied-callback',
      'extension',
      'gbk-email',
      'group-incident',
      'major-emergency-start',
    ]);
    const s = scenarios();
    expect(s.get('major-emergency-start')!.complaints[0].expect).toMatchObject({ major: true, deadlines: ['emergencyStart'] });
    expect(s.get('group-incident')!.complaints).toHaveLength(5);
    expect(Math.max(...s.get('group-incident')!.complaints.map((c) => c.offsetMinutes))).toBeLessThan(60);
    expect(s.get('cross-department')!.complaints[0].expect.deadlines).toEqual(['handlingPlan']);
    expect(s.get('anonymous')!.complaints[0].anonymous).toBe(true);
    expect(s.get('gbk-email')!.complaints[0]).toMatchObject({ channel: 'email', charset: 'gbk' });
    expect(s.get('dissatisfied-callback')!.complaints[0].expect.reopened).toBe(true);
    expect(s.get('extension')!.complaints[0].expect.extended).toBe(true);
  });

  it('a malformed scenario is refused naming the field', () => {
    const bad = structuredClone(scenarios().get('anonymous')!) as unknown as Record<string, any>;
    bad.complaints[0].charset = 'gbk'; // not an email
    bad.complaints.push({ ...bad.complaints[0], charset: undefined }); // duplicate key
    const r = ScenarioSchema.safeParse(bad);
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('complaints.0.charset');
    expect(paths).toContain('complaints');
  });
});

describe('the schedule', () => {
  const s = scenarios().get('group-incident')!;
  it('each complaint at its offset from the start, in order', () => {
    const plan = drillSchedule(s, '2026-05-04T02:00:00.000Z');
    expect(plan.map((p) => [p.key, p.at])).toEqual([
      ['burst-1', '2026-05-04T02:00:00.000Z'],
      ['burst-2', '2026-05-04T02:10:00.000Z'],
      ['burst-3', '2026-05-04T02:20:00.000Z'],
      ['burst-4', '2026-05-04T02:35:00.000Z'],
      ['burst-5', '2026-05-04T02:50:00.000Z'],
    ]);
  });
  it('due: those at or before now not fed yet (the exact offset included)', () => {
    const plan = drillSchedule(s, '2026-05-04T02:00:00.000Z');
    expect(dueSteps(plan, new Set(['burst-1']), new Date('2026-05-04T02:20:00.000Z')).map((p) => p.key)).toEqual(['burst-2', 'burst-3']);
    expect(dueSteps(plan, new Set(), new Date('2026-05-04T01:59:59.999Z'))).toEqual([]);
  });
});

const drill = (over: Partial<DrillRecord> = {}): DrillRecord => ({
  drillId: 'DR-20260504-abcd1234',
  region: 'cn',
  scenario: 'major-emergency-start',
  scenarioVersion: 1,
  startedAt: '2026-05-04T02:00:00.000Z',
  startedBy: 'mia',
  participants: ['sam', 'hana', 'mia'],
  mailbox: 'drills@bank.example',
  tokenHash: hashDrillSecret('s3cr3t-s3cr3t-s3cr3t-xx'),
  status: 'running',
  disposal: 'archive',
  ...over,
});

describe('the drill token', () => {
  const token = 'DR-20260504-abcd1234.s3cr3t-s3cr3t-s3cr3t-xx';
  it("the running drill's token is accepted", () => {
    expect(checkDrillToken(token, drill()).ok).toBe(true);
  });
  it.each([
    ['another secret', 'DR-20260504-abcd1234.s3cr3t-s3cr3t-s3cr3t-yy', drill(), 'is not this drill’s token'],
    ['a closed drill', token, drill({ status: 'closed' }), 'names a drill that has ended'],
    ['no such drill', token, undefined, 'names no drill'],
    ['not a token', 'hello', drill(), 'is not a drill token'],
  ])('%s is refused with a reason', (_n, t, d, reason) => {
    const r = checkDrillToken(t, d);
    expect(r).toEqual({ ok: false, reason });
  });
});

describe("a drill's mail goes only to the drill mailbox or a participant", () => {
  const d = { mailbox: 'drills@bank.example', participantAddresses: ['Hana@bank.example'] };
  it("a customer message of a drill goes to the drill mailbox, never the customer's address", () => {
    expect(drillSafeRecipient({ audience: 'customer', drill: 'DR-1' }, 'li.wei@example.com', d)).toBe('drills@bank.example');
  });
  it('a staff message goes to a participant, else to the drill mailbox', () => {
    expect(drillSafeRecipient({ audience: 'staff', drill: 'DR-1' }, 'hana@bank.example', d)).toBe('hana@bank.example');
    expect(drillSafeRecipient({ audience: 'staff', drill: 'DR-1' }, 'boss@bank.example', d)).toBe('drills@bank.example');
  });
  it("a drill's message whose drill is unknown goes nowhere; a real complaint's as resolved", () => {
    expect(drillSafeRecipient({ audience: 'customer', drill: 'DR-1' }, 'li.wei@example.com', undefined)).toBeUndefined();
    expect(drillSafeRecipient({ audience: 'customer' }, 'li.wei@example.com', undefined)).toBe('li.wei@example.com');
  });
  it('the drill mailbox: configured, else drills@ the complaints domain', () => {
    expect(drillMailbox(' drill-box@bank.example ', 'bank.example')).toBe('drill-box@bank.example');
    expect(drillMailbox(undefined, 'bank.example')).toBe('drills@bank.example');
  });
});

const cal = productionCalendar('cn');
const calendarOf = () => cal;

function complaint(over: Partial<Complaint>): Complaint {
  return {
    reference: 'CN-2026-000101',
    region: 'cn',
    channel: 'web',
    language: 'zh-CN',
    status: 'OPEN',
    stage: 'INVESTIGATION',
    receivedAt: '2026-05-04T02:00:00.000Z',
    complainant: { anonymous: false, name: 'Li Wei' },
    matter: { description: 'x' },
    consent: { personalData: true },
    deadlines: {},
    classification: { nature: 'product', channelType: 'online', urgency: 'urgent', riskLevel: 'high', priority: 'P1', reasons: [] },
    routing: { major: true, majorReasons: ['amount'], crossDepartment: false, departments: ['cards'], anonymous: false },
    assignment: { team: 'cards' },
    executionName: 'CN-2026-000101',
    resumeCount: 0,
    updatedAt: '2026-05-04T02:00:00.000Z',
    version: 3,
    ...over,
  };
}

describe('drill complaints are left out of the aggregates (dashboard, KPIs, returns)', () => {
  it('a real complaint contributes; the same complaint marked drill contributes nothing', () => {
    const real = complaint({});
    expect(contributions(real, calendarOf)[0]).toMatchObject({ pk: aggregateKeys.month('cn', '2026-05'), add: { total: 1, major: 1 } });
    expect(contributions({ ...real, drill: { drillId: 'DR-1', scenario: 'x' } }, calendarOf)).toEqual([]);
  });
});

describe('deadline results', () => {
  it('met on time, late, missed, pending - at the exact due instant it is met', () => {
    const now = new Date('2026-05-04T05:00:00.000Z');
    expect(deadlineResult({ dueAt: '2026-05-04T04:00:00.000Z', metAt: '2026-05-04T04:00:00.000Z' }, now)).toBe('met');
    expect(deadlineResult({ dueAt: '2026-05-04T04:00:00.000Z', metAt: '2026-05-04T04:00:00.001Z' }, now)).toBe('late');
    expect(deadlineResult({ dueAt: '2026-05-04T04:59:59.999Z' }, now)).toBe('missed');
    expect(deadlineResult({ dueAt: '2026-05-04T05:00:00.000Z' }, now)).toBe('pending');
  });
});

describe('the drill report (known answer)', () => {
  const scenario: Scenario = {
    id: 'two-complaints',
    version: 2,
    title: { en: 'Two complaints', 'zh-CN': '两起投诉' },
    purpose: { en: 'p', 'zh-CN': 'p' },
    complaints: [
      {
        key: 'major',
        offsetMinutes: 0,
        channel: 'web',
        language: 'zh-CN',
        description: 'a major one',
        expect: { department: 'cards', major: true, deadlines: ['emergencyStart'] },
      },
      { key: 'cross', offsetMinutes: 30, channel: 'phone', language: 'en', description: 'a cross one', expect: { department: 'loans', crossDepartment: true } },
      { key: 'never', offsetMinutes: 60, channel: 'email', language: 'en', description: 'never fed', expect: {} },
    ],
  };
  const h = (reference: string, at: string, actor: string, action: string): HistoryEntry => ({
    reference,
    at,
    actor,
    action,
    visibleToCustomer: false,
    summary: action,
  });
  const A = complaint({
    reference: 'CN-2026-000101',
    drill: { drillId: 'DR-20260504-abcd1234', scenario: 'two-complaints', step: 'major' },
    deadlines: {
      emergencyStart: { dueAt: '2026-05-04T04:00:00.000Z', rule: '2h', metAt: '2026-05-04T03:10:00.000Z' },
      investigate: { dueAt: '2026-05-05T09:30:00.000Z', rule: '1d', metAt: '2026-05-05T10:00:00.000Z' },
      finalResponse: { dueAt: '2026-05-19T09:30:00.000Z', rule: '15d' },
    },
  });
  const B = complaint({
    reference: 'CN-2026-000102',
    channel: 'phone',
    receivedAt: '2026-05-04T02:30:00.000Z',
    drill: { drillId: 'DR-20260504-abcd1234', scenario: 'two-complaints', step: 'cross' },
    routing: { major: false, majorReasons: [], crossDepartment: false, departments: ['retail'], anonymous: false },
    deadlines: { register: { dueAt: '2026-05-04T03:00:00.000Z', rule: 'x' } },
  });
  const history = {
    A: [
      h(A.reference, '2026-05-04T02:00:00.000Z', 'customer', 'received'),
      h(A.reference, '2026-05-04T03:10:00.000Z', 'hana', 'claimed'),
      h(A.reference, '2026-05-05T10:00:00.000Z', 'hana', 'investigated'),
    ],
    B: [h(B.reference, '2026-05-04T02:30:00.000Z', 'sam', 'keyed in')],
  };
  const d = drill({
    scenario: 'two-complaints',
    notes: [{ by: 'sam', at: '2026-05-06T01:00:00.000Z', text: 'The phone script lacks a cross-department prompt' }],
  });
  const report = buildDrillReport({
    drill: d,
    scenario,
    // Given out of order: the report orders them by receipt.
    complaints: [
      { complaint: B, history: history.B },
      { complaint: A, history: history.A },
    ],
    now: new Date('2026-05-06T00:00:00.000Z'),
  });

  it('timelines, deadlines and routing as worked out by hand', () => {
    expect(report.complaints.map((c) => c.reference)).toEqual(['CN-2026-000101', 'CN-2026-000102']);
    expect(report.complaints[0].steps.map((s) => `${s.actor}:${s.action}`)).toEqual(['customer:received', 'hana:claimed', 'hana:investigated']);
    expect(report.complaints[0].deadlines.map((x) => `${x.name}:${x.result}`)).toEqual(['emergencyStart:met', 'investigate:late', 'finalResponse:pending']);
    expect(report.complaints[0].differences).toEqual([]);
    expect(report.complaints[1].deadlines.map((x) => `${x.name}:${x.result}`)).toEqual(['register:missed']);
    expect(report.complaints[1].differences).toEqual(['routed to retail, expected loans', 'crossDepartment: false, expected true']);
    expect(report.missing).toEqual(['never']);
  });

  it('the figures', () => {
    expect(report.figures).toEqual({
      scripted: 3,
      entered: 2,
      deadlines: { met: 1, late: 1, missed: 1, pending: 1 },
      routingMatched: 1,
      routingChecked: 2,
      staffSteps: 3, // hana twice, sam once; the customer's receipt is no staff step
      problems: 6, // never fed; investigate late; register missed; two routing differences; sam's note
      actions: 0,
    });
    expect(report.problems.filter((p) => p.source === 'participant')).toEqual([
      { source: 'participant', by: 'sam', text: 'The phone script lacks a cross-department prompt' },
    ]);
    expect(drillSummary(report)).toMatchObject({ drillId: d.drillId, scenario: 'two-complaints', figures: report.figures });
  });

  it('renders as HTML (inline SVG chart, escaped text) in en and zh-CN, and as PDF', async () => {
    const en = renderHtml(drillReportDocument(report, 'en'));
    expect(en).toContain('<svg role="img" aria-label="Deadlines per complaint"');
    expect(en).toContain('routed to retail, expected loans');
    expect(en).not.toContain('<script');
    const zh = renderHtml(drillReportDocument(report, 'zh-CN'));
    expect(zh).toContain('演练报告: 两起投诉');
    expect(zh).toContain('<html lang="zh-CN">');
    const pdf = await new PdfKitRenderer().render(drillReportDocument(report, 'en'));
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    await expect(new PdfKitRenderer().render(drillReportDocument(report, 'zh-CN'))).rejects.toThrow(/REPORT_CJK_FONT/);
  });

  // The project's CJK font (Debian's fonts-wqy-microhei, installed by the bootstrap as root) or REPORT_CJK_FONT.
  const cjkFont = process.env.REPORT_CJK_FONT ?? (existsSync(REPORT_FONT.debianPath) ? reportFontSetting(REPORT_FONT.debianPath) : undefined);
  it.skipIf(!cjkFont)(
    'in zh-CN as PDF with the CJK font: every Chinese character of the report is a glyph of the embedded font (skipped without a CJK font: apt-get install fonts-wqy-microhei or set REPORT_CJK_FONT)',
    async () => {
      const doc = drillReportDocument(report, 'zh-CN');
      const pdf = Buffer.from(await new PdfKitRenderer(cjkFont).render(doc));
      const text = pdf.toString('latin1');
      expect(text.match(/\/BaseFont \/[A-Z]{6}\+(\S+)/)?.[1]).toEqual(parseReportFontSetting(cjkFont!).family ?? expect.any(String));
      // The embedded subset's ToUnicode map (in the PDF's compressed streams): the characters its glyphs stand for.
      const mapped = new Set<string>();
      for (const m of text.matchAll(/stream\r?\n/g)) {
        const start = m.index + m[0].length;
        let body: string;
        try {
          body = inflateSync(pdf.subarray(start, text.indexOf('endstream', start))).toString('latin1');
        } catch {
          continue;
        }
        if (!body.includes('begincmap')) continue;
        for (const [, list] of body.matchAll(/<[0-9a-f]+> <[0-9a-f]+> \[([^\]]*)\]/g))
          for (const [, hex] of list.matchAll(/<([0-9a-f]{4})>/g)) mapped.add(String.fromCodePoint(Number.parseInt(hex, 16)));
      }
      const han = new Set(JSON.stringify(doc).match(/\p{Script=Han}/gu));
      expect(han.size).toBeGreaterThan(20);
      expect([...han].filter((c) => !mapped.has(c))).toEqual([]);
      expect([...'演练报告']).toEqual([...'演练报告'].filter((c) => mapped.has(c)));
    },
  );
});

describe('the periodic review on a schedule', () => {
  it('runs at the start of each quarter: the next run after any instant', () => {
    expect(nextReviewRun(new Date('2028-05-17T08:00:00Z')).toISOString()).toBe('2028-07-01T12:00:00.000Z');
    expect(nextReviewRun(new Date('2028-07-01T11:59:59Z')).toISOString()).toBe('2028-07-01T12:00:00.000Z');
    expect(nextReviewRun(new Date('2028-07-01T12:00:00Z')).toISOString()).toBe('2028-10-01T12:00:00.000Z');
    expect(nextReviewRun(new Date('2028-12-31T23:00:00Z')).toISOString()).toBe('2029-01-01T12:00:00.000Z');
  });

  it("each run is after the quarter has ended in every region's time zone", () => {
    for (const region of Object.values(REGIONS)) {
      const local = new Intl.DateTimeFormat('en-CA', { timeZone: region.calendar.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
      for (let t = new Date('2027-12-01T00:00:00Z'), i = 0; i < 5; i++) {
        t = nextReviewRun(t);
        // The local date of the run is the first day of the new quarter: the old one is over there.
        expect(local.format(t), `${region.name} ${t.toISOString()}`).toMatch(/^\d{4}-(01|04|07|10)-01$/);
      }
    }
  });

  it('generates the quarter that ended, and the half-year after Q2 and Q4', () => {
    expect(scheduledPeriods('2028-04-01')).toEqual(['2028-Q1']);
    expect(scheduledPeriods('2028-07-01')).toEqual(['2028-Q2', '2028-H1']);
    expect(scheduledPeriods('2028-10-01')).toEqual(['2028-Q3']);
    expect(scheduledPeriods('2029-01-01')).toEqual(['2028-Q4', '2028-H2']);
  });
});

describe('the periodic review (known answer)', () => {
  it('periods: quarters, half-years, the one before, the last ended', () => {
    expect(parsePeriod('2026-Q1')).toEqual({ kind: 'quarter', months: ['2026-01', '2026-02', '2026-03'], previous: '2025-Q4' });
    expect(parsePeriod('2026-H2')).toEqual({
      kind: 'half-year',
      months: ['2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12'],
      previous: '2026-H1',
    });
    expect(parsePeriod('2026-Q5')).toBeUndefined();
    expect(lastEndedPeriod('2026-04-01', 'quarter')).toBe('2026-Q1');
    expect(lastEndedPeriod('2026-03-31', 'quarter')).toBe('2025-Q4');
    expect(lastEndedPeriod('2026-07-01', 'half-year')).toBe('2026-H1');
  });

  const item = (channel: string, dept: string, nature: string, counters: Record<string, number>): AggregateItem => ({
    sk: aggregateKeys.combination({ channel, department: dept, nature }),
    counters,
  });
  const review = buildPeriodicReview({
    region: 'cn',
    period: '2026-Q2',
    monthItems: {
      '2026-01': [item('web', 'cards', 'product', { total: 2 })],
      '2026-03': [item('web', 'cards', 'product', { total: 2 })],
      '2026-04': [
        item('web', 'cards', 'product', { total: 4, handled: 3, met_finalResponse: 2, late_finalResponse: 1, satSum: 8, satN: 2, major: 1 }),
        item('phone', 'retail', 'service', { total: 2, handled: 2, reopened: 1, met_finalResponse: 2, satSum: 3, satN: 1 }),
      ],
      '2026-05': [item('web', 'loans', 'operation', { total: 3, handled: 1, met_finalResponse: 1, major: 2 })],
      '2026-06': [item('web', 'cards', 'violation', { total: 1 })],
    },
    actions: [
      {
        id: 'A1',
        category: 'product',
        description: 'Fee disclosure',
        owner: 'mia',
        dueAt: '2026-05-01T00:00:00.000Z',
        createdAt: '2026-04-01T00:00:00.000Z',
        closedAt: '2026-04-11T00:00:00.000Z',
      },
      { id: 'A2', description: 'Script update', owner: 'sam', dueAt: '2026-06-01T00:00:00.000Z', createdAt: '2026-05-10T00:00:00.000Z' },
      { id: 'A3', description: 'Later', owner: 'sam', dueAt: '2026-09-01T00:00:00.000Z', createdAt: '2026-07-10T00:00:00.000Z' },
    ],
    drills: [
      {
        drillId: 'DR-1',
        scenario: 'major-emergency-start',
        startedAt: '2026-05-04T02:00:00.000Z',
        figures: {
          scripted: 1,
          entered: 1,
          deadlines: { met: 3, late: 0, missed: 0, pending: 2 },
          routingMatched: 1,
          routingChecked: 1,
          staffSteps: 4,
          problems: 0,
          actions: 1,
        },
      },
      {
        drillId: 'DR-0',
        scenario: 'anonymous',
        startedAt: '2026-03-04T02:00:00.000Z',
        figures: {
          scripted: 1,
          entered: 1,
          deadlines: { met: 1, late: 0, missed: 0, pending: 0 },
          routingMatched: 1,
          routingChecked: 1,
          staffSteps: 2,
          problems: 0,
          actions: 0,
        },
      },
    ],
    now: new Date('2026-07-02T00:00:00.000Z'),
  });

  it('volumes, trend, indicators, categories, major, actions, drills', () => {
    expect(review.volumes).toEqual([
      { month: '2026-04', total: 6, handled: 5, major: 1 },
      { month: '2026-05', total: 3, handled: 1, major: 2 },
      { month: '2026-06', total: 1, handled: 0, major: 0 },
    ]);
    expect(review.total).toBe(10);
    expect(review.previousTotal).toBe(4); // Q1: January 2 + March 2
    expect(review.trend).toBe(1.5);
    expect(review.indicators.handledRate).toBe(0.6);
    expect(review.indicators.onTime.finalResponse).toEqual({ met: 5, late: 1, rate: 5 / 6 });
    expect(review.indicators.satisfaction).toEqual({ average: 11 / 3, responses: 3 });
    expect(review.indicators.reopenRate).toBe(1 / 6);
    expect(review.topCategories.map((c) => [c.key, c.count, c.share, c.flagged, c.actions.map((a) => a.id)])).toEqual([
      ['product', 4, 0.4, true, ['A1']],
      ['operation', 3, 0.3, true, []],
      ['service', 2, 0.2, false, []], // exactly 20 % is not over it
      ['violation', 1, 0.1, false, []],
    ]);
    expect(review.major).toBe(3);
    // A3 was created after the quarter; A1 closed in 10 days; A2 open and past due at the quarter's end.
    expect(review.correctiveActions).toMatchObject({ open: 1, closed: 1, overdue: 1, averageDaysToFix: 10 });
    expect(review.drills.map((d) => d.drillId)).toEqual(['DR-1']);
  });

  it('renders in both languages', () => {
    expect(renderHtml(periodicReviewDocument(review, 'en'))).toContain('Quarterly complaints review 2026-Q2');
    expect(renderHtml(periodicReviewDocument(review, 'zh-CN'))).toContain('投诉处理季度评估报告 2026-Q2');
    expect(renderHtml(periodicReviewDocument(review, 'en'))).toContain('+150.0 %');
  });
});

describe('delivery: the outbox sends a drill message only to the drill mailbox or a participant', async () => {
  const { deliverMessage } = await import('../../functions/use-cases/messages/deliver-messages.ts');
  const setup = (m: Record<string, unknown>) => {
    const sent: string[] = [];
    const deps = {
      repo: {
        transitionMessage: async () => true,
        messages: async () => [],
        getStaff: async (id: string) => ({ id, name: id, email: `${id}@bank.example`, roles: ['handler'], department: 'cards' }),
        managerOf: async () => undefined,
        isStaffedTeam: async () => true,
        putStaff: async () => {},
      },
      mailer: {
        send: async (x: { to: string }) => {
          sent.push(x.to);
          return 'id';
        },
      },
      sender: 'complaints@bank.example',
      now: () => new Date('2026-05-04T02:00:00.000Z'),
      drills: { getDrill: async (id: string) => (id === 'DR-20260504-abcd1234' ? drill() : undefined) },
    };
    const message = {
      reference: 'CN-2026-000101',
      at: '2026-05-04T02:00:00.000Z',
      kind: 'acknowledgement',
      channel: 'email',
      language: 'en',
      subject: 's',
      text: 't',
      status: 'queued',
      messageId: 'MSG#1',
      ...m,
    };
    return { sent, run: () => deliverMessage(message as never, deps as never) };
  };
  it("a drill's customer acknowledgement goes to the drill mailbox", async () => {
    const { sent, run } = setup({ audience: 'customer', to: 'li.wei@example.com', drill: 'DR-20260504-abcd1234' });
    expect(await run()).toBe('sent');
    expect(sent).toEqual(['drills@bank.example']);
  });
  it("a drill's staff message to a participant goes to them; to another, to the drill mailbox", async () => {
    const a = setup({ audience: 'staff', to: 'hana', drill: 'DR-20260504-abcd1234' });
    await a.run();
    expect(a.sent).toEqual(['hana@bank.example']);
    const b = setup({ audience: 'staff', to: 'max', drill: 'DR-20260504-abcd1234' });
    await b.run();
    expect(b.sent).toEqual(['drills@bank.example']);
  });
  it('a message of an unknown drill is not sent (failed: no address); a real one goes to the customer', async () => {
    const a = setup({ audience: 'customer', to: 'li.wei@example.com', drill: 'DR-20990101-00000000' });
    expect(await a.run()).toBe('failed');
    expect(a.sent).toEqual([]);
    const b = setup({ audience: 'customer', to: 'li.wei@example.com' });
    await b.run();
    expect(b.sent).toEqual(['li.wei@example.com']);
  });
});

describe('the runner: every scenario complaint is a valid request of its channel', async () => {
  const { complaintBody, drillEmail } = await import('../../scripts/drill-runner.ts');
  const { SubmitComplaintRequest } = await import('../../functions/contract/submit-complaint.schema.ts');
  const { StaffComplaintRequest } = await import('../../functions/contract/staff.schema.ts');
  const { parseEmail } = await import('../../functions/use-cases/intake/receive-email.ts');
  const steps = [...scenarios().values()].flatMap((s) => drillSchedule(s, '2026-05-04T02:00:00.000Z').map((step) => ({ scenario: s.id, step })));

  it.each(steps.filter((x) => x.step.complaint.channel !== 'email').map((x) => [`${x.scenario}/${x.step.key}`, x.step] as const))(
    '%s: accepted by the schema of its channel, contact at a reserved domain',
    (_name, step) => {
      const body = complaintBody(step);
      const r =
        step.complaint.channel === 'web'
          ? SubmitComplaintRequest.safeParse(body)
          : StaffComplaintRequest.safeParse({ channel: step.complaint.channel, complaint: body });
      expect(r.error?.issues ?? []).toEqual([]);
      const email = (body.complainant as { contact?: { email: string } }).contact?.email;
      if (email) expect(email).toMatch(/@customer\.example$/);
    },
  );

  it('the GBK email is written in GBK, with the drill headers, and reads back as the scenario wrote it', async () => {
    const step = drillSchedule(scenarios().get('gbk-email')!, '2026-05-04T02:00:00.000Z')[0];
    const raw = drillEmail(
      { drillId: 'DR-20260504-abcd1234', token: 'DR-20260504-abcd1234.s3cr3t-s3cr3t-s3cr3t-xx', mailbox: 'drills@bank.example', schedule: [] },
      step,
      'complaints@bank.example',
      new Date('2026-05-04T02:00:00.000Z'),
    );
    expect(raw.toString('latin1')).toContain('Content-Type: text/plain; charset=gbk');
    const facts = await parseEmail(raw);
    expect(facts.headers['x-drill-token']).toBe('DR-20260504-abcd1234.s3cr3t-s3cr3t-s3cr3t-xx');
    expect(facts.headers['x-drill-step']).toBe('gbk');
    expect(facts.text).toContain(step.complaint.description);
    expect(facts.subject).toBe(step.complaint.description.slice(0, 40));
  });
});

describe('disposal: discard (archive runs on the local runtime: test/integration/drills.test.ts)', () => {
  // Hand-written fakes of the ports disposeDrill uses: what it stores, marks, audits and deletes.
  const ref = 'CN-2026-000101';
  const world = () => {
    const closed = complaint({
      reference: ref,
      status: 'CLOSED',
      stage: 'CLOSED' as never,
      complainant: { anonymous: false, name: 'Li Wei', contact: { email: 'Li@Example.com' } } as never,
      drill: { drillId: 'DR-20260504-abcd1234', scenario: 'major-emergency-start', step: 'major' },
    });
    const w = {
      drill: drill({ status: 'closed', disposal: 'discard', closedAt: '2026-05-05T02:00:00.000Z' }),
      complaints: new Map<string, Complaint>([[ref, closed]]),
      objects: new Map<string, string>(),
      ledger: new Map<string, Record<string, unknown>>([[ref, { reference: ref, registeredAt: closed.receivedAt }]]),
      audit: [] as { operation: string; reference?: string; detail?: string }[],
      deleted: [] as { PK: string; SK: string }[],
    };
    const deps = {
      drills: {
        getDrill: async () => w.drill,
        drillComplaints: async () => [ref],
        updateClosedDrill: async (d: DrillRecord) => {
          w.drill = d;
        },
      },
      repo: {
        get: async (r: string) => w.complaints.get(r),
        history: async () => [],
        listCorrectiveActions: async () => [],
        partitionItems: async (r: string) =>
          w.complaints.has(r)
            ? [
                { PK: `COMPLAINT#${r}`, SK: 'META' },
                { PK: `COMPLAINT#${r}`, SK: 'H#1' },
              ]
            : [],
        ledgerEntry: async (r: string) => w.ledger.get(r),
        updateLedger: async (r: string, patch: Record<string, unknown>) => void w.ledger.set(r, { ...w.ledger.get(r), ...patch }),
        deleteItems: async (keys: { PK: string; SK: string }[]) => {
          w.deleted.push(...keys);
          w.complaints.delete(ref);
        },
      },
      reports: {
        putReport: async (key: string, body: Uint8Array) => (w.objects.has(key) ? 'exists' : (w.objects.set(key, new TextDecoder().decode(body)), 'written')),
        getReport: async (key: string) =>
          w.objects.has(key) ? { body: new TextEncoder().encode(w.objects.get(key)), contentType: 'application/json' } : undefined,
      },
      audit: { record: async (e: { operation: string; reference?: string; detail?: string }) => void w.audit.push(e) },
      clock: { now: () => new Date('2026-05-06T01:00:00.000Z') },
      region: regionConfig('cn'),
      mail: { domain: 'bank.example' },
      scenario: (id: string) => scenarios().get(id),
    } as unknown as DisposalDeps;
    return { w, deps };
  };
  const mia = { id: 'mia', roles: ['manager'], department: 'cards' } as Actor;

  it('keeps the report, then removes the complaint and its customer-index entry, the ledger and the audit saying so; no complaint object', async () => {
    const { w, deps } = world();
    const out = await disposeDrill(deps, mia, 'DR-20260504-abcd1234');
    expect(out).toEqual({
      drillId: 'DR-20260504-abcd1234',
      disposal: 'discard',
      reportKey: 'drills/cn/DR-20260504-abcd1234/report.json',
      complaints: [{ reference: ref }],
    });
    expect([...w.objects.keys()]).toEqual(['drills/cn/DR-20260504-abcd1234/report.json']);
    expect(JSON.parse(w.objects.get('drills/cn/DR-20260504-abcd1234/report.json')!).complaints.map((c: { reference: string }) => c.reference)).toEqual([ref]);
    expect(w.deleted).toEqual([
      { PK: `COMPLAINT#${ref}`, SK: 'META' },
      { PK: `COMPLAINT#${ref}`, SK: 'H#1' },
      // The customer index entry (its key as the index stores it: domain/repeats.ts customerKeys).
      ...customerKeys({ email: 'Li@Example.com' }).map((k) => ({ PK: `CUSTOMER#${k}`, SK: `REF#${ref}` })),
    ]);
    expect(w.ledger.get(ref)?.drillDisposal).toEqual({ drillId: 'DR-20260504-abcd1234', disposal: 'discard', at: '2026-05-06T01:00:00.000Z', by: 'mia' });
    expect(w.audit).toMatchObject([{ operation: 'disposeDrill', reference: ref, detail: 'drill DR-20260504-abcd1234 complaint discarded from the table' }]);
    expect(w.drill).toMatchObject({ disposedAt: '2026-05-06T01:00:00.000Z', disposedBy: 'mia', reportKey: 'drills/cn/DR-20260504-abcd1234/report.json' });
    // Again: nothing more audited, the kept report stands.
    await disposeDrill(deps, mia, 'DR-20260504-abcd1234');
    expect(w.audit).toHaveLength(1);
    expect(w.objects.size).toBe(1);
  });

  it('is refused while the drill runs or a complaint of it is open', async () => {
    const { w, deps } = world();
    w.drill = { ...w.drill, status: 'running' };
    await expect(disposeDrill(deps, mia, w.drill.drillId)).rejects.toThrow(/still running/);
    w.drill = { ...w.drill, status: 'closed' };
    w.complaints.set(ref, { ...w.complaints.get(ref)!, status: 'OPEN' });
    await expect(disposeDrill(deps, mia, w.drill.drillId)).rejects.toThrow(new RegExp(`${ref} are still open`));
    expect(w.deleted).toEqual([]);
  });

  it('a quality reviewer may not dispose of a drill', async () => {
    const { deps } = world();
    await expect(disposeDrill(deps, { id: 'quinn', roles: ['quality'], department: 'quality' } as Actor, 'DR-20260504-abcd1234')).rejects.toThrow();
  });
});
