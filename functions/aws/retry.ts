/**
 * How every AWS call of the functions is retried: the AWS SDK v3's 'standard' mode with 5
 * attempts, which the functions used before this client layer (same rules, same constants as
 * @smithy/core's util-retry), chosen rather than left to defaults.
 *
 * - Retried: throttling errors (ProvisionedThroughputExceededException, ThrottlingException,
 *   TooManyRequestsException, SlowDown, ..., or HTTP 429), transient ones (HTTP 500, 502, 503,
 *   504; TimeoutError, RequestTimeout; connections reset, refused, timed out, broken). Never a
 *   client error (a failed condition, a validation error): retrying would not change the answer.
 * - Backoff with full jitter: a random delay up to base x 2^n (n = retries so far), capped at
 *   20 s, base 1 s for throttling and 50 ms otherwise - four throttled retries wait at most
 *   1+2+4+8 = 15 s, half that on average, so the slowest case still answers inside API
 *   Gateway's 29 s.
 * - A retry quota per client (500 tokens; a retry costs 5 after throttling, 14 otherwise; a
 *   success gives back what its retry cost, or 1): a dependency that is down is not hammered.
 * - Not 'adaptive' mode: its client-side rate limiter is per Lambda container and would only
 *   delay the next customer's request after another one was throttled.
 *
 * 5 attempts (SDK default: 3): a request survives a few seconds of throttling. What is still
 * failing then is retried by the caller: the state machine's Retry (workflow steps), the
 * stream (consumers, per record), the customer with the same Idempotency-Key (intake).
 */
export const MAX_ATTEMPTS = 5;
const BASE_DELAY_MS = 50;
const THROTTLING_BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 20_000;
const INITIAL_TOKENS = 500;
const RETRY_COST = 14;
const THROTTLING_RETRY_COST = 5;
const NO_RETRY_INCREMENT = 1;

const THROTTLING_CODES = new Set([
  'BandwidthLimitExceeded', 'EC2ThrottledException', 'LimitExceededException', 'PriorRequestNotComplete', 'ProvisionedThroughputExceededException',
  'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException', 'SlowDown', 'ThrottledException', 'Throttling', 'ThrottlingException',
  'TooManyRequestsException', 'TransactionInProgressException',
]);
const TRANSIENT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

export type ErrorKind = 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';

/** The SDK's classification of an error: only THROTTLING and TRANSIENT are retried. */
export function classify(e: unknown): ErrorKind {
  const err = (e ?? {}) as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  if (status === 429 || THROTTLING_CODES.has(err.name ?? '')) return 'THROTTLING';
  if (TRANSIENT_CODES.has(err.name ?? '') || NETWORK_CODES.has(err.code ?? '') || (status !== undefined && TRANSIENT_STATUS.has(status))) return 'TRANSIENT';
  if (status !== undefined && status >= 500) return 'SERVER_ERROR';
  return 'CLIENT_ERROR';
}

/** The wait before retry n+1 (n = retries made so far), full jitter: random() in [0, 1). */
export function backoffMs(retriesSoFar: number, kind: ErrorKind, random: () => number = Math.random): number {
  const base = kind === 'THROTTLING' ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
  return Math.floor(random() * Math.min(base * 2 ** retriesSoFar, MAX_DELAY_MS));
}

export interface RetryOptions {
  maxAttempts: number;
  /** Injectable for tests: the jitter's random source and the wait. */
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: MAX_ATTEMPTS,
  random: Math.random,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** One client's retry quota (the SDK's retry tokens). */
export class RetryQuota {
  private tokens = INITIAL_TOKENS;
  get available(): number { return this.tokens; }
  /** Takes the cost of a retry after an error of this kind; false when the quota cannot pay it. */
  take(kind: ErrorKind): number | undefined {
    const cost = kind === 'THROTTLING' ? THROTTLING_RETRY_COST : RETRY_COST;
    if (this.tokens < cost) return undefined;
    this.tokens -= cost;
    return cost;
  }
  /** A success gives back what its last retry cost (or 1 when it needed none). */
  release(cost: number | undefined): void {
    this.tokens = Math.min(INITIAL_TOKENS, this.tokens + (cost ?? NO_RETRY_INCREMENT));
  }
}

/**
 * Runs `attempt(1)`, `attempt(2)`, ... until one succeeds or an error is not to be retried:
 * not retryable, the last attempt, or the quota spent. The error thrown is the last one, with
 * `$metadata.attempts` set.
 */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, quota: RetryQuota, options: RetryOptions = DEFAULT_RETRY): Promise<T> {
  let cost: number | undefined;
  for (let n = 1; ; n++) {
    try {
      const out = await attempt(n);
      quota.release(cost);
      return out;
    } catch (e) {
      const kind = classify(e);
      const retryable = kind === 'THROTTLING' || kind === 'TRANSIENT';
      cost = retryable && n < options.maxAttempts ? quota.take(kind) : undefined;
      if (cost === undefined) {
        if (e && typeof e === 'object') {
          const err = e as { $metadata?: Record<string, unknown> };
          err.$metadata = { ...err.$metadata, attempts: n };
        }
        throw e;
      }
      await options.sleep(backoffMs(n - 1, kind, options.random));
    }
  }
}
