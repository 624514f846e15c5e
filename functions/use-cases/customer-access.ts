/**
 * A customer opens their complaint with reference + access code (status page, satisfaction
 * callback). Steps:
 *  1. Reserve an attempt for the reference (domain/access-throttle.ts), with a version
 *     condition; locked out: 429 with Retry-After, the code is not even checked.
 *  2. Read complaint and code hashes; check the code (constant time, and the same work for
 *     an unknown reference as for a wrong code).
 *  3. Right: give the reservation back. Wrong or unknown: keep it as a failure (locking the
 *     reference at the limit) and answer 404 - the same answer either way.
 * Every refusal is on the audit record (operation, reference, what happened; never the code).
 */
import { admit, afterFailure, release, ACCESS_POLICY, type AccessAttempts, type AccessPolicy } from '../domain/access-throttle.ts';
import { verifyAccessCode, verifySecret } from '../domain/access-code.ts';
import type { Complaint } from '../domain/complaint.ts';
import type { AccessAttemptStore, AuditLog, ComplaintRepository } from '../domain/ports.ts';
import type { Clock } from '../shared/clock.ts';
import { NotFoundError, TooManyRequestsError } from '../shared/errors.ts';

export interface CustomerAccessDeps {
  repo: ComplaintRepository;
  clock: Clock;
  audit: AuditLog;
  accessAttempts: AccessAttemptStore;
  accessPolicy?: AccessPolicy;
}

export type CustomerOperation = 'getComplaintStatus' | 'customerCallback';

const NO_MATCH = 'No complaint matches this reference and access code';
/** Optimistic writes retried this often before a concurrent burst is refused (fail closed). */
const TRIES = 5;

/** Read, decide, write if unchanged; again on a concurrent write. Undefined: nothing to write. */
async function update<T>(
  store: AccessAttemptStore, reference: string,
  decide: (current: AccessAttempts | undefined) => { next?: AccessAttempts; result: T },
): Promise<T | undefined> {
  for (let i = 0; i < TRIES; i++) {
    const current = await store.get(reference);
    const { next, result } = decide(current);
    if (!next || (await store.put(reference, next, current?.version))) return result;
  }
  return undefined;
}

export async function openAsCustomer(reference: string, accessCode: string | undefined, operation: CustomerOperation, deps: CustomerAccessDeps): Promise<Complaint> {
  const policy = deps.accessPolicy ?? ACCESS_POLICY;
  const now = deps.clock.now();
  const audit = (detail: string) => deps.audit.record({ at: now.toISOString(), actor: 'customer', roles: [], operation, reference, outcome: 'denied', detail });

  // 1. Reserve an attempt.
  const admission = await update(deps.accessAttempts, reference, (current) => {
    const a = admit(current, now, policy);
    return { next: a.admitted ? a.reserved : undefined, result: a };
  });
  if (!admission || !admission.admitted) {
    const retryAfter = admission && !admission.admitted ? admission.retryAfterSeconds : 1;
    await audit(admission ? 'refused while locked out after repeated wrong access codes' : 'refused: too many attempts at once');
    throw new TooManyRequestsError(`Too many attempts for this reference; try again in ${Math.ceil(retryAfter / 60)} minute(s)`, retryAfter);
  }
  const reserved = admission.reserved;

  // 2. Check the code.
  const [complaint, secret] = await Promise.all([deps.repo.get(reference), deps.repo.getSecret(reference)]);
  // An unknown reference costs the same hashing as a wrong code.
  const ok = complaint && secret ? verifySecret(accessCode, secret) : (verifyAccessCode(accessCode, reference, '-'), false);

  // 3. Give the reservation back, or keep it as a failure.
  if (ok && complaint) {
    await update(deps.accessAttempts, reference, (current) => ({ next: current && release(current, reserved), result: true }));
    return complaint;
  }
  const failure = await update(deps.accessAttempts, reference, (current) => {
    const f = current ? afterFailure(current, reserved, now, policy) : { locked: false };
    return { next: f.next, result: f.locked };
  });
  const why = !accessCode ? 'no access code' : complaint && secret ? 'wrong access code' : 'unknown reference';
  await audit(failure
    ? `${why}; reference locked for ${Math.round(policy.lockoutSeconds / 60)} minutes after ${policy.maxFailures} failed attempts`
    : `${why} (failed attempt ${Math.min(reserved.failures, policy.maxFailures)} of ${policy.maxFailures} in the window)`);
  throw new NotFoundError(NO_MATCH);
}
