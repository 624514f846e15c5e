/**
 * The access-code limit per source (functions/domain/access-throttle.ts) at its exact edges:
 * the source keys' exact hashes, the instants where a window or a lock starts and ends, the
 * state written after each failure (issue 23, mutation testing: these cases kill the mutants
 * that the example journey in access-throttle.test.ts lets survive).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ACCESS_POLICY, type AccessAttempts, admit, afterFailure, sourceKey } from '../../functions/domain/access-throttle.ts';

/** The key of a source whose address reduces to `basis` (the IPv4 address, or the IPv6 /64 prefix in its short form). */
const keyOf = (basis: string) => `source:${createHash('sha256').update(basis).digest('base64url').slice(0, 22)}`;

const T = Date.parse('2026-03-02T02:00:00Z');
const SEC = 1000;
const MIN = 60 * SEC;

describe('sourceKey: the exact basis that is hashed', () => {
  it.each([
    ['198.51.100.7', '198.51.100.7'],
    ['  198.51.100.7 ', '198.51.100.7'],
    ['2001:DB8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:1:2:3', '2001:db8:1:2::/64'],
    // A group of zeros keeps one zero; leading zeros go, inner ones stay.
    ['2001:0db8:0000:0100:ffff:1:2:3', '2001:db8:0:100::/64'],
    // "::" in the middle: the missing groups are zeros, the tail groups come after them.
    ['1::2:3:4:5:6', '1:0:0:2::/64'],
    ['1:2::3:4:5:6:7', '1:2:0:3::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::', '0:0:0:0::/64'],
    ['2001:db8:1:2::', '2001:db8:1:2::/64'],
    ['1:2:3:4:5:6:7::', '1:2:3:4::/64'],
    ['::ffff:198.51.100.7', '0:0:0:0::/64'],
    ['0:0:0:0:0:ffff:198.51.100.7', '0:0:0:0::/64'],
    ['2001:db8:1:2:3:4:198.51.100.7', '2001:db8:1:2::/64'],
  ])('%j is keyed by %j', (ip, basis) => {
    expect(sourceKey(ip)).toBe(keyOf(basis));
  });

  it('no address (or a blank one) is the one shared "unknown" source; the key is 22 characters of the hash', () => {
    expect(sourceKey(undefined)).toBe(keyOf('unknown'));
    expect(sourceKey('   ')).toBe(keyOf('unknown'));
    expect(sourceKey(undefined)).toMatch(/^source:[A-Za-z0-9_-]{22}$/);
  });
});

describe('admit: refused exactly while a lock holds', () => {
  const locked: AccessAttempts = { failures: 10, windowStart: T, lockedUntil: T + 15 * MIN, version: 10, expiresAt: 0 };

  it('no state, or a state without a lock: admitted', () => {
    expect(admit(undefined, new Date(T))).toEqual({ admitted: true });
    expect(admit({ failures: 9, windowStart: T, version: 9, expiresAt: 0 }, new Date(T))).toEqual({ admitted: true });
  });

  it('refused from the window start to the last millisecond of the lock, with the seconds left rounded up', () => {
    expect(admit(locked, new Date(T))).toEqual({ admitted: false, retryAfterSeconds: 15 * 60 });
    expect(admit(locked, new Date(T + 15 * MIN - 1500))).toEqual({ admitted: false, retryAfterSeconds: 2 });
    expect(admit(locked, new Date(T + 15 * MIN - 1))).toEqual({ admitted: false, retryAfterSeconds: 1 });
    expect(admit(locked, new Date(T + 15 * MIN))).toEqual({ admitted: true });
  });

  it('a clock before the window (it went back) admits', () => {
    expect(admit(locked, new Date(T - 1))).toEqual({ admitted: true });
  });
});

describe('afterFailure: the state written', () => {
  it('the first failure opens a window now; its state expires an hour after the window ends', () => {
    expect(afterFailure(undefined, new Date(T))).toStrictEqual({
      next: { failures: 1, windowStart: T, version: 1, expiresAt: (T + 15 * MIN) / SEC + 3600 },
      failures: 1,
      locked: false,
    });
  });

  it('a failure within the window counts on, keeps the window start and bumps the version', () => {
    const s: AccessAttempts = { failures: 3, windowStart: T, version: 7, expiresAt: 0 };
    expect(afterFailure(s, new Date(T + 5 * MIN))).toStrictEqual({
      next: { failures: 4, windowStart: T, version: 8, expiresAt: (T + 15 * MIN) / SEC + 3600 },
      failures: 4,
      locked: false,
    });
    // Two failures at the very instant the window opened are both in it.
    expect(afterFailure(s, new Date(T))).toMatchObject({ failures: 4, next: { windowStart: T } });
    // The last millisecond of the window is in it; its end is not.
    expect(afterFailure(s, new Date(T + 15 * MIN - 1))).toMatchObject({ failures: 4 });
    expect(afterFailure(s, new Date(T + 15 * MIN))).toMatchObject({ failures: 1, next: { windowStart: T + 15 * MIN, version: 8 } });
  });

  it('a clock before the window opens a fresh one', () => {
    const s: AccessAttempts = { failures: 3, windowStart: T, version: 7, expiresAt: 0 };
    expect(afterFailure(s, new Date(T - 1))).toMatchObject({ failures: 1, locked: false, next: { failures: 1, windowStart: T - 1, version: 8 } });
  });

  it('the failure reaching the limit locks from now for the lockout; the state outlives the lock by an hour', () => {
    const s: AccessAttempts = { failures: ACCESS_POLICY.maxFailures - 1, windowStart: T, version: 9, expiresAt: 0 };
    const at = T + 14 * MIN;
    expect(afterFailure(s, new Date(at))).toStrictEqual({
      next: { failures: 10, windowStart: T, lockedUntil: at + 15 * MIN, version: 10, expiresAt: (at + 15 * MIN) / SEC + 3600 },
      failures: 10,
      locked: true,
    });
  });

  it('a source already locked writes nothing and reports its count, not a new lock', () => {
    const s: AccessAttempts = { failures: 10, windowStart: T, lockedUntil: T + 20 * MIN, version: 10, expiresAt: 0 };
    expect(afterFailure(s, new Date(T + 5 * MIN))).toStrictEqual({ failures: 10, locked: false });
  });

  it('with a window longer than the lockout: the lock ends at its instant exactly, and a fresh window opens then', () => {
    const p = { maxFailures: 3, windowSeconds: 3600, lockoutSeconds: 60 };
    const s: AccessAttempts = { failures: 3, windowStart: T, lockedUntil: T + 2 * MIN, version: 3, expiresAt: 0 };
    expect(afterFailure(s, new Date(T + 2 * MIN - 1), p)).toStrictEqual({ failures: 3, locked: false });
    expect(afterFailure(s, new Date(T + 2 * MIN), p)).toStrictEqual({
      next: { failures: 1, windowStart: T + 2 * MIN, version: 4, expiresAt: (T + 2 * MIN) / SEC + 3600 + 3600 },
      failures: 1,
      locked: false,
    });
  });

  it('a policy of one failure locks at the first; admit refuses at that very instant', () => {
    const p = { maxFailures: 1, windowSeconds: 60, lockoutSeconds: 600 };
    const r = afterFailure(undefined, new Date(T), p);
    expect(r).toStrictEqual({
      next: { failures: 1, windowStart: T, lockedUntil: T + 10 * MIN, version: 1, expiresAt: (T + 10 * MIN) / SEC + 3600 },
      failures: 1,
      locked: true,
    });
    expect(admit(r.next, new Date(T))).toEqual({ admitted: false, retryAfterSeconds: 600 });
  });

  it('expiry rounds up to the second', () => {
    const at = T + 400; // not on a whole second
    expect(afterFailure(undefined, new Date(at)).next?.expiresAt).toBe(Math.ceil((at + 15 * MIN) / SEC) + 3600);
    expect(Math.ceil((at + 15 * MIN) / SEC)).toBe((T + 15 * MIN) / SEC + 1);
  });
});
