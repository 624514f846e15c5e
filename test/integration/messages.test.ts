/**
 * Every message to a customer goes back through the channel they used, and really leaves:
 * queued with the change that caused it, picked up from the table's stream, sent through
 * the SES API (the local SES endpoint), over SMTP, into the local mail catcher.
 */
import { describe, expect, inject, it } from 'vitest';
import { clients, eventually, validComplaint } from '../support/clients.ts';
import { investigation, Journey, mailsTo as mailsToJourney } from '../support/journey.ts';

const { ddb, sfn } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const j = new Journey(inject('apiUrl'), ddb, sfn, inject('tableName'), inject('stateMachineArn'));
const mailDir = inject('mailDir');

const mailsTo = (address: string) => mailsToJourney(j, mailDir, address);

describe('messages to customers and staff', () => {
  it("sends the acknowledgement at once and the reply - with the satisfaction question - by email, with the reference, in the customer's language", async () => {
    await j.setClock('2026-03-02T01:00:00.000Z');
    const email = `ack-${Date.now()}@example.com`;
    const { reference: ref } = await j.submit(
      validComplaint({ language: 'zh-CN', complainant: { name: '李伟 <script>alert(1)</script>', contact: { email } } }),
    );
    const acks = await eventually(
      async () => {
        const m = await mailsTo(email);
        return m.length >= 1 && m;
      },
      120_000,
      'acknowledgement email',
    );
    expect(acks[0].subject).toContain(ref);
    expect(acks[0].text).toContain(ref);
    expect(acks[0].html).toBeTruthy();
    expect(acks[0].from?.text).toContain('complaints@bank.example.cn');

    await j.waitForStage(ref, 'INVESTIGATION');
    await j.act('hana', ref, 'claim');
    await j.act('hana', ref, 'investigation', investigation);
    await j.waitForStage(ref, 'REPLY');
    await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: `关于您的投诉 ${ref} 的答复`, text: '我们已退还费用。<b>谢谢</b>' });
    const all = await eventually(
      async () => {
        const m = await mailsTo(email);
        return m.length >= 2 && m;
      },
      120_000,
      'reply email',
    );
    const reply = all.find((m) => m.subject?.includes('答复'))!;
    expect(reply.text).toContain('我们已退还费用');
    // Free text is escaped in the HTML part, never interpreted.
    expect(reply.html).not.toContain('<b>谢谢</b>');
    expect(reply.html).toContain('&lt;b&gt;');
    // The reply ends with the satisfaction question and where to answer: the status page, reference filled in.
    const statusUrl = `${j.api}/status.html?reference=${ref}`;
    // Between them, the regulator's channel (NFRA 12378) and mediation, as the CN final response names them (issue 19).
    expect(reply.text).toMatch(
      new RegExp(
        `请您对本次投诉（编号 ${ref}）的处理进行满意度评价：1（非常不满意）至 5（非常满意）。\\n\\n如您不满意，我们将重新核查处理。\\n\\n[^\\n]*12378[^]*\\n\\n请凭投诉编号和查询码在此评价：${statusUrl.replace(/[.?*+^$()[\]{}|\\]/g, '\\$&')}`,
      ),
    );
    expect(reply.html).toContain(`<a href="${statusUrl}">`);
    // The callback stage sends nothing more: two emails for the whole complaint.
    await j.waitForStage(ref, 'CALLBACK');
    expect((await mailsTo(email)).map((m) => m.subject)).toEqual([acks[0].subject, reply.subject]);
    const detail = await j.complaint('hana', ref);
    expect(detail.messages.filter((m: any) => m.audience === 'customer').map((m: any) => m.kind)).toEqual(['acknowledgement', 'reply']);
    expect(detail.messages.filter((m: any) => m.channel === 'email').every((m: any) => m.status === 'sent')).toBe(true);
  });

  it('emails staff their reminders and escalations', async () => {
    await j.setClock('2026-03-02T01:00:00.000Z');
    const { reference: ref } = await j.submit(validComplaint());
    await j.waitForStage(ref, 'INVESTIGATION');
    await j.act('hana', ref, 'claim');
    await j.setClock('2026-03-09T10:00:00.000Z');
    await j.tick();
    const toMia = await eventually(
      async () => {
        const m = await mailsTo('mia@bank.example');
        return m.find((x) => x.subject?.includes(ref));
      },
      120_000,
      'escalation email',
    );
    expect(toMia.subject).toMatch(/breached/);
  });

  it('records, but does not email, messages to phone customers: they become call tasks', async () => {
    const r = await j.as('sam', 'POST', '/complaints', {
      channel: 'phone',
      complaint: {
        complainant: { name: 'Phone Customer', contact: { phone: '+86 138 1111 2222', email: 'phone-only@example.com' } },
        matter: { description: 'Called about a fee' },
        consent: { personalData: true },
      },
    });
    expect(r.status).toBe(201);
    await j.request('POST', '/__local/streams/drain');
    expect(await mailsTo('phone-only@example.com')).toEqual([]);
    const d = await j.complaint('sam', r.body.reference);
    const ack = d.messages.find((m: any) => m.kind === 'acknowledgement');
    expect(ack).toMatchObject({ channel: 'call-task', status: 'recorded', to: '+86 138 1111 2222' });
    // The call is recorded when done; a second "done" is refused; an unknown task is not found.
    expect((await j.act('sam', r.body.reference, 'calls', { messageId: ack.messageId, outcome: 'no-answer' })).status).toBe(200);
    expect((await j.act('sam', r.body.reference, 'calls', { messageId: ack.messageId, outcome: 'reached', note: 'Explained the next steps' })).status).toBe(
      200,
    );
    expect((await j.act('sam', r.body.reference, 'calls', { messageId: ack.messageId, outcome: 'reached' })).status).toBe(409);
    expect((await j.act('sam', r.body.reference, 'calls', { messageId: 'MSG#nope', outcome: 'reached' })).status).toBe(404);
    const after = await j.complaint('sam', r.body.reference);
    expect(after.messages.find((m: any) => m.messageId === ack.messageId)).toMatchObject({ status: 'sent', calledBy: 'sam' });
    expect(after.history.map((h: any) => h.action)).toEqual(expect.arrayContaining(['call:no-answer', 'call:reached']));
  });
});
