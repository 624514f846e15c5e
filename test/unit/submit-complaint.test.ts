import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REGIONS } from '../../functions/domain/regions.ts';
import { SubmitComplaintRequest } from '../../functions/contract/submit-complaint.schema.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { IdempotencyMismatchError } from '../../functions/shared/errors.ts';
import { getComplaintStatus } from '../../functions/use-cases/customer/get-complaint-status.ts';
import { resumeOrphans } from '../../functions/use-cases/workflow/resume-orphans.ts';
import { submitComplaint } from '../../functions/use-cases/intake/submit-complaint.ts';
import { startWorkflowFor } from '../../functions/use-cases/workflow/start-workflows.ts';
import { openStaffTask } from '../../functions/use-cases/workflow/lifecycle.ts';
import { FakeAccessAttempts, FakeAuditLog, FakeRepository, FakeWorkflow } from '../support/fakes.ts';
import { productionCalendar } from '../support/calendars.ts';

let phone = 1000;
/** A complaint from a new customer each time (one customer's repeats are linked for staff). */
const bodyOf = () =>
  SubmitComplaintRequest.parse({
    complainant: { name: 'Wang Fang', contact: { phone: `+86 138 0000 ${phone++}` } },
    matter: { description: 'Wrong fee on my account' },
    consent: { personalData: true },
  });
const body = bodyOf();

function setup(region: keyof typeof REGIONS = 'uk', at = '2026-04-02T10:00:00Z') {
  const repo = new FakeRepository();
  const workflow = new FakeWorkflow();
  const clock = new ManualClock(new Date(at));
  const r = REGIONS[region];
  return {
    repo,
    workflow,
    clock,
    deps: {
      repo,
      workflow,
      clock,
      region: r,
      calendar: productionCalendar(r.name),
      audit: new FakeAuditLog(),
      accessAttempts: new FakeAccessAttempts(),
    },
  };
}

describe('submitComplaint', () => {
  it('registers with the region prefix, the year and a sequence; the workflow is started from the stream, named after the reference', async () => {
    const { deps, repo, workflow } = setup('uk');
    const a = await submitComplaint(body, { channel: 'web' }, deps);
    const b = await submitComplaint(bodyOf(), { channel: 'web' }, deps);
    expect([a.body.reference, b.body.reference]).toEqual(['UK-2026-000001', 'UK-2026-000002']);
    expect(workflow.started).toEqual([]); // not on the customer's request
    for (const ref of [a.body.reference, b.body.reference]) await startWorkflowFor(repo.complaints.get(ref)!, workflow);
    expect(workflow.started).toEqual([
      { name: 'UK-2026-000001', input: { reference: 'UK-2026-000001', resumeAt: 'RECEIVED' } },
      { name: 'UK-2026-000002', input: { reference: 'UK-2026-000002', resumeAt: 'RECEIVED' } },
    ]);
    // A redelivered record of a complaint already moving on starts nothing.
    const moved = { ...repo.complaints.get(a.body.reference)!, stage: 'INVESTIGATION' as const };
    expect(await startWorkflowFor(moved, workflow)).toEqual({ reference: a.body.reference, started: false });
    const stored = repo.complaints.get('UK-2026-000001')!;
    expect(stored).toMatchObject({ status: 'OPEN', stage: 'RECEIVED', channel: 'web', language: 'en', executionName: 'UK-2026-000001' });
    // The access code is never stored, only its salted hash.
    expect(JSON.stringify([...repo.complaints.values(), ...repo.secrets.values()])).not.toContain(a.body.accessCode);
  });

  it('states the UK final-response deadline of 8 weeks in the acknowledgement (DISP 1.6)', async () => {
    const { deps } = setup('uk', '2026-04-02T10:00:00Z');
    const r = await submitComplaint(body, { channel: 'web' }, deps);
    expect(r.body.acknowledgement.responseDeadline.dueAt).toBe('2026-05-28T22:59:59.999Z'); // 56 days, end of the London day (BST)
    expect(r.body.acknowledgement.message).toContain('28 May 2026');
  });

  it('writes Chinese acknowledgements in the CN region by default', async () => {
    const { deps } = setup('cn', '2026-09-30T02:00:00Z');
    const r = await submitComplaint(body, { channel: 'web' }, deps);
    expect(r.body.reference).toMatch(/^CN-2026-/);
    expect(r.body.acknowledgement.message).toMatch(/您的投诉已受理/);
  });

  it('keeps the complaint when the workflow cannot start: the stream retries, the sweeper is the backstop', async () => {
    const { deps, repo, workflow, clock } = setup();
    const r = await submitComplaint(body, { channel: 'web' }, deps);
    workflow.failStart = new Error('ThrottlingException');
    await expect(startWorkflowFor(repo.complaints.get(r.body.reference)!, workflow)).rejects.toThrow('Throttling');
    expect(repo.complaints.has(r.body.reference)).toBe(true);
    workflow.failStart = undefined;
    clock.advance(10 * 60_000);
    const swept = await resumeOrphans({ repo, workflow, clock, graceSeconds: 300 });
    expect(swept.resumed.map((x) => x.reference)).toEqual([r.body.reference]);
  });

  it('writes nothing when the transaction fails', async () => {
    const { deps, repo } = setup();
    repo.failCreate = new Error('TransactionCanceled');
    await expect(submitComplaint(body, { channel: 'web' }, deps)).rejects.toThrow('TransactionCanceled');
    expect(repo.complaints.size).toBe(0);
  });

  it('replays the stored answer for a repeated key and refuses the key with another body', async () => {
    const { deps, repo } = setup();
    const a = await submitComplaint(body, { channel: 'web', idempotencyKey: 'key-12345678' }, deps);
    const b = await submitComplaint(body, { channel: 'web', idempotencyKey: 'key-12345678' }, deps);
    expect(b).toEqual({ ...a, replayed: true });
    expect(repo.complaints.size).toBe(1);
    const other = { ...body, matter: { description: 'Something else' } };
    await expect(submitComplaint(other, { channel: 'web', idempotencyKey: 'key-12345678' }, deps)).rejects.toBeInstanceOf(IdempotencyMismatchError);
  });
});

describe('getComplaintStatus', () => {
  it('shows the customer-visible history only, and refuses a wrong code like an unknown reference', async () => {
    const { deps, repo } = setup();
    const r = await submitComplaint(body, { channel: 'web' }, deps);
    repo.histories
      .get(r.body.reference)!
      .push({ reference: r.body.reference, at: 'x', actor: 'staff-1', action: 'note', visibleToCustomer: false, summary: 'internal' });
    const s = await getComplaintStatus(r.body.reference, r.body.accessCode, deps);
    expect(s.history.map((h) => h.action)).toEqual(['received']);
    await expect(getComplaintStatus(r.body.reference, 'WRONG-CODE1', deps)).rejects.toMatchObject({ statusCode: 404 });
    await expect(getComplaintStatus('UK-2026-999999', r.body.accessCode, deps)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('marks the final-response deadline breached once it has passed', async () => {
    const { deps, clock } = setup('us', '2026-03-02T15:00:00Z');
    const r = await submitComplaint(body, { channel: 'web' }, deps);
    clock.advance(61 * 86400_000);
    const s = await getComplaintStatus(r.body.reference, r.body.accessCode, deps);
    expect(s.deadlines.finalResponse.state).toBe('breached');
  });
});

describe('resumeOrphans', () => {
  it('starts a new execution at the persisted stage for open complaints without a live one, once', async () => {
    const { deps, repo, workflow, clock } = setup();
    const a = await submitComplaint(bodyOf(), { channel: 'web' }, deps);
    const b = await submitComplaint(bodyOf(), { channel: 'web' }, deps);
    await openStaffTask({ reference: a.body.reference, stage: 'REPLY', taskToken: 't1', executionName: a.body.reference }, deps);
    workflow.running.clear(); // the engine lost its executions
    workflow.running.add(b.body.reference); // ... except b's
    clock.advance(10 * 60_000);
    const swept = await resumeOrphans({ repo, workflow, clock, graceSeconds: 300 });
    expect(swept.resumed).toEqual([{ reference: a.body.reference, stage: 'REPLY', executionName: `${a.body.reference}--r1` }]);
    expect(workflow.started.at(-1)).toEqual({ name: `${a.body.reference}--r1`, input: { reference: a.body.reference, resumeAt: 'REPLY' } });
    const again = await resumeOrphans({ repo, workflow, clock, graceSeconds: 300 });
    expect(again.resumed).toEqual([]);
  });

  it('leaves complaints inside the grace period alone (their start may be in flight)', async () => {
    const { deps, repo, workflow, clock } = setup();
    workflow.failStart = new Error('down');
    await submitComplaint(body, { channel: 'web' }, deps);
    workflow.failStart = undefined;
    clock.advance(60_000);
    expect((await resumeOrphans({ repo, workflow, clock, graceSeconds: 300 })).resumed).toEqual([]);
    clock.advance(5 * 60_000);
    expect((await resumeOrphans({ repo, workflow, clock, graceSeconds: 300 })).resumed).toHaveLength(1);
  });
});

describe('repeats (CN Order 2020): never merged from an unverified submission (issue 16 finding 1)', () => {
  const victimBody = () =>
    SubmitComplaintRequest.parse({
      complainant: { name: 'Li Na', contact: { email: 'li.na@example.com' } },
      consent: { personalData: true },
      businessLine: 'cards',
      matter: { description: 'The annual fee on my credit card was charged twice in January without my consent' },
    });
  const lookAlike = (email: string) =>
    SubmitComplaintRequest.parse({
      complainant: { name: 'Stranger', contact: { email } },
      consent: { personalData: true },
      businessLine: 'cards',
      matter: { description: 'My credit card annual fee was charged twice in January without my consent' },
    });
  /** What an answer looks like with its own reference, code and dates taken out. */
  const shape = (b: { reference: string; accessCode: string; acknowledgement: { message: string } }) => ({
    ...b,
    reference: '<ref>',
    accessCode: '<code>',
    acknowledgement: { ...b.acknowledgement, message: b.acknowledgement.message.replace(b.reference, '<ref>') },
  });

  it('a look-alike submission gets its own reference and code, worded as a fresh complaint; its code does not open the earlier one, which is untouched', async () => {
    const { deps, repo } = setup('cn', '2026-03-02T01:00:00Z');
    const victim = await submitComplaint(victimBody(), { channel: 'web' }, deps);
    const before = structuredClone(repo.complaints.get(victim.body.reference)!);
    const stranger = await submitComplaint(lookAlike('LI.NA@Example.COM'), { channel: 'web' }, deps);
    expect(stranger.body.reference).not.toBe(victim.body.reference);
    expect(stranger.body.acknowledgement.message).not.toMatch(/added|并入/);
    expect(shape(stranger.body)).toEqual(shape(victim.body));
    await expect(getComplaintStatus(victim.body.reference, stranger.body.accessCode, deps)).rejects.toThrow(/No complaint matches/);
    expect(repo.complaints.get(victim.body.reference)).toEqual(before);
    expect((await getComplaintStatus(victim.body.reference, victim.body.accessCode, deps)).history.map((h) => h.action)).toEqual(['received']);
    // Linked for staff, on the new complaint only, never on a page the customer sees.
    const linked = repo.complaints.get(stranger.body.reference)!;
    expect(linked.relatedTo).toMatchObject({ reference: victim.body.reference, reason: 'possible-repeat' });
    expect(repo.histories.get(stranger.body.reference)!.find((h) => h.action === 'repeat-suspected')).toMatchObject({
      visibleToCustomer: false,
      summary: expect.stringContaining(`possibly a repeat of ${victim.body.reference}`),
    });
    const page = await getComplaintStatus(stranger.body.reference, stranger.body.accessCode, deps);
    expect(JSON.stringify(page)).not.toContain(victim.body.reference);
  });

  it('property: whatever the case of the email, a repeat never gets the earlier reference, nor an answer that differs from a fresh one', async () => {
    const { deps } = setup('cn', '2026-03-02T01:00:00Z');
    const victim = await submitComplaint(victimBody(), { channel: 'web' }, deps);
    const variants = fc
      .array(fc.boolean(), { minLength: 17, maxLength: 17 })
      .map((up) => [...'li.na@example.com'].map((ch, i) => (up[i] ? ch.toUpperCase() : ch)).join(''));
    await fc.assert(
      fc.asyncProperty(variants, async (email) => {
        const r = await submitComplaint(lookAlike(email), { channel: 'web' }, deps);
        expect(r.body.reference).not.toBe(victim.body.reference);
        expect(shape(r.body)).toEqual(shape(victim.body));
      }),
      { numRuns: 25 },
    );
  });

  it('does not even link another matter, another customer, or an anonymous complaint', async () => {
    const { deps, repo } = setup('cn');
    const first = bodyOf();
    await submitComplaint(first, { channel: 'web' }, deps);
    await submitComplaint({ ...first, matter: { description: 'The branch queue was two hours long and nobody helped' } }, { channel: 'web' }, deps);
    await submitComplaint({ ...first, complainant: { ...first.complainant, contact: { phone: '+86 139 9999 9999' } } }, { channel: 'web' }, deps);
    await submitComplaint(SubmitComplaintRequest.parse({ complainant: { anonymous: true }, matter: first.matter }), { channel: 'web' }, deps);
    expect(repo.complaints.size).toBe(4);
    expect([...repo.complaints.values()].filter((c) => c.relatedTo)).toEqual([]);
  });
});
