/**
 * Issue 16 finding 1: a suspected repeat is merged only by staff, after checking (CN Order
 * 2020: repeats are merged, new facts restart the clock); or unlinked. Both audited by the
 * staff API (test/integration/attacks.test.ts covers the route).
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../functions/domain/authorization.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { SubmitComplaintRequest } from '../../functions/contract/submit-complaint.schema.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { ConflictError, ForbiddenError } from '../../functions/shared/errors.ts';
import { confirmRepeat, mergeComplaint, unlinkComplaint } from '../../functions/use-cases/staff/complaint-links.ts';
import { getComplaintStatus } from '../../functions/use-cases/customer/get-complaint-status.ts';
import { submitComplaint } from '../../functions/use-cases/intake/submit-complaint.ts';
import { FakeAccessAttempts, FakeAuditLog, FakeRepository, FakeWorkflow } from '../support/fakes.ts';
import { productionCalendar } from '../support/calendars.ts';

const sam: Actor = { id: 'sam', name: 'Sam Specialist', roles: ['specialist'], department: 'complaints' };
const leo: Actor = { id: 'leo', name: 'Leo Handler', roles: ['handler'], department: 'loans' };

function setup() {
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
  const req = (description: string) =>
    SubmitComplaintRequest.parse({ complainant: { contact: { email: 'same@example.com' } }, consent: { personalData: true }, matter: { description } });
  return { repo, clock, deps, req };
}
const FIRST = 'The annual fee on my card was charged without my consent in January';

describe('staff merge of a suspected repeat', () => {
  it('merges the checked repeat into the earlier complaint: counted, its code opens it, the customer sees their information added; new facts restart the clock', async () => {
    const { deps, repo, clock, req } = setup();
    const a = await submitComplaint(req(FIRST), { channel: 'web' }, deps);
    const before = repo.complaints.get(a.body.reference)!.deadlines.finalResponse.dueAt;
    clock.advance(3 * 86400_000);
    const b = await submitComplaint(req(`${FIRST} and again in February, twice`), { channel: 'email' }, deps);
    expect(repo.complaints.get(b.body.reference)!.relatedTo?.reference).toBe(a.body.reference);
    // Before the merge, the repeat's code does not open the earlier complaint.
    await expect(getComplaintStatus(a.body.reference, b.body.accessCode, deps)).rejects.toThrow(/No complaint matches/);

    const out = await mergeComplaint(deps, sam, b.body.reference, { into: a.body.reference });
    expect(out).toMatchObject({ merged: b.body.reference, into: a.body.reference, newFacts: true, repeats: 1 });
    const after = repo.complaints.get(a.body.reference)!;
    expect(after.repeats).toBe(1);
    expect(after.deadlines.finalResponse.dueAt > before).toBe(true);
    expect(after.deadlines.finalResponse.rule).toMatch(/restarted/);
    expect(repo.complaints.get(b.body.reference)).toMatchObject({ mergedInto: { reference: a.body.reference, by: 'sam' } });
    expect(repo.complaints.get(b.body.reference)!.relatedTo).toBeUndefined();
    const page = await getComplaintStatus(a.body.reference, b.body.accessCode, deps);
    expect(page.history.map((h) => h.action)).toEqual(['received', 'repeat-merged']);
    expect(repo.histories.get(a.body.reference)!.find((h) => h.action === 'repeat-merged-from')).toMatchObject({
      actor: 'sam',
      visibleToCustomer: false,
      after: { from: b.body.reference },
    });
    // Once only.
    await expect(mergeComplaint(deps, sam, b.body.reference, { into: a.body.reference })).rejects.toBeInstanceOf(ConflictError);
  });

  it('keeps the clock when the repeat brings no new facts', async () => {
    const { deps, repo, req } = setup();
    const a = await submitComplaint(req(FIRST), { channel: 'web' }, deps);
    const before = repo.complaints.get(a.body.reference)!.deadlines.finalResponse.dueAt;
    const b = await submitComplaint(req(FIRST), { channel: 'web' }, deps);
    expect((await mergeComplaint(deps, sam, b.body.reference, { into: a.body.reference })).newFacts).toBe(false);
    expect(repo.complaints.get(a.body.reference)!.deadlines.finalResponse.dueAt).toBe(before);
  });

  it('is refused to staff who may not act on both complaints, into itself, and into a closed or merged one', async () => {
    const { deps, repo, req } = setup();
    const a = await submitComplaint(req(FIRST), { channel: 'web' }, deps);
    const b = await submitComplaint(req(FIRST), { channel: 'web' }, deps);
    await expect(mergeComplaint(deps, leo, b.body.reference, { into: a.body.reference })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(mergeComplaint(deps, sam, b.body.reference, { into: b.body.reference })).rejects.toBeInstanceOf(ConflictError);
    repo.complaints.set(a.body.reference, { ...repo.complaints.get(a.body.reference)!, status: 'CLOSED' });
    await expect(mergeComplaint(deps, sam, b.body.reference, { into: a.body.reference })).rejects.toThrow(/closed/);
    expect(repo.complaints.get(a.body.reference)!.repeats).toBeUndefined();
  });

  it('unlink drops the link only, on the record', async () => {
    const { deps, repo, req } = setup();
    const a = await submitComplaint(req(FIRST), { channel: 'web' }, deps);
    const b = await submitComplaint(req(FIRST), { channel: 'web' }, deps);
    expect(await unlinkComplaint(deps, sam, b.body.reference)).toEqual({ unlinked: b.body.reference, was: a.body.reference });
    expect(repo.complaints.get(b.body.reference)!.relatedTo).toBeUndefined();
    expect(repo.histories.get(b.body.reference)!.at(-1)).toMatchObject({ action: 'link-removed', actor: 'sam', visibleToCustomer: false });
    await expect(unlinkComplaint(deps, sam, b.body.reference)).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('automatic merge after proving the contact on file (a one-time code mailed there)', () => {
  const codeIn = (text: string) => /([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(text)![1];
  it("mails a code to the earlier complaint's email only; with it, the sender of the repeat has the two merged at once", async () => {
    const { deps, repo, req } = setup();
    const a = await submitComplaint(req(FIRST), { channel: 'web' }, deps);
    const b = await submitComplaint(req(`${FIRST} and again in February`), { channel: 'web' }, deps);
    // The answer to the submission says nothing of it; the code goes to the email on file, naming only the new complaint.
    expect(JSON.stringify(b.body)).not.toMatch(/confirm/i);
    const mailed = repo.msgs.get(b.body.reference)!.find((m) => m.kind === 'progress')!;
    expect(mailed).toMatchObject({ channel: 'email', to: 'same@example.com', status: 'queued', audience: 'customer' });
    expect(mailed.text).not.toContain(a.body.reference);
    expect(JSON.stringify(repo.complaints.get(b.body.reference))).not.toContain(codeIn(mailed.text));

    const out = await confirmRepeat(deps, b.body.reference, b.body.accessCode, codeIn(mailed.text).toLowerCase());
    expect(out).toEqual({ merged: true, reference: a.body.reference });
    expect(repo.complaints.get(a.body.reference)!.repeats).toBe(1);
    expect(repo.complaints.get(b.body.reference)!.mergedInto).toMatchObject({ reference: a.body.reference, by: 'customer' });
    expect((await getComplaintStatus(a.body.reference, b.body.accessCode, deps)).history.map((h) => h.action)).toContain('repeat-merged');
    expect(deps.audit.entries.at(-1)).toMatchObject({ operation: 'confirmRepeat', outcome: 'ok', reference: b.body.reference });
  });

  it('without the code nothing is merged; five wrong codes void it; no pending code is answered like a wrong one', async () => {
    const { deps, repo, req } = setup();
    const a = await submitComplaint(req(FIRST), { channel: 'web' }, deps);
    const b = await submitComplaint(req(FIRST), { channel: 'web' }, deps);
    const right = codeIn(repo.msgs.get(b.body.reference)!.find((m) => m.kind === 'progress')!.text);
    const answers: string[] = [];
    for (let i = 0; i < 5; i++)
      answers.push(
        await confirmRepeat(deps, b.body.reference, b.body.accessCode, `WRONG-${i}0000`).then(
          () => 'merged',
          (e) => e.message,
        ),
      );
    answers.push(
      await confirmRepeat(deps, b.body.reference, b.body.accessCode, right).then(
        () => 'merged',
        (e) => e.message,
      ),
    );
    expect(new Set(answers)).toEqual(new Set(['This confirmation code is not valid for this complaint']));
    expect(repo.complaints.get(a.body.reference)!.repeats).toBeUndefined();
    // A complaint with no code pending (no repeat at all): the same answer.
    const lone = await submitComplaint(
      SubmitComplaintRequest.parse({
        complainant: { contact: { email: 'other@example.com' } },
        consent: { personalData: true },
        matter: { description: 'Another matter' },
      }),
      { channel: 'web' },
      deps,
    );
    await expect(confirmRepeat(deps, lone.body.reference, lone.body.accessCode, right)).rejects.toThrow(
      'This confirmation code is not valid for this complaint',
    );
    // Without the complaint's own access code: the usual 404 of the customer routes.
    await expect(confirmRepeat(deps, b.body.reference, 'AAAAA-BBBBB', right)).rejects.toThrow(/No complaint matches/);
    // The staff merge remains.
    expect((await mergeComplaint(deps, sam, b.body.reference, { into: a.body.reference })).merged).toBe(b.body.reference);
  });
});
