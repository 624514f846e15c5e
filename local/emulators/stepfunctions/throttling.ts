/**
 * Step Functions' own throttling, for the local endpoint: the service meters API actions and
 * state transitions with token buckets per account and region. Off unless configured; the
 * benchmarks turn it on at the us-east-1 rates to show that the product absorbs it.
 *
 * - An API action past its bucket is refused as the service refuses it: HTTP 400,
 *   `ThrottlingException`, "Rate exceeded" (the functions' AWS client retries it as a throttling error, as the SDK does).
 * - State transitions past their bucket are not refused: as on AWS, the executions slow down
 *   (a transition waits for its token); the delays are counted.
 *
 * Configure with RuntimeOptions.sfnThrottling, or LOCAL_SFN_THROTTLING: `us-east-1`, or JSON
 * of the `SfnThrottling` shape, e.g. {"api":{"StartExecution":{"bucket":10,"refillPerSecond":5}}}.
 */

export interface BucketSpec {
  bucket: number;
  refillPerSecond: number;
}

export interface SfnThrottling {
  /** Per API action (StartExecution, SendTaskSuccess, ...). */
  api?: Record<string, BucketSpec>;
  /** State transitions of all executions (Standard workflows). */
  stateTransitions?: BucketSpec;
}

/**
 * Standard workflows in us-east-1 (also us-west-2, eu-west-1), per account: StartExecution
 * refills 300 per second with a bucket of 1,300; state transitions 1,500 per second with a
 * bucket of 5,000. Source: AWS Step Functions developer guide, "Step Functions service
 * quotas" (API action throttling; state throttling), as of 2026-11.
 */
export const US_EAST_1: SfnThrottling = {
  api: { StartExecution: { bucket: 1300, refillPerSecond: 300 } },
  stateTransitions: { bucket: 5000, refillPerSecond: 1500 },
};

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly spec: BucketSpec,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = spec.bucket;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.spec.bucket, this.tokens + ((t - this.last) / 1000) * this.spec.refillPerSecond);
    this.last = t;
  }

  /** Takes a token if there is one (an API action): false means throttled. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Takes a token, in debt if need be; returns how long to wait until the debt is repaid (ms). */
  take(): number {
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.spec.refillPerSecond) * 1000;
  }
}

export interface ThrottleStats {
  /** API actions refused with ThrottlingException, per action. */
  refused: Record<string, number>;
  /** State transitions that had to wait for a token, and the total wait. */
  transitionsDelayed: number;
  transitionDelayMs: number;
}

export class SfnThrottle {
  private readonly api = new Map<string, TokenBucket>();
  private readonly transitions?: TokenBucket;
  readonly stats: ThrottleStats = { refused: {}, transitionsDelayed: 0, transitionDelayMs: 0 };

  constructor(config: SfnThrottling, now?: () => number) {
    for (const [action, spec] of Object.entries(config.api ?? {})) this.api.set(action, new TokenBucket(spec, now));
    if (config.stateTransitions) this.transitions = new TokenBucket(config.stateTransitions, now);
  }

  /** Whether the API action may proceed now; counts a refusal. */
  admit(action: string): boolean {
    const bucket = this.api.get(action);
    if (!bucket || bucket.tryTake()) return true;
    this.stats.refused[action] = (this.stats.refused[action] ?? 0) + 1;
    return false;
  }

  /** A transition nothing waits on (a Choice state): its token is owed by the next one that waits. */
  consume(): void {
    this.transitions?.take();
  }

  /** One state transition: resolves when it may proceed. */
  async transition(): Promise<void> {
    const wait = this.transitions?.take() ?? 0;
    if (wait <= 0) return;
    this.stats.transitionsDelayed += 1;
    this.stats.transitionDelayMs += wait;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** The configuration named by LOCAL_SFN_THROTTLING, if any. */
export function throttlingFromEnv(value = process.env.LOCAL_SFN_THROTTLING): SfnThrottling | undefined {
  if (!value) return undefined;
  if (value === 'us-east-1') return US_EAST_1;
  return JSON.parse(value) as SfnThrottling;
}
