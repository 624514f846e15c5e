/**
 * Issue 19 B on the real local runtime (DynamoDB Local, the real state machine, the StaffApi
 * behind the local IAM check), on the manual clock in June 2027 (a month no other test uses):
 *
 *  - a self-declared vulnerable customer's task comes first in the team queue, at P2;
 *  - a reply without an outcome is refused, naming the field; with one it goes out, and the
 *    complaint closes with it;
 *  - the redress ledger: entries appended, a correction by reversal, a second reversal refused,
 *    quality may read but not write, every call audited;
 *  - a FOS referral recorded after the close, its deadline six months from the reply;
 *  - a corrective action: on the dashboard as open, linked from its flagged category, closed by
 *    its owner with evidence three days later (time to fix: 3 days).
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { clients, validComplaint } from '../support/clients.ts';
import { investigation, Journey } from '../support/journey.ts';

const { ddb, sfn } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const j = new Journey(inject('apiUrl'), ddb, sfn, inject('tableName'), inject('stateMachineArn'));

const LINE = 'redress cards';
let plain: string;
let vulnerable: string;

beforeAll(async () => {
  // Monday 7 June 2027, Shanghai morning. The plain complaint first: its deadlines are earlier.
  await j.setClock('2027-06-07T01:00:00.000Z');
  plain = (await j.submit(validComplaint({ businessLine: LINE }))).reference;
  await j.waitForStage(plain, 'INVESTIGATION');
  await j.setClock('2027-06-08T01:00:00.000Z'); // a day later: all its deadlines are later
  vulnerable = (
    await j.submit(
      validComplaint({
        businessLine: LINE,
        matter: { description: 'The branch would not let my carer speak for me about a wrong charge' },
        vulnerability: { kinds: ['health', 'capability'], adjustments: ['Speak to my carer'] },
      }),
    )
  ).reference;
  await j.waitForStage(vulnerable, 'INVESTIGATION');
});

describe('vulnerable customers', () => {
  it('a bad declaration on the form is refused, naming the field', async () => {
    const r = await j.request('POST', '/api/complaints', validComplaint({ vulnerability: { kinds: ['sad'] } }));
    expect(r.status).toBe(400);
    expect(r.body.fields.map((f: { field: string }) => f.field)).toEqual(['vulnerability.kinds.0']);
  });

  it('the self-declared flag is kept, and puts the task first in the team queue at P2', async () => {
    const c = (await j.complaint('quinn', vulnerable)).complaint;
    expect(c.vulnerability).toEqual({
      source: 'customer',
      kinds: ['health', 'capability'],
      adjustments: ['Speak to my carer'],
      at: '2027-06-08T01:00:00.000Z',
    });
    const queue = (await j.as('hana', 'GET', '/tasks/team')).body as { reference: string; flags: string[]; priority: string; nextDueAt: string }[];
    const mine = queue.filter((t) => t.reference === plain || t.reference === vulnerable);
    expect(mine.map((t) => t.reference)).toEqual([vulnerable, plain]);
    expect(mine[1].nextDueAt < mine[0].nextDueAt).toBe(true); // the plain one is due first, yet comes second
    expect(mine[0]).toMatchObject({ flags: expect.arrayContaining(['vulnerable']), priority: 'P2' });
    // Everyone vulnerable comes before everyone else.
    const firstPlain = queue.findIndex((t) => !t.flags?.includes('vulnerable'));
    expect(queue.slice(firstPlain).some((t) => t.flags?.includes('vulnerable'))).toBe(false);
  });

  it('staff record that the complaint was caused by failing to respond to it; quality may not', async () => {
    const body = { kinds: ['health'], adjustments: ['Speak to my carer', 'Large print'], causedByFailureToRespond: true };
    expect((await j.act('quinn', vulnerable, 'vulnerability', body)).status).toBe(403);
    const r = await j.act('hana', vulnerable, 'vulnerability', body);
    expect(r.status).toBe(200);
    expect(r.body.vulnerability).toMatchObject({ source: 'customer', kinds: ['health'], causedByFailureToRespond: true, by: 'hana' });
  });
});

describe('outcome, ledger, referral, corrective action', () => {
  let actionId: string;

  it('a reply without an outcome is refused, naming the field; with one it is sent', async () => {
    await j.setClock('2027-06-08T02:00:00.000Z');
    expect((await j.act('hana', plain, 'claim')).status).toBe(200);
    expect((await j.act('hana', plain, 'investigation', investigation)).status).toBe(200);
    await j.waitForStage(plain, 'REPLY');
    const refused = await j.act('hana', plain, 'reply', { subject: 'Our answer', text: 'We refunded the fee.' });
    expect(refused.status).toBe(400);
    expect(refused.body.fields).toEqual([{ field: 'outcome', message: expect.stringContaining('upheld') }]);
    expect((await j.complaint('quinn', plain)).task.status).toBe('open'); // nothing sent
    const bad = await j.act('hana', plain, 'reply', { subject: 'Our answer', text: 'x', outcome: { result: 'maybe' } });
    expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual(['outcome.result']);
    const sent = await j.act('hana', plain, 'reply', {
      subject: 'Our answer',
      text: 'We refunded the fee.',
      outcome: { result: 'partly-upheld', note: 'Fee refunded' },
    });
    expect(sent.body.status).toBe('sent');
    const d = await j.complaint('quinn', plain);
    expect(d.complaint.outcome).toEqual({ result: 'partly-upheld', note: 'Fee refunded', by: 'hana', at: '2027-06-08T02:00:00.000Z' });
    expect(d.history.find((h) => h.action === 'reply-sent').after).toEqual({ outcome: d.complaint.outcome });
  });

  it('the ledger is appended to and corrected by reversal only; quality reads it but may not write', async () => {
    const add = (user: string, body: unknown) => j.act(user, plain, 'redress', body);
    expect((await add('hana', { amountMinor: 12050, currency: 'CNY', kind: 'fees-refund', paidAt: '2027-06-08T01:00:00.000Z' })).status).toBe(201);
    expect((await add('hana', { amountMinor: 5000, currency: 'CNY', kind: 'distress-inconvenience' })).status).toBe(201);
    const reversed = await add('hana', { reverses: 'R2', note: 'keyed twice the amount' });
    expect(reversed.status).toBe(201);
    expect(reversed.body.entry).toMatchObject({ id: 'R3', amountMinor: -5000, kind: 'distress-inconvenience', reverses: 'R2' });
    expect(reversed.body.balance).toEqual({ CNY: { total: 12050, paid: 12050, byKind: { 'fees-refund': 12050, 'distress-inconvenience': 0 } } });
    expect((await add('hana', { reverses: 'R2' })).body.fields).toEqual([{ field: 'reverses', message: 'entry R2 is already reversed' }]);
    expect((await add('hana', { amountMinor: 10, currency: 'XYZ', kind: 'interest' })).body.fields.map((f: { field: string }) => f.field)).toEqual([
      'currency',
    ]);
    expect((await add('hana', { amountMinor: 10, currency: 'CNY', kind: 'interest', reverses: 'R1' })).status).toBe(400);
    expect((await add('quinn', { amountMinor: 100, currency: 'CNY', kind: 'goodwill' })).status).toBe(403);
    const d = await j.complaint('quinn', plain);
    expect(d.complaint.redress.map((e: { id: string; amountMinor: number }) => [e.id, e.amountMinor])).toEqual([
      ['R1', 12050],
      ['R2', 5000],
      ['R3', -5000],
    ]);
    expect(d.history.filter((h) => h.action === 'redress-recorded')).toHaveLength(3);
    const audit = await j.as('quinn', 'GET', `/audit?day=2027-06-08&reference=${plain}`);
    expect(audit.body.entries.filter((e: { operation: string }) => e.operation === 'addRedress').map((e: { outcome: string }) => e.outcome)).toEqual(
      expect.arrayContaining(['ok', 'rejected', 'denied']),
    );
  });

  it('a corrective action from the root cause: open on the dashboard, linked from its flagged category', async () => {
    const created = await j.act('hana', plain, 'corrective-actions', {
      description: 'Stop charging the annual fee on cards opened without consent',
      owner: 'hana',
      dueAt: '2027-06-30T09:00:00.000Z',
    });
    expect(created.status).toBe(201);
    actionId = created.body.id;
    expect(created.body).toMatchObject({ complaintId: plain, owner: 'hana', createdAt: '2027-06-08T02:00:00.000Z' });
    const nature = (await j.complaint('quinn', plain)).complaint.classification.nature;
    expect(created.body.category).toBe(nature);
    expect((await j.act('hana', plain, 'corrective-actions', { description: 'x', owner: 'nobody', dueAt: '2027-06-30T09:00:00.000Z' })).body.fields).toEqual([
      { field: 'owner', message: 'must be an active staff member' },
    ]);

    expect((await j.request('POST', '/__local/streams/drain')).status).toBe(200);
    const board = (await j.as('mia', 'GET', '/dashboard?from=2027-06&to=2027-06')).body;
    expect(board.correctiveActions.openActions.map((a: { id: string }) => a.id)).toContain(actionId);
    const category = board.months[0].topCategories.find((c: { key: string }) => c.key === nature);
    expect(category.flagged).toBe(true); // two complaints in the month: each nature is over 20 %
    expect(category.actions.open).toContain(actionId);
    const listed = await j.as('quinn', 'GET', `/corrective-actions?complaint=${plain}&state=open`);
    expect(listed.body.actions.map((a: { id: string }) => a.id)).toEqual([actionId]);
  });

  it('the owner closes the action with evidence three days after it was found: 3 days to fix', async () => {
    await j.setClock('2027-06-11T02:00:00.000Z');
    const progress = (user: string, body: unknown) => j.as(user, 'POST', '/corrective-actions/progress', body);
    expect((await progress('leo', { id: actionId, evidence: 'not mine' })).status).toBe(403);
    expect((await progress('hana', { id: actionId, close: true })).body.fields).toEqual([
      { field: 'evidence', message: 'give the evidence that the fix is in place before closing the action' },
    ]);
    const closed = await progress('hana', { id: actionId, evidence: 'Fee rule change CR-1182 released', close: true });
    expect(closed.body).toMatchObject({ closedAt: '2027-06-11T02:00:00.000Z', closedBy: 'hana' });
    const listed = await j.as('mia', 'GET', '/corrective-actions?state=closed');
    expect(listed.body.actions.map((a: { id: string }) => a.id)).toContain(actionId);
    // The summary is over the region's store, which also holds other tests' actions (a drill's
    // improvement actions: drills.test.ts): worked out here from the listed actions.
    const all = (await j.as('mia', 'GET', '/corrective-actions?state=all')).body.actions as { id: string; createdAt: string; closedAt?: string }[];
    const days = all.filter((a) => a.closedAt).map((a) => (Date.parse(a.closedAt!) - Date.parse(a.createdAt)) / 86_400_000);
    expect(days[all.filter((a) => a.closedAt).findIndex((a) => a.id === actionId)]).toBe(3);
    expect(listed.body.summary).toMatchObject({
      open: all.length - days.length,
      closed: days.length,
      meanDaysToFix: Math.round((days.reduce((x, y) => x + y, 0) / days.length) * 10) / 10,
    });
  });
  it('the customer is satisfied: the complaint closes with its outcome; a FOS referral later gets its six-month deadline', async () => {
    await j.waitForStage(plain, 'CALLBACK');
    expect((await j.act('sam', plain, 'callback', { satisfaction: 4 })).status).toBe(200);
    const closed = await j.waitClosed(plain);
    expect(closed.complaint).toMatchObject({ closure: 'resolved-satisfied', outcome: { result: 'partly-upheld' } });

    await j.setClock('2027-07-01T03:00:00.000Z');
    const r = await j.act('sam', plain, 'referrals', { body: 'FOS', externalReference: 'PNX-27-0001', referredAt: '2027-07-01T02:00:00.000Z' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ id: 'F1', deadline: { dueAt: '2027-12-08T02:00:00.000Z' } }); // six months from the reply
    expect(r.body.late).toBeUndefined();
    expect(
      (await j.act('sam', plain, 'referrals', { body: 'mediation', externalReference: 'M-1', referredAt: '2027-07-01T02:00:00.000Z' })).body.fields,
    ).toEqual([{ field: 'organisation', message: 'name the mediation organisation' }]);
    const decided = await j.act('sam', plain, 'referrals/outcome', { referralId: 'F1', result: 'in-firm-favour' });
    expect(decided.body.outcome).toMatchObject({ result: 'in-firm-favour', by: 'sam' });
    expect((await j.act('sam', plain, 'referrals/outcome', { referralId: 'F1', result: 'settled' })).status).toBe(409);
  });
});
