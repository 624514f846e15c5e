/**
 * The durable hand-off from intake to workflow: each complaint inserted into the table (seen
 * on its stream) gets its execution, named after the reference, so a redelivered record or a
 * retry starts nothing twice.
 *  1. Start the batch's executions a few at a time (StartExecution is metered per account:
 *     300 a second with a burst of 1,300 in us-east-1, 150 / 800 in smaller regions).
 *  2. A throttled start waits (exponential backoff, full jitter) and tries again while the
 *     invocation has time left: a surge is absorbed here, not thrown back at the stream.
 *  3. What still failed is reported for those records only: the stream retries them (then
 *     parks them in the failure queue); the orphan sweeper is the backstop.
 */
import type { Complaint } from '../../domain/complaint.ts';
import type { WorkflowEngine } from '../../domain/ports.ts';

export interface StartOutcome {
  reference: string;
  started: boolean;
  error?: string;
}

type Candidate = Pick<Complaint, 'reference' | 'status' | 'stage' | 'executionName'>;

export async function startWorkflowFor(c: Candidate, workflow: WorkflowEngine): Promise<StartOutcome> {
  // Only a new complaint: a resumed one is started by the sweeper under its own name.
  if (c.status !== 'OPEN' || c.stage !== 'RECEIVED' || c.executionName !== c.reference) return { reference: c.reference, started: false };
  await workflow.start(c.executionName, { reference: c.reference, resumeAt: 'RECEIVED' });
  return { reference: c.reference, started: true };
}

export interface StartWorkflowsOptions {
  /** Time left in this invocation (ms): throttled starts are retried while more than `reserveMs` would remain. */
  remainingMs: () => number;
  /** Starts in flight at once (default 8). */
  concurrency?: number;
  reserveMs?: number;
  /**
   * First backoff and its ceiling (ms); defaults 50 and 1,000. Short: the SDK has already
   * backed off before a ThrottlingException gets here, and a long sleep leaves the bucket's
   * refill unused (the stream is the retry of last resort, not this loop).
   */
  backoffMs?: number;
  maxBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface StartWorkflowsResult {
  started: number;
  /** References whose start did not succeed: to be retried by the stream. */
  failed: string[];
  /** Throttled attempts that were waited out and retried here. */
  throttledRetries: number;
}

/** Step Functions' answer when a token bucket is empty (after the SDK's own retries). */
export function isThrottling(e: unknown): boolean {
  const err = e as { name?: string; $retryable?: { throttling?: boolean } } | undefined;
  return err?.name === 'ThrottlingException' || err?.$retryable?.throttling === true;
}

export async function startWorkflows(complaints: Candidate[], workflow: WorkflowEngine, o: StartWorkflowsOptions): Promise<StartWorkflowsResult> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = o.random ?? Math.random;
  const reserve = o.reserveMs ?? 10_000;
  const result: StartWorkflowsResult = { started: 0, failed: [], throttledRetries: 0 };
  let next = 0;
  const worker = async () => {
    while (next < complaints.length) {
      const c = complaints[next++];
      for (let attempt = 0; ; attempt++) {
        try {
          if ((await startWorkflowFor(c, workflow)).started) result.started += 1;
          break;
        } catch (e) {
          const wait = Math.min(o.maxBackoffMs ?? 1_000, (o.backoffMs ?? 50) * 2 ** attempt) * random();
          if (!isThrottling(e) || o.remainingMs() - wait < reserve) {
            result.failed.push(c.reference);
            break;
          }
          result.throttledRetries += 1;
          await sleep(wait);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 8, complaints.length)) }, worker));
  return result;
}
