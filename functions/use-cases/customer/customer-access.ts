/**
 * A customer opens their complaint with reference + access code (status page, satisfaction
 * callback). Throttle the guesser, never the owner (domain/access-throttle.ts):
 *  1. The request's source (API Gateway requestContext.http.sourceIp) past its budget of
 *     wrong codes: 429 with Retry-After, the code is not checked. Nothing else is ever
 *     refused before the check: no state is kept per reference, so nobody's guesses can lock
 *     the owner out, and a check in progress reserves nothing (parallel reads never count).
 *  2. Read complaint and code hashes; check the code (constant time, and the same work for
 *     an unknown reference as for a wrong code). Right: the complaint, nothing written.
 *  3. Wrong or unknown: counted against the source (locking it at the limit), signalled to the
 *     guessing alarm (metric AccessCodeFailures) and answered 404 - the same answer either way.
 * Every refusal is on the audit record (operation, reference, what happened; never the code
 * nor the address).
 */
import { admit, afterFailure, sourceKey, ACCESS_POLICY, type AccessAttempts, type AccessPolicy } from '../../domain/access-throttle.ts';
import { verifyAccessCode, verifySecret } from '../../domain/access-code.ts';
import type { Complaint } from '../../domain/complaint.ts';
import type { AccessAttemptStore, AuditLog, Complaints } from '../../domain/ports.ts';
import type { Clock } from '../../shared/clock.ts';
import { NotFoundError, TooManyRequestsError } from '../../shared/errors.ts';

/** What the guessing alarm counts (the handlers publish them as metrics). */
export interface AccessSignals {
  /** A wrong code or unknown reference was checked. */
  wrongCode(): void;
  /** A source over its budget was refused without a check. */
  sourceRefused(): void;
}

export interface CustomerAccessDeps {
  repo: Complaints;
  clock: Clock;
  audit: AuditLog;
  accessAttempts: AccessAttemptStore;
  accessPolicy?: AccessPolicy;
  accessSignals?: AccessSignals;
}

/** Where the request came from: API Gateway's requestContext.http.sourceIp. */
export interface CustomerRequest {
  source?: string;
}

export type CustomerOperation = 'getComplaintStatus' | 'customerCallback' | 'confirmRepeat';

const NO_MATCH = 'No complaint matches this reference and access code';
/**
 * Optimistic writes of a source's count retried this often: in a burst from one source each
 * round counts one failure, and once the lock is written the others have nothing to write.
 */
const TRIES = ACCESS_POLICY.maxFailures + 4;

/** Read, decide, write if unchanged; again on a concurrent write. Undefined: not written. */
async function update<T>(
  store: AccessAttemptStore,
  key: string,
  decide: (current: AccessAttempts | undefined) => { next?: AccessAttempts; result: T },
): Promise<T | undefined> {
  for (let i = 0; i < TRIES; i++) {
    const current = await store.get(key);
    const { next, result } = decide(current);
    if (!next || (await store.put(key, next, current?.version))) return result;
  }
  return undefined;
}

export async function openAsCustomer(
  reference: string,
  accessCode: string | undefined,
  operation: CustomerOperation,
  deps: CustomerAccessDeps,
  request: CustomerRequest = {},
): Promise<Complaint> {
  const policy = deps.accessPolicy ?? ACCESS_POLICY;
  const now = deps.clock.now();
  const key = sourceKey(request.source);
  const audit = (detail: string) => deps.audit.record({ at: now.toISOString(), actor: 'customer', roles: [], operation, reference, outcome: 'denied', detail });

  // 1. A source over its budget is refused before any check.
  const admission = admit(await deps.accessAttempts.get(key), now);
  if (!admission.admitted) {
    deps.accessSignals?.sourceRefused();
    await audit('refused: too many wrong access codes from this source');
    throw new TooManyRequestsError(
      `Too many wrong access codes from your connection; try again in ${Math.ceil(admission.retryAfterSeconds / 60)} minute(s)`,
      admission.retryAfterSeconds,
    );
  }

  // 2. Check the code.
  const [complaint, secret] = await Promise.all([deps.repo.get(reference), deps.repo.getSecret(reference)]);
  // An unknown reference costs the same hashing as a wrong code.
  let ok = false;
  if (complaint && secret) ok = verifySecret(accessCode, secret);
  else verifyAccessCode(accessCode, reference, '-');
  if (ok && complaint) return complaint;

  // 3. A failure of this source.
  deps.accessSignals?.wrongCode();
  const counted = await update(deps.accessAttempts, key, (current) => {
    const f = afterFailure(current, now, policy);
    return { next: f.next, result: f };
  });
  const why = !accessCode ? 'no access code' : complaint && secret ? 'wrong access code' : 'unknown reference';
  await audit(
    !counted
      ? `${why} (not counted: too many attempts from this source at once)`
      : counted.locked
        ? `${why}; source refused for ${Math.round(policy.lockoutSeconds / 60)} minutes after ${policy.maxFailures} wrong codes`
        : `${why} (wrong code ${Math.min(counted.failures, policy.maxFailures)} of ${policy.maxFailures} from this source in the window)`,
  );
  throw new NotFoundError(NO_MATCH);
}
