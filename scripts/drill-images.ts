/**
 * `npm run docs:drill-images`: the pictures of a sample drill report and a sample periodic review in
 * docs/images/ (docs/drills.md shows them), made from the same builders and HTML the product
 * serves (functions/domain/drill-report.ts, periodic-review.ts), on made-up data, and
 * photographed by Debian's Chromium through playwright-core (CHROMIUM_PATH, default /usr/bin/chromium).
 * English: the machine's Chromium has no CJK font (the zh-CN HTML is the same page in Chinese).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { scenarioById } from '../functions/contract/drill-scenarios.ts';
import type { Complaint, HistoryEntry } from '../functions/domain/complaint.ts';
import { aggregateKeys, type AggregateItem } from '../functions/domain/dashboard.ts';
import type { DrillRecord } from '../functions/domain/drill.ts';
import { buildDrillReport, drillReportDocument, drillSummary } from '../functions/domain/drill-report.ts';
import { buildPeriodicReview, periodicReviewDocument } from '../functions/domain/periodic-review.ts';
import { renderHtml } from '../functions/domain/report-document.ts';

const OUT = join(import.meta.dirname, '..', 'docs', 'images');
const START = Date.parse('2026-05-04T01:00:00.000Z');
const t = (minutes: number) => new Date(START + minutes * 60_000).toISOString();

const scenario = scenarioById('group-incident')!;
const drill: DrillRecord = {
  drillId: 'DR-20260504-5f3a9c21',
  region: 'cn',
  scenario: scenario.id,
  scenarioVersion: scenario.version,
  startedAt: t(0),
  startedBy: 'mia',
  participants: ['sam', 'rita', 'rob'],
  mailbox: 'drills@bank.example.cn',
  tokenHash: '-',
  status: 'closed',
  disposal: 'archive',
  closedAt: t(600),
  closedBy: 'rob',
  notes: [{ by: 'rita', at: t(600), text: 'The outage script did not say who calls the IT incident desk' }],
  actions: [
    {
      id: 'DR-20260504-5f3a9c21-A1',
      category: 'drill',
      description: 'Add the IT incident desk to the group-incident checklist',
      owner: 'rob',
      dueAt: '2026-05-29T09:00:00.000Z',
      createdAt: t(600),
    },
  ],
  outcomes: [
    { staffId: 'sam', outcome: 'passed' },
    { staffId: 'rita', outcome: 'needs-training', note: 'Emergency start of a group incident' },
    { staffId: 'rob', outcome: 'passed' },
  ],
};

function complaint(key: string, n: number, minutes: number, major: boolean, claimedAfter: number): { complaint: Complaint; history: HistoryEntry[] } {
  const reference = `CN-2026-0041${String(n).padStart(2, '0')}`;
  const receivedAt = t(minutes);
  const h = (m: number, actor: string, action: string, summary: string): HistoryEntry => ({
    reference,
    at: t(m),
    actor,
    action,
    summary,
    visibleToCustomer: false,
  });
  const deadlines: Complaint['deadlines'] = {
    register: { dueAt: t(minutes + 24 * 60), rule: 'S2', metAt: t(minutes + 1) },
    investigate: { dueAt: t(minutes + 3 * 24 * 60), rule: 'S2' },
    finalResponse: { dueAt: t(minutes + 15 * 24 * 60), rule: 'NFRA' },
  };
  if (major) deadlines.emergencyStart = { dueAt: t(minutes + 120), rule: '2 h', metAt: t(minutes + claimedAfter) };
  return {
    complaint: {
      reference,
      region: 'cn',
      channel: n === 3 ? 'phone' : 'web',
      language: 'en',
      status: 'OPEN',
      stage: 'INVESTIGATION',
      receivedAt,
      complainant: { anonymous: false },
      matter: { description: '-' },
      consent: { personalData: true },
      deadlines,
      routing: { major, majorReasons: [], crossDepartment: false, departments: ['retail'], anonymous: false },
      assignment: { team: 'retail', assignee: major ? 'rob' : 'rita' },
      drill: { drillId: drill.drillId, scenario: scenario.id, step: key },
      executionName: reference,
      resumeCount: 0,
      updatedAt: receivedAt,
      version: 4,
    },
    history: [
      h(minutes, n === 3 ? 'sam' : 'customer', 'received', n === 3 ? 'Keyed in from a phone call' : 'Received through the web form'),
      h(minutes + 1, 'system', 'registered', major ? 'Registered: major (possible group incident)' : 'Registered'),
      h(minutes + claimedAfter, major ? 'rob' : 'rita', 'claimed', major ? 'Claimed by rob; emergency handling started' : 'Claimed by rita'),
    ],
  };
}

const report = buildDrillReport({
  drill,
  scenario,
  complaints: [
    complaint('burst-1', 1, 0, false, 40),
    complaint('burst-2', 2, 10, false, 55),
    complaint('burst-3', 3, 20, false, 70),
    complaint('burst-4', 4, 35, false, 80),
    complaint('burst-5', 5, 50, true, 190),
  ],
  now: new Date(t(600)),
});

const item = (channel: string, department: string, nature: string, counters: Record<string, number>): AggregateItem => ({
  sk: aggregateKeys.combination({ channel, department, nature }),
  counters,
});
const review = buildPeriodicReview({
  region: 'cn',
  period: '2026-Q2',
  monthItems: {
    '2026-01': [item('web', 'cards', 'product', { total: 120 })],
    '2026-02': [item('web', 'cards', 'product', { total: 98 })],
    '2026-03': [item('web', 'cards', 'product', { total: 131 })],
    '2026-04': [
      item('web', 'cards', 'product', {
        total: 61,
        handled: 58,
        met_finalResponse: 55,
        late_finalResponse: 3,
        met_investigate: 50,
        late_investigate: 8,
        satSum: 190,
        satN: 45,
        major: 2,
        leN: 6,
        leAdj: 1,
        leMiss: 1,
      }),
      item('phone', 'retail', 'service', { total: 44, handled: 43, reopened: 3, met_finalResponse: 42, late_finalResponse: 1, satSum: 120, satN: 33 }),
      item('email', 'loans', 'operation', { total: 17, handled: 17, met_finalResponse: 17, satSum: 60, satN: 15 }),
    ],
    '2026-05': [
      item('web', 'cards', 'product', { total: 52, handled: 49, met_finalResponse: 47, late_finalResponse: 2, satSum: 170, satN: 40, major: 1, leN: 3 }),
      item('web', 'retail', 'operation', {
        total: 39,
        handled: 36,
        reopened: 2,
        met_finalResponse: 36,
        satSum: 120,
        satN: 30,
        major: 3,
        leN: 9,
        leAdj: 2,
        leEsc: 1,
      }),
      item('branch', 'wealth', 'violation', { total: 6, handled: 5, met_finalResponse: 4, late_finalResponse: 1, major: 1, leN: 2, leMiss: 1 }),
    ],
    '2026-06': [
      item('web', 'cards', 'product', { total: 48, handled: 30, met_finalResponse: 30, satSum: 100, satN: 24 }),
      item('phone', 'retail', 'service', { total: 35, handled: 22, met_finalResponse: 21, late_finalResponse: 1, satSum: 70, satN: 18 }),
    ],
  },
  actions: [
    {
      id: 'CA-2026-014',
      category: 'product',
      description: 'Annual fee shown on the card application summary',
      owner: 'mia',
      dueAt: '2026-05-15T00:00:00.000Z',
      createdAt: '2026-04-08T00:00:00.000Z',
      closedAt: '2026-05-12T00:00:00.000Z',
    },
    {
      id: 'CA-2026-019',
      category: 'operation',
      description: 'App login outage runbook with the complaints desk',
      owner: 'rob',
      dueAt: '2026-06-20T00:00:00.000Z',
      createdAt: '2026-05-06T00:00:00.000Z',
    },
    ...(drill.actions ?? []),
  ],
  drills: [drillSummary(report)],
  now: new Date('2026-07-01T02:00:00.000Z'),
});

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 960, height: 800 }, deviceScaleFactor: 1 });
    for (const [name, html] of [
      ['drill-report', renderHtml(drillReportDocument(report, 'en'))],
      ['periodic-review', renderHtml(periodicReviewDocument(review, 'en'))],
    ] as const) {
      await page.setContent(html, { waitUntil: 'load' });
      const file = join(OUT, `${name}.png`);
      writeFileSync(file, await page.screenshot({ fullPage: true, type: 'png' }));
      console.log(`wrote ${file}`);
    }
  } finally {
    await browser.close();
  }
}

await main();
