/**
 * The dashboard against the real local runtime: complaints with known answers made through
 * the API (on the manual clock, in March 2027, a month no other test uses), the table's
 * stream handed to TableChanges (the aggregates), and the figures read back from the aggregates.
 *
 * The month (CN, Asia/Shanghai, close of business 17:30 = 09:30Z; no holiday in March 2027):
 * ('platinum cards': the cards department)
 *   A  Mon 03-01 01:00Z cards, product      replied Wed 03-03 02:00Z (2 business days), satisfied (5), closed
 *   B  Mon 03-01 02:00Z cards, double charge replied Wed 03-10 02:00Z (7), dissatisfied (2): reopened
 *   D  Tue 03-02 01:00Z retail, service     replied Wed 03-10 03:00Z (6): reply target (due Tue 03-09 17:30) late
 *   E  Tue 03-02 02:00Z cards, outage       open
 *   G1 03-08 10:00Z, G2 03-09 12:00Z (phone), G3 03-10 05:00Z   cards, outage         open
 *   H1 03-08 20:00Z, H2 03-09 05:00Z, H3 03-10 01:00Z           cards, double charge  open
 * read at 03-10 06:00Z: outage 2 in the last 24 h against 1 before (rising), double charge 1 against 2.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoAggregates } from '../../functions/adapters/dynamo-aggregates.ts';
import { createDocumentClient } from '../../functions/adapters/dynamo-client.ts';
import { complaintDelta } from '../../functions/domain/dashboard.ts';
import { calendarOf } from '../../functions/use-cases/oversight/dashboard.ts';
import { clients, validComplaint } from '../support/clients.ts';
import { investigation, Journey } from '../support/journey.ts';

const { ddb, sfn } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const j = new Journey(inject('apiUrl'), ddb, sfn, inject('tableName'), inject('stateMachineArn'));

const MONTH = '2027-03';
const READ_AT = '2027-03-10T06:00:00.000Z';
const PRODUCT = 'I was charged an annual fee I never agreed to';
const DOUBLE_CHARGE = 'I was charged twice for one purchase';
const OUTAGE = 'The app is down, I cannot log in';
const SERVICE = 'The staff at the counter were rude and kept me waiting';

/**
 * A business line no other test uses: group-incident detection (and our watch) key matters
 * by business line, so these complaints never count towards another test's incidents.
 */
const LINE = 'platinum cards';
const refs: Record<string, string> = {};

async function submitAt(name: string, at: string, description: string, businessLine = LINE) {
  await j.setClock(at);
  refs[name] = (await j.submit(validComplaint({ businessLine, matter: { description } }))).reference;
  await j.waitForStage(refs[name], 'INVESTIGATION'); // assessed at receipt, before the clock moves on
}

async function reply(name: string, at: string, handler: string) {
  await j.setClock(at);
  expect((await j.act(handler, refs[name], 'claim')).status).toBe(200);
  expect((await j.act(handler, refs[name], 'investigation', investigation)).status).toBe(200);
  await j.waitForStage(refs[name], 'REPLY');
  expect(
    (await j.act(handler, refs[name], 'reply', { outcome: { result: 'upheld' }, subject: 'Our answer', text: 'We looked into it and put it right.' })).status,
  ).toBe(200);
  return j.waitForStage(refs[name], 'CALLBACK');
}

async function drain() {
  expect((await j.request('POST', '/__local/streams/drain')).status).toBe(200);
}

async function csv(user: string, query: string) {
  const res = await fetch(`${inject('apiUrl')}/api/staff/dashboard.csv${query}`, { headers: { authorization: `Bearer ${await j.token(user)}` } });
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), text: await res.text() };
}

beforeAll(async () => {
  await submitAt('A', '2027-03-01T01:00:00.000Z', PRODUCT);
  await submitAt('B', '2027-03-01T02:00:00.000Z', DOUBLE_CHARGE);
  await submitAt('D', '2027-03-02T01:00:00.000Z', SERVICE, 'deposits');
  await submitAt('E', '2027-03-02T02:00:00.000Z', OUTAGE);

  await reply('A', '2027-03-03T02:00:00.000Z', 'hana');
  expect((await j.act('sam', refs.A, 'callback', { satisfaction: 5 })).status).toBe(200);
  await j.waitClosed(refs.A);

  await submitAt('G1', '2027-03-08T10:00:00.000Z', OUTAGE);
  await submitAt('H1', '2027-03-08T20:00:00.000Z', DOUBLE_CHARGE);
  await submitAt('H2', '2027-03-09T05:00:00.000Z', DOUBLE_CHARGE);
  // G2 by phone, keyed in by the complaints desk.
  await j.setClock('2027-03-09T12:00:00.000Z');
  const phoned = await j.as('sam', 'POST', '/complaints', {
    channel: 'phone',
    complaint: validComplaint({ businessLine: LINE, matter: { description: OUTAGE } }),
  });
  expect(phoned.status).toBe(201);
  refs.G2 = phoned.body.reference;
  await j.waitForStage(refs.G2, 'INVESTIGATION');
  await submitAt('H3', '2027-03-10T01:00:00.000Z', DOUBLE_CHARGE);

  const callback = await reply('B', '2027-03-10T02:00:00.000Z', 'hana');
  expect((await j.act('sam', refs.B, 'callback', { satisfaction: 2 })).status).toBe(200);
  await j.waitForStage(refs.B, 'INVESTIGATION', callback.taskToken); // reopened
  await reply('D', '2027-03-10T03:00:00.000Z', 'rita');

  await submitAt('G3', '2027-03-10T05:00:00.000Z', OUTAGE);
  await j.setClock(READ_AT);
  await drain();
}, 240_000);

afterAll(async () => {
  await j.setClock('2026-03-02T01:00:00.000Z');
});

const ALL_ON_TIME = {
  register: { met: 10, late: 0, rate: 1 },
  qualityControl: { met: 10, late: 0, rate: 1 },
  investigate: { met: 2, late: 0, rate: 1 }, // A and D; B's investigation clock was replaced by the reopen
  replyTarget: { met: 1, late: 1, rate: 0.5 }, // A on time, D late
  finalResponse: { met: 3, late: 0, rate: 1 },
};

describe('dashboard figures from the aggregates', () => {
  it('the month: handled rate, on-time rates, handling time, satisfaction, reopen rate, top categories, group incidents', async () => {
    const r = await j.as('mia', 'GET', `/dashboard?from=${MONTH}&to=${MONTH}`);
    expect(r.status).toBe(200);
    const totals = {
      total: 10,
      handled: 3,
      handledRate: 0.3,
      onTime: ALL_ON_TIME,
      handlingBusinessDays: { average: 5, p90: 7 }, // 2, 7, 6
      satisfaction: { average: 3.5, responses: 2 }, // A 5, B 2
      reopenRate: 1 / 3,
    };
    expect(r.body).toEqual({
      period: { from: MONTH, to: MONTH },
      region: 'cn',
      totals,
      groups: [
        {
          key: 'cards',
          figures: {
            total: 9,
            handled: 2,
            handledRate: 2 / 9,
            onTime: {
              register: { met: 9, late: 0, rate: 1 },
              qualityControl: { met: 9, late: 0, rate: 1 },
              investigate: { met: 1, late: 0, rate: 1 },
              replyTarget: { met: 1, late: 0, rate: 1 },
              finalResponse: { met: 2, late: 0, rate: 1 },
            },
            handlingBusinessDays: { average: 4.5, p90: 7 },
            satisfaction: { average: 3.5, responses: 2 },
            reopenRate: 0.5,
          },
        },
        {
          key: 'retail',
          figures: {
            total: 1,
            handled: 1,
            handledRate: 1,
            onTime: {
              register: { met: 1, late: 0, rate: 1 },
              qualityControl: { met: 1, late: 0, rate: 1 },
              investigate: { met: 1, late: 0, rate: 1 },
              replyTarget: { met: 0, late: 1, rate: 0 },
              finalResponse: { met: 1, late: 0, rate: 1 },
            },
            handlingBusinessDays: { average: 6, p90: 6 },
            satisfaction: { average: null, responses: 0 },
            reopenRate: 0,
          },
        },
      ],
      months: [
        {
          month: MONTH,
          figures: totals,
          topCategories: [
            // A flagged category carries its corrective actions (issue 19 B: test/integration/redress.test.ts).
            { key: 'operation', count: 8, share: 0.8, flagged: true, actions: { open: expect.any(Array), closed: expect.any(Array) } },
            { key: 'product', count: 1, share: 0.1, flagged: false },
            { key: 'service', count: 1, share: 0.1, flagged: false },
          ],
        },
      ],
      groupIncidents: [
        { matterKey: 'platinum-cards:outage', last24h: 2, previous24h: 1, rising: true },
        { matterKey: 'platinum-cards:double-charge', last24h: 1, previous24h: 2, rising: false },
      ],
      correctiveActions: expect.objectContaining({ open: expect.any(Number), openActions: expect.any(Array) }),
    });
  });

  it('grouped by channel and by nature', async () => {
    const keys = async (by: string) =>
      (await j.as('quinn', 'GET', `/dashboard?from=${MONTH}&to=${MONTH}&by=${by}`)).body.groups.map((g: any) => [g.key, g.figures.total, g.figures.handled]);
    expect(await keys('channel')).toEqual([
      ['web', 9, 3],
      ['phone', 1, 0],
    ]);
    expect(await keys('nature')).toEqual([
      ['operation', 8, 1],
      ['product', 1, 1],
      ['service', 1, 1],
    ]);
  });

  it('managers and quality read it; a handler gets 403; a bad query gets 400 naming the fields', async () => {
    const mia = await j.as('mia', 'GET', `/dashboard?from=${MONTH}&to=${MONTH}`);
    const quinn = await j.as('quinn', 'GET', `/dashboard?from=${MONTH}&to=${MONTH}`);
    expect(quinn.status).toBe(200);
    expect(quinn.body).toEqual(mia.body);
    const hana = await j.as('hana', 'GET', `/dashboard?from=${MONTH}&to=${MONTH}`);
    expect(hana.status).toBe(403);
    expect(hana.body.totals).toBeUndefined();
    expect((await csv('hana', `?from=${MONTH}&to=${MONTH}`)).status).toBe(403);
    const bad = await j.as('mia', 'GET', '/dashboard?from=2027-13&by=team');
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: any) => f.field)).toEqual(['from', 'by']);
    const reversed = await j.as('mia', 'GET', '/dashboard?from=2027-04&to=2027-03');
    expect(reversed.status).toBe(400);
    expect(reversed.body.fields).toEqual([{ field: 'to', message: 'must not be before from' }]);
  });

  it('the CSV export: one row per period x group with the figures', async () => {
    const r = await csv('quinn', `?from=${MONTH}&to=${MONTH}`);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/csv/);
    expect(r.disposition).toContain('attachment');
    const [header, ...rows] = r.text
      .trimEnd()
      .split('\r\n')
      .map((l) => l.split(','));
    const row = (period: string, group: string) => Object.fromEntries(header.map((h, i) => [h, rows.find((x) => x[1] === period && x[3] === group)?.[i]]));
    expect(rows.map((x) => `${x[1]} ${x[2]} ${x[3]}`)).toEqual([
      `${MONTH} all all`,
      `${MONTH} department cards`,
      `${MONTH} department retail`,
      `${MONTH}/${MONTH} all all`,
      `${MONTH}/${MONTH} department cards`,
      `${MONTH}/${MONTH} department retail`,
    ]);
    expect(row(MONTH, 'all')).toMatchObject({
      region: 'cn',
      total: '10',
      handled: '3',
      handledRate: '0.3',
      handlingBusinessDaysAverage: '5',
      handlingBusinessDaysP90: '7',
      satisfactionAverage: '3.5',
      satisfactionResponses: '2',
      reopenRate: '0.3333',
      'onTime.replyTarget.met': '1',
      'onTime.replyTarget.late': '1',
      'onTime.replyTarget.rate': '0.5',
      'onTime.finalResponse.met': '3',
    });
    expect(row(MONTH, 'retail')).toMatchObject({
      total: '1',
      handled: '1',
      handlingBusinessDaysAverage: '6',
      satisfactionAverage: '',
      'onTime.replyTarget.rate': '0',
    });
  });

  it('a change that does not touch the figures leaves them as they are (claiming a task)', async () => {
    const before = (await j.as('mia', 'GET', `/dashboard?from=${MONTH}&to=${MONTH}`)).body;
    expect((await j.act('hana', refs.E, 'claim')).status).toBe(200);
    await drain();
    expect((await j.as('mia', 'GET', `/dashboard?from=${MONTH}&to=${MONTH}`)).body).toEqual(before);
  });
});

describe('exactly once on DynamoDB', () => {
  it('a redelivered stream record (same event id) is not counted twice; the next record is', async () => {
    const aggregates = new DynamoAggregates(
      createDocumentClient({
        endpoint: inject('dynamoEndpoint'),
        region: inject('awsRegion'),
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      inject('tableName'),
    );
    const complaint = {
      reference: 'CN-2099-000001',
      region: 'cn',
      channel: 'web',
      status: 'OPEN',
      stage: 'INVESTIGATION',
      receivedAt: '2099-01-15T02:00:00.000Z',
      classification: { nature: 'product' },
      deadlines: {},
      executionName: 'x',
      resumeCount: 0,
      updatedAt: '2099-01-15T02:00:00.000Z',
      version: 1,
    } as never;
    const delta = complaintDelta(undefined, complaint, calendarOf);
    const eventId = `it-${Date.now()}`;
    expect(await aggregates.applyOnce(eventId, delta, 4_000_000_000)).toBe('applied');
    expect(await aggregates.applyOnce(eventId, delta, 4_000_000_000)).toBe('duplicate');
    const total = async () => (await aggregates.monthItems('cn', '2099-01')).find((i) => i.sk === 'c#web#unassigned#product')?.counters.total;
    expect(await total()).toBe(1);
    expect(await aggregates.applyOnce(`${eventId}-next`, delta, 4_000_000_000)).toBe('applied');
    expect(await total()).toBe(2);
  });
});
