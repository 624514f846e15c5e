/**
 * Access-code guessing: throttle the guesser, never the owner (issue 16, finding 3). Pure:
 * state, time and policy are arguments; the use case (use-cases/customer/customer-access.ts) reads
 * and writes the state with a version condition.
 *
 * The state is kept per *source* (the client's address: IPv4 as is, IPv6 by its /64 prefix,
 * hashed), never per reference: a stranger's wrong codes on a reference change nothing for
 * its owner, who comes from another source. Only a *verified wrong* code counts as a failure;
 * a check in progress reserves nothing, so the owner's parallel reads never count. A source
 * past its budget of wrong codes is refused (429) before any code is checked, until its
 * lockout ends. What makes online guessing hopeless is the code's strength (32^10 codes, see
 * docs/reliability-and-security.md); this limit slows each source and feeds the alarm.
 */
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';

export interface AccessPolicy {
  /** Wrong codes a source may send in one window; the last of them locks the source. */
  maxFailures: number;
  /** A window opens at the first failure and lasts this long. */
  windowSeconds: number;
  /** How long a source is refused, from the failure that reached the limit. */
  lockoutSeconds: number;
}

/** Ten wrong codes from one source within 15 minutes: that source is refused for 15 minutes. */
export const ACCESS_POLICY: AccessPolicy = { maxFailures: 10, windowSeconds: 15 * 60, lockoutSeconds: 15 * 60 };

export interface AccessAttempts {
  /** Verified wrong codes from the source in the current window. */
  failures: number;
  /** Epoch ms at which the current window opened. */
  windowStart: number;
  /** Epoch ms until which the source is refused. */
  lockedUntil?: number;
  /** Incremented by every write: the condition of the next one. */
  version: number;
  /** Epoch seconds after which the state is of no use (DynamoDB TTL). */
  expiresAt: number;
}

export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function expiry(windowStart: number, lockedUntil: number | undefined, p: AccessPolicy): number {
  return Math.ceil(Math.max(windowStart + p.windowSeconds * 1000, lockedUntil ?? 0) / 1000) + 3600;
}

/**
 * The key of a source's state: a hash (the table holds no address), of the IPv4 address or
 * the IPv6 /64 prefix (one subscriber's allocation: rotating within it is no new source).
 * No address (not through API Gateway): one shared "unknown" source.
 */
export function sourceKey(sourceIp: string | undefined): string {
  const ip = (sourceIp ?? '').trim().toLowerCase();
  let basis = ip || 'unknown';
  if (isIPv6(ip)) {
    // Without "::" there is no tail and the head has every group (the zero an IPv4-ending
    // address gets appended lies beyond the /64); a trailing "::" leaves an empty last group.
    const [head, tail] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail?.split(':') ?? [];
    const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    basis = `${groups
      .slice(0, 4)
      .map((g) => g.replace(/^0+(?=.)/, ''))
      .join(':')}::/64`;
  }
  return `source:${createHash('sha256').update(basis).digest('base64url').slice(0, 22)}`;
}

/** Whether a code from this source may be checked now. Reads only: nothing is reserved. */
export function admit(s: AccessAttempts | undefined, now: Date): Admission {
  const t = now.getTime();
  if (s?.lockedUntil !== undefined && s.lockedUntil > t && s.windowStart <= t) return { admitted: false, retryAfterSeconds: seconds(s.lockedUntil - t) };
  return { admitted: true };
}

/**
 * A verified wrong code from the source: counted in its window (a fresh one if the last
 * ended, or if the clock is before it); the failure that reaches the limit locks the source.
 * A source already locked has nothing to write (next undefined): a burst stops contending
 * for the state as soon as the lock is written.
 */
export function afterFailure(
  s: AccessAttempts | undefined,
  now: Date,
  p: AccessPolicy = ACCESS_POLICY,
): { next?: AccessAttempts; failures: number; locked: boolean } {
  const t = now.getTime();
  const fresh = !s || t < s.windowStart || t >= s.windowStart + p.windowSeconds * 1000 || (s.lockedUntil !== undefined && s.lockedUntil <= t);
  if (!fresh && s.lockedUntil !== undefined) return { failures: s.failures, locked: false };
  const failures = fresh ? 1 : s.failures + 1;
  const windowStart = fresh ? t : s.windowStart;
  const locked = failures >= p.maxFailures;
  const lockedUntil = locked ? t + p.lockoutSeconds * 1000 : undefined;
  return {
    next: {
      failures,
      windowStart,
      ...(lockedUntil !== undefined ? { lockedUntil } : {}),
      version: (s?.version ?? 0) + 1,
      expiresAt: expiry(windowStart, lockedUntil, p),
    },
    failures,
    locked,
  };
}
