/** Hand-written fakes of the ports, for unit tests of the use cases (pure logic only). */
import type { Complaint, HistoryEntry } from '../../functions/domain/complaint.ts';
import {
  IdempotencyRace, type ComplaintRepository, type NewComplaint, type OpenTask, type StoredAnswer, type WorkflowEngine, type WorkflowInput,
} from '../../functions/domain/ports.ts';

export class FakeRepository implements ComplaintRepository {
  complaints = new Map<string, Complaint>();
  secrets = new Map<string, { salt: string; hash: string }>();
  histories = new Map<string, HistoryEntry[]>();
  idempotency = new Map<string, StoredAnswer>();
  tasks = new Map<string, OpenTask>();
  seq = new Map<string, number>();
  failCreate?: Error;

  async nextSequence(prefix: string, year: number) {
    const k = `${prefix}${year}`;
    this.seq.set(k, (this.seq.get(k) ?? 0) + 1);
    return this.seq.get(k)!;
  }
  async create(c: NewComplaint) {
    if (this.failCreate) throw this.failCreate;
    if (c.idempotency && this.idempotency.has(c.idempotency.key)) throw new IdempotencyRace();
    this.complaints.set(c.complaint.reference, structuredClone(c.complaint));
    this.secrets.set(c.complaint.reference, c.secret);
    this.histories.set(c.complaint.reference, [...c.history]);
    if (c.idempotency) this.idempotency.set(c.idempotency.key, c.idempotency.answer);
  }
  async get(ref: string) { const c = this.complaints.get(ref); return c && structuredClone(c); }
  async getSecret(ref: string) { return this.secrets.get(ref); }
  async getIdempotent(key: string) { return this.idempotency.get(key); }
  async history(ref: string) { return [...(this.histories.get(ref) ?? [])]; }
  async listOpen(before: string) { return [...this.complaints.values()].filter((c) => c.status === 'OPEN' && `${c.updatedAt}#${c.reference}` < before); }
  async openTask(task: OpenTask, h: HistoryEntry) {
    if (this.tasks.get(task.reference)?.taskToken === task.taskToken) return 'already-open' as const;
    this.tasks.set(task.reference, task);
    const c = this.complaints.get(task.reference)!;
    c.stage = task.stage;
    this.histories.get(task.reference)!.push(h);
    return 'opened' as const;
  }
  async getTask(ref: string) { return this.tasks.get(ref); }
  async replaceExecution(ref: string, expected: string, next: string, h: HistoryEntry) {
    const c = this.complaints.get(ref)!;
    if (c.executionName !== expected) return false;
    c.executionName = next;
    c.resumeCount += 1;
    this.histories.get(ref)!.push(h);
    return true;
  }
  async close(ref: string, at: string, expiresAt: number, h: HistoryEntry) {
    const c = this.complaints.get(ref)!;
    Object.assign(c, { status: 'CLOSED', stage: 'CLOSED', updatedAt: at, expiresAt });
    this.tasks.delete(ref);
    this.histories.get(ref)!.push(h);
  }
}

export class FakeWorkflow implements WorkflowEngine {
  started: { name: string; input: WorkflowInput }[] = [];
  running = new Set<string>();
  failStart?: Error;
  completed: { token: string; output: unknown }[] = [];
  async start(name: string, input: WorkflowInput) {
    if (this.failStart) throw this.failStart;
    this.started.push({ name, input });
    this.running.add(name);
  }
  async isRunning(name: string) { return this.running.has(name); }
  async completeTask(token: string, output: unknown) { this.completed.push({ token, output }); }
}
