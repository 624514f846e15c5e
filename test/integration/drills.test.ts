/**
 * A drill end to end on the real local runtime (issue 20), on the manual clock, in the first
 * quarter of 2028 (no other test uses it):
 *   Mon 2028-01-10 01:00Z  real complaint R1 (web), replied 01-11 02:00Z by hana, satisfied (5): closed
 *   Mon 2028-02-07 01:00Z  mia starts the drill "major-emergency-start" (sam, hana, mia); the runner feeds
 *                          its one complaint through the web form's API, marked by the drill token
 *                          (a major complaint: its team's manager, mia, leads it)
 *          + 50 min        mia claims it: emergency handling started (due + 2 h: met)
 *          + 3 h           mia completes the investigation
 *          + 4 h           mia closes the drill: sam's note, one improvement action, outcomes
 *   Mon 2028-03-06 01:00Z  real complaint R2 (phone, keyed in by sam), open
 *   Sun 2028-07-02         quinn generates the 2028-Q1 review into the locked archive
 *   Mon 2028-04-10 01:00Z  (the clock moved back) mia closes the drill's improvement action in the
 *                          corrective-action list, with evidence
 *   Sat 2028-07-01 12:00Z  the quarterly schedule runs (POST /__local/reviews): 2028-Q2 and 2028-H1, once
 *          + 1 h           the drill complaint answered (mia, approved by sara) and closed; the drill's
 *                          disposal (archive, the default) acted on: report kept, complaint archived apart
 *   Mon 2028-07-03 01:00Z  a second drill (disposal: discard) run, its complaint closed, the drill closed -
 *                          and not disposed of
 *   Fri 2029-01-05 01:00Z  past the complaint's hot retention (180 days): TTL removes it and archival
 *                          writes it apart under the drill (ADR 0024); the report unchanged
 * The report's figures are checked against these scripted actions; the drill complaint is absent
 * from the dashboard; the review's figures are worked out here from R1 and R2 and the drill.
 */
import { existsSync } from 'node:fs';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { REPORT_FONT } from '../../functions/shared/report-font.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpChannels, feedDue, type StartedDrill } from '../../scripts/drill-runner.ts';
import { clients, validComplaint } from '../support/clients.ts';
import { investigation, Journey, mailsTo } from '../support/journey.ts';

const { ddb, sfn } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const j = new Journey(inject('apiUrl'), ddb, sfn, inject('tableName'), inject('stateMachineArn'));
const mailDir = inject('mailDir');

const START = '2028-02-07T01:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(START) + minutes * 60_000).toISOString();
const channels = httpChannels({ api: inject('apiUrl'), staffToken: () => j.token('sam'), smtp: { host: '127.0.0.1', port: inject('smtpPort') } });

let drill: StartedDrill & { scenario: { id: string } };
let drillRef: string;
const real: Record<string, string> = {};
let report: any;
const s3 = new S3Client({
  endpoint: inject('s3Endpoint'),
  forcePathStyle: true,
  region: inject('awsRegion'),
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const ARCHIVE_BUCKET = process.env.ARCHIVE_BUCKET || 'complaints-archive';

/** The review's corrective-action figures worked out from the corrective-action list (every action in the region's store). */
async function expectedActions(lastMonth: string) {
  const list = await j.as('mia', 'GET', '/corrective-actions?state=all');
  expect(list.status).toBe(200);
  const end = `${lastMonth}-31T23:59:59.999Z`;
  const existing = list.body.actions.filter((a: any) => a.createdAt <= end);
  const closed = existing.filter((a: any) => a.closedAt && a.closedAt <= end);
  return { open: existing.length - closed.length, closed: closed.length, ids: existing.map((a: any) => a.id).sort() };
}

async function drain() {
  expect((await j.request('POST', '/__local/streams/drain')).status).toBe(200);
}

beforeAll(async () => {
  // R1: a real complaint, replied and closed.
  await j.setClock('2028-01-10T01:00:00.000Z');
  real.R1 = (
    await j.submit(validComplaint({ businessLine: 'drill review cards', matter: { description: 'I was charged an annual fee I never agreed to' } }))
  ).reference;
  await j.waitForStage(real.R1, 'INVESTIGATION');
  await j.setClock('2028-01-11T02:00:00.000Z');
  expect((await j.act('hana', real.R1, 'claim')).status).toBe(200);
  expect((await j.act('hana', real.R1, 'investigation', investigation)).status).toBe(200);
  await j.waitForStage(real.R1, 'REPLY');
  expect((await j.act('hana', real.R1, 'reply', { outcome: { result: 'upheld' }, subject: 'Our answer', text: 'We refunded the fee.' })).status).toBe(200);
  await j.waitForStage(real.R1, 'CALLBACK');
  expect((await j.act('sam', real.R1, 'callback', { satisfaction: 5 })).status).toBe(200);
  await j.waitClosed(real.R1);

  // The drill.
  await j.setClock(START);
  const started = await j.as('mia', 'POST', '/drills', { scenario: 'major-emergency-start', participants: ['sam', 'hana', 'mia'] });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  drill = started.body;
  const fed = new Set<string>();
  const refs = await feedDue(drill, fed, new Date(START), channels, 'complaints@bank.example.cn');
  drillRef = refs.major!;
  await j.waitForStage(drillRef, 'INVESTIGATION');
  await j.setClock(at(50));
  expect((await j.act('mia', drillRef, 'claim')).status).toBe(200);
  await j.setClock(at(180));
  expect((await j.act('mia', drillRef, 'investigation', investigation)).status).toBe(200);
  await j.waitForStage(drillRef, 'REPLY');
  await j.setClock(at(240));
  const closed = await j.as('mia', 'POST', `/drills/${drill.drillId}/close`, {
    notes: [{ by: 'sam', text: 'The major-complaint checklist was not at hand' }],
    actions: [{ description: 'Put the major-complaint checklist in the console', owner: 'mia', dueAt: '2028-03-15T09:00:00Z', category: 'product' }],
    outcomes: [
      { staffId: 'hana', outcome: 'passed' },
      { staffId: 'sam', outcome: 'needs-training', note: 'Recognise major complaints at intake' },
    ],
  });
  expect(closed.status, JSON.stringify(closed.body)).toBe(200);
  report = closed.body;

  // R2: a real complaint keyed in by the complaints desk, left open.
  await j.setClock('2028-03-06T01:00:00.000Z');
  const keyed = await j.as('sam', 'POST', '/complaints', {
    channel: 'phone',
    complaint: validComplaint({ businessLine: 'drill review loans', matter: { description: 'My loan statement shows interest I already paid' } }),
  });
  expect(keyed.status).toBe(201);
  real.R2 = keyed.body.reference;
  await j.waitForStage(real.R2, 'INVESTIGATION');
  await drain();
});

afterAll(async () => {
  // Back to the clock the other files start from.
  await j.setClock('2026-03-02T01:00:00.000Z');
});

describe('a drill on the real pipeline', () => {
  it('its complaint entered through the web form, marked as the drill, and is marked in the staff views', async () => {
    const c = await j.complaint('mia', drillRef);
    expect(c.complaint.drill).toEqual({ drillId: drill.drillId, scenario: 'major-emergency-start', step: 'major' });
    expect(c.complaint.channel).toBe('web');
    expect(c.complaint.routing.major).toBe(true);
    const queue = await j.as('mia', 'GET', '/tasks/team');
    expect(queue.body.find((t: any) => t.reference === drillRef)?.flags).toContain('drill');
  });

  it('once the drill is closed its token is refused, naming the header (no silent real complaint)', async () => {
    const r = await j.request('POST', '/api/complaints', validComplaint(), { 'x-drill-token': drill.token, 'x-drill-step': 'major' });
    expect(r.status).toBe(400);
    expect(r.body.fields).toEqual([{ field: 'X-Drill-Token', message: 'names a drill that has ended' }]);
  });

  it('its mail went to the drill mailbox, never to the customer address it gave', async () => {
    expect((await mailsTo(j, mailDir, drill.mailbox)).length).toBeGreaterThan(0);
    expect(await mailsTo(j, mailDir, 'major@customer.example')).toEqual([]);
  });

  it("the report's figures match the scripted actions", async () => {
    expect(report.status).toBe('closed');
    expect(report.figures).toMatchObject({ scripted: 1, entered: 1, routingMatched: 1, routingChecked: 1, actions: 1 });
    const [c] = report.complaints;
    expect(c.reference).toBe(drillRef);
    // The emergency start: claimed 50 minutes after receipt, due within 2 hours.
    const emergency = c.deadlines.find((d: any) => d.name === 'emergencyStart');
    expect(emergency).toMatchObject({ metAt: at(50), result: 'met' });
    expect(Date.parse(emergency.dueAt) - Date.parse(START)).toBe(2 * 3600_000);
    // The staff steps are mia's two actions, at their times.
    expect(c.steps.filter((s: any) => s.actor === 'mia').map((s: any) => [s.action, s.at])).toEqual([
      ['claimed', at(50)],
      ['investigation-completed', at(180)],
    ]);
    expect(report.figures.staffSteps).toBe(2);
    // Nothing late or missed four hours in; the problems are sam's note alone.
    expect(report.figures.deadlines.late + report.figures.deadlines.missed).toBe(0);
    expect(report.problems).toEqual([{ source: 'participant', by: 'sam', text: 'The major-complaint checklist was not at hand' }]);
    expect(report.actions[0]).toMatchObject({ owner: 'mia', description: 'Put the major-complaint checklist in the console', createdAt: at(240) });
  });

  it('the report downloads as HTML and PDF', async () => {
    const html = await fetch(`${inject('apiUrl')}/api/staff/drills/${drill.drillId}/report?format=html&language=zh-CN`, {
      headers: { authorization: `Bearer ${await j.token('quinn')}` },
    });
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(await html.text()).toContain('演练报告');
    const pdf = await fetch(`${inject('apiUrl')}/api/staff/drills/${drill.drillId}/report?format=pdf`, {
      headers: { authorization: `Bearer ${await j.token('mia')}` },
    });
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('training records: the participant and their manager only', async () => {
    const own = await j.as('sam', 'GET', '/training/sam');
    expect(own.status).toBe(200);
    expect(own.body.records).toMatchObject([{ drillId: drill.drillId, outcome: 'needs-training', by: 'mia' }]);
    expect((await j.as('mia', 'GET', '/training/hana')).body.records).toMatchObject([{ outcome: 'passed' }]);
    expect((await j.as('max', 'GET', '/training/hana')).status).toBe(403);
    expect((await j.as('quinn', 'GET', '/training/hana')).status).toBe(403);
  });

  it('the drill complaint is absent from the dashboard', async () => {
    const d = await j.as('mia', 'GET', '/dashboard?from=2028-02&to=2028-02');
    expect(d.status).toBe(200);
    expect(d.body.totals.total).toBe(0);
  });
});

describe('the periodic review of a generated quarter', () => {
  it('matches the figures worked out from R1, R2 and the drill', async () => {
    await j.setClock('2028-07-02T01:00:00.000Z');
    const natures = await Promise.all([real.R1, real.R2].map(async (r) => (await j.complaint('quinn', r)).complaint.classification.nature));
    const gen = await j.as('quinn', 'POST', '/reviews', { period: '2028-Q1' });
    expect(gen.status, JSON.stringify(gen.body)).toBe(201);
    // The zh-CN PDF where the runtime has the CJK font (the bootstrap installs Debian's; REPORT_CJK_FONT otherwise).
    const cjk = !!process.env.REPORT_CJK_FONT || existsSync(REPORT_FONT.debianPath);
    expect(gen.body.files).toEqual(['review.en.html', 'review.en.pdf', 'review.zh-CN.html', ...(cjk ? ['review.zh-CN.pdf'] : []), 'review.json']);
    const review = (await j.as('mia', 'GET', '/reviews/2028-Q1')).body;
    expect(review.volumes).toEqual([
      { month: '2028-01', total: 1, handled: 1, major: 0 },
      { month: '2028-02', total: 0, handled: 0, major: 0 }, // the drill's major complaint is not counted
      { month: '2028-03', total: 1, handled: 0, major: 0 },
    ]);
    expect(review.total).toBe(2);
    expect(review.indicators.handledRate).toBe(0.5);
    expect(review.indicators.satisfaction).toEqual({ average: 5, responses: 1 });
    expect(review.indicators.reopenRate).toBe(0);
    const counts = new Map<string, number>();
    for (const n of natures as string[]) counts.set(n, (counts.get(n) ?? 0) + 1);
    const expected = [...counts.entries()].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([key, count]) => ({ key, count, share: count / 2 }));
    expect(review.topCategories.map((c: any) => ({ key: c.key, count: c.count, share: c.share }))).toEqual(expected);
    // The corrective actions: the store's (the drill's improvement action among them: open, past its due date at the quarter's end).
    const actions = await expectedActions('2028-03');
    expect(review.correctiveActions).toMatchObject({ open: actions.open, closed: actions.closed });
    expect(review.correctiveActions.items.map((a: any) => a.id).sort()).toEqual(actions.ids);
    expect(review.correctiveActions.items.find((a: any) => a.drillId === drill.drillId)).toMatchObject({ id: `CA-${drill.drillId}-1`, owner: 'mia' });
    expect(review.correctiveActions.overdue).toBeGreaterThanOrEqual(1);
    expect(review.drills).toMatchObject([{ drillId: drill.drillId, scenario: 'major-emergency-start', figures: report.figures }]);

    // Stored once in the locked archive: a second request finds it.
    expect((await j.as('quinn', 'POST', '/reviews', { period: '2028-Q1' })).body.stored).toBe('exists');
    const html = await fetch(`${inject('apiUrl')}/api/staff/reviews/2028-Q1?format=html&language=zh-CN`, {
      headers: { authorization: `Bearer ${await j.token('mia')}` },
    });
    expect(await html.text()).toContain('投诉处理季度评估报告 2028-Q1');
    // A period not yet ended is refused, naming the field.
    const early = await j.as('quinn', 'POST', '/reviews', { period: '2028-Q3' });
    expect(early.status).toBe(400);
    expect(early.body.fields).toEqual([{ field: 'period', message: 'has not ended yet' }]);
  });
});

describe("the drill's improvement actions are corrective actions", () => {
  const actionId = () => `CA-${drill.drillId}-1`;

  it('listed with the corrective actions, linked to the drill', async () => {
    const list = await j.as('quinn', 'GET', '/corrective-actions?state=open');
    expect(list.status).toBe(200);
    expect(list.body.actions.find((a: any) => a.id === actionId())).toEqual({
      id: actionId(),
      drillId: drill.drillId,
      category: 'product',
      description: 'Put the major-complaint checklist in the console',
      owner: 'mia',
      dueAt: '2028-03-15T09:00:00.000Z',
      createdAt: at(240),
      createdBy: 'mia',
      version: 1,
    });
  });

  it('closed there by its owner; the drill report shows it closed', async () => {
    await j.setClock('2028-04-10T01:00:00.000Z');
    const closed = await j.as('mia', 'POST', '/corrective-actions/progress', {
      id: actionId(),
      evidence: 'Checklist in the console since release 4.2',
      close: true,
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const r = await j.as('quinn', 'GET', `/drills/${drill.drillId}/report`);
    expect(r.body.actions).toMatchObject([
      { id: actionId(), closedAt: '2028-04-10T01:00:00.000Z', closedBy: 'mia', evidence: 'Checklist in the console since release 4.2' },
    ]);
    const html = await fetch(`${inject('apiUrl')}/api/staff/drills/${drill.drillId}/report?format=html&language=en`, {
      headers: { authorization: `Bearer ${await j.token('quinn')}` },
    });
    expect(await html.text()).toMatch(/Put the major-complaint checklist in the console<\/td><td>mia<\/td><td>2028-03-15T09:00:00.000Z<\/td><td>closed/);
  });
});

describe('the periodic review on its schedule', () => {
  const head = (period: string) => s3.send(new HeadObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: `reviews/cn/${period}/review.json` }));

  it('past the end of Q2, the scheduled run writes the Q2 and H1 reviews into the archive, once', async () => {
    await j.setClock('2028-07-01T12:00:00.000Z');
    const first = await j.request('POST', '/__local/reviews');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.reviews).toEqual([
      { period: '2028-Q2', stored: 'written' },
      { period: '2028-H1', stored: 'written' },
    ]);
    const written = await head('2028-Q2');

    // The drill's action, closed in Q2, is counted closed.
    const q2 = (await j.as('quinn', 'GET', '/reviews/2028-Q2')).body;
    expect(q2.period).toBe('2028-Q2');
    const actions = await expectedActions('2028-06');
    expect(q2.correctiveActions).toMatchObject({ open: actions.open, closed: actions.closed });
    expect(q2.correctiveActions.items.find((a: any) => a.drillId === drill.drillId)).toMatchObject({ closedAt: '2028-04-10T01:00:00.000Z' });
    expect((await j.as('quinn', 'GET', '/reviews/2028-H1')).body).toMatchObject({
      period: '2028-H1',
      kind: 'half-year',
      months: ['2028-01', '2028-02', '2028-03', '2028-04', '2028-05', '2028-06'],
    });

    // A second run (a retry, a redelivered event) rewrites nothing and does not fail.
    const again = await j.request('POST', '/__local/reviews');
    expect(again.status).toBe(200);
    expect(again.body.reviews).toEqual([
      { period: '2028-Q2', stored: 'exists' },
      { period: '2028-H1', stored: 'exists' },
    ]);
    const after = await head('2028-Q2');
    expect(after.VersionId).toBe(written.VersionId);
    expect(after.ETag).toBe(written.ETag);
    expect(after.ObjectLockMode).toBe('COMPLIANCE');
  });
});

describe("the drill's disposal after its report", () => {
  const dispose = () => j.as('mia', 'POST', `/drills/${drill.drillId}/disposal`);

  it('is refused while a drill complaint is open, naming it', async () => {
    const r = await dispose();
    expect(r.status).toBe(409);
    expect(r.body.message).toContain(drillRef);
  });

  it('archive: the report kept first, the complaint archived apart under drills/ as TTL archival would and removed from the table, audited; quality reads it, erasure redacts it, reconciliation verifies it apart; once', async () => {
    await j.setClock('2028-07-01T13:00:00.000Z');
    const drafted = await j.act('mia', drillRef, 'reply', { outcome: { result: 'upheld' }, subject: 'Our answer', text: 'We refunded the fee.' });
    expect(drafted.status, JSON.stringify(drafted.body)).toBe(200);
    if (drafted.body.status === 'awaiting-approval') expect((await j.act('sara', drillRef, 'reply/approval', { approve: true })).status).toBe(200);
    await j.waitForStage(drillRef, 'CALLBACK');
    expect((await j.act('sam', drillRef, 'callback', { satisfaction: 5 })).status).toBe(200);
    await j.waitClosed(drillRef);
    const before = (await j.as('quinn', 'GET', `/drills/${drill.drillId}/report`)).body;

    const r = await dispose();
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const key = `drills/cn/${drill.drillId}/complaints/${drillRef}.json.gz`;
    expect(r.body).toEqual({
      drillId: drill.drillId,
      disposal: 'archive',
      reportKey: `drills/cn/${drill.drillId}/report.json`,
      complaints: [{ reference: drillRef, key }],
    });
    await drain();

    // Gone from the table; locked in the archive apart from the real complaints' records.
    expect((await j.as('mia', 'GET', `/complaints/${drillRef}`)).status).toBe(404);
    expect(await s3.send(new HeadObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: key }))).toMatchObject({ ObjectLockMode: 'COMPLIANCE' });
    for (const prefix of ['complaints/', 'erased/', 'staging/']) {
      const real = await s3.send(new ListObjectsV2Command({ Bucket: ARCHIVE_BUCKET, Prefix: prefix }));
      expect((real.Contents ?? []).filter((o) => o.Key?.includes(drillRef))).toEqual([]);
    }
    // The archive record TTL archival writes: quality opens it, its history verified against the table's digest.
    const read = await j.as('quinn', 'GET', `/archive/${drillRef}`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toMatchObject({
      format: 'complaint-archive/1',
      reference: drillRef,
      verified: true,
      complaint: { status: 'CLOSED', drill: { drillId: drill.drillId } },
    });
    expect(read.body.history.length).toBeGreaterThan(3);
    expect(read.body.integrity.historyCount).toBe(read.body.history.length);

    // The report still reads, as kept (the complaint's timeline, the figures), with its action as it stands.
    const after = await j.as('quinn', 'GET', `/drills/${drill.drillId}/report`);
    expect(after.status).toBe(200);
    expect(after.body.complaints.map((c: any) => c.reference)).toEqual([drillRef]);
    expect(after.body.figures).toEqual(before.figures);
    expect(after.body.actions[0]).toMatchObject({ id: `CA-${drill.drillId}-1`, closedAt: '2028-04-10T01:00:00.000Z' });

    // Audited as the disposal, not as a delete outside archival (nothing staged for it).
    const audit = await j.as('quinn', 'GET', `/audit?day=2028-07-01&reference=${drillRef}`);
    const ops = audit.body.entries.map((e: any) => e.operation);
    expect(ops).toContain('disposeDrill');
    expect(ops).not.toContain('deleteOutsideArchival');

    // An erasure redacts it: the redacted version beside the record, under the drill's prefix; quality is served that.
    const erased = await j.as('ada', 'POST', `/complaints/${drillRef}/erasure`, { basis: 'gdpr-art-17' });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body.erasedIn).toEqual(['archive']);
    const erasedKey = `drills/cn/${drill.drillId}/erased/${drillRef}.json.gz`;
    expect(await s3.send(new HeadObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: erasedKey }))).toMatchObject({ ObjectLockMode: 'COMPLIANCE' });
    const redacted = await j.as('quinn', 'GET', `/archive/${drillRef}`);
    expect(redacted.body).toMatchObject({ erasure: { basis: 'gdpr-art-17' }, complaint: { complainant: { name: erased.body.pseudonym } } });
    expect(redacted.body.complaint.complainant.contact).toBeUndefined();

    // Reconciliation counts it apart, its record verified (and its erasure checked): neither missing, mismatched nor a real complaint.
    const rec = await j.request('POST', '/__local/reconcile');
    expect(rec.body.missing).not.toContain(drillRef);
    expect(rec.body.mismatched.map((m: any) => m.reference)).not.toContain(drillRef);
    expect(rec.body.drillDisposed).toBeGreaterThanOrEqual(1);

    // Again (a retry): the same answer, nothing rewritten.
    const again = await dispose();
    expect(again.status).toBe(200);
    expect(again.body).toEqual(r.body);
  });
});

describe('a drill not disposed of, when its complaints expire (ADR 0024)', () => {
  it("TTL archives them apart under the drill, never under complaints/; reconciliation counts them apart; quality reads them; the report's figures do not change", async () => {
    const t0 = '2028-07-03T01:00:00.000Z';
    const after = (minutes: number) => new Date(Date.parse(t0) + minutes * 60_000).toISOString();
    await j.setClock(t0);
    const started = await j.as('mia', 'POST', '/drills', { scenario: 'major-emergency-start', participants: ['sam', 'mia'], disposal: 'discard' });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const second: StartedDrill = started.body;
    const ref = (await feedDue(second, new Set(), new Date(t0), channels, 'complaints@bank.example.cn')).major!;
    await j.waitForStage(ref, 'INVESTIGATION');
    await j.setClock(after(30));
    expect((await j.act('mia', ref, 'claim')).status).toBe(200);
    expect((await j.act('mia', ref, 'investigation', investigation)).status).toBe(200);
    await j.waitForStage(ref, 'REPLY');
    await j.setClock(after(90));
    const drafted = await j.act('mia', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Our answer', text: 'We refunded the fee.' });
    if (drafted.body.status === 'awaiting-approval') expect((await j.act('sara', ref, 'reply/approval', { approve: true })).status).toBe(200);
    await j.waitForStage(ref, 'CALLBACK');
    expect((await j.act('sam', ref, 'callback', { satisfaction: 4 })).status).toBe(200);
    await j.waitClosed(ref);
    const closed = await j.as('mia', 'POST', `/drills/${second.drillId}/close`, { outcomes: [{ staffId: 'sam', outcome: 'passed' }] });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const before = (await j.as('quinn', 'GET', `/drills/${second.drillId}/report`)).body;
    expect(before.figures).toMatchObject({ entered: 1 });

    // 180 days and more later: TTL removes the complaint's items; archival takes them from the stream.
    await j.setClock('2029-01-05T01:00:00.000Z');
    await drain();
    expect((await j.as('mia', 'GET', `/complaints/${ref}`)).status).toBe(404);
    const key = `drills/cn/${second.drillId}/complaints/${ref}.json.gz`;
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: ARCHIVE_BUCKET, Prefix: `drills/cn/${second.drillId}/` }));
    expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([key]);
    expect(await s3.send(new HeadObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: key }))).toMatchObject({ ObjectLockMode: 'COMPLIANCE' });
    for (const prefix of ['complaints/', 'erased/', 'staging/']) {
      const real = await s3.send(new ListObjectsV2Command({ Bucket: ARCHIVE_BUCKET, Prefix: prefix }));
      expect((real.Contents ?? []).filter((o) => o.Key?.includes(ref))).toEqual([]);
    }
    // Quality opens it as any archived complaint, its history verified.
    const read = await j.as('quinn', 'GET', `/archive/${ref}`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toMatchObject({ reference: ref, verified: true, complaint: { drill: { drillId: second.drillId } } });
    // Audited as what it is.
    const audit = await j.as('quinn', 'GET', `/audit?day=2029-01-05&reference=${ref}`);
    expect(audit.body.entries.map((e: any) => e.operation)).toContain('archiveDrillComplaint');
    // Reconciliation: apart from the real complaints, neither missing nor mismatched (the first drill's disposed one too).
    const rec = await j.request('POST', '/__local/reconcile');
    expect(rec.body.missing).not.toContain(ref);
    expect(rec.body.mismatched.map((m: any) => m.reference)).not.toContain(ref);
    expect(rec.body.drillDisposed).toBeGreaterThanOrEqual(2);
    // The report reads the complaint where archival put it: the same figures and timeline.
    const report = (await j.as('quinn', 'GET', `/drills/${second.drillId}/report`)).body;
    expect(report.figures).toEqual(before.figures);
    expect(report.complaints).toEqual(before.complaints);

    // Disposal afterwards keeps the report and finds the complaint archived apart already.
    const disposed = await j.as('mia', 'POST', `/drills/${second.drillId}/disposal`);
    expect(disposed.status, JSON.stringify(disposed.body)).toBe(200);
    expect(disposed.body).toEqual({
      drillId: second.drillId,
      disposal: 'discard',
      reportKey: `drills/cn/${second.drillId}/report.json`,
      complaints: [{ reference: ref, key }],
    });
    expect((await j.as('quinn', 'GET', `/drills/${second.drillId}/report`)).body.figures).toEqual(before.figures);
    // The list of drills (the console's drills view) shows the disposal done: how, when, by whom, where the report is.
    const listing = (await j.as('quinn', 'GET', '/drills')).body.drills.find((d: any) => d.drillId === second.drillId);
    expect(listing).toMatchObject({
      status: 'closed',
      disposal: 'discard',
      reportKey: `drills/cn/${second.drillId}/report.json`,
      disposedAt: '2029-01-05T01:00:00.000Z',
      disposedBy: 'mia',
    });
  });
});
