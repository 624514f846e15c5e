/**
 * Issue 16 finding 9: a real complaint is never refused for its length. A description of
 * 50,000 characters is accepted and stored whole; the complaint item - rewritten at every step
 * - stays well within DynamoDB's 400 KB item limit with every other field at its maximum, in
 * Chinese (3 UTF-8 bytes a character), through the investigation.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { itemSize } from '../../bench/dynamo-units.ts';
import type { Actor } from '../../functions/domain/authorization.ts';
import { DESCRIPTION_MAX_CHARS } from '../../functions/domain/complaint.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { SubmitComplaintRequest } from '../../functions/contract/submit-complaint.schema.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { openStaffTask } from '../../functions/use-cases/workflow/lifecycle.ts';
import { claimTask, completeInvestigation } from '../../functions/use-cases/staff/staff-actions.ts';
import { submitComplaint } from '../../functions/use-cases/intake/submit-complaint.ts';
import { FakeRepository, FakeWorkflow } from '../support/fakes.ts';
import { productionCalendar } from '../support/calendars.ts';

const han = (n: number) => '投诉银行信用卡重复扣费问题'.repeat(Math.ceil(n / 13)).slice(0, n);
const size = (item: object) => itemSize(marshall(item, { removeUndefinedValues: true }) as never);
const ITEM_LIMIT = 400 * 1024;

describe('long descriptions', () => {
  it('the schema takes 50,000 characters (the longest real one seen: 21,928) and says the limit beyond it', () => {
    expect(DESCRIPTION_MAX_CHARS).toBeGreaterThanOrEqual(50_000);
    const ok = SubmitComplaintRequest.safeParse({ complainant: { anonymous: true }, matter: { description: han(50_000) } });
    expect(ok.success).toBe(true);
    const over = SubmitComplaintRequest.safeParse({ complainant: { anonymous: true }, matter: { description: han(DESCRIPTION_MAX_CHARS + 1) } });
    expect(over.success).toBe(false);
  });

  it('every field at its maximum, in Chinese: the complaint item stays under 400 KB through the investigation, the description whole', async () => {
    const repo = new FakeRepository();
    const region = REGIONS.cn;
    const deps = {
      repo,
      workflow: new FakeWorkflow(),
      clock: new ManualClock(new Date('2026-03-02T01:00:00Z')),
      region,
      calendar: productionCalendar(region.name),
    };
    await repo.putStaff({ id: 'hana', name: 'Hana Handler', email: 'hana@bank.example', roles: ['handler'], department: 'cards' });
    const description = han(DESCRIPTION_MAX_CHARS);
    const { body } = await submitComplaint(
      SubmitComplaintRequest.parse({
        language: 'zh-CN',
        complainant: { name: han(200), gender: 'female', age: 40, contact: { email: 'li.wei@example.com', phone: '+86 138 0000 0000', address: han(500) } },
        target: { department: 'cards', staffMember: han(200) },
        matter: { description, cause: han(2_000), demand: han(2_000) },
        occurredAt: '2026-02-27',
        place: han(500),
        businessLine: '信用卡',
        amount: { value: 120.5, currency: 'CNY' },
        consent: { personalData: true },
      }),
      { channel: 'web' },
      deps,
    );
    const ref = body.reference;
    const measure = () =>
      size({
        PK: `COMPLAINT#${ref}`,
        SK: 'META',
        type: 'Complaint',
        OPENPK: 'OPEN#0',
        OPENSK: `9999-12-31T00:00:00.000Z#${ref}`,
        ...repo.complaints.get(ref)!,
      });
    const atIntake = measure();
    await openStaffTask({ reference: ref, stage: 'INVESTIGATION', taskToken: 't1', executionName: ref }, deps);
    const hana: Actor = { id: 'hana', name: 'Hana Handler', roles: ['handler'], department: 'cards' };
    await claimTask(deps, hana, ref);
    await completeInvestigation(deps, hana, ref, {
      rootCause: han(4_000),
      responsiblePeople: han(1_000),
      correctiveMeasures: han(4_000),
      correctionResult: han(4_000),
    });
    const investigated = measure();
    expect(repo.complaints.get(ref)!.matter.description).toBe(description);
    expect(atIntake).toBeGreaterThan(150_000); // the description alone is 150 KB: nothing was cut
    expect(investigated).toBeLessThan(ITEM_LIMIT * 0.6);
    // No other item copies the description: history and messages stay small.
    for (const h of repo.histories.get(ref)!) expect(size(h)).toBeLessThan(ITEM_LIMIT / 4);
    for (const m of repo.msgs.get(ref)!) expect(size(m)).toBeLessThan(20 * 1024);
  });
});
