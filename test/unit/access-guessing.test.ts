/**
 * Finding 3 of issue 16: anyone could lock any customer out. The guesser is throttled, per
 * source; the owner never is: the right code always opens the complaint, and parallel reads
 * never count as failures.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REGIONS } from '../../functions/domain/regions.ts';
import { SubmitComplaintRequest } from '../../functions/contract/submit-complaint.schema.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { NotFoundError, TooManyRequestsError } from '../../functions/shared/errors.ts';
import { getComplaintStatus } from '../../functions/use-cases/customer/get-complaint-status.ts';
import { submitComplaint } from '../../functions/use-cases/intake/submit-complaint.ts';
import { FakeAccessAttempts, FakeAuditLog, FakeRepository, FakeWorkflow } from '../support/fakes.ts';
import { productionCalendar } from '../support/calendars.ts';

const T0 = new Date('2026-03-02T02:00:00Z');
function setup() {
  const repo = new FakeRepository();
  const clock = new ManualClock(T0);
  const audit = new FakeAuditLog();
  const region = REGIONS.cn;
  const deps = {
    repo,
    workflow: new FakeWorkflow(),
    clock,
    region,
    calendar: productionCalendar(region.name),
    audit,
    accessAttempts: new FakeAccessAttempts(),
  };
  let n = 0;
  const submit = async () =>
    (
      await submitComplaint(
        SubmitComplaintRequest.parse({
          complainant: { name: 'Wang Fang', contact: { phone: `+86 138 0000 ${1000 + n++}` } },
          matter: { description: `Wrong fee on my account ${n}` },
          consent: { personalData: true },
        }),
        { channel: 'web' },
        deps,
      )
    ).body;
  return { deps, audit, clock, submit };
}
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e) => (e instanceof TooManyRequestsError ? 429 : e instanceof NotFoundError ? 404 : e),
  );

describe('issue 16 finding 3: throttle the guesser, never the owner', () => {
  it("a stranger's wrong codes on a reference never refuse the owner's right code", async () => {
    const { deps, submit } = setup();
    const { reference, accessCode } = await submit();
    for (let i = 0; i < 30; i++) await outcome(getComplaintStatus(reference, `WRONG-${String(i).padStart(4, '0')}`, deps, { source: '198.51.100.7' }));
    expect(await outcome(getComplaintStatus(reference, accessCode, deps, { source: '203.0.113.9' }))).toBe(200);
  });

  it("the owner's twelve parallel reads with the right code all open it, and none is audited as a refusal", async () => {
    const { deps, audit, submit } = setup();
    const { reference, accessCode } = await submit();
    const results = await Promise.all(Array.from({ length: 12 }, () => outcome(getComplaintStatus(reference, accessCode, deps, { source: '203.0.113.9' }))));
    expect(results).toEqual(Array(12).fill(200));
    expect(audit.entries).toEqual([]);
  });

  it('property: whatever wrong guesses other sources make, on whatever references, the right code opens the complaint', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ source: fc.ipV4(), code: fc.string({ minLength: 0, maxLength: 12 }), other: fc.boolean() }), { maxLength: 40 }),
        async (guesses) => {
          const { deps, submit } = setup();
          const { reference, accessCode } = await submit();
          const { reference: other } = await submit();
          for (const g of guesses) await outcome(getComplaintStatus(g.other ? other : reference, g.code, deps, { source: g.source }));
          expect(await outcome(getComplaintStatus(reference, accessCode, deps, { source: '2001:db8::1' }))).toBe(200);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('the source of a customer request', () => {
  const event = (sourceIp: string, viewer?: string) =>
    ({ headers: viewer ? { 'cloudfront-viewer-address': viewer } : {}, requestContext: { http: { sourceIp } } }) as never;
  it("is CloudFront's viewer address when present (the edge's own address is shared by many customers), else API Gateway's sourceIp", async () => {
    const { customerRequest } = await import('../../functions/http/access-signals.ts');
    expect(customerRequest(event('130.176.1.1', '198.51.100.7:46532'))).toEqual({ source: '198.51.100.7' });
    expect(customerRequest(event('130.176.1.1', '2001:db8::7:46532'))).toEqual({ source: '2001:db8::7' });
    expect(customerRequest(event('203.0.113.9'))).toEqual({ source: '203.0.113.9' });
    expect(customerRequest(event('203.0.113.9', 'garbage'))).toEqual({ source: '203.0.113.9' });
  });
});
