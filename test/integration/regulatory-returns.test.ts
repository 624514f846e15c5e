/**
 * The UK regulatory return on a local runtime of its own (region uk, manual clock; the suite's
 * shared runtime is cn): complaints made through the API, classified by staff into the FCA
 * taxonomy (from the suggestion), replied to at known times; the table's stream handed to
 * TableChanges; the half-year's return read from the aggregates, drilled down, exported as XLSX
 * and read back with exceljs; a change after the first production listed as a late change.
 *
 * 2026H1 (England; no bank holiday in these weeks):
 *   A  Mon 05 Jan 09:00  cards, fee        banking-credit-cards / terms-disputed-charges   replied Wed 07 Jan (within 3 business days)
 *   B  Mon 02 Feb 09:00  mortgage          home-finance / arrears                          replied Fri 20 Feb (after 3 business days, within 8 weeks)
 *   C  Mon 02 Mar 09:00  cards, service    banking-credit-cards / admin-customer-service   open
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startRuntime } from '../../local/runtime.ts';
import { clients, validComplaint } from '../support/clients.ts';
import { investigation, Journey } from '../support/journey.ts';

const dir = mkdtempSync(join(tmpdir(), 'complaints-returns-'));
const env = { ...process.env };
let runtime: LocalRuntime;
let j: Journey;
const refs: Record<string, string> = {};

async function submitAt(name: string, at: string, businessLine: string, description: string) {
  await j.setClock(at);
  refs[name] = (await j.submit(validComplaint({ businessLine, matter: { description }, amount: undefined }))).reference;
  await j.waitForStage(refs[name], 'INVESTIGATION');
}

async function reply(name: string, at: string, handler: string) {
  await j.setClock(at);
  expect((await j.act(handler, refs[name], 'investigation', investigation)).status).toBe(200);
  await j.waitForStage(refs[name], 'REPLY');
  expect(
    (await j.act(handler, refs[name], 'reply', { outcome: { result: 'not-upheld' }, subject: 'Our answer', text: 'We looked into it and put it right.' }))
      .status,
  ).toBe(200);
  await j.waitForStage(refs[name], 'CALLBACK');
}

const classify = (user: string, name: string, productGroup: string, cause: string) =>
  j.act(user, refs[name], 'regulatory-class', { uk: { productGroup, cause } });
const drain = async () => expect((await j.request('POST', '/__local/streams/drain')).status).toBe(200);

beforeAll(async () => {
  // Its own runtime (the suite's is cn), as lean as the journey allows: DynamoDB in memory, no fault proxies; the IAM check on;
  // functions warmed at start (the journey's waits are short).
  runtime = await startRuntime({
    port: 0,
    dataDir: dir,
    region: 'uk',
    clockAt: new Date('2026-01-05T09:00:00Z'),
    smtpPort: 0,
    dynamoInMemory: true,
    faultInjection: false,
  });
  const { ddb, sfn } = clients({ dynamoEndpoint: runtime.dynamoEndpoint, sfnEndpoint: runtime.sfnEndpoint, awsRegion: 'eu-west-2' });
  j = new Journey(runtime.apiUrl, ddb, sfn, runtime.tableName, runtime.stateMachineArn);

  await submitAt('A', '2026-01-05T09:00:00Z', 'cards', 'I was charged an annual fee I never agreed to');
  expect((await j.act('hana', refs.A, 'claim')).status).toBe(200);
  const suggested = await j.as('hana', 'GET', `/complaints/${refs.A}/regulatory-class`);
  expect(suggested.status).toBe(200);
  expect(suggested.body.suggestion.regulatoryClass.uk).toEqual({ productGroup: 'banking-credit-cards', cause: 'terms-disputed-charges' });
  expect((await j.act('hana', refs.A, 'regulatory-class', { uk: suggested.body.suggestion.regulatoryClass.uk })).status).toBe(200);
  await reply('A', '2026-01-07T10:00:00Z', 'hana');

  await submitAt('B', '2026-02-02T09:00:00Z', 'mortgage', 'I fell into arrears and was charged for every letter');
  expect((await j.act('leo', refs.B, 'claim')).status).toBe(200);
  expect((await classify('leo', 'B', 'home-finance', 'arrears')).status).toBe(200);
  await reply('B', '2026-02-20T10:00:00Z', 'leo');

  await submitAt('C', '2026-03-02T09:00:00Z', 'cards', 'The staff at the counter were rude and kept me waiting');
  expect((await classify('mia', 'C', 'banking-credit-cards', 'admin-customer-service')).status).toBe(200);

  await j.setClock('2026-07-01T09:00:00Z'); // the half-year has ended
  await drain();
}, 240_000);

afterAll(async () => {
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
  process.env = env; // startRuntime configures the handlers through process.env
});

describe('the UK complaints return of 2026H1', () => {
  it('is refused to a handler, and a class outside the taxonomy is refused naming the field', async () => {
    expect((await j.as('hana', 'GET', '/returns?period=2026H1')).status).toBe(403);
    const bad = await classify('hana', 'A', 'crypto', 'other');
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([{ field: 'uk.productGroup', message: expect.stringContaining('banking-credit-cards') }]);
    expect((await j.as('mia', 'GET', '/returns?period=2026Q1')).body.fields[0].field).toBe('period');
  });

  it('gives the figures by product grouping and cause, from the aggregates', async () => {
    const r = await j.as('mia', 'GET', '/returns?period=2026H1');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('final');
    expect(r.body.lateChanges).toEqual([]);
    const figures = (over: Record<string, unknown>) => ({
      outstandingAtStart: 0,
      opened: 0,
      closedWithin3BusinessDays: 0,
      closedWithin8Weeks: 0,
      closedAfter8Weeks: 0,
      upheld: 0,
      redressPaid: {},
      ...over,
    });
    expect(r.body.return.total).toEqual(figures({ opened: 3, closedWithin3BusinessDays: 1, closedWithin8Weeks: 1 }));
    const group = (code: string) => r.body.return.byProductGroup.find((g: { code: string }) => g.code === code).figures;
    expect(group('banking-credit-cards')).toEqual(figures({ opened: 2, closedWithin3BusinessDays: 1 }));
    expect(group('home-finance')).toEqual(figures({ opened: 1, closedWithin8Weeks: 1 }));
    const cause = (code: string) => r.body.return.byCause.find((g: { code: string }) => g.code === code).figures;
    expect(cause('arrears')).toEqual(figures({ opened: 1, closedWithin8Weeks: 1 }));

    const drill = await j.as('quinn', 'GET', '/returns/complaints?period=2026H1&figure=opened&productGroup=banking-credit-cards');
    expect(drill.status).toBe(200);
    expect(drill.body.complaints.map((c: { reference: string }) => c.reference)).toEqual([refs.A, refs.C].sort());
  });

  it('exports XLSX that exceljs reads back with the same figures', async () => {
    const res = await fetch(`${runtime.apiUrl}/api/staff/returns/export?period=2026H1&format=xlsx`, {
      headers: { authorization: `Bearer ${await j.token('quinn')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toContain('complaints-return-uk-2026H1.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Return', 'By product grouping', 'By cause', 'Vulnerability']);
    const rows = wb.getWorksheet('By product grouping')!.getSheetValues().filter(Boolean) as unknown[][];
    expect(rows[0].slice(1, 8)).toEqual([
      'code',
      'label',
      'outstandingAtStart',
      'opened',
      'closedWithin3BusinessDays',
      'closedWithin8Weeks',
      'closedAfter8Weeks',
    ]);
    expect(rows.find((row) => row[1] === 'home-finance')!.slice(1, 8)).toEqual(['home-finance', 'Home finance', 0, 1, 0, 1, 0]);
    expect(rows.find((row) => row[1] === 'total')!.slice(1, 8)).toEqual(['total', 'Total', 0, 3, 1, 1, 0]);
  });

  it('stays as first produced; a later change is listed as a late change, beside the figures as they are now', async () => {
    await j.setClock('2026-07-02T09:00:00Z');
    expect((await classify('mia', 'C', 'banking-credit-cards', 'other')).status).toBe(200);
    await drain();
    const r = await j.as('mia', 'GET', '/returns?period=2026H1');
    const cause = (ret: { byCause: { code: string; figures: { opened: number } }[] }, code: string) => ret.byCause.find((g) => g.code === code)!.figures.opened;
    expect(cause(r.body.return, 'admin-customer-service')).toBe(1);
    expect(cause(r.body.return, 'other')).toBe(0);
    expect(r.body.lateChanges).toEqual([
      {
        at: '2026-07-02T09:00:00.000Z',
        reference: refs.C,
        changes: ['-opened banking-credit-cards|admin-customer-service', '+opened banking-credit-cards|other'],
      },
    ]);
    expect(cause(r.body.current, 'other')).toBe(1);
  });
});
