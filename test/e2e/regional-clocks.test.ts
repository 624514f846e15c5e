/**
 * The UK and US regions, each started as a user starts it (its own process, its own
 * DynamoDB Local), on a manual clock: deadlines on the real calendars of England and the
 * US, the UK summary resolution, no extensions where the rules give none, and a breach
 * escalated. UK final responses (issue 19, FCA DISP 1.5 and 1.6): the summary resolution
 * communication, the eight-week letter sent by the deadline watch by the end of the eight weeks
 * (once), then the final response with the FOS wording and its six-month deadline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clients, validComplaint } from '../support/clients.ts';
import { investigation, Journey } from '../support/journey.ts';
import { startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process.ts';

const started: { p: RuntimeProcess; dir: string }[] = [];
afterAll(async () => {
  for (const s of started) {
    await s.p.stop('SIGTERM');
    rmSync(s.dir, { recursive: true, force: true });
  }
});

async function region(name: 'uk' | 'us', clock: string, awsRegion: string) {
  const dir = mkdtempSync(join(tmpdir(), `complaints-${name}-`));
  const p = await startRuntimeProcess({ DATA_DIR: dir, COMPLAINT_REGION: name, LOCAL_CLOCK_START: clock });
  started.push({ p, dir });
  const { ddb, sfn } = clients({ ...p, awsRegion });
  return new Journey(p.apiUrl, ddb, sfn, `complaints-${name}`, `arn:aws:states:${awsRegion}:000000000000:stateMachine:complaint-lifecycle`);
}

describe('UK (FCA DISP, England and Wales calendar)', () => {
  // One UK runtime for the tests of this describe (each sets the clock it needs).
  let ukRuntime: Promise<Journey> | undefined;
  const ukJourney = () => (ukRuntime ??= region('uk', '2026-04-02T09:00:00.000Z', 'eu-west-2'));

  it('acknowledges with the 8-week deadline, counts business days over Easter, resolves in summary within 3 business days', async () => {
    const j = await ukJourney(); // Thursday before Good Friday
    const { reference: ref, acknowledgement } = await j.submit(
      validComplaint({ language: 'en', businessLine: 'cards', amount: { value: 40, currency: 'GBP' } }),
    );
    expect(ref).toMatch(/^UK-2026-\d{6}$/);
    expect(acknowledgement.responseDeadline.dueAt).toBe('2026-05-28T22:59:59.999Z'); // 56 days, end of the London day (BST)
    expect(acknowledgement.message).toContain('28 May 2026');
    await j.waitForStage(ref, 'INVESTIGATION');
    const c = (await j.complaint('hana', ref)).complaint;
    // Good Friday (Apr 3) and Easter Monday (Apr 6) are bank holidays: day 1 = Apr 7, day 3 = Apr 9, 17:00 BST.
    expect(c.deadlines.register.dueAt).toBe('2026-04-07T16:00:00.000Z');
    expect(c.deadlines.summaryResolution.dueAt).toBe('2026-04-09T16:00:00.000Z');
    expect(c.deadlines.qualityControl).toBeUndefined();
    await j.act('hana', ref, 'claim');
    // No extension under DISP.
    const ext = await j.act('hana', ref, 'extension', { reason: 'need time' });
    expect(ext.status).toBe(409);
    expect(ext.body.message).toMatch(/No extension is available under the UK rules/);
    await j.setClock('2026-04-08T10:00:00.000Z');
    await j.act('hana', ref, 'investigation', investigation);
    await j.waitForStage(ref, 'REPLY');
    await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Our final response', text: 'We have refunded you.' });
    await j.waitForStage(ref, 'CALLBACK');
    const detail = await j.complaint('hana', ref);
    const after = detail.complaint;
    expect(after.deadlines.summaryResolution.metAt).toBe('2026-04-08T10:00:00.000Z');
    expect(after.deadlines.finalResponse.metAt).toBe('2026-04-08T10:00:00.000Z');
    // The summary resolution communication (DISP 1.5.4R): no six-month FOS deadline.
    expect(after.finalResponse).toEqual({ kind: 'summary-resolution', sentAt: '2026-04-08T10:00:00.000Z' });
    const reply = detail.messages.find((m: any) => m.kind === 'reply');
    expect(reply.text).toContain('summary resolution communication, FCA DISP 1.5');
    expect(reply.text).toContain('www.financial-ombudsman.org.uk');
    expect(reply.text).not.toContain('six months');
  });

  it('sends the eight-week letter by the end of the eight weeks, once; the final response then names the FOS and its six months', async () => {
    const j = await ukJourney();
    await j.setClock('2026-04-02T09:00:00.000Z');
    const { reference: ref, accessCode } = await j.submit(validComplaint({ language: 'en', businessLine: 'cards', amount: { value: 120, currency: 'GBP' } }));
    await j.waitForStage(ref, 'INVESTIGATION');
    await j.act('hana', ref, 'claim');
    // An hour before the last day of the eight weeks starts (Thu 28 May, BST): no letter yet.
    await j.setClock('2026-05-27T21:59:00.000Z');
    expect((await j.tick()).eightWeekLetters).not.toContain(ref);
    // From the start of that day: the letter, once.
    await j.setClock('2026-05-27T23:00:00.000Z');
    expect((await j.tick()).eightWeekLetters).toContain(ref);
    expect((await j.tick()).eightWeekLetters).not.toContain(ref);
    let detail = await j.complaint('hana', ref);
    const letters = detail.messages.filter((m: any) => m.kind === 'eight-week');
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ audience: 'customer', channel: 'email', subject: `Your complaint ${ref}: we have not yet sent our final response` });
    expect(letters[0].text).toContain('you may now refer your complaint to the Financial Ombudsman Service');
    expect(letters[0].text).toContain('www.financial-ombudsman.org.uk');
    expect(letters[0].text).toContain('we expect to send our final response by 2026-06-11');
    expect(detail.complaint.finalResponse).toEqual({ kind: 'eight-week', sentAt: '2026-05-27T23:00:00.000Z' });
    expect((await j.status(ref, accessCode)).body.history.map((h: any) => h.action)).toContain('eight-week-letter');

    // The final response on the last day; its breaches escalated it, so the manager approves it first.
    await j.setClock('2026-05-28T09:00:00.000Z');
    await j.act('hana', ref, 'investigation', investigation);
    await j.waitForStage(ref, 'REPLY');
    expect(
      (await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Our final response', text: 'We refunded the fee.' })).body,
    ).toMatchObject({
      status: 'awaiting-approval',
      tier: 'manager',
    });
    expect((await j.act('mia', ref, 'reply/approval', { approve: true })).body.status).toBe('sent');
    detail = await j.complaint('hana', ref);
    expect(detail.complaint.finalResponse).toEqual({ kind: 'final', sentAt: '2026-05-28T09:00:00.000Z', fosDeadline: '2026-11-28T09:00:00.000Z' });
    const reply = detail.messages.find((m: any) => m.kind === 'reply');
    expect(reply.text).toContain('This is our final response to your complaint (FCA DISP 1.6.2R).');
    expect(reply.text).toContain('within six months of the date of this final response (by 2026-11-28)');
    expect(reply.text).toContain('Your complaint and the ombudsman');
    expect(reply.text).not.toContain('ombudsman or regulator');
  });
});

describe('US (CFPB, federal holidays)', () => {
  it('gives 15 and 60 calendar days, counts business days over Thanksgiving, escalates a breach', async () => {
    const j = await region('us', '2026-11-25T15:00:00.000Z', 'us-east-1'); // Wednesday before Thanksgiving, 10:00 New York
    const { reference: ref } = await j.submit(validComplaint({ language: 'en', businessLine: 'loans', amount: { value: 900, currency: 'USD' } }));
    expect(ref).toMatch(/^US-2026-\d{6}$/);
    await j.waitForStage(ref, 'INVESTIGATION');
    const c = (await j.complaint('leo', ref)).complaint;
    expect(c.deadlines.replyTarget.dueAt).toBe('2026-12-11T04:59:59.999Z'); // Dec 10, end of the New York day
    expect(c.deadlines.finalResponse.dueAt).toBe('2027-01-25T04:59:59.999Z'); // Jan 24
    // Thanksgiving (Nov 26) is a holiday: business day 1 is Friday Nov 27, 17:00 EST.
    expect(c.deadlines.register.dueAt).toBe('2026-11-27T22:00:00.000Z');
    expect(c.deadlines.investigate.dueAt).toBe('2026-12-07T22:00:00.000Z');
    await j.act('leo', ref, 'claim');
    await j.setClock('2026-12-08T00:00:00.000Z');
    const t = await j.tick();
    expect(t.escalations).toEqual(expect.arrayContaining([{ reference: ref, deadline: 'investigate', to: 'max' }]));
    const after = await j.complaint('max', ref);
    expect(after.complaint.escalated).toBe(true);
    expect(after.history.map((h: any) => h.action)).toContain('breach:investigate');
  });
});
