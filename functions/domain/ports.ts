/**
 * What the use cases need from the outside world. Adapters (DynamoDB, Step Functions)
 * implement these; unit tests pass hand-written fakes.
 */
import type { Complaint, HistoryEntry, Stage } from './complaint.ts';

export interface StoredAnswer { requestHash: string; statusCode: number; body: unknown }

export interface NewComplaint {
  complaint: Complaint;
  secret: { salt: string; hash: string };
  history: HistoryEntry[];
  idempotency?: { key: string; answer: StoredAnswer; expiresAt: number };
}

export interface OpenTask {
  reference: string;
  stage: Stage;
  taskToken: string;
  executionName: string;
  openedAt: string;
}

export interface ComplaintRepository {
  /** Next number of the region's yearly reference sequence (atomic). */
  nextSequence(prefix: string, year: number): Promise<number>;
  /** Writes complaint, secret, history and idempotency record in one transaction. */
  create(c: NewComplaint): Promise<void>;
  get(reference: string): Promise<Complaint | undefined>;
  getSecret(reference: string): Promise<{ salt: string; hash: string } | undefined>;
  getIdempotent(key: string): Promise<StoredAnswer | undefined>;
  history(reference: string): Promise<HistoryEntry[]>;
  /** Open complaints last updated before `before` (for the orphan sweeper). */
  listOpen(before: string): Promise<Complaint[]>;
  /** Moves the complaint to a stage and stores the staff task, with its history, in one transaction. */
  openTask(task: OpenTask, history: HistoryEntry): Promise<'opened' | 'already-open'>;
  getTask(reference: string): Promise<OpenTask | undefined>;
  /** Points the complaint at a new execution, if it still points at `expected`. */
  replaceExecution(reference: string, expected: string, next: string, history: HistoryEntry): Promise<boolean>;
  close(reference: string, at: string, expiresAt: number, history: HistoryEntry): Promise<void>;
}

export interface WorkflowInput { reference: string; /** Stage to (re)start at: RECEIVED for a new complaint. */ resumeAt: Stage }

export interface WorkflowEngine {
  /** Starts (idempotently, by name) the complaint's workflow execution. */
  start(executionName: string, input: WorkflowInput): Promise<void>;
  /** Whether the named execution exists and is still running. */
  isRunning(executionName: string): Promise<boolean>;
  completeTask(taskToken: string, output: unknown): Promise<void>;
}

/** Another request with the same Idempotency-Key won the race: its answer is the answer. */
export class IdempotencyRace extends Error {
  constructor() { super('Idempotency key written concurrently'); this.name = 'IdempotencyRace'; }
}
