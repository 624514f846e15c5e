/**
 * Approval always has a path (issue 19, ADR 0014), through the staff API on the suite's local
 * runtime (CN): the department's only manager writes the reply of a major complaint - it goes
 * to the senior tier and out; the author withdraws a pending reply. (The CN 60-day extension at
 * the senior tier: lifecycle.test.ts, extensions.)
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { clients, validComplaint } from '../support/clients.ts';
import { investigation, Journey } from '../support/journey.ts';

const { ddb, sfn } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const j = new Journey(inject('apiUrl'), ddb, sfn, inject('tableName'), inject('stateMachineArn'));

const MONDAY_9AM_SHANGHAI = '2026-03-02T01:00:00.000Z';
const major = () => validComplaint({ businessLine: 'cards', amount: { value: 800_000, currency: 'CNY' } });
const actions = (h: { action: string }[]) => h.map((e) => e.action);

afterEach(async () => {
  await j.setClock(MONDAY_9AM_SHANGHAI);
});

/** A major cards complaint at REPLY, led by its manager (mia, the department's only manager). */
async function majorAtReply() {
  await j.setClock(MONDAY_9AM_SHANGHAI);
  const { reference: ref } = await j.submit(major());
  await j.waitForStage(ref, 'INVESTIGATION');
  expect((await j.complaint('mia', ref)).complaint.assignment).toMatchObject({ team: 'cards', manager: 'mia', assignee: 'mia' });
  expect((await j.act('mia', ref, 'claim')).status).toBe(200);
  expect((await j.act('mia', ref, 'investigation', investigation)).status).toBe(200);
  await j.waitForStage(ref, 'REPLY');
  return ref;
}

describe('approval tiers', () => {
  it("the only manager's own reply on a major complaint goes to the senior tier, is approved there and goes out", async () => {
    const ref = await majorAtReply();
    const drafted = await j.act('mia', ref, 'reply', {
      outcome: { result: 'upheld' },
      subject: 'Our answer',
      text: 'We refunded you and fixed the processor.',
    });
    expect(drafted.body).toMatchObject({ status: 'awaiting-approval', tier: 'senior', approvers: ['sara'] });
    // Her own approval, another department's manager, a handler: refused, each with the reason.
    const own = await j.act('mia', ref, 'reply/approval', { approve: true });
    expect(own.status).toBe(403);
    expect(own.body.message).toMatch(/someone other than its author/);
    const other = await j.act('max', ref, 'reply/approval', { approve: true });
    expect(other.status).toBe(403);
    expect((await j.act('hana', ref, 'reply/approval', { approve: true })).status).toBe(403);
    // The senior tier was told, with a link to the task; it finds the task in the cards queue.
    const detail = await j.complaint('sara', ref);
    expect(detail.task).toMatchObject({ status: 'awaiting-approval', pendingReply: { by: 'mia', tier: 'senior' } });
    expect(detail.messages.filter((m: any) => m.audience === 'staff' && m.to === 'sara' && /waits for your approval/.test(m.subject))).toHaveLength(1);
    expect((await j.as('sara', 'GET', '/tasks/team?team=cards')).body.find((t: any) => t.reference === ref)).toMatchObject({ status: 'awaiting-approval' });

    const sent = await j.act('sara', ref, 'reply/approval', { approve: true });
    expect(sent.body.status).toBe('sent');
    await j.waitForStage(ref, 'CALLBACK');
    const after = await j.complaint('sara', ref);
    expect(after.complaint.reply).toMatchObject({ by: 'mia', approvedBy: 'sara' });
    expect(after.complaint.finalResponse).toMatchObject({ kind: 'final', sentAt: MONDAY_9AM_SHANGHAI }); // the clock stands still in this test
    expect(after.complaint.finalResponse.fosDeadline).toBeUndefined(); // a UK deadline only
    // The CN reply names the regulator's hotline and mediation.
    const reply = after.messages.find((m: any) => m.kind === 'reply');
    expect(reply.text).toContain('12378');
    expect(reply.text).toMatch(/mediation|调解/);
    expect(actions(after.history)).toEqual(expect.arrayContaining(['reply-drafted', 'reply-approved', 'reply-sent']));
    expect(after.history.find((h: any) => h.action === 'reply-drafted').summary).toMatch(/senior tier.*nobody but its author/);
  });

  it('the author withdraws a pending reply (it was 409 before); nobody else may; it is redrafted and approved', async () => {
    const ref = await majorAtReply();
    expect((await j.act('mia', ref, 'assignment', { assignee: 'hana' })).status).toBe(200);
    const drafted = await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Our answer', text: 'We refunded you.' });
    expect(drafted.body).toMatchObject({ status: 'awaiting-approval', tier: 'manager', approvers: ['mia'] });
    // A second submit while one waits is still a conflict; withdrawing is the way back.
    expect((await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Our answer', text: 'Better' })).status).toBe(409);
    const notAuthor = await j.act('mia', ref, 'reply/withdrawal', {});
    expect(notAuthor.status).toBe(403);
    expect(notAuthor.body.message).toMatch(/Only its author/);
    const withdrawn = await j.act('hana', ref, 'reply/withdrawal', { reason: 'I will name the measures' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    let detail = await j.complaint('hana', ref);
    expect(detail.task.status).toBe('open');
    expect(detail.task.pendingReply).toBeUndefined();
    expect(detail.history.find((h: any) => h.action === 'reply-withdrawn').summary).toBe('Reply withdrawn by its author: I will name the measures');
    expect((await j.act('hana', ref, 'reply/withdrawal', {})).status).toBe(409); // nothing left to withdraw
    expect((await j.act('mia', ref, 'reply/approval', { approve: true })).status).toBe(409);

    expect(
      (await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Our answer', text: 'We refunded you and fixed the processor.' })).body
        .status,
    ).toBe('awaiting-approval');
    expect((await j.act('mia', ref, 'reply/approval', { approve: true })).body.status).toBe('sent');
    detail = await j.complaint('mia', ref);
    expect(detail.complaint.reply).toMatchObject({ by: 'hana', approvedBy: 'mia' });
  });
});
