/**
 * Archival through the product, started as a user starts it: complaints (one with an
 * attachment) are worked to their close through the API; their hot retention is configured to
 * one minute; the clock moves past it; TTL removes them, the table's stream hands the removals
 * to TableChanges (archival), and each complaint is found complete in the archive folder (laid out
 * like the bucket, locked) and gone from the table. Then quality opens one by reference
 * (audited), an erasure request redacts a live and an archived complaint, and reconciliation
 * reports zero missing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { archiveKey, verifyRecord, type ArchiveRecord } from '../../functions/domain/archive.ts';
import { clients, eventually, validComplaint } from '../support/clients.ts';
import { investigation, Journey } from '../support/journey.ts';
import { launchChromium } from '../support/browser.ts';
import { openConsole, signIn, text } from '../support/console.ts';
import { startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process.ts';
import { minimalPdf } from '../support/files.ts';

const dir = mkdtempSync(join(tmpdir(), 'complaints-archive-e2e-'));
const START = '2026-03-02T01:00:00.000Z';
let p: RuntimeProcess | undefined;
afterAll(async () => {
  await p?.stop('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const archiveDir = () => join(dir, 's3', 'complaints-archive');
const readRecord = (key: string) => JSON.parse(gunzipSync(readFileSync(join(archiveDir(), key))).toString('utf8')) as ArchiveRecord;
/** The object's Object Lock retain-until date, as the local store keeps it (epoch ms). */
const lockOf = (key: string) => Date.parse(JSON.parse(readFileSync(join(archiveDir(), `${key}.__meta.json`), 'utf8')).retainUntil as string);

describe('archival, end to end', () => {
  let j: Journey;
  let ddb: ReturnType<typeof clients>['ddb'];
  const closed: { reference: string; accessCode: string }[] = [];

  async function workToClose(body: Record<string, unknown>) {
    const sub = await j.submit(body);
    await j.waitForStage(sub.reference, 'INVESTIGATION');
    expect((await j.act('hana', sub.reference, 'claim')).status).toBe(200);
    expect((await j.act('hana', sub.reference, 'investigation', investigation)).status).toBe(200);
    await j.waitForStage(sub.reference, 'REPLY');
    expect((await j.act('hana', sub.reference, 'reply', { outcome: { result: 'upheld' }, subject: 'Our answer', text: 'We refunded the fee.' })).status).toBe(
      200,
    );
    await j.waitForStage(sub.reference, 'CALLBACK');
    expect((await j.request('POST', `/api/complaints/${sub.reference}/callback`, { satisfaction: 5 }, { 'x-access-code': sub.accessCode })).status).toBe(200);
    await j.waitClosed(sub.reference);
    return sub;
  }
  const partition = async (ref: string) =>
    (
      await ddb.send(
        new QueryCommand({ TableName: 'complaints-cn', KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `COMPLAINT#${ref}` } }),
      )
    ).Items ?? [];

  it('closes complaints, lets TTL remove them after the hot retention, and finds each complete and locked in the archive', async () => {
    p = await startRuntimeProcess({ DATA_DIR: dir, COMPLAINT_REGION: 'cn', LOCAL_CLOCK_START: START, HOT_RETENTION_SECONDS: '60' });
    ({ ddb } = clients({ ...p, awsRegion: 'cn-north-1' }));
    j = new Journey(
      p.apiUrl,
      ddb,
      clients({ ...p, awsRegion: 'cn-north-1' }).sfn,
      'complaints-cn',
      'arn:aws-cn:states:cn-north-1:000000000000:stateMachine:complaint-lifecycle',
    );

    // One complaint with a PDF attached.
    // A whole, well-formed PDF: the whole file is checked (issue 16 #7).
    const pdf = minimalPdf();
    const up = (await j.request('POST', '/api/attachments', { name: 'statement.pdf', contentType: 'application/pdf', size: pdf.length })).body;
    expect((await fetch(up.upload.url, { method: 'PUT', headers: up.upload.headers, body: pdf })).status).toBe(200);
    closed.push(await workToClose(validComplaint({ attachments: [{ key: up.key, name: up.name, contentType: up.contentType, size: up.size }] })));
    closed.push(await workToClose(validComplaint()));
    closed.push(await workToClose(validComplaint()));
    await j.request('POST', '/__local/streams/drain');
    const before = await Promise.all(closed.map((c) => partition(c.reference)));
    for (const items of before) {
      expect(items.length).toBeGreaterThan(5);
      for (const i of items) expect(typeof i.expiresAt).toBe('number');
    }
    // Still in the hot table: nothing archived, reconciliation finds them there.
    expect((await j.request('POST', '/__local/reconcile')).body).toMatchObject({ registered: 3, inTable: 3, archived: 0, missing: [], mismatched: [] });

    // The hot retention passes.
    await j.advance(61_000);
    for (const c of closed) {
      await eventually(
        async () => {
          await j.request('POST', '/__local/streams/drain');
          return (await partition(c.reference)).length === 0;
        },
        120_000,
        `${c.reference} gone from the table`,
      );
    }
    for (const [n, c] of closed.entries()) {
      const items = before[n];
      const meta = items.find((i) => i.SK === 'META')!;
      const key = archiveKey('cn', String(meta.closedAt), c.reference);
      await eventually(
        async () => {
          await j.request('POST', '/__local/streams/drain');
          return existsSync(join(archiveDir(), key));
        },
        120_000,
        `${c.reference} archived`,
      );
      const record = readRecord(key);
      expect(verifyRecord(record)).toEqual({ ok: true });
      expect(record.history.length).toBe(items.filter((i) => String(i.SK).startsWith('H#')).length);
      expect(record.messages.length).toBe(items.filter((i) => String(i.SK).startsWith('MSG#')).length);
      expect(record.history.map((h) => h.action)).toEqual(expect.arrayContaining(['received', 'registered', 'closed']));
      expect(record.complaint).toMatchObject({ reference: c.reference, status: 'CLOSED', historyDigest: meta.historyDigest });
      expect(lockOf(key)).toBe(Date.parse(record.retainUntil));
      expect(record.retainUntil.slice(0, 4)).toBe('2029');
    }
    // The attachment is archived beside its complaint, under the same lock.
    const withFile = readRecord(archiveKey('cn', String(before[0].find((i) => i.SK === 'META')!.closedAt), closed[0].reference));
    expect(withFile.attachments).toHaveLength(1);
    expect(readFileSync(join(archiveDir(), withFile.attachments[0].archiveKey)).subarray(0, 8).toString()).toBe('%PDF-1.4');
    expect(lockOf(withFile.attachments[0].archiveKey)).toBe(Date.parse(withFile.retainUntil));

    const report = (await j.request('POST', '/__local/reconcile')).body;
    expect(report).toMatchObject({ registered: 3, inTable: 0, archived: 3, missing: [], mismatched: [] });
  }, 300_000);

  it('quality opens an archived complaint by reference, through the API and in the console, and the read is audited; a handler may not', async () => {
    const ref = closed[1].reference;
    const read = await j.as('quinn', 'GET', `/archive/${ref}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ reference: ref, verified: true, complaint: { status: 'CLOSED' } });
    expect(read.body.complaint.complainant.name).toBe('Test Customer');
    expect((await j.as('hana', 'GET', `/archive/${ref}`)).status).toBe(403);
    expect((await j.as('quinn', 'GET', '/archive/CN-2026-999999')).status).toBe(404);
    const day = (await j.advance(0)).slice(0, 10);
    const audit = (await j.as('quinn', 'GET', `/audit?day=${day}&reference=${ref}`)).body.entries as { operation: string; actor: string; outcome: string }[];
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ operation: 'readArchivedComplaint', actor: 'quinn', outcome: 'ok' }),
        expect.objectContaining({ operation: 'readArchivedComplaint', actor: 'hana', outcome: 'denied' }),
      ]),
    );

    // In the console: the reference box opens it from the archive, read-only, with its history.
    const browser = await launchChromium();
    try {
      const { page, errors } = await openConsole(browser, p!.apiUrl, { clock: new Date(START) });
      await signIn(page, 'quinn');
      await page.fill('#goto-ref', ref);
      await page.press('#goto-ref', 'Enter');
      await page.waitForSelector(`#view-detail[data-reference="${ref}"] #archive-notice`);
      expect(await text(page, '#archive-notice')).toMatch(/From the archive: read-only, locked until .*2029.*matches the digest/);
      expect(await text(page, '#view-detail .badges')).toContain('Archived');
      expect(await page.locator('#task-card').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
    const reads = (await j.as('quinn', 'GET', `/audit?day=${day}&reference=${ref}`)).body.entries.filter(
      (e: { operation: string; actor: string }) => e.operation === 'readArchivedComplaint' && e.actor === 'quinn',
    );
    expect(reads.length).toBeGreaterThanOrEqual(2); // the API read above, and the console's
  }, 300_000);

  it('an erasure request redacts the archived record (a new locked version) and a live complaint, keeping the record', async () => {
    const archived = closed[2].reference;
    expect((await j.as('quinn', 'POST', `/complaints/${archived}/erasure`, { basis: 'pipl-art-47' })).status).toBe(403);
    const erased = await j.as('ada', 'POST', `/complaints/${archived}/erasure`, { basis: 'pipl-art-47', request: 'DPO-2026-17' });
    expect(erased.status).toBe(200);
    expect(erased.body.erasedIn).toEqual(['archive']);
    const read = (await j.as('quinn', 'GET', `/archive/${archived}`)).body;
    expect(read.erasure).toMatchObject({ basis: 'pipl-art-47', by: 'ada' });
    expect(read.complaint.complainant).toEqual({ anonymous: false, name: erased.body.pseudonym });
    expect(JSON.stringify(read)).not.toMatch(/Test Customer|customer\+\d+-\d+@example\.com/);
    expect(read.history.length).toBeGreaterThan(3);
    expect(read.verified).toBe(true);
    // The original stays locked until its retention ends; it is no longer served.
    const original = readRecord(archiveKey('cn', read.closedAt, archived));
    expect(original.complaint.complainant.name).toBe('Test Customer');

    const live = await j.submit(
      validComplaint({
        complainant: { name: 'Erin Erasure', contact: { email: 'erin.erasure@example.com' } },
        matter: { description: 'Erin Erasure was charged twice' },
      }),
    );
    await j.waitForStage(live.reference, 'INVESTIGATION');
    const liveErased = await j.as('ada', 'POST', `/complaints/${live.reference}/erasure`, { basis: 'gdpr-art-17' });
    expect(liveErased.body.erasedIn).toEqual(['table']);
    const seen = await j.complaint('quinn', live.reference);
    expect(JSON.stringify(seen)).not.toMatch(/Erin|erin\.erasure/);
    expect(seen.complaint.matter.description).toBe('[erased] was charged twice');
    expect(seen.history.map((h: { action: string }) => h.action)).toContain('personal-data-erased');
    const day = (await j.advance(0)).slice(0, 10);
    const audit = (await j.as('quinn', 'GET', `/audit?day=${day}&reference=${live.reference}`)).body.entries as { operation: string; outcome: string }[];
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ operation: 'eraseCustomerData', outcome: 'ok' })]));
    // Reconciliation: every complaint registered is somewhere, history intact (the erasure re-sealed it).
    expect((await j.request('POST', '/__local/reconcile')).body).toMatchObject({ registered: 4, archived: 3, inTable: 1, missing: [], mismatched: [] });
  }, 300_000);
});
