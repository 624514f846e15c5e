/**
 * Registration needs no workflow state of its own (issue 8: 4 billed transitions per typical
 * complaint, not 5): opening the investigation task registers, classifies and routes a new
 * complaint in that task's one commit. The use cases on fakes; the same path on the real
 * runtime and state machine: test/integration/lifecycle.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Change } from '../../functions/domain/model.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { SubmitComplaintRequest } from '../../functions/contract/submit-complaint.schema.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { openStaffTask } from '../../functions/use-cases/workflow/lifecycle.ts';
import { assessComplaint } from '../../functions/use-cases/workflow/registration.ts';
import { submitComplaint } from '../../functions/use-cases/intake/submit-complaint.ts';
import { FakeRepository, FakeWorkflow } from '../support/fakes.ts';
import { productionCalendar } from '../support/calendars.ts';

class CountingRepository extends FakeRepository {
  changes: Change[] = [];
  override async commit(ch: Change) {
    this.changes.push(structuredClone(ch));
    return super.commit(ch);
  }
}

async function submitted(description = 'The annual fee was charged twice on my card', amount?: number) {
  const repo = new CountingRepository();
  const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
  const region = REGIONS.cn;
  const deps = { repo, workflow: new FakeWorkflow(), clock, region, calendar: productionCalendar(region.name) };
  await repo.putStaff({ id: 'mia', name: 'Mia', roles: ['manager'], department: 'cards' } as never);
  const { body } = await submitComplaint(
    SubmitComplaintRequest.parse({
      complainant: { name: 'Li Wei', contact: { email: 'li.wei@example.com' } },
      matter: { description },
      businessLine: 'cards',
      consent: { personalData: true },
      ...(amount ? { amount: { value: amount, currency: 'CNY' } } : {}),
    }),
    { channel: 'web' },
    deps,
  );
  repo.changes = [];
  return { repo, deps, clock, reference: body.reference };
}

describe('opening the investigation task registers a new complaint', () => {
  it('in one commit: classification, routing, deadlines and the queue, with its history: one entry for the customer, one for staff', async () => {
    const { repo, deps, reference } = await submitted();
    const before = repo.complaints.get(reference)!;
    expect(before.classification).toBeUndefined();
    await openStaffTask({ reference, stage: 'INVESTIGATION', taskToken: 't1', executionName: reference }, deps);
    expect(repo.changes).toHaveLength(1);
    const [change] = repo.changes;
    expect(change.expectedVersion).toBe(before.version);
    expect(change.complaint).toMatchObject({
      stage: 'INVESTIGATION',
      version: before.version + 1,
      classification: { nature: 'operation' }, // charged twice
      routing: { departments: ['cards'] },
      assignment: { team: 'cards' },
    });
    expect(change.complaint.deadlines.register.metAt).toBe('2026-03-02T01:00:00.000Z');
    expect(change.complaint.deadlines.qualityControl.metAt).toBe('2026-03-02T01:00:00.000Z');
    expect(change.history.map((h) => h.action)).toEqual(['registered', 'assessed']);
    // One entry for the customer (registration and investigation at once), one for staff (the classification and the route).
    expect(change.history.map((h) => h.visibleToCustomer)).toEqual([true, false]);
    expect(change.history[0].summary).toBe('Your complaint is registered and is being investigated');
    expect(change.history[1].after).toMatchObject({
      classification: { nature: 'operation' }, // charged twice
      routing: { departments: ['cards'] },
      assignment: { team: 'cards' },
    });
    expect(change.task && 'put' in change.task && change.task.put).toMatchObject({ stage: 'INVESTIGATION', team: 'cards', taskToken: 't1', status: 'open' });
  });

  it('a major complaint: its manager leads it and is told in the same commit', async () => {
    const { repo, deps, reference } = await submitted('Fraudulent transfers drained my account', 5_000_000);
    await openStaffTask({ reference, stage: 'INVESTIGATION', taskToken: 't1', executionName: reference }, deps);
    expect(repo.changes).toHaveLength(1);
    const [change] = repo.changes;
    expect(change.complaint.routing?.major).toBe(true);
    expect(change.complaint.assignment).toEqual({ team: 'cards', manager: 'mia', assignee: 'mia' });
    expect(change.messages?.map((m) => ({ kind: m.kind, to: m.to }))).toEqual([{ kind: 'escalation', to: 'mia' }]);
  });

  it('is done once: a re-opened investigation (dissatisfied callback, resumed workflow) keeps the assessment and its history', async () => {
    const { repo, deps, reference } = await submitted();
    await openStaffTask({ reference, stage: 'INVESTIGATION', taskToken: 't1', executionName: reference }, deps);
    const assessed = repo.complaints.get(reference)!;
    await openStaffTask({ reference, stage: 'INVESTIGATION', taskToken: 't2', executionName: `${reference}--r1` }, deps);
    expect(repo.changes).toHaveLength(2);
    expect(repo.changes[1].history.map((h) => h.action)).toEqual(['task-reopened']);
    expect(repo.complaints.get(reference)!.classification).toEqual(assessed.classification);
    // The same token again (Step Functions retried the invocation): nothing is written.
    await openStaffTask({ reference, stage: 'INVESTIGATION', taskToken: 't2', executionName: `${reference}--r1` }, deps);
    expect(repo.changes).toHaveLength(2);
  });

  it('the Assess step that executions started before the fold still call assesses once, and the investigation then only opens its task', async () => {
    const { repo, deps, reference } = await submitted();
    const first = await assessComplaint({ reference }, deps);
    expect(await assessComplaint({ reference }, deps)).toEqual(first);
    expect(repo.changes).toHaveLength(1);
    await openStaffTask({ reference, stage: 'INVESTIGATION', taskToken: 't1', executionName: reference }, deps);
    expect(repo.changes[1].history.map((h) => h.action)).toEqual(['stage:investigation']);
  });
});
