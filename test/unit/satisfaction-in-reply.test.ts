/**
 * The satisfaction question rides in the reply (issue 8: two customer emails per typical
 * complaint, not three), and an answer that comes before the workflow has opened the callback
 * stage is kept: the use cases on fakes. The same paths on the real runtime:
 * test/integration/lifecycle.test.ts and messages.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../functions/domain/authorization.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { SubmitComplaintRequest } from '../../functions/contract/submit-complaint.schema.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { getComplaintStatus } from '../../functions/use-cases/customer/get-complaint-status.ts';
import { openStaffTask } from '../../functions/use-cases/workflow/lifecycle.ts';
import { messageHtml } from '../../functions/domain/message-html.ts';
import { claimTask, completeInvestigation, submitReply } from '../../functions/use-cases/staff/staff-actions.ts';
import { customerCallback, recordCallback } from '../../functions/use-cases/customer/callback.ts';
import { submitComplaint } from '../../functions/use-cases/intake/submit-complaint.ts';
import { FakeAccessAttempts, FakeAuditLog, FakeRepository, FakeWorkflow } from '../support/fakes.ts';
import { productionCalendar } from '../support/calendars.ts';

const hana: Actor = { id: 'hana', name: 'Hana Handler', roles: ['handler'], department: 'retail' };
const BASE = 'https://complaints.bank.example';
const investigation = { rootCause: 'Wrong fee table', responsiblePeople: 'Fees team', correctiveMeasures: 'Fee table fixed', correctionResult: 'Refunded' };

let n = 0;
async function toReplySent(language: 'en' | 'zh-CN' = 'en', reopenCount = 0) {
  const repo = new FakeRepository();
  const workflow = new FakeWorkflow();
  const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
  const region = REGIONS.cn;
  const deps = {
    repo,
    workflow,
    clock,
    region,
    calendar: productionCalendar(region.name),
    audit: new FakeAuditLog(),
    accessAttempts: new FakeAccessAttempts(),
    publicBaseUrl: BASE,
    config: { publicBaseUrl: BASE },
  };
  const body = SubmitComplaintRequest.parse({
    language,
    complainant: { name: 'Li <b>Wei</b>', contact: { email: `li-${++n}@example.com` } },
    matter: { description: 'A fee was taken twice' },
    businessLine: 'deposits',
    consent: { personalData: true },
  });
  const {
    body: { reference, accessCode },
  } = await submitComplaint(body, { channel: 'web' }, deps);
  let token = 0;
  const open = (stage: 'INVESTIGATION' | 'REPLY' | 'CALLBACK') => openStaffTask({ reference, stage, taskToken: `t${++token}`, executionName: reference }, deps);
  await open('INVESTIGATION');
  await claimTask(deps, hana, reference);
  await completeInvestigation(deps, hana, reference, investigation);
  await open('REPLY');
  if (reopenCount) repo.complaints.set(reference, { ...repo.complaints.get(reference)!, reopenCount });
  expect((await submitReply(deps, hana, reference, { outcome: { result: 'upheld' }, subject: 'Our answer', text: 'We refunded <the> fee.' })).status).toBe(
    'sent',
  );
  const customerMessages = () => repo.msgs.get(reference)!.filter((m) => m.audience === 'customer');
  return { repo, workflow, clock, deps, reference, accessCode, open, customerMessages };
}

describe('the reply asks the satisfaction question', () => {
  it.each([
    [
      'en',
      'How satisfied are you with how we handled your complaint',
      'If you are not satisfied, we will look at your complaint again.',
      'Answer on our status page, with your reference and access code: ',
    ],
    ['zh-CN', '请您对本次投诉', '如您不满意，我们将重新核查处理。', '请凭投诉编号和查询码在此评价：'],
  ] as const)(
    "%s: the handler's text, then how satisfied (1-5), what a dissatisfied answer does and the status page link; HTML escaped",
    async (language, ask, dissatisfied, where) => {
      const { repo, reference, accessCode, deps, customerMessages } = await toReplySent(language);
      const reply = customerMessages().find((m) => m.kind === 'reply')!;
      const url = `${BASE}/status.html?reference=${reference}`;
      expect(reply).toMatchObject({ channel: 'email', subject: 'Our answer' });
      expect(reply.text!.startsWith('We refunded <the> fee.\n\n')).toBe(true);
      expect(reply.text).toContain(ask);
      expect(reply.text).toContain(language === 'en' ? 'from 1 (very dissatisfied) to 5 (very satisfied)' : '1（非常不满意）至 5（非常满意）');
      expect(reply.text).toContain(dissatisfied);
      expect(reply.text!.endsWith(`${where}${url}`)).toBe(true);
      // Stored as text only; its HTML part is made from the text when it is sent (and shown).
      expect(reply.html).toBeUndefined();
      const html = messageHtml(reply.language, reply.subject, reply.text);
      expect(html).toContain('We refunded &lt;the&gt; fee.');
      expect(html).not.toContain('<the>');
      expect(html).toContain(`<a href="${url}">${url}</a>`);
      // The complaint records who sent what when; the text is kept once, in the message as sent -
      // what the status page shows next to the answer form.
      expect(repo.complaints.get(reference)!.reply).toEqual({ subject: 'Our answer', by: 'hana', sentAt: '2026-03-02T01:00:00.000Z', channel: 'email' });
      expect((await getComplaintStatus(reference, accessCode, deps)).reply).toEqual({
        subject: 'Our answer',
        text: reply.text,
        sentAt: '2026-03-02T01:00:00.000Z',
      });
    },
  );

  it('opening the callback stage sends nothing: acknowledgement and reply are all the customer gets', async () => {
    const { open, customerMessages, workflow } = await toReplySent();
    await open('CALLBACK');
    expect(customerMessages().map((m) => m.kind)).toEqual(['acknowledgement', 'reply']);
    expect(workflow.completed.map((x) => x.token)).toEqual(['t1', 't2']); // investigation and reply; the callback stage waits
  });

  it.each([
    ['en', 'this is our final answer', 'we will look at your complaint again'],
    ['zh-CN', '本答复为最终答复', '我们将重新核查处理'],
  ] as const)(
    '%s: after the last review (reopened, then escalated), a dissatisfied customer is pointed to the regulator (CN: 12378) and mediation, not promised another look',
    async (language, refer, review) => {
      const { reference, customerMessages, open, deps } = await toReplySent(language, 2);
      const reply = customerMessages().find((m) => m.kind === 'reply')!;
      expect(reply.text).toContain(refer);
      expect(reply.text).toContain('12378');
      expect(reply.text).not.toContain(review);
      await open('CALLBACK');
      expect((await recordCallback(deps, hana, reference, { satisfaction: 1 })).next).toBe('CLOSE'); // what the text said
    },
  );
});

describe('an answer before the workflow has opened the callback stage', () => {
  it('is accepted, recorded once, and completes the stage the moment it opens', async () => {
    const { repo, workflow, clock, deps, reference, accessCode, open, customerMessages } = await toReplySent();
    // The reply's task is completed; the workflow has not opened CALLBACK yet.
    expect(repo.complaints.get(reference)!.stage).toBe('REPLY');
    expect((await getComplaintStatus(reference, accessCode, deps)).callbackDue).toBe(true);
    clock.advance(60_000);
    expect(await customerCallback(deps, reference, accessCode, { satisfaction: 5, comment: 'Quick, thanks' })).toEqual({ recorded: true, next: 'CLOSE' });
    const c = repo.complaints.get(reference)!;
    expect(c.callbacks).toEqual([{ satisfaction: 5, comment: 'Quick, thanks', by: 'customer', at: clock.now().toISOString() }]);
    expect(c.earlyCallback).toMatchObject({ output: { stage: 'CALLBACK', next: 'CLOSE', satisfied: true }, by: 'customer' });
    expect(repo.tasks.get(reference)).toMatchObject({ stage: 'REPLY', status: 'completed' }); // left for the workflow (or the sweeper)
    // Once is enough: the form is gone and a second answer is refused; staff cannot record one either.
    expect((await getComplaintStatus(reference, accessCode, deps)).callbackDue).toBe(false);
    await expect(customerCallback(deps, reference, accessCode, { satisfaction: 1 })).rejects.toMatchObject({ statusCode: 409 });
    await expect(recordCallback(deps, hana, reference, { satisfaction: 1 })).rejects.toMatchObject({ statusCode: 409 });

    expect((await open('CALLBACK')).result).toBe('opened');
    const after = repo.complaints.get(reference)!;
    expect(after.stage).toBe('CALLBACK');
    expect(after.earlyCallback).toBeUndefined();
    expect(after.callbacks).toHaveLength(1);
    expect(repo.tasks.get(reference)).toMatchObject({
      stage: 'CALLBACK',
      status: 'completed',
      completedBy: 'customer',
      taskToken: 't3',
      output: { stage: 'CALLBACK', next: 'CLOSE', satisfied: true },
    });
    // Handed to the waiting workflow at once, with the token of the stage just opened.
    expect(workflow.completed.slice(2)).toEqual([{ token: 't3', output: { stage: 'CALLBACK', next: 'CLOSE', satisfied: true } }]);
    expect((await getComplaintStatus(reference, accessCode, deps)).callbackDue).toBe(false);
    const actions = repo.histories.get(reference)!.map((h) => h.action);
    expect(actions.slice(-3)).toEqual(['reply-sent', 'callback', 'stage:callback']);
    expect(customerMessages().map((m) => m.kind)).toEqual(['acknowledgement', 'reply']);
  });

  it('a dissatisfied early answer reopens the investigation as it would in the callback stage', async () => {
    const { repo, workflow, deps, reference, accessCode, open } = await toReplySent();
    expect((await customerCallback(deps, reference, accessCode, { satisfaction: 2 })).next).toBe('REOPEN');
    const c = repo.complaints.get(reference)!;
    expect(c.reopenCount).toBe(1);
    expect(c.deadlines.investigate.metAt).toBeUndefined(); // a fresh investigation clock
    await open('CALLBACK');
    expect(workflow.completed.at(-1)).toEqual({ token: 't3', output: { stage: 'CALLBACK', next: 'REOPEN', satisfied: false } });
    await open('INVESTIGATION');
    expect(repo.complaints.get(reference)!.stage).toBe('INVESTIGATION');
    expect(
      repo.histories
        .get(reference)!
        .map((h) => h.action)
        .at(-1),
    ).toBe('reopened');
  });

  it('is refused while no reply is out (the question has not been asked)', async () => {
    const repo = new FakeRepository();
    const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
    const region = REGIONS.cn;
    const deps = {
      repo,
      workflow: new FakeWorkflow(),
      clock,
      region,
      calendar: productionCalendar(region.name),
      audit: new FakeAuditLog(),
      accessAttempts: new FakeAccessAttempts(),
    };
    const body = SubmitComplaintRequest.parse({
      complainant: { name: 'Li Wei', contact: { email: 'early@example.com' } },
      matter: { description: 'A fee' },
      consent: { personalData: true },
    });
    const {
      body: { reference, accessCode },
    } = await submitComplaint(body, { channel: 'web' }, deps);
    await openStaffTask({ reference, stage: 'INVESTIGATION', taskToken: 't1', executionName: reference }, deps);
    await expect(customerCallback(deps, reference, accessCode, { satisfaction: 5 })).rejects.toMatchObject({ statusCode: 409 });
    expect((await getComplaintStatus(reference, accessCode, deps)).callbackDue).toBe(false);
  });
});
