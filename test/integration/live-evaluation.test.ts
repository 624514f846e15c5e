/**
 * Live evaluation of major complaints (issue 20, S2 ch.8 §2 3.2, ADR 0023) on the suite's local
 * runtime (CN: DynamoDB Local, the real state machine, the StaffApi behind the local IAM check),
 * on the manual clock in October 2028 (a quarter no other test uses):
 *
 *   Mon 2028-10-09 01:00Z  a major cards complaint (800,000 CNY) is registered: led by mia
 *                  01:30Z  mia claims it (emergency handling starts: the evaluation clock starts, S),
 *                          and hands the investigation to hana
 *                  03:30Z  mia evaluates (E1: adjust, next step hana); next due S + 26 h
 *                          the refusals: 403 (the investigating handler, the desk), 400 (naming the field), 409 (not major)
 *                  22:42Z  the watch reminds mia: due in 4.8 h (a fifth of the 24 h interval)
 *   Tue 2028-10-10 03:30:00.001Z  the evaluation is missed: escalated to sara (senior tier) and mia, once
 *                  07:30Z  quinn evaluates (E2: escalate, late, 1 interval missed): sara is told;
 *                          the complaint is answered and closed; a closed complaint is refused (409)
 *   Tue 2029-01-02         quinn generates the 2028-Q4 review: 1 major complaint, 2 evaluations,
 *                          1 adjustment, 1 escalation, 1 missed interval
 */
import { describe, expect, inject, it } from 'vitest';
import { clients, validComplaint } from '../support/clients.ts';
import { investigation, Journey } from '../support/journey.ts';

const { ddb, sfn } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const j = new Journey(inject('apiUrl'), ddb, sfn, inject('tableName'), inject('stateMachineArn'));

const T0 = '2028-10-09T01:00:00.000Z';
const S = '2028-10-09T01:30:00.000Z';
const E1_AT = '2028-10-09T03:30:00.000Z';
const FIRST_DUE = '2028-10-10T03:30:00.000Z'; // E1 + 24 h
const REMIND_AT = '2028-10-09T22:42:00.000Z'; // FIRST_DUE - 0.2 x 24 h
const E2_AT = '2028-10-10T07:30:00.000Z';

const evaluate = (user: string, ref: string, body: unknown) => j.act(user, ref, 'live-evaluations', body);
const mine = (ref: string, list: { reference: string; deadline: string }[]) => list.filter((r) => r.reference === ref && r.deadline === 'liveEvaluation');

describe('live evaluation of a major complaint', () => {
  let ref: string;

  it('the lead evaluates it after the claim; the investigator and the desk may not; bad input names the field; a plain complaint is refused', async () => {
    await j.setClock(T0);
    ref = (await j.submit(validComplaint({ businessLine: 'cards', amount: { value: 800_000, currency: 'CNY' } }))).reference;
    await j.waitForStage(ref, 'INVESTIGATION');
    await j.setClock(S);
    expect((await j.act('mia', ref, 'claim')).status).toBe(200);
    expect((await j.act('mia', ref, 'assignment', { assignee: 'hana' })).status).toBe(200);
    await j.setClock(E1_AT);

    const asHandler = await evaluate('hana', ref, { riskLevel: 'high', progress: 'on-track', findings: 'x', decision: 'continue' });
    expect(asHandler.status).toBe(403);
    expect(asHandler.body.message).toContain('a handler may not record a live evaluation of a major complaint');
    expect((await evaluate('sam', ref, { riskLevel: 'high', progress: 'on-track', findings: 'x', decision: 'continue' })).status).toBe(403);

    const noChanges = await evaluate('mia', ref, { riskLevel: 'high', progress: 'at-risk', findings: 'Press enquiry received', decision: 'adjust' });
    expect(noChanges.status).toBe(400);
    expect(noChanges.body.fields.map((f: { field: string }) => f.field)).toEqual(['changes']);
    const badRisk = await evaluate('mia', ref, { riskLevel: 'severe', progress: 'at-risk', findings: 'x', decision: 'continue' });
    expect(badRisk.status).toBe(400);
    expect(badRisk.body.fields.map((f: { field: string }) => f.field)).toEqual(['riskLevel']);
    const badOwner = await evaluate('mia', ref, { riskLevel: 'high', progress: 'at-risk', findings: 'x', decision: 'continue', nextStepOwner: 'nobody' });
    expect(badOwner.status).toBe(400);
    expect(badOwner.body.fields).toEqual([{ field: 'nextStepOwner', message: 'must be an active staff member' }]);

    const plain = (await j.submit(validComplaint({ businessLine: 'live evaluation plain' }))).reference;
    await j.waitForStage(plain, 'INVESTIGATION');
    const notMajor = await evaluate('quinn', plain, { riskLevel: 'low', progress: 'on-track', findings: 'x', decision: 'continue' });
    expect(notMajor.status).toBe(409);
    expect(notMajor.body.message).toMatch(/for major complaints/);

    const e1 = await evaluate('mia', ref, {
      riskLevel: 'high',
      progress: 'at-risk',
      findings: 'Press enquiry received; the card processor confirms the double charge',
      decision: 'adjust',
      changes: 'Refund first, investigate after; daily call with the processor',
      nextStepOwner: 'hana',
    });
    expect(e1.status).toBe(201);
    expect(e1.body).toMatchObject({ nextDueAt: FIRST_DUE, told: ['hana'] });
    expect(e1.body.evaluation).toMatchObject({
      id: 'E1',
      by: 'mia',
      at: E1_AT,
      decision: 'adjust',
      late: false,
      dueAt: '2028-10-10T01:30:00.000Z', // S + 24 h: the interval it answered
      snapshot: {
        stage: 'INVESTIGATION',
        assignee: 'hana',
        manager: 'mia',
        emergencyStart: { state: 'met', metAt: S },
        evaluationsBefore: 0,
        missedIntervals: 0,
      },
    });
    const d = await j.complaint('quinn', ref);
    expect(d.complaint.liveEvaluations.map((e: { id: string }) => e.id)).toEqual(['E1']);
    expect(d.history.filter((h: { action: string }) => h.action === 'live-evaluation')).toHaveLength(1);
    expect(d.messages.filter((m: any) => m.audience === 'staff' && m.to === 'hana' && /next step of a major complaint is yours/.test(m.subject))).toHaveLength(
      1,
    );
  });

  it('the watch reminds the lead when the next one comes due, and escalates it once when missed', async () => {
    await j.setClock(new Date(Date.parse(REMIND_AT) - 1).toISOString());
    expect(mine(ref, (await j.tick()).reminders)).toEqual([]);
    await j.setClock(REMIND_AT);
    expect(mine(ref, (await j.tick()).reminders)).toEqual([{ reference: ref, deadline: 'liveEvaluation' }]);
    expect(mine(ref, (await j.tick()).reminders)).toEqual([]);

    await j.setClock(FIRST_DUE);
    expect(mine(ref, (await j.tick()).escalations)).toEqual([]);
    await j.setClock('2028-10-10T03:30:00.001Z');
    expect(mine(ref, (await j.tick()).escalations)).toEqual([{ reference: ref, deadline: 'liveEvaluation', to: 'sara' }]);
    expect(mine(ref, (await j.tick()).escalations)).toEqual([]);

    const d = await j.complaint('quinn', ref);
    const staff = (to: string, subject: RegExp) => d.messages.filter((m: any) => m.audience === 'staff' && m.to === to && subject.test(m.subject));
    expect(staff('mia', /live evaluation due/)).toHaveLength(1);
    expect(staff('sara', /live evaluation missed/)).toHaveLength(1);
    expect(staff('mia', /live evaluation missed/)).toHaveLength(1);
    expect(d.history.map((h: { action: string }) => h.action)).toEqual(expect.arrayContaining(['reminder:liveEvaluation', 'missed:liveEvaluation']));
    // No regulatory deadline: nothing of it in the complaint's deadlines.
    expect(Object.keys(d.complaint.deadlines)).not.toContain('liveEvaluation');
  });

  it('quality evaluates it late and escalates: the senior tier is told; closed, it is refused', async () => {
    await j.setClock(E2_AT);
    const e2 = await evaluate('quinn', ref, {
      riskLevel: 'critical',
      progress: 'off-track',
      findings: 'Twelve more customers report the same charge',
      decision: 'escalate',
      changes: 'Treat as a group incident: senior sign-off of a refund to every affected customer',
    });
    expect(e2.status).toBe(201);
    expect(e2.body).toMatchObject({ nextDueAt: '2028-10-11T07:30:00.000Z', told: ['sara'] });
    expect(e2.body.evaluation).toMatchObject({ id: 'E2', late: true, snapshot: { evaluationsBefore: 1, missedIntervals: 1 } });
    const d = await j.complaint('sara', ref);
    expect(d.messages.filter((m: any) => m.to === 'sara' && /escalated by its live evaluation/.test(m.subject))).toHaveLength(1);

    // Answered and closed (the clock stands still): the evaluation clock stops at the close.
    expect((await j.act('hana', ref, 'investigation', investigation)).status).toBe(200);
    await j.waitForStage(ref, 'REPLY');
    expect((await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: 'Our answer', text: 'We refunded the charge.' })).status).toBe(200);
    expect((await j.act('mia', ref, 'reply/approval', { approve: true })).body.status).toBe('sent');
    await j.waitForStage(ref, 'CALLBACK');
    expect((await j.act('sam', ref, 'callback', { satisfaction: 4 })).status).toBe(200);
    await j.waitClosed(ref);
    const closed = await evaluate('mia', ref, { riskLevel: 'low', progress: 'on-track', findings: 'x', decision: 'continue' });
    expect(closed.status).toBe(409);
    expect(closed.body.message).toMatch(/closed/);
  });

  it('the quarterly review counts the major complaints, evaluations, adjustments, escalations and missed intervals', async () => {
    await j.setClock('2029-01-02T12:00:00.000Z');
    expect((await j.request('POST', '/__local/streams/drain')).status).toBe(200);
    expect((await j.as('quinn', 'POST', '/reviews', { period: '2028-Q4' })).status).toBe(201);
    const review = (await j.as('quinn', 'GET', '/reviews/2028-Q4')).body;
    // Worked out from the steps above: one major complaint (the plain one is not), E1 adjust,
    // E2 escalate, one interval missed (S + 26 h) before the close at S + 30 h.
    expect(review.liveEvaluation).toEqual({ majorComplaints: 1, evaluations: 2, adjusted: 1, escalated: 1, missedIntervals: 1 });
    expect(review.major).toBe(1);
    // The on-time KPIs know no live evaluation deadline.
    expect(Object.keys(review.indicators.onTime)).not.toContain('liveEvaluation');
  });
});
