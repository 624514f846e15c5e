/**
 * Access-code guessing: the pure limit (domain/access-throttle.ts) and the guarded check of
 * the customer routes (use-cases/customer-access.ts) with hand-written fakes. The same check
 * against DynamoDB Local, over HTTP, is in test/integration/attacks.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createBusinessCalendar } from '../../functions/domain/business-calendar.ts';
import { ACCESS_POLICY, admit, afterFailure, release } from '../../functions/domain/access-throttle.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { SubmitComplaintRequest } from '../../functions/http/schemas/submit-complaint.schema.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { NotFoundError, TooManyRequestsError } from '../../functions/shared/errors.ts';
import { openAsCustomer } from '../../functions/use-cases/customer-access.ts';
import { getComplaintStatus } from '../../functions/use-cases/get-complaint-status.ts';
import { submitComplaint } from '../../functions/use-cases/submit-complaint.ts';
import { FakeAccessAttempts, FakeAuditLog, FakeRepository, FakeWorkflow } from '../support/fakes.ts';

const T0 = new Date('2026-03-02T02:00:00Z');
const MIN = 60_000;

describe('the limit (pure)', () => {
  it('opens a window at the first attempt, counts up to the limit, then refuses until the window ends', () => {
    let s = admit(undefined, T0);
    expect(s).toMatchObject({ admitted: true, reserved: { failures: 1, windowStart: T0.getTime(), version: 1 } });
    let state = s.admitted ? s.reserved : undefined;
    for (let n = 2; n <= ACCESS_POLICY.maxFailures; n++) {
      s = admit(state, new Date(T0.getTime() + n * 1000));
      expect(s).toMatchObject({ admitted: true, reserved: { failures: n, version: n } });
      state = s.admitted ? s.reserved : undefined;
    }
    // The limit is reached but no lock written yet (attempts still being checked): refused.
    const at = new Date(T0.getTime() + 10 * MIN);
    expect(admit(state, at)).toEqual({ admitted: false, retryAfterSeconds: 5 * 60, locked: true });
    // Once the window is over, a fresh one.
    expect(admit(state, new Date(T0.getTime() + 15 * MIN))).toMatchObject({ admitted: true, reserved: { failures: 1, windowStart: T0.getTime() + 15 * MIN } });
  });

  it('locks at the limit for the lockout time; the lock outlives the window; afterwards a fresh window', () => {
    const reserved = { failures: 5, windowStart: T0.getTime(), version: 5, expiresAt: 0 };
    const at = new Date(T0.getTime() + 14 * MIN);
    const f = afterFailure(reserved, reserved, at);
    expect(f.locked).toBe(true);
    expect(f.next!.lockedUntil).toBe(at.getTime() + 15 * MIN);
    expect(f.next!.expiresAt * 1000).toBeGreaterThan(f.next!.lockedUntil!);
    // Refused even after the window ended, until the lock does.
    expect(admit(f.next, new Date(T0.getTime() + 20 * MIN))).toEqual({ admitted: false, retryAfterSeconds: 9 * 60, locked: true });
    expect(admit(f.next, new Date(at.getTime() + 15 * MIN))).toMatchObject({ admitted: true, reserved: { failures: 1 } });
    // Only one failure locks: already locked, or below the limit, nothing to write.
    expect(afterFailure(f.next!, reserved, at)).toEqual({ locked: false });
    expect(afterFailure({ ...reserved, failures: 4 }, reserved, at)).toEqual({ locked: false });
  });

  it('a right code gives its reservation back, only in the window it was taken in', () => {
    const reserved = { failures: 3, windowStart: T0.getTime(), version: 3, expiresAt: 0 };
    expect(release(reserved, reserved)).toMatchObject({ failures: 2, version: 4 });
    expect(release({ ...reserved, windowStart: T0.getTime() + 1 }, reserved)).toBeUndefined();
  });
});

function setup() {
  const repo = new FakeRepository();
  const clock = new ManualClock(T0);
  const audit = new FakeAuditLog();
  const accessAttempts = new FakeAccessAttempts();
  const region = REGIONS.cn;
  const deps = { repo, workflow: new FakeWorkflow(), clock, region, calendar: createBusinessCalendar(region.calendar), audit, accessAttempts };
  const submit = async () => (await submitComplaint(SubmitComplaintRequest.parse({
    complainant: { name: 'Wang Fang', contact: { phone: '+86 138 0000 1234' } }, matter: { description: 'Wrong fee on my account' }, consent: { personalData: true },
  }), { channel: 'web' }, deps)).body;
  return { repo, clock, audit, accessAttempts, deps, submit };
}

const outcome = (p: Promise<unknown>) => p.then(() => 200, (e) => (e instanceof TooManyRequestsError ? 429 : e instanceof NotFoundError ? 404 : e));

describe('the guarded check of the customer routes', () => {
  it('five wrong codes lock the reference: even the right code is then refused with Retry-After, until the lockout ends', async () => {
    const { deps, clock, audit, submit } = setup();
    const { reference, accessCode } = await submit();
    for (let i = 0; i < 5; i++) expect(await outcome(getComplaintStatus(reference, `WRONG-${i}000`, deps))).toBe(404);
    const refused = await getComplaintStatus(reference, accessCode, deps).catch((e) => e);
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect(refused.retryAfterSeconds).toBe(15 * 60);
    clock.advance(10 * MIN);
    expect((await getComplaintStatus(reference, accessCode, deps).catch((e) => e)).retryAfterSeconds).toBe(5 * 60);
    clock.advance(5 * MIN);
    expect((await getComplaintStatus(reference, accessCode, deps)).reference).toBe(reference);

    // Every failure and every refusal is on the record, and the codes never are.
    const details = audit.entries.map((e) => e.detail);
    expect(audit.entries.every((e) => e.actor === 'customer' && e.reference === reference && e.outcome === 'denied' && e.operation === 'getComplaintStatus')).toBe(true);
    expect(details.slice(0, 4)).toEqual([1, 2, 3, 4].map((n) => `wrong access code (failed attempt ${n} of 5 in the window)`));
    expect(details[4]).toBe('wrong access code; reference locked for 15 minutes after 5 failed attempts');
    expect(details.slice(5)).toEqual(Array(2).fill('refused while locked out after repeated wrong access codes'));
    expect(JSON.stringify(audit.entries)).not.toMatch(/WRONG|accessCode/);
    expect(JSON.stringify(audit.entries)).not.toContain(accessCode);
  });

  it('an unknown reference gets exactly the answers of a wrong code, lockout included', async () => {
    const { deps, submit, audit } = setup();
    const { reference, accessCode } = await submit();
    const unknown = reference.replace(/\d+$/, (n) => String(Number(n) + 1).padStart(n.length, '0'));
    const answers = async (ref: string, code: string) => {
      const out: unknown[] = [];
      for (let i = 0; i < 6; i++) out.push(await getComplaintStatus(ref, code, deps).catch((e) => [e.statusCode, e.message, e.retryAfterSeconds]));
      return out;
    };
    const wrong = await answers(reference, 'AAAAA-BBBBB');
    expect(await answers(unknown, accessCode)).toEqual(wrong);
    expect(wrong.at(-1)).toEqual([429, expect.stringMatching(/Too many attempts/), 900]);
    expect(audit.entries.filter((e) => e.reference === unknown).map((e) => e.detail)[0]).toMatch(/^unknown reference/);
  });

  it('a right code gives its attempt back: a customer who mistypes a few times is not locked out', async () => {
    const { deps, submit, audit } = setup();
    const { reference, accessCode } = await submit();
    for (let i = 0; i < 4; i++) await outcome(getComplaintStatus(reference, 'AAAAA-BBBBB', deps));
    for (let i = 0; i < 3; i++) expect(await outcome(getComplaintStatus(reference, accessCode, deps))).toBe(200);
    expect(audit.entries).toHaveLength(4);
    // The fifth failure in the window locks it.
    expect(await outcome(getComplaintStatus(reference, undefined, deps))).toBe(404);
    expect(audit.entries.at(-1)!.detail).toBe('no access code; reference locked for 15 minutes after 5 failed attempts');
    expect(await outcome(getComplaintStatus(reference, accessCode, deps))).toBe(429);
  });

  it('failures spread over more than the window never lock', async () => {
    const { deps, clock, submit } = setup();
    const { reference, accessCode } = await submit();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expect(await outcome(getComplaintStatus(reference, 'AAAAA-BBBBB', deps))).toBe(404);
      clock.advance(15 * MIN);
    }
    expect(await outcome(getComplaintStatus(reference, accessCode, deps))).toBe(200);
  });

  it('fifty guesses sent at once: at most five codes are checked, the rest are refused, and the reference ends locked', async () => {
    const { deps, repo, submit, accessAttempts } = setup();
    const { reference, accessCode } = await submit();
    let checked = 0;
    const getSecret = repo.getSecret.bind(repo);
    repo.getSecret = async (ref: string) => { checked++; return getSecret(ref); };
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => outcome(openAsCustomer(reference, `GUESS-${String(i).padStart(5, '0')}`, 'customerCallback', deps))));
    expect(checked).toBeLessThanOrEqual(ACCESS_POLICY.maxFailures);
    expect(results.filter((r) => r === 404)).toHaveLength(checked);
    expect(results.filter((r) => r === 429)).toHaveLength(50 - checked);
    expect(accessAttempts.states.get(reference)!.lockedUntil).toBe(T0.getTime() + 15 * MIN);
    expect(await outcome(openAsCustomer(reference, accessCode, 'customerCallback', deps))).toBe(429);
  });
});
