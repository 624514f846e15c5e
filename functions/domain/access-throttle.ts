/**
 * Access-code guessing, limited per reference. Pure: state, time and policy are arguments;
 * the use case (use-cases/customer-access.ts) reads and writes the state with a version
 * condition, so concurrent guesses cannot slip past the limit.
 *
 * Every check first *reserves* an attempt (counted as a failure), then verifies the code:
 * a right code gives its reservation back, a wrong one keeps it and, at the limit, locks the
 * reference. N guesses sent at once therefore get at most `maxFailures` verifications, and
 * during a lockout even the right code is not checked. The state exists per reference
 * *string*, whether or not such a complaint exists: an unknown reference is throttled and
 * answered exactly like a wrong code, so the limit reveals nothing either.
 */

export interface AccessPolicy {
  /** Failed attempts allowed in one window; the last of them locks the reference. */
  maxFailures: number;
  /** A window opens at the first failure and lasts this long. */
  windowSeconds: number;
  /** How long a lockout lasts, from the failure that caused it. */
  lockoutSeconds: number;
}

/** Five wrong codes within 15 minutes lock the reference for 15 minutes. */
export const ACCESS_POLICY: AccessPolicy = { maxFailures: 5, windowSeconds: 15 * 60, lockoutSeconds: 15 * 60 };

export interface AccessAttempts {
  /** Failures (and attempts still being checked) in the current window. */
  failures: number;
  /** Epoch ms at which the current window opened. */
  windowStart: number;
  /** Epoch ms until which the reference is locked. */
  lockedUntil?: number;
  /** Incremented by every write: the condition of the next one. */
  version: number;
  /** Epoch seconds after which the state is of no use (DynamoDB TTL). */
  expiresAt: number;
}

export type Admission =
  | { admitted: true; reserved: AccessAttempts }
  | { admitted: false; retryAfterSeconds: number; locked: boolean };

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function expiry(windowStart: number, lockedUntil: number | undefined, p: AccessPolicy): number {
  return Math.ceil(Math.max(windowStart + p.windowSeconds * 1000, lockedUntil ?? 0) / 1000) + 3600;
}

/** Whether a new attempt may be checked now; if so, the state with it reserved. */
export function admit(s: AccessAttempts | undefined, now: Date, p: AccessPolicy = ACCESS_POLICY): Admission {
  const t = now.getTime();
  if (s?.lockedUntil !== undefined && s.lockedUntil > t) return { admitted: false, retryAfterSeconds: seconds(s.lockedUntil - t), locked: true };
  const windowOver = !s || t >= s.windowStart + p.windowSeconds * 1000 || s.lockedUntil !== undefined;
  if (windowOver) {
    // No state, an elapsed window or an expired lockout: a fresh window with this attempt in it.
    return { admitted: true, reserved: { failures: 1, windowStart: t, version: (s?.version ?? 0) + 1, expiresAt: expiry(t, undefined, p) } };
  }
  if (s.failures >= p.maxFailures) {
    // The limit is reached but no lock is written yet (the last attempts are still being
    // checked, or the lock could not be written): refused until the window ends.
    return { admitted: false, retryAfterSeconds: seconds(s.windowStart + p.windowSeconds * 1000 - t), locked: true };
  }
  return { admitted: true, reserved: { ...s, failures: s.failures + 1, version: s.version + 1 } };
}

/** A right code: its reservation is given back (if the window it was taken in is still current). */
export function release(current: AccessAttempts, reserved: AccessAttempts): AccessAttempts | undefined {
  if (current.windowStart !== reserved.windowStart || current.failures <= 0) return undefined;
  return { ...current, failures: current.failures - 1, version: current.version + 1 };
}

/**
 * A wrong code: the reservation stays as a failure; at the limit the reference is locked.
 * Answers the state to write (undefined: nothing to change) and whether this failure locked it.
 */
export function afterFailure(current: AccessAttempts, reserved: AccessAttempts, now: Date, p: AccessPolicy = ACCESS_POLICY): { next?: AccessAttempts; locked: boolean } {
  if (current.windowStart !== reserved.windowStart || current.lockedUntil !== undefined || current.failures < p.maxFailures) return { locked: false };
  const lockedUntil = now.getTime() + p.lockoutSeconds * 1000;
  return { next: { ...current, lockedUntil, version: current.version + 1, expiresAt: expiry(current.windowStart, lockedUntil, p) }, locked: true };
}
