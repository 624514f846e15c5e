/**
 * Access-code guessing: the pure limit per source (domain/access-throttle.ts) and the guarded
 * check of the customer routes (use-cases/customer/customer-access.ts) with hand-written fakes. The same
 * check against DynamoDB Local, over HTTP, is in test/integration/attacks.test.ts.
 * Issue 16 finding 3: the guesser is throttled (per source), never the owner.
 */
import { describe, expect, it } from 'vitest';
import { ACCESS_POLICY, admit, afterFailure, sourceKey } from '../../functions/domain/access-throttle.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { SubmitComplaintRequest } from '../../functions/contract/submit-complaint.schema.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { NotFoundError, TooManyRequestsError } from '../../functions/shared/errors.ts';
import { openAsCustomer } from '../../functions/use-cases/customer/customer-access.ts';
import { getComplaintStatus } from '../../functions/use-cases/customer/get-complaint-status.ts';
import { submitComplaint } from '../../functions/use-cases/intake/submit-complaint.ts';
import { FakeAccessAttempts, FakeAuditLog, FakeRepository, FakeWorkflow } from '../support/fakes.ts';
import { productionCalendar } from '../support/calendars.ts';

const T0 = new Date('2026-03-02T02:00:00Z');
const MIN = 60_000;
const MAX = ACCESS_POLICY.maxFailures;

describe('the limit per source (pure)', () => {
  it('counts verified wrong codes in a window; the one reaching the limit locks the source; then a fresh window', () => {
    let s = afterFailure(undefined, T0);
    expect(s).toMatchObject({ failures: 1, locked: false, next: { failures: 1, windowStart: T0.getTime(), version: 1 } });
    for (let n = 2; n < MAX; n++) {
      s = afterFailure(s.next, new Date(T0.getTime() + n * 1000));
      expect(s).toMatchObject({ failures: n, locked: false });
      expect(admit(s.next, new Date(T0.getTime() + n * 1000))).toEqual({ admitted: true });
    }
    const at = new Date(T0.getTime() + 14 * MIN);
    s = afterFailure(s.next, at);
    expect(s).toMatchObject({ failures: MAX, locked: true, next: { lockedUntil: at.getTime() + 15 * MIN } });
    expect(s.next!.expiresAt * 1000).toBeGreaterThan(s.next!.lockedUntil!);
    // Refused even after the window ended, until the lock does; then a fresh window.
    expect(admit(s.next, new Date(T0.getTime() + 20 * MIN))).toEqual({ admitted: false, retryAfterSeconds: 9 * 60 });
    expect(admit(s.next, new Date(at.getTime() + 15 * MIN))).toEqual({ admitted: true });
    expect(afterFailure(s.next, new Date(at.getTime() + 15 * MIN))).toMatchObject({ failures: 1, locked: false });
    // Failures spread over more than the window never lock.
    expect(afterFailure({ failures: MAX - 1, windowStart: T0.getTime(), version: 3, expiresAt: 0 }, new Date(T0.getTime() + 15 * MIN))).toMatchObject({
      failures: 1,
      locked: false,
    });
  });

  it('keys a source by a hash of its IPv4 address or its IPv6 /64 prefix, never the address itself', () => {
    expect(sourceKey('198.51.100.7')).not.toContain('198.51');
    expect(sourceKey('198.51.100.7')).not.toBe(sourceKey('198.51.100.8'));
    expect(sourceKey('2001:db8:1:2::1')).toBe(sourceKey('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(sourceKey('2001:db8:1:2::1')).not.toBe(sourceKey('2001:db8:1:3::1'));
    expect(sourceKey(undefined)).toBe(sourceKey(''));
  });
});

function setup() {
  const repo = new FakeRepository();
  const clock = new ManualClock(T0);
  const audit = new FakeAuditLog();
  const accessAttempts = new FakeAccessAttempts();
  const region = REGIONS.cn;
  const signals = { wrong: 0, refused: 0 };
  const deps = {
    repo,
    workflow: new FakeWorkflow(),
    clock,
    region,
    calendar: productionCalendar(region.name),
    audit,
    accessAttempts,
    accessSignals: {
      wrongCode: () => {
        signals.wrong++;
      },
      sourceRefused: () => {
        signals.refused++;
      },
    },
  };
  let n = 0;
  const submit = async () =>
    (
      await submitComplaint(
        SubmitComplaintRequest.parse({
          complainant: { name: 'Wang Fang', contact: { phone: `+86 138 0000 ${1234 + n++}` } },
          matter: { description: `Wrong fee on my account, case ${n}` },
          consent: { personalData: true },
        }),
        { channel: 'web' },
        deps,
      )
    ).body;
  return { repo, clock, audit, accessAttempts, deps, submit, signals };
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e) => (e instanceof TooManyRequestsError ? 429 : e instanceof NotFoundError ? 404 : e),
  );
const GUESSER = { source: '198.51.100.7' };
const OWNER = { source: '203.0.113.9' };

describe('the guarded check of the customer routes', () => {
  it('ten wrong codes from one source: that source is refused (429, Retry-After) until its lockout ends; the owner, elsewhere, is never refused', async () => {
    const { deps, clock, audit, submit, signals } = setup();
    const { reference, accessCode } = await submit();
    for (let i = 0; i < MAX; i++) expect(await outcome(getComplaintStatus(reference, `WRONG-${i}000`, deps, GUESSER))).toBe(404);
    const refused = await getComplaintStatus(reference, 'WRONG-99999', deps, GUESSER).catch((e) => e);
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect(refused.retryAfterSeconds).toBe(15 * 60);
    expect(refused.message).toBe('Too many wrong access codes from your connection; try again in 15 minute(s)');
    // The owner, from their own connection, opens it at once and all along.
    expect(await outcome(getComplaintStatus(reference, accessCode, deps, OWNER))).toBe(200);
    clock.advance(10 * MIN);
    expect((await getComplaintStatus(reference, 'WRONG-99999', deps, GUESSER).catch((e) => e)).retryAfterSeconds).toBe(5 * 60);
    clock.advance(5 * MIN);
    expect(await outcome(getComplaintStatus(reference, 'WRONG-99999', deps, GUESSER))).toBe(404);
    expect(signals).toEqual({ wrong: MAX + 1, refused: 2 });

    // Every failure and every refusal is on the record; the codes and the addresses never are.
    const details = audit.entries.map((e) => e.detail);
    expect(
      audit.entries.every((e) => e.actor === 'customer' && e.reference === reference && e.outcome === 'denied' && e.operation === 'getComplaintStatus'),
    ).toBe(true);
    expect(details.slice(0, MAX - 1)).toEqual(
      Array.from({ length: MAX - 1 }, (_, n) => `wrong access code (wrong code ${n + 1} of ${MAX} from this source in the window)`),
    );
    expect(details[MAX - 1]).toBe(`wrong access code; source refused for 15 minutes after ${MAX} wrong codes`);
    expect(details.slice(MAX, MAX + 2)).toEqual(Array(2).fill('refused: too many wrong access codes from this source'));
    expect(JSON.stringify(audit.entries)).not.toMatch(/WRONG|accessCode|198\.51|203\.0/);
    expect(JSON.stringify(audit.entries)).not.toContain(accessCode);
  });

  it('an unknown reference gets exactly the answers of a wrong code, source lockout included', async () => {
    const { deps, submit, audit } = setup();
    const { reference, accessCode } = await submit();
    const unknown = reference.replace(/\d+$/, (n) => String(Number(n) + 1).padStart(n.length, '0'));
    const answers = async (ref: string, code: string, source: string) => {
      const out: unknown[] = [];
      for (let i = 0; i < MAX + 1; i++)
        out.push(await getComplaintStatus(ref, code, deps, { source }).catch((e) => [e.statusCode, e.message, e.retryAfterSeconds]));
      return out;
    };
    const wrong = await answers(reference, 'AAAAA-BBBBB', '198.51.100.1');
    expect(await answers(unknown, accessCode, '198.51.100.2')).toEqual(wrong);
    expect(wrong.at(-1)).toEqual([429, expect.stringMatching(/Too many wrong access codes/), 900]);
    expect(audit.entries.filter((e) => e.reference === unknown).map((e) => e.detail)[0]).toMatch(/^unknown reference/);
  });

  it('a right code writes nothing and costs nothing: a customer who mistypes a few times is never locked out by their right codes', async () => {
    const { deps, submit, audit, accessAttempts } = setup();
    const { reference, accessCode } = await submit();
    for (let i = 0; i < 4; i++) await outcome(getComplaintStatus(reference, 'AAAAA-BBBBB', deps, OWNER));
    const before = structuredClone([...accessAttempts.states]);
    for (let i = 0; i < 30; i++) expect(await outcome(getComplaintStatus(reference, accessCode, deps, OWNER))).toBe(200);
    expect([...accessAttempts.states]).toEqual(before);
    expect(audit.entries).toHaveLength(4);
  });

  it('fifty guesses sent at once from one source: each is counted, and the source ends refused', async () => {
    const { deps, submit, accessAttempts } = setup();
    const { reference, accessCode } = await submit();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => outcome(openAsCustomer(reference, `GUESS-${String(i).padStart(5, '0')}`, 'customerCallback', deps, GUESSER))),
    );
    expect(results.every((r) => r === 404 || r === 429)).toBe(true);
    expect([...accessAttempts.states.values()][0].lockedUntil).toBe(T0.getTime() + 15 * MIN);
    expect(await outcome(openAsCustomer(reference, 'GUESS-99999', 'customerCallback', deps, GUESSER))).toBe(429);
    // ... while the owner's right code opens it.
    expect(await outcome(openAsCustomer(reference, accessCode, 'customerCallback', deps, OWNER))).toBe(200);
  });
});
