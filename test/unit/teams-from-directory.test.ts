/**
 * Issue 16 finding 5: teams come from the staff directory. A department the customer names that
 * no team staffs routes to the complaints desk, keeping the customer's words; a manager may
 * reassign only to a team the directory staffs (otherwise 400 naming the field).
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../functions/domain/authorization.ts';
import { COMPLAINTS_DESK } from '../../functions/domain/classification.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { SubmitComplaintRequest } from '../../functions/contract/submit-complaint.schema.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { ValidationError } from '../../functions/shared/errors.ts';
import { openStaffTask } from '../../functions/use-cases/workflow/lifecycle.ts';
import { reassign } from '../../functions/use-cases/staff/staff-actions.ts';
import { submitComplaint } from '../../functions/use-cases/intake/submit-complaint.ts';
import { FakeRepository, FakeWorkflow } from '../support/fakes.ts';
import { productionCalendar } from '../support/calendars.ts';

const mia: Actor = { id: 'mia', name: 'Mia Manager', roles: ['manager'], department: 'cards' };

async function investigated(target: { department?: string }, businessLine = 'cards') {
  const repo = new FakeRepository();
  const region = REGIONS.cn;
  const deps = {
    repo,
    workflow: new FakeWorkflow(),
    clock: new ManualClock(new Date('2026-03-02T01:00:00Z')),
    region,
    calendar: productionCalendar(region.name),
  };
  for (const [id, department, roles] of [
    ['sam', 'complaints', ['specialist']],
    ['hana', 'cards', ['handler']],
    ['mia', 'cards', ['manager']],
    ['leo', 'loans', ['handler']],
    ['gone', 'treasury', ['handler']],
  ] as const) {
    await repo.putStaff({ id, name: id, email: `${id}@bank.example`, roles: [...roles], department, ...(id === 'gone' ? { disabled: true } : {}) });
  }
  const { body } = await submitComplaint(
    SubmitComplaintRequest.parse({
      complainant: { name: 'Li Wei', contact: { email: 'li.wei@example.com' } },
      matter: { description: 'Nobody answers my letters about the card fee' },
      businessLine,
      target,
      consent: { personalData: true },
    }),
    { channel: 'web' },
    deps,
  );
  await openStaffTask({ reference: body.reference, stage: 'INVESTIGATION', taskToken: 't1', executionName: body.reference }, deps);
  return { repo, deps, reference: body.reference, c: repo.complaints.get(body.reference)! };
}

describe('a department the customer names that no team staffs', () => {
  it('"Customer Experience" (and a business line no team staffs): the complaints desk queue, the customer\'s words kept for staff', async () => {
    const { c, repo, reference } = await investigated({ department: 'Customer Experience' }, 'wealth management');
    expect(COMPLAINTS_DESK).toBe('complaints');
    expect(c.assignment?.team).toBe('complaints');
    expect(c.routing?.departments).toEqual(['complaints']);
    expect(c.routing?.unstaffed).toEqual(['customer-experience', 'wealth']);
    expect(c.target?.department).toBe('Customer Experience');
    expect(repo.tasks.get(reference)?.team).toBe('complaints');
    expect((await repo.queue('complaints')).map((t) => t.reference)).toEqual([reference]);
    expect(repo.histories.get(reference)!.find((h) => h.action === 'assessed')!.summary).toContain(
      'no team staffs customer-experience, wealth: complaints desk',
    );
  });

  it('a staffed team named with another: kept, the unstaffed one is dropped and noted', async () => {
    const { c } = await investigated({ department: 'Loans, Treasury' });
    // treasury's only member is disabled: not staffed.
    expect(c.routing?.departments).toEqual(['cards', 'loans']);
    expect(c.routing?.unstaffed).toEqual(['treasury']);
    expect(c.assignment?.team).toBe('cards');
  });

  it('a staffed department is routed as before', async () => {
    const { c } = await investigated({ department: 'Loans' });
    expect(c.routing?.departments).toEqual(['loans', 'cards']);
    expect(c.routing?.unstaffed).toBeUndefined();
    expect(c.assignment?.team).toBe('loans');
  });
});

describe('reassignment only to existing teams', () => {
  it.each([['ghost-team;=1+1'], ['Customer Experience'], ['treasury']])('team %j: 400 naming the field, nothing changed', async (team) => {
    const { deps, reference, repo } = await investigated({});
    const before = repo.complaints.get(reference)!;
    const e = await reassign(deps, mia, reference, { team }).catch((x) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.statusCode).toBe(400);
    expect(e.issues).toEqual([{ field: 'team', message: 'must be a team in the staff directory' }]);
    expect(repo.complaints.get(reference)).toEqual(before);
    // With an assignee too: the team is checked all the same.
    expect(await reassign(deps, mia, reference, { assignee: 'leo', team }).catch((x) => x)).toBeInstanceOf(ValidationError);
  });

  it('an existing team (any spelling of it) is accepted', async () => {
    const { deps, reference } = await investigated({});
    expect((await reassign(deps, mia, reference, { team: 'Loans Department' })).assignment).toMatchObject({ team: 'loans' });
  });
});
