/**
 * US replies carry the CFPB company response category staff chose (issue 19): the use case on
 * fakes, in the US region. Required there, refused elsewhere, each naming the field.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../functions/domain/authorization.ts';
import { createBusinessCalendar } from '../../functions/domain/business-calendar.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { SubmitComplaintRequest } from '../../functions/contract/submit-complaint.schema.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { ValidationError } from '../../functions/shared/errors.ts';
import { openStaffTask } from '../../functions/use-cases/workflow/lifecycle.ts';
import { claimTask, completeInvestigation, submitReply } from '../../functions/use-cases/staff/staff-actions.ts';
import { submitComplaint } from '../../functions/use-cases/intake/submit-complaint.ts';
import { FakeAccessAttempts, FakeAuditLog, FakeRepository, FakeWorkflow } from '../support/fakes.ts';

const leo: Actor = { id: 'leo', name: 'Leo Handler', roles: ['handler'], department: 'retail' };
const investigation = { rootCause: 'Wrong fee table', responsiblePeople: 'Fees team', correctiveMeasures: 'Fee table fixed', correctionResult: 'Refunded' };

async function atReply(regionName: 'us' | 'cn') {
  const repo = new FakeRepository();
  const region = REGIONS[regionName];
  const deps = {
    repo,
    workflow: new FakeWorkflow(),
    clock: new ManualClock(new Date('2026-03-02T15:00:00Z')),
    region,
    calendar: createBusinessCalendar(region.calendar),
    audit: new FakeAuditLog(),
    accessAttempts: new FakeAccessAttempts(),
  };
  const body = SubmitComplaintRequest.parse({
    language: 'en',
    complainant: { name: 'Sam Lee', contact: { email: 'sam.lee@example.com' } },
    matter: { description: 'A fee was taken twice' },
    businessLine: 'deposits',
    consent: { personalData: true },
  });
  const { reference } = (await submitComplaint(body, { channel: 'web' }, deps)).body;
  let token = 0;
  const open = (stage: 'INVESTIGATION' | 'REPLY') => openStaffTask({ reference, stage, taskToken: `t${++token}`, executionName: reference }, deps);
  await open('INVESTIGATION');
  await claimTask(deps, leo, reference);
  await completeInvestigation(deps, leo, reference, investigation);
  await open('REPLY');
  return { deps, repo, reference };
}

const fields = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ValidationError);
  return (e as ValidationError).issues.map((d) => d.field);
};

describe('the CFPB company response category on a US reply', () => {
  it('is required in the US, named in the reply and recorded on the complaint', async () => {
    const { deps, repo, reference } = await atReply('us');
    expect(await fields(submitReply(deps, leo, reference, { subject: 'Our answer', text: 'We refunded the fee.' }))).toEqual(['cfpbResponse']);
    const sent = await submitReply(deps, leo, reference, {
      subject: 'Our answer',
      text: 'We refunded the fee.',
      cfpbResponse: 'closed-with-monetary-relief',
      outcome: { result: 'upheld' },
    });
    expect(sent.status).toBe('sent');
    const c = repo.complaints.get(reference)!;
    expect(c.reply).toMatchObject({ by: 'leo', cfpbResponse: 'closed-with-monetary-relief' });
    expect(c.finalResponse).toEqual({ kind: 'final', sentAt: '2026-03-02T15:00:00.000Z' });
    const reply = repo.msgs.get(reference)!.find((m) => m.kind === 'reply')!;
    expect(reply.text).toContain('Our response: Closed with monetary relief.');
    expect(reply.text).toContain('www.consumerfinance.gov/complaint');
  });

  it('is refused outside the US, naming the field', async () => {
    const { deps, reference } = await atReply('cn');
    expect(await fields(submitReply(deps, leo, reference, { subject: 'Our answer', text: 'We refunded the fee.', cfpbResponse: 'in-progress' }))).toEqual([
      'cfpbResponse',
    ]);
  });
});
