/**
 * How every AWS SDK client of the functions retries, chosen rather than left to defaults.
 *
 * 'standard' mode: exponential backoff with full jitter (a random delay up to base x 2^n, with
 * a longer base for throttling errors such as ProvisionedThroughputExceededException or
 * ThrottlingException, capped at 20 s), on throttling, 5xx and network errors only, with a
 * per-client retry quota so that a dependency that is down is not hammered. Not 'adaptive':
 * its client-side rate limiter is per Lambda container and would only delay the next
 * customer's request after another one was throttled.
 *
 * 5 attempts (SDK default: 3): a request survives a few seconds of throttling, and the
 * slowest case (four throttled retries: at most 1+2+4+8 = 15 s of backoff in this SDK, half that
 * on average) still answers inside API Gateway's 29 s. What is
 * still failing then is retried by the caller: the state machine's Retry (workflow steps),
 * the stream (consumers, per record), the customer with the same Idempotency-Key (intake).
 */
export const SDK_RETRY = { maxAttempts: 5, retryMode: 'standard' } as const;
