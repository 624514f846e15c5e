/**
 * Every path of the lifecycle, through the HTTP API, against the real local runtime (CN
 * region: Asia/Shanghai, real holiday calendar with the 2026 official adjustments). Time
 * is moved with the runtime's manual clock.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { clients, validComplaint } from '../support/clients.ts';
import { investigation, Journey } from '../support/journey.ts';

const { ddb, sfn } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const j = new Journey(inject('apiUrl'), ddb, sfn, inject('tableName'), inject('stateMachineArn'));

const MONDAY_9AM_SHANGHAI = '2026-03-02T01:00:00.000Z';
const cards = (over: Record<string, unknown> = {}) => validComplaint({ businessLine: 'cards', amount: { value: 300, currency: 'CNY' }, ...over });
const actions = (h: { action: string }[]) => h.map((e) => e.action);

async function toReply(ref: string, handler = 'hana') {
  await j.waitForStage(ref, 'INVESTIGATION');
  expect((await j.act(handler, ref, 'claim')).status).toBe(200);
  expect((await j.act(handler, ref, 'investigation', investigation)).status).toBe(200);
  return j.waitForStage(ref, 'REPLY');
}

afterEach(async () => {
  await j.setClock(MONDAY_9AM_SHANGHAI);
});

describe('standard path', () => {
  it('walks register and assess (as the investigation opens) -> investigate -> reply -> callback -> close on the CN clocks, with the history written', async () => {
    await j.setClock(MONDAY_9AM_SHANGHAI);
    const { reference: ref, accessCode } = await j.submit(cards());
    const inv = await j.waitForStage(ref, 'INVESTIGATION');

    const detail = await j.complaint('hana', ref);
    const c = detail.complaint;
    expect(c.classification).toMatchObject({ nature: 'product', channelType: 'online', priority: 'P2' }); // an annual fee: a product complaint, medium risk
    expect(c.routing).toMatchObject({ major: false, crossDepartment: false, anonymous: false, departments: ['cards'] });
    expect(c.assignment).toEqual({ team: 'cards' });
    // The CN clocks on the real calendar: 17:30 close of business in Shanghai (09:30Z).
    expect(c.deadlines.register.dueAt).toBe('2026-03-03T09:30:00.000Z');
    expect(c.deadlines.register.metAt).toBe(MONDAY_9AM_SHANGHAI); // registered at receipt
    expect(c.deadlines.qualityControl).toMatchObject({ dueAt: '2026-03-02T01:30:00.000Z', metAt: MONDAY_9AM_SHANGHAI });
    expect(c.deadlines.investigate.dueAt).toBe('2026-03-11T09:30:00.000Z');
    expect(c.deadlines.replyTarget.dueAt).toBe('2026-03-09T09:30:00.000Z');
    expect(c.deadlines.finalResponse.dueAt).toBe('2026-03-17T15:59:59.999Z');
    // Each deadline names its rule; the stored item leaves the standard texts out (ADR 0025).
    expect(c.deadlines.investigate.rule).toBe('CN: investigation within 7 business days');
    expect(c.deadlines.qualityControl.rule).toBe('CN: hand-off to quality control within 30 minutes');
    const stored = (await ddb.send(new GetCommand({ TableName: j.table, Key: { PK: `COMPLAINT#${ref}`, SK: 'META' }, ConsistentRead: true }))).Item!;
    expect(Object.values(stored.deadlines).filter((d: any) => 'rule' in d)).toEqual([]);
    expect(stored.deadlines.investigate.dueAt).toBe('2026-03-11T09:30:00.000Z');
    expect(stored.ruleTexts).toBe(1); // the version of CN's standard texts it was stored under
    expect(c).not.toHaveProperty('ruleTexts');

    // The team's queue shows it, earliest deadline first; a loans handler does not see it.
    const queue = await j.as('hana', 'GET', '/tasks/team');
    expect(queue.body.map((t: any) => t.reference)).toContain(ref);
    // Reply target Mon Mar 9 17:30 from Mon Mar 2 09:00: 5 closes of business (Mar 2, 3, 4, 5, 6) before it, 6 with it.
    expect(queue.body.find((t: any) => t.reference === ref)).toMatchObject({ stage: 'INVESTIGATION', nextDueName: 'replyTarget', businessDaysLeft: 6 });
    expect(queue.body[0].taskToken).toBeUndefined();
    expect((await j.as('leo', 'GET', '/tasks/team')).body.map((t: any) => t.reference)).not.toContain(ref);
    expect((await j.as('leo', 'GET', `/complaints/${ref}`)).status).toBe(403);

    await j.advance(2 * 86400_000);
    expect((await j.act('hana', ref, 'claim')).status).toBe(200);
    expect((await j.as('hana', 'GET', '/tasks/mine')).body.map((t: any) => t.reference)).toContain(ref);
    // The four "don't-let-go" fields are all required.
    const partial = await j.act('hana', ref, 'investigation', { ...investigation, correctionResult: undefined });
    expect(partial.status).toBe(400);
    expect(partial.body.fields).toEqual([{ field: 'correctionResult', message: 'is required' }]);
    expect((await j.act('hana', ref, 'investigation', investigation)).status).toBe(200);
    await j.waitForStage(ref, 'REPLY', inv.taskToken);

    const draft = await j.as('hana', 'GET', `/complaints/${ref}/reply-draft`);
    expect(draft.status).toBe(200);
    expect(draft.body.text).toContain(ref);
    expect(draft.body.text).toContain('Hana Handler');
    const sent = await j.act('hana', ref, 'reply', {
      outcome: { result: 'upheld' },
      subject: draft.body.subject,
      text: `${draft.body.text}\nEdited by the handler.`,
    });
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe('sent');
    await j.waitForStage(ref, 'CALLBACK');

    const st = await j.status(ref, accessCode);
    expect(st.body.stage).toBe('CALLBACK');
    expect(st.body.deadlines.finalResponse.state).toBe('met');

    expect((await j.act('sam', ref, 'callback', { satisfaction: 5, comment: 'Thank you' })).status).toBe(200);
    const closed = await j.waitClosed(ref);
    expect(closed.complaint.closure).toBe('resolved-satisfied');
    // Archival TTL from the region's hot retention (180 days).
    expect(closed.complaint.expiresAt).toBe(Math.floor(new Date(closed.complaint.closedAt).getTime() / 1000) + 180 * 86400);
    expect(actions(closed.history)).toEqual([
      'received',
      'registered',
      'assessed',
      'claimed',
      'investigation-completed',
      'stage:reply',
      'reply-sent',
      'stage:callback',
      'callback',
      'closed',
    ]);
    expect(closed.history.find((h: any) => h.action === 'claimed').actor).toBe('hana');
    // The reply went back through the channel used: email, to the contact given.
    const reply = closed.messages.find((m: any) => m.kind === 'reply');
    expect(reply).toMatchObject({ channel: 'email', to: closed.complaint.complainant.contact.email, audience: 'customer' });
    expect(reply.html).toContain('Edited by the handler.');
    // ... and asks the satisfaction question, answered on the status page: no survey message of its own.
    expect(reply.text).toContain(`How satisfied are you with how we handled your complaint ${ref}?`);
    expect(reply.text).toContain(`${j.api}/status.html?reference=${ref}`);
    expect(closed.messages.filter((m: any) => m.audience === 'customer').map((m: any) => m.kind)).toEqual(['acknowledgement', 'reply']);
    expect(await j.path(ref)).toEqual(['Investigate', 'Reply', 'Callback', 'Close']);
  });

  it('counts working days on the official CN calendar around National Day', async () => {
    await j.setClock('2026-09-30T02:00:00.000Z'); // Wednesday 10:00 in Shanghai
    const { reference: ref } = await j.submit(cards());
    await j.waitForStage(ref, 'INVESTIGATION');
    const c = (await j.complaint('hana', ref)).complaint;
    expect(c.deadlines.register.dueAt).toBe('2026-10-08T09:30:00.000Z'); // Oct 1-7 off
    // Oct 8, 9, 10 (a Saturday worked), 12, 13 -> 5th business day.
    expect(c.deadlines.replyTarget.dueAt).toBe('2026-10-13T09:30:00.000Z');
    expect(c.deadlines.investigate.dueAt).toBe('2026-10-15T09:30:00.000Z');
    expect(c.deadlines.finalResponse.dueAt).toBe('2026-10-15T15:59:59.999Z'); // 15 calendar days
  });
});

describe('special routes', () => {
  it('major: a manager leads it, emergency start within 2 hours, the reply needs approval', async () => {
    await j.setClock(MONDAY_9AM_SHANGHAI);
    const { reference: ref } = await j.submit(cards({ amount: { value: 800_000, currency: 'CNY' } }));
    await j.waitForStage(ref, 'INVESTIGATION');
    const c = (await j.complaint('mia', ref)).complaint;
    expect(c.routing.major).toBe(true);
    expect(c.routing.majorReasons.join(' ')).toMatch(/amount/i);
    expect(c.assignment).toMatchObject({ team: 'cards', manager: 'mia', assignee: 'mia' });
    expect(c.deadlines.emergencyStart.dueAt).toBe('2026-03-02T03:00:00.000Z');
    expect(c.classification.priority).toBe('P1');

    expect((await j.act('mia', ref, 'claim')).status).toBe(200);
    expect((await j.complaint('mia', ref)).complaint.deadlines.emergencyStart.metAt).toBe(MONDAY_9AM_SHANGHAI);
    expect((await j.act('mia', ref, 'investigation', investigation)).status).toBe(200);
    await j.waitForStage(ref, 'REPLY');
    expect((await j.act('mia', ref, 'assignment', { assignee: 'hana' })).status).toBe(200);
    const drafted = await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Our answer', text: 'We refunded you.' });
    expect(drafted.body.status).toBe('awaiting-approval');
    expect((await j.act('hana', ref, 'reply/approval', { approve: true })).status).toBe(403);
    expect((await j.act('mia', ref, 'reply/approval', { approve: false, comment: 'Name the measures' })).body.status).toBe('rejected');
    expect(
      (await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Our answer', text: 'We refunded you and fixed the processor.' })).body
        .status,
    ).toBe('awaiting-approval');
    expect((await j.act('mia', ref, 'reply/approval', { approve: true })).body.status).toBe('sent');
    await j.waitForStage(ref, 'CALLBACK');
    const h = actions((await j.complaint('mia', ref)).history);
    expect(h).toEqual(expect.arrayContaining(['reply-drafted', 'reply-rejected', 'reply-approved', 'reply-sent']));
  });

  it('major: a group incident (several complaints on the same matter in the window)', async () => {
    await j.setClock('2026-03-03T02:00:00.000Z');
    const refs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { reference } = await j.submit(validComplaint({ businessLine: 'cards', matter: { description: `The app is down, I cannot log in (${i})` } }));
      refs.push(reference);
      // One after the other, a minute apart: which complaint crosses the threshold is then certain.
      await j.waitForStage(reference, 'INVESTIGATION');
      await j.advance(60_000);
    }
    const routes = await Promise.all(refs.map(async (r) => (await j.complaint('quinn', r)).complaint.routing));
    expect(routes.slice(0, 4).map((x) => x.major)).toEqual([false, false, false, false]);
    expect(routes[4].major).toBe(true);
    expect(routes[4].majorReasons.join(' ')).toMatch(/group/i);
  });

  it('cross-department: a lead department and its handling plan due within 3 business days', async () => {
    await j.setClock(MONDAY_9AM_SHANGHAI);
    const { reference: ref } = await j.submit(
      validComplaint({
        businessLine: 'loans',
        target: { department: 'loans, cards' },
        matter: { description: 'My mortgage payment was taken from my credit card' },
      }),
    );
    await j.waitForStage(ref, 'INVESTIGATION');
    const c = (await j.complaint('max', ref)).complaint;
    expect(c.routing.crossDepartment).toBe(true);
    expect(c.routing.departments).toEqual(['loans', 'cards']);
    expect(c.assignment.team).toBe('loans');
    expect(c.deadlines.handlingPlan.dueAt).toBe('2026-03-05T09:30:00.000Z');
    // The involved department can read it; only the lead acts.
    expect((await j.as('hana', 'GET', `/complaints/${ref}`)).status).toBe(200);
    expect((await j.act('hana', ref, 'claim')).status).toBe(403);
    expect((await j.act('leo', ref, 'claim')).status).toBe(200);
    const plan = {
      departments: [
        { department: 'loans', duty: 'Reverse the payment', dueAt: '2026-03-06T09:30:00Z' },
        { department: 'cards', duty: 'Refund card fees', dueAt: '2026-03-06T09:30:00Z' },
      ],
    };
    expect((await j.act('leo', ref, 'handling-plan', plan)).status).toBe(200);
    expect((await j.complaint('leo', ref)).complaint.deadlines.handlingPlan.metAt).toBe(MONDAY_9AM_SHANGHAI);
  });

  it('anonymous: handled like any other, replies on the status page, outcome published internally', async () => {
    await j.setClock(MONDAY_9AM_SHANGHAI);
    const { reference: ref, accessCode } = await j.submit({
      complainant: { anonymous: true },
      matter: { description: 'Staff were rude at the counter' },
      businessLine: 'deposits',
    });
    await j.waitForStage(ref, 'INVESTIGATION');
    expect((await j.complaint('rita', ref)).complaint.routing).toMatchObject({ anonymous: true, departments: ['retail'] });
    await toReply(ref, 'rita');
    expect((await j.act('rita', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Our answer', text: 'We spoke to the staff concerned.' })).status).toBe(
      200,
    );
    await j.waitForStage(ref, 'CALLBACK');
    expect((await j.act('rita', ref, 'callback', { satisfaction: 4 })).status).toBe(200);
    const closed = await j.waitClosed(ref);
    expect(closed.messages.find((m: any) => m.kind === 'reply')).toMatchObject({ channel: 'status-page' });
    expect(actions(closed.history)).toContain('published-internally');
    expect((await j.status(ref, accessCode)).body.status).toBe('CLOSED');
  });
});

describe('extensions', () => {
  it('granted: requested with a reason, approved by a manager before the deadline, the customer told', async () => {
    await j.setClock(MONDAY_9AM_SHANGHAI);
    const { reference: ref, accessCode } = await j.submit(cards());
    await j.waitForStage(ref, 'INVESTIGATION');
    await j.act('hana', ref, 'claim');
    const asked = await j.act('hana', ref, 'extension', { reason: 'We need the card processor records' });
    expect(asked.body).toMatchObject({ status: 'pending', tier: 'manager', approvers: ['mia'] });
    expect((await j.act('hana', ref, 'extension/decision', { approve: true })).status).toBe(403);
    await j.advance(10 * 86400_000);
    const ok = await j.act('mia', ref, 'extension/decision', { approve: true });
    expect(ok.body.status).toBe('granted');
    const c = await j.complaint('mia', ref);
    expect(c.complaint.deadlines.finalResponse).toMatchObject({ dueAt: '2026-04-01T15:59:59.999Z', rule: expect.stringMatching(/30 calendar days/) });
    expect(c.messages.find((m: any) => m.kind === 'extension')).toMatchObject({ audience: 'customer', channel: 'email' });
    expect((await j.status(ref, accessCode)).body.history.map((h: any) => h.action)).toContain('extension-granted');
    // The second CN extension goes to 60 days, at the senior tier (issue 19): the manager is refused, the senior grants it; there is no third.
    expect((await j.act('hana', ref, 'extension', { reason: 'External appraisal of the card terminal' })).body).toMatchObject({
      status: 'pending',
      tier: 'senior',
      approvers: ['sara'],
    });
    const byManager = await j.act('mia', ref, 'extension/decision', { approve: true });
    expect(byManager.status).toBe(403);
    expect(byManager.body.message).toMatch(/senior tier/);
    expect((await j.complaint('mia', ref)).complaint.deadlines.finalResponse.dueAt).toBe('2026-04-01T15:59:59.999Z');
    expect((await j.act('sara', ref, 'extension/decision', { approve: true })).body.status).toBe('granted');
    expect((await j.complaint('mia', ref)).complaint.deadlines.finalResponse.dueAt).toBe('2026-05-01T15:59:59.999Z');
    const third = await j.act('hana', ref, 'extension', { reason: 'More' });
    expect(third.status).toBe(409);
    expect(third.body.message).toMatch(/No extension is available/);
  });

  it('refused: by the manager, and when approval comes after the old deadline', async () => {
    await j.setClock(MONDAY_9AM_SHANGHAI);
    const { reference: ref } = await j.submit(cards());
    await j.waitForStage(ref, 'INVESTIGATION');
    await j.act('hana', ref, 'claim');
    await j.act('hana', ref, 'extension', { reason: 'Busy' });
    const no = await j.act('mia', ref, 'extension/decision', { approve: false, comment: 'Not a valid reason' });
    expect(no.body.status).toBe('refused');
    await j.act('hana', ref, 'extension', { reason: 'Waiting for the processor' });
    await j.setClock('2026-03-18T00:00:00.000Z'); // past the 15-day deadline
    const late = await j.act('mia', ref, 'extension/decision', { approve: true });
    expect(late.body).toMatchObject({ status: 'refused', late: true });
    const c = await j.complaint('mia', ref);
    expect(c.complaint.deadlines.finalResponse.dueAt).toBe('2026-03-17T15:59:59.999Z');
    expect(actions(c.history).filter((a) => a === 'extension-refused')).toHaveLength(2);
    const tooLate = await j.act('hana', ref, 'extension', { reason: 'again' });
    expect(tooLate.status).toBe(409);
  });
});

describe('clocks', () => {
  it('reminds before a deadline and escalates to the manager at a breach, once each', async () => {
    await j.setClock(MONDAY_9AM_SHANGHAI);
    const { reference: ref } = await j.submit(cards());
    await j.waitForStage(ref, 'INVESTIGATION');
    await j.act('hana', ref, 'claim');
    await j.setClock('2026-03-08T12:00:00.000Z'); // reply target (Mar 9 09:30Z) is due soon
    const t1 = await j.tick();
    expect(t1.reminders).toEqual(expect.arrayContaining([{ reference: ref, deadline: 'replyTarget' }]));
    expect((await j.tick()).reminders.filter((r) => r.reference === ref)).toEqual([]);
    await j.setClock('2026-03-09T10:00:00.000Z'); // breached
    const t2 = await j.tick();
    expect(t2.escalations).toEqual(expect.arrayContaining([{ reference: ref, deadline: 'replyTarget', to: 'mia' }]));
    expect((await j.tick()).escalations.filter((r) => r.reference === ref)).toEqual([]);
    const c = await j.complaint('mia', ref);
    expect(c.complaint.escalated).toBe(true);
    expect(c.complaint.assignment.manager).toBe('mia');
    expect(actions(c.history)).toEqual(expect.arrayContaining(['reminder:replyTarget', 'breach:replyTarget']));
    expect(c.messages.filter((m: any) => m.audience === 'staff').map((m: any) => [m.kind, m.to])).toEqual(
      expect.arrayContaining([
        ['reminder', 'hana'],
        ['escalation', 'mia'],
      ]),
    );
    const st = (await j.as('mia', 'GET', '/tasks/mine')).body.find((t: any) => t.reference === ref);
    expect(st).toMatchObject({ reference: ref, stage: 'INVESTIGATION' });
  });

  it('pauses the clock (external appraisal) and moves the deadlines by the paused time', async () => {
    await j.setClock(MONDAY_9AM_SHANGHAI);
    const { reference: ref } = await j.submit(cards());
    await j.waitForStage(ref, 'INVESTIGATION');
    await j.act('hana', ref, 'claim');
    expect((await j.act('hana', ref, 'pause', { reason: 'External appraisal of the card terminal' })).status).toBe(200);
    await j.advance(3 * 86400_000);
    expect((await j.tick()).escalations.filter((e) => e.reference === ref)).toEqual([]);
    expect((await j.act('hana', ref, 'resume')).status).toBe(200);
    const c = await j.complaint('hana', ref);
    expect(c.complaint.deadlines.finalResponse.dueAt).toBe('2026-03-20T15:59:59.999Z');
    // Due Wednesday 11 March; three days later is a Saturday: the close of business of the next business day.
    expect(c.complaint.deadlines.investigate.dueAt).toBe('2026-03-16T09:30:00.000Z');
    expect(c.messages.map((m: any) => m.kind)).toEqual(expect.arrayContaining(['pause', 'resume']));
  });
});

describe('callback', () => {
  const faults = (rules: unknown[]) => j.request(rules.length ? 'POST' : 'DELETE', '/__local/faults', rules.length ? { rules } : undefined);
  const answer = (ref: string, code: string, body: unknown) => j.request('POST', `/api/complaints/${ref}/callback`, body, { 'x-access-code': code });
  const task = async (ref: string) => (await j.complaint('quinn', ref)).task;

  it('an answer given the moment the reply arrives, before the workflow opened the callback stage, is kept and completes that stage', async () => {
    await j.setClock(MONDAY_9AM_SHANGHAI);
    const { reference: ref, accessCode } = await j.submit(cards());
    await toReply(ref);
    // Step Functions misses the reply's completion (SendTaskSuccess fails): the workflow stays on
    // the Reply state, the complaint at REPLY with its task completed - the window, held open.
    await faults([{ target: 'sfn', operations: ['SendTaskSuccess'], errors: ['InternalFailure'] }]);
    try {
      expect((await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Answer', text: 'Refunded.' })).body.status).toBe('sent');
      expect(await task(ref)).toMatchObject({ stage: 'REPLY', status: 'completed' });
      expect((await j.status(ref, accessCode)).body).toMatchObject({ stage: 'REPLY', callbackDue: true });

      const early = await answer(ref, accessCode, { satisfaction: 5, comment: 'Fast, thank you' });
      expect(early).toEqual({ status: 200, body: { recorded: true, next: 'CLOSE' } });
      // Recorded once: the form is gone, a second answer is refused, and so is a staff callback.
      expect((await j.status(ref, accessCode)).body).toMatchObject({ stage: 'REPLY', callbackDue: false });
      expect((await answer(ref, accessCode, { satisfaction: 1 })).status).toBe(409);
      expect((await j.act('hana', ref, 'callback', { satisfaction: 1 })).status).toBe(409);
      const meanwhile = await j.complaint('hana', ref);
      expect(meanwhile.complaint.callbacks).toEqual([{ satisfaction: 5, comment: 'Fast, thank you', by: 'customer', at: MONDAY_9AM_SHANGHAI }]);
    } finally {
      await faults([]);
    }
    // The sweeper hands the reply's completion over; the workflow opens Callback, finds the answer,
    // completes the stage at once, and the complaint closes - no staff step, no second message.
    await j.request('POST', '/__local/sweep');
    const closed = await j.waitClosed(ref);
    expect(closed.complaint.closure).toBe('resolved-satisfied');
    expect(closed.complaint.earlyCallback).toBeUndefined();
    expect(actions(closed.history).slice(-4)).toEqual(['reply-sent', 'callback', 'stage:callback', 'closed']);
    expect(closed.history.find((h: any) => h.action === 'callback')).toMatchObject({ actor: 'customer' });
    expect(closed.messages.filter((m: any) => m.audience === 'customer').map((m: any) => m.kind)).toEqual(['acknowledgement', 'reply']);
    expect(await j.path(ref)).toEqual(['Investigate', 'Reply', 'Callback', 'Close']);
  });

  it('a dissatisfied early answer reopens the investigation; the second reply asks again', async () => {
    await j.setClock(MONDAY_9AM_SHANGHAI);
    const { reference: ref, accessCode } = await j.submit(cards());
    await toReply(ref);
    await faults([{ target: 'sfn', operations: ['SendTaskSuccess'], errors: ['InternalFailure'] }]);
    try {
      await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Answer', text: 'Refunded.' });
      expect((await answer(ref, accessCode, { satisfaction: 2, comment: 'Not refunded yet' })).body).toEqual({ recorded: true, next: 'REOPEN' });
    } finally {
      await faults([]);
    }
    await j.request('POST', '/__local/sweep');
    await j.waitForStage(ref, 'INVESTIGATION');
    const reopened = await j.complaint('hana', ref);
    expect(reopened.complaint.reopenCount).toBe(1);
    expect(actions(reopened.history).slice(-4)).toEqual(['reply-sent', 'callback', 'stage:callback', 'reopened']);
    await j.act('hana', ref, 'investigation', investigation);
    await j.waitForStage(ref, 'REPLY');
    await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Answer 2', text: 'Refunded now.' });
    await j.waitForStage(ref, 'CALLBACK');
    expect((await answer(ref, accessCode, { satisfaction: 4 })).body).toEqual({ recorded: true, next: 'CLOSE' });
    const closed = await j.waitClosed(ref);
    const replies = closed.messages.filter((m: any) => m.kind === 'reply');
    expect(replies).toHaveLength(2);
    for (const r of replies) expect(r.text).toContain('If you are not satisfied, we will look at your complaint again.');
    expect(closed.messages.filter((m: any) => m.audience === 'customer').map((m: any) => m.kind)).toEqual(['acknowledgement', 'reply', 'reply']);
  });

  it('an answer sent as soon as the reply is out is recorded once, whichever side of the stage opening it lands', async () => {
    await j.setClock(MONDAY_9AM_SHANGHAI);
    const { reference: ref, accessCode } = await j.submit(cards());
    await toReply(ref);
    expect((await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Answer', text: 'Refunded.' })).body.status).toBe('sent');
    expect((await answer(ref, accessCode, { satisfaction: 5 })).body).toEqual({ recorded: true, next: 'CLOSE' });
    const closed = await j.waitClosed(ref);
    expect(closed.complaint.callbacks).toHaveLength(1);
    expect(actions(closed.history).filter((a) => a === 'callback')).toHaveLength(1);
    expect(await j.path(ref)).toEqual(['Investigate', 'Reply', 'Callback', 'Close']);
  });

  it('a dissatisfied answer reopens the investigation once; a second one escalates to a manager', async () => {
    await j.setClock(MONDAY_9AM_SHANGHAI);
    const { reference: ref } = await j.submit(cards());
    await toReply(ref);
    await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Answer', text: 'Refunded.' });
    let cb = await j.waitForStage(ref, 'CALLBACK');
    expect((await j.act('hana', ref, 'callback', { satisfaction: 2, comment: 'Not refunded yet' })).body.next).toBe('REOPEN');
    await j.waitForStage(ref, 'INVESTIGATION', cb.taskToken);
    let c = (await j.complaint('hana', ref)).complaint;
    expect(c.reopenCount).toBe(1);
    expect(c.assignment.assignee).toBe('hana');
    await j.act('hana', ref, 'investigation', investigation);
    await j.waitForStage(ref, 'REPLY');
    await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Answer 2', text: 'Refunded now.' });
    cb = await j.waitForStage(ref, 'CALLBACK');
    expect((await j.act('hana', ref, 'callback', { satisfaction: 1 })).body.next).toBe('ESCALATE');
    await j.waitForStage(ref, 'INVESTIGATION', cb.taskToken);
    c = (await j.complaint('mia', ref)).complaint;
    expect(c).toMatchObject({ escalated: true, reopenCount: 2, assignment: { manager: 'mia', assignee: 'mia' } });
    // The manager now leads: the reply needs approval.
    await j.act('mia', ref, 'investigation', investigation);
    await j.waitForStage(ref, 'REPLY');
    expect((await j.act('mia', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Answer 3', text: 'Final answer.' })).body.status).toBe(
      'awaiting-approval',
    );
    const history = actions((await j.complaint('mia', ref)).history);
    expect(history.filter((a) => a === 'reopened')).toHaveLength(2);
    expect(history).toContain('escalated');
    const path = await j.path(ref);
    expect(path.filter((s) => s === 'Investigate')).toHaveLength(3);
    // Each dissatisfied answer left Callback by its caught Complaint.Reopened, straight to Investigate.
    expect(path.filter((s) => s === 'Callback')).toHaveLength(2);
    expect(path.join(' > ')).toContain('Callback > Investigate > Reply > Callback > Investigate');
  });
});

describe('staff actions and identity', () => {
  it('two staff completing the same task: one wins, the other gets 409', async () => {
    await j.setClock(MONDAY_9AM_SHANGHAI);
    // A major complaint: its manager (mia) leads it and hands the work to hana; both may act.
    const { reference: ref } = await j.submit(cards({ amount: { value: 900_000, currency: 'CNY' } }));
    await j.waitForStage(ref, 'INVESTIGATION');
    expect((await j.act('mia', ref, 'assignment', { assignee: 'hana' })).status).toBe(200);
    const [a, b] = await Promise.all([j.act('hana', ref, 'investigation', investigation), j.act('mia', ref, 'investigation', investigation)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    await j.waitForStage(ref, 'REPLY');
    expect(actions((await j.complaint('mia', ref)).history).filter((x) => x === 'investigation-completed')).toHaveLength(1);
  });

  it('never assigns a complaint to the staff member it names (conflict of interest)', async () => {
    await j.setClock(MONDAY_9AM_SHANGHAI);
    const { reference: ref } = await j.submit(cards({ target: { staffMember: 'Hana Handler' } }));
    await j.waitForStage(ref, 'INVESTIGATION');
    const claim = await j.act('hana', ref, 'claim');
    expect(claim.status).toBe(403);
    expect(claim.body.message).toMatch(/conflict of interest/);
    expect((await j.act('mia', ref, 'assignment', { assignee: 'hana' })).status).toBe(403);
    expect((await j.act('mia', ref, 'assignment', { assignee: 'mia' })).status).toBe(200);
  });

  it('lets a specialist key in a phone complaint as its first responder, and correct a classification', async () => {
    await j.setClock(MONDAY_9AM_SHANGHAI);
    const r = await j.as('sam', 'POST', '/complaints', {
      channel: 'phone',
      complaint: {
        complainant: { name: 'Zhao Lei', contact: { phone: '+86 139 0000 0000' } },
        matter: { description: 'Long wait at the branch' },
        consent: { personalData: true },
      },
    });
    expect(r.status).toBe(201);
    const ref = r.body.reference;
    await j.waitForStage(ref, 'INVESTIGATION');
    let c = await j.complaint('sam', ref);
    expect(c.complaint).toMatchObject({ channel: 'phone', receivedBy: 'sam', classification: { channelType: 'offline' } });
    expect(c.history[0]).toMatchObject({ action: 'received', actor: 'sam' });
    const fix = await j.act('sam', ref, 'classification', { nature: 'operation', priority: 'P2' });
    expect(fix.status).toBe(200);
    c = await j.complaint('sam', ref);
    expect(c.complaint.classification).toMatchObject({ nature: 'operation', priority: 'P2', correctedBy: 'sam' });
    const corr = c.history.find((h: any) => h.action === 'classification-corrected');
    expect(corr).toMatchObject({ actor: 'sam', after: { nature: 'operation', priority: 'P2' } });
    expect(corr.before).toMatchObject({ nature: 'service', priority: 'P3' }); // 'Long wait at the branch', as assessed
    expect((await j.act('hana', ref, 'classification', { nature: 'service' })).status).toBe(403);
    // A phone customer's messages become staff call tasks.
    await toReply(ref, 'rita');
    await j.act('rita', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Answer', text: 'We are sorry.' });
    await j.waitForStage(ref, 'CALLBACK');
    expect((await j.complaint('rita', ref)).messages.find((m: any) => m.kind === 'reply')).toMatchObject({ channel: 'call-task', to: '+86 139 0000 0000' });
  });

  it('denies staff routes without a valid token (as the JWT authorizer does), and quality cannot act', async () => {
    const { reference: ref } = await j.submit(cards());
    const none = await j.request('GET', `/api/staff/complaints/${ref}`);
    expect(none.status).toBe(401);
    const token = await j.token('hana');
    const [h, p] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), groups: ['CMP-Admins'] })).toString('base64url')}.${token.split('.')[2]}`;
    expect((await j.request('GET', `/api/staff/complaints/${ref}`, undefined, { authorization: `Bearer ${forged}` })).status).toBe(401);
    const algNone = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    expect((await j.request('GET', `/api/staff/complaints/${ref}`, undefined, { authorization: `Bearer ${algNone}` })).status).toBe(401);
    expect((await j.as('quinn', 'GET', `/complaints/${ref}`)).status).toBe(200);
    await j.waitForStage(ref, 'INVESTIGATION');
    expect((await j.act('quinn', ref, 'claim')).status).toBe(403);
  });
});
