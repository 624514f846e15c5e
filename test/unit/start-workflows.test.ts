/**
 * The stream hand-off under Step Functions throttling (pure: a fake engine that throttles
 * like a token bucket, a fake clock for the backoff) and the local service's token buckets.
 */
import { describe, expect, it } from 'vitest';
import type { WorkflowEngine } from '../../functions/domain/ports.ts';
import type { WorkflowInput } from '../../functions/domain/model.ts';
import { startWorkflows } from '../../functions/use-cases/workflow/start-workflows.ts';
import { SfnThrottle, TokenBucket } from '../../local/emulators/stepfunctions/throttling.ts';

const complaint = (n: number) => ({
  reference: `CN-2026-${String(n).padStart(6, '0')}`,
  status: 'OPEN' as const,
  stage: 'RECEIVED' as const,
  executionName: `CN-2026-${String(n).padStart(6, '0')}`,
});

/** Time that only moves when the use case sleeps. */
class FakeTime {
  now = 0;
  sleeps: number[] = [];
  sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.now += ms;
  };
}

/** Starts executions by name like Step Functions (a name starts once), refusing past a token bucket on the fake time. */
class ThrottledEngine implements WorkflowEngine {
  executions = new Map<string, WorkflowInput>();
  calls = 0;
  refused = 0;
  readonly bucket: TokenBucket;
  constructor(time: FakeTime, spec = { bucket: 3, refillPerSecond: 10 }) {
    this.bucket = new TokenBucket(spec, () => time.now);
  }
  async start(name: string, input: WorkflowInput) {
    this.calls += 1;
    if (!this.bucket.tryTake()) {
      this.refused += 1;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $retryable: { throttling: true } });
    }
    if (!this.executions.has(name)) this.executions.set(name, input);
  }
  async isRunning(name: string) {
    return this.executions.has(name);
  }
  async completeTask() {
    return true;
  }
}

describe('startWorkflows under throttling', () => {
  it('waits out throttled starts and starts every complaint once', async () => {
    const time = new FakeTime();
    const engine = new ThrottledEngine(time);
    const batch = Array.from({ length: 40 }, (_, i) => complaint(i + 1));
    const out = await startWorkflows(batch, engine, { remainingMs: () => 60_000 - time.now, sleep: time.sleep, random: () => 0.5, concurrency: 4 });
    expect(engine.refused).toBeGreaterThan(0);
    expect(out.throttledRetries).toBe(engine.refused);
    expect(out.failed).toEqual([]);
    expect(out.started).toBe(40);
    expect([...engine.executions.keys()].sort()).toEqual(batch.map((c) => c.reference));
    // Exponential backoff, capped.
    expect(Math.max(...time.sleeps)).toBeLessThanOrEqual(1_000 * 0.5);
  });

  it('hands back what it could not start before the invocation runs out of time, and those only', async () => {
    const time = new FakeTime();
    const engine = new ThrottledEngine(time, { bucket: 2, refillPerSecond: 1 });
    const batch = Array.from({ length: 30 }, (_, i) => complaint(i + 1));
    const out = await startWorkflows(batch, engine, { remainingMs: () => 20_000 - time.now, sleep: time.sleep, random: () => 1, concurrency: 2 });
    expect(out.failed.length).toBeGreaterThan(0);
    expect(out.started + out.failed.length).toBe(30);
    // Started and failed never overlap: the stream retries the failed ones only.
    expect(out.failed.filter((r) => engine.executions.has(r))).toEqual([]);
    // A retry of the failed records by the stream, with time again, finishes the batch.
    const retry = await startWorkflows(
      batch.filter((c) => out.failed.includes(c.reference)),
      engine,
      { remainingMs: () => 1e9, sleep: time.sleep, random: () => 1 },
    );
    expect(retry.failed).toEqual([]);
    expect(engine.executions.size).toBe(30);
  });

  it('does not retry other errors here: they go back to the stream at once', async () => {
    const time = new FakeTime();
    const engine: WorkflowEngine = {
      start: async () => {
        throw Object.assign(new Error('boom'), { name: 'InternalFailure' });
      },
      isRunning: async () => false,
      completeTask: async () => true,
    };
    const out = await startWorkflows([complaint(1), complaint(2)], engine, { remainingMs: () => 60_000, sleep: time.sleep });
    expect(out).toMatchObject({ started: 0, failed: ['CN-2026-000001', 'CN-2026-000002'], throttledRetries: 0 });
    expect(time.sleeps).toEqual([]);
  });

  it("starts nothing for a complaint that is not new (resumed ones are the sweeper's)", async () => {
    const time = new FakeTime();
    const engine = new ThrottledEngine(time);
    const out = await startWorkflows(
      [
        { ...complaint(1), executionName: 'CN-2026-000001-r1' },
        { ...complaint(2), stage: 'INVESTIGATION' as const },
      ],
      engine,
      { remainingMs: () => 60_000, sleep: time.sleep },
    );
    expect(out).toMatchObject({ started: 0, failed: [] });
    expect(engine.calls).toBe(0);
  });
});

describe('local Step Functions token buckets', () => {
  it('refuses an API action past its bucket and refills at its rate', () => {
    let now = 0;
    const t = new SfnThrottle({ api: { StartExecution: { bucket: 5, refillPerSecond: 10 } } }, () => now);
    const first = Array.from({ length: 8 }, () => t.admit('StartExecution'));
    expect(first.filter(Boolean)).toHaveLength(5);
    expect(t.stats.refused.StartExecution).toBe(3);
    expect(t.admit('SendTaskSuccess')).toBe(true); // not metered here
    now = 300; // 3 tokens back
    expect(Array.from({ length: 5 }, () => t.admit('StartExecution')).filter(Boolean)).toHaveLength(3);
    now = 60_000; // never more than the bucket
    expect(Array.from({ length: 9 }, () => t.admit('StartExecution')).filter(Boolean)).toHaveLength(5);
  });

  it('delays state transitions past the bucket instead of refusing them', () => {
    const bucket = new TokenBucket({ bucket: 2, refillPerSecond: 100 }, () => 0);
    expect([bucket.take(), bucket.take()]).toEqual([0, 0]);
    expect(bucket.take()).toBeCloseTo(10); // one token owed: 10 ms at 100/s
    expect(bucket.take()).toBeCloseTo(20);
  });
});
