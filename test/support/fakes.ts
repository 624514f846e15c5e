/** Hand-written fakes of the ports, for unit tests of the use cases (pure logic only). */
import type { Complaint, CorrectiveAction, HistoryEntry } from '../../functions/domain/complaint.ts';
import type { ComplaintRepository, WorkflowEngine } from '../../functions/domain/ports.ts';
import {
  IdempotencyRace,
  UploadTaken,
  type Change,
  type NewComplaint,
  type OutboundMessage,
  type StaffProfile,
  type StoredAnswer,
  type TaskItem,
  type WorkflowInput,
} from '../../functions/domain/model.ts';
import { ConflictError } from '../../functions/shared/errors.ts';
import { nextAlarmAt } from '../../functions/domain/deadlines.ts';
import type { AccessAttempts } from '../../functions/domain/access-throttle.ts';
import type { AccessAttemptStore, AuditLog } from '../../functions/domain/ports.ts';
import type { AuditEntry } from '../../functions/domain/model.ts';
import type { InboundRecord } from '../../functions/domain/email-intake.ts';
import type { InboundRepository } from '../../functions/domain/ports.ts';

export class FakeRepository implements ComplaintRepository {
  complaints = new Map<string, Complaint>();
  secrets = new Map<string, { salt: string; hash: string }>();
  histories = new Map<string, HistoryEntry[]>();
  msgs = new Map<string, OutboundMessage[]>();
  idempotency = new Map<string, StoredAnswer>();
  tasks = new Map<string, TaskItem>();
  staff = new Map<string, StaffProfile>();
  matters = new Map<string, { reference: string; at: string }[]>();
  seq = new Map<string, number>();
  failCreate?: Error;
  /** Upload key -> the complaint it belongs to. */
  uploadOwners = new Map<string, string>();

  async nextSequence(prefix: string, year: number) {
    const k = `${prefix}${year}`;
    this.seq.set(k, (this.seq.get(k) ?? 0) + 1);
    return this.seq.get(k)!;
  }
  async create(c: NewComplaint) {
    if (this.failCreate) throw this.failCreate;
    if (c.idempotency && this.idempotency.has(c.idempotency.key)) throw new IdempotencyRace();
    const taken = (c.uploads ?? []).filter((k) => this.uploadOwners.has(k));
    if (taken.length) throw new UploadTaken(taken);
    for (const k of c.uploads ?? []) this.uploadOwners.set(k, c.complaint.reference);
    this.complaints.set(c.complaint.reference, structuredClone(c.complaint));
    this.secrets.set(c.complaint.reference, c.secret);
    for (const k of c.customerKeys ?? []) this.customers.set(k, [...(this.customers.get(k) ?? []), c.complaint.reference]);
    this.histories.set(c.complaint.reference, [...c.history]);
    this.msgs.set(
      c.complaint.reference,
      (c.messages ?? []).map((m, i) => ({ ...m, messageId: `MSG#${m.at}#${i}` })),
    );
    if (c.idempotency) this.idempotency.set(c.idempotency.key, c.idempotency.answer);
    this.ledger.set(c.complaint.reference, { reference: c.complaint.reference, registeredAt: c.complaint.receivedAt });
  }
  async get(ref: string) {
    const c = this.complaints.get(ref);
    return c && structuredClone(c);
  }
  async getSecret(ref: string) {
    return this.secrets.get(ref);
  }
  async getIdempotent(key: string) {
    return this.idempotency.get(key);
  }
  async history(ref: string) {
    return [...(this.histories.get(ref) ?? [])];
  }
  async messages(ref: string) {
    return [...(this.msgs.get(ref) ?? [])];
  }
  /** The region profile's reminder point (0.2 in every shipped region), as the DynamoDB repository is given it. */
  reminderFraction = 0.2;
  async listOpen() {
    return [...this.complaints.values()]
      .filter((c) => c.status === 'OPEN')
      .map(({ reference, executionName, stage, resumeCount }) => ({ reference, executionName, stage, resumeCount }));
  }
  async listDue(before: string) {
    return [...this.complaints.values()].filter((c) => (nextAlarmAt(c, this.reminderFraction) ?? '~') <= before).map((c) => c.reference);
  }
  async getTask(ref: string) {
    const t = this.tasks.get(ref);
    return t && structuredClone(t);
  }
  async commit(ch: Change) {
    const ref = ch.complaint.reference;
    if (this.complaints.get(ref)?.version !== ch.expectedVersion) throw new ConflictError('version');
    if (ch.task && 'put' in ch.task && ch.task.ifToken && this.tasks.get(ref)?.taskToken !== ch.task.ifToken) throw new ConflictError('token');
    const ms = ch.messageStatus;
    const target = ms && (this.msgs.get(ref) ?? []).find((m) => m.messageId === ms.messageId);
    if (ms && target?.status !== ms.from) throw new ConflictError(`This message is no longer ${ms.from}`);
    this.complaints.set(ref, structuredClone(ch.complaint));
    if (ch.task && 'put' in ch.task) this.tasks.set(ref, structuredClone(ch.task.put));
    else if (ch.task) this.tasks.delete(ref);
    this.histories.set(ref, [...(this.histories.get(ref) ?? []), ...ch.history]);
    const existing = this.msgs.get(ref) ?? [];
    this.msgs.set(ref, [...existing, ...(ch.messages ?? []).map((m, i) => ({ ...m, messageId: `MSG#${m.at}#${existing.length + i}` }))]);
    if (ms && target) Object.assign(target, { status: ms.to, ...ms.patch });
    for (const k of ch.restriction?.keys ?? []) this.restrictions.set(k, ch.restriction!.restriction);
    if (ch.accessCode) await this.addAccessCode(ref, ch.accessCode.hash, ch.accessCode.salt);
    for (const a of ch.correctiveActions ?? []) this.actions.set(a.id, { ...structuredClone(a), version: 1 });
  }
  actions = new Map<string, CorrectiveAction>();
  async getCorrectiveAction(id: string) {
    const a = this.actions.get(id);
    return a && structuredClone(a);
  }
  async listCorrectiveActions() {
    return [...this.actions.values()].map((a) => structuredClone(a)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
  async updateCorrectiveAction(a: CorrectiveAction, expectedVersion: number) {
    if (this.actions.get(a.id)?.version !== expectedVersion) throw new ConflictError('version');
    this.actions.set(a.id, { ...structuredClone(a), version: expectedVersion + 1 });
  }
  async queue(team: string) {
    return [...this.tasks.values()].filter((t) => t.team === team).sort((a, b) => a.nextDueAt.localeCompare(b.nextDueAt));
  }
  async recordMatter(key: string, reference: string, at: string, windowStart: string) {
    const list = this.matters.get(key) ?? [];
    list.push({ reference, at });
    this.matters.set(key, list);
    return new Set(list.filter((m) => m.at >= windowStart && m.reference !== reference).map((m) => m.reference)).size;
  }
  async getStaff(id: string) {
    return this.staff.get(id);
  }
  async managerOf(team: string) {
    return [...this.staff.values()].find((s) => s.department === team && s.roles.includes('manager'));
  }
  async putStaff(p: StaffProfile) {
    this.staff.set(p.id, p);
  }
  async approvalCandidates(team: string) {
    return [...this.staff.values()].filter((s) => !s.disabled && (s.department === team || s.roles.includes('senior')));
  }
  /** A team someone active staffs; a fake with no directory at all (most unit tests) staffs every team. */
  async isStaffedTeam(team: string) {
    return this.staff.size === 0 || [...this.staff.values()].some((s) => s.department === team && !s.disabled);
  }
  restrictions = new Map<string, import('../../functions/domain/model.ts').Restriction>();
  async putRestriction(keys: string[], r: import('../../functions/domain/model.ts').Restriction) {
    for (const k of keys) this.restrictions.set(k, r);
  }
  async restrictionsOf(keys: string[]) {
    return keys.flatMap((k) => (this.restrictions.has(k) ? [this.restrictions.get(k)!] : []));
  }
  used = new Set<string>();
  async useOnce(token: string) {
    if (this.used.has(token)) return false;
    this.used.add(token);
    return true;
  }
  customers = new Map<string, string[]>();
  async complaintsOfCustomer(keys: string[]) {
    return [...new Set(keys.flatMap((k) => this.customers.get(k) ?? []))];
  }
  async customerRecord(keys: string[]) {
    return { references: await this.complaintsOfCustomer(keys), restrictions: await this.restrictionsOf(keys) };
  }
  async addAccessCode(ref: string, hash: string, salt: string) {
    const s = this.secrets.get(ref)!;
    (s as any).others = [...((s as any).others ?? []), { hash, salt }];
  }
  ledger = new Map<string, import('../../functions/domain/model.ts').LedgerEntry>();
  expiries = new Map<string, number>();
  async partitionItems(ref: string) {
    const c = this.complaints.get(ref);
    if (!c) return [];
    const pk = `COMPLAINT#${ref}`;
    return [
      { PK: pk, SK: 'META', ...structuredClone(c) },
      ...(this.histories.get(ref) ?? []).map((h, i) => ({ PK: pk, SK: `H#${h.at}#${String(i).padStart(6, '0')}`, ...h })),
      ...(this.msgs.get(ref) ?? []).map((m) => ({ PK: pk, SK: m.messageId!, ...m })),
    ];
  }
  async expireWith(ref: string, expiresAt: number) {
    const had = this.expiries.get(ref) === expiresAt;
    this.expiries.set(ref, expiresAt);
    return had ? 0 : 1;
  }
  /** Not used by the unit tests' flows (disposeDrill's deletes run on DynamoDB Local: test/integration/drills.test.ts). */
  async deleteItems(_keys: { PK: string; SK: string }[]) {
    throw new Error('FakeRepository.deleteItems: not faked');
  }
  /** Messages replaced whole (the only items of this fake an erasure redacts in place). */
  async replaceItems(items: { PK: string; SK: string }[]) {
    for (const i of items) {
      const ref = i.PK.slice('COMPLAINT#'.length);
      const list = this.msgs.get(ref) ?? [];
      const at = list.findIndex((m) => m.messageId === i.SK);
      if (at >= 0) list[at] = { ...(i as unknown as OutboundMessage) };
    }
  }
  async ledgerEntry(ref: string) {
    return this.ledger.get(ref);
  }
  async ledgerPage(prefixYear: string) {
    return { entries: [...this.ledger.values()].filter((e) => e.reference.startsWith(`${prefixYear}-`)) };
  }
  async updateLedger(ref: string, patch: Partial<import('../../functions/domain/model.ts').LedgerEntry>) {
    const e = this.ledger.get(ref);
    if (e) Object.assign(e, patch);
  }
  async transitionMessage(ref: string, id: string, from: string, to: string, patch: Record<string, unknown> = {}) {
    const m = this.msgs.get(ref)?.find((x) => x.messageId === id);
    if (!m || m.status !== from) return false;
    Object.assign(m, { status: to }, patch);
    return true;
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
  async isRunning(name: string) {
    return this.running.has(name);
  }
  async completeTask(token: string, output: unknown) {
    this.completed.push({ token, output });
    return true;
  }
}

/** The audit record in memory. */
export class FakeAuditLog implements AuditLog {
  entries: AuditEntry[] = [];
  async record(e: AuditEntry) {
    this.entries.push(structuredClone(e));
  }
  /** Audit keys this fake knows of (what the repository's transactions wrote). */
  keys = new Set<string>();
  async has(auditKey: string) {
    return this.keys.has(auditKey);
  }
  async search(q: { day: string; reference?: string; actor?: string }) {
    return this.entries.filter((e) => e.at.startsWith(q.day) && (!q.reference || e.reference === q.reference) && (!q.actor || e.actor === q.actor));
  }
}

/** Failed access-code attempts in memory, with the version condition of the real store. */
export class FakeAccessAttempts implements AccessAttemptStore {
  states = new Map<string, AccessAttempts>();
  async get(reference: string) {
    const s = this.states.get(reference);
    return s && { ...s };
  }
  async put(reference: string, next: AccessAttempts, expectedVersion: number | undefined) {
    if (this.states.get(reference)?.version !== expectedVersion) return false;
    this.states.set(reference, { ...next });
    return true;
  }
}

/** The inbound-email outcomes in memory: the first record of a message id wins, as the conditional put does. */
export class FakeInbound implements InboundRepository {
  records = new Map<string, InboundRecord>();
  async get(id: string) {
    return this.records.get(id);
  }
  async record(r: InboundRecord) {
    const existing = this.records.get(r.messageId);
    if (existing) return { record: existing, created: false };
    this.records.set(r.messageId, structuredClone(r));
    return { record: r, created: true };
  }
}
