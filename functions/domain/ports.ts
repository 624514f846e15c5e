/**
 * What the use cases need from the outside world. Adapters (DynamoDB, Step Functions)
 * implement these; unit tests pass hand-written fakes.
 */
import type { AccessAttempts } from './access-throttle.ts';
import type { Complaint, HistoryEntry, Stage } from './complaint.ts';
import type { ArchiveRecord, StagedPart, StoredItem } from './archive.ts';

export interface StoredAnswer { requestHash: string; statusCode: number; body: unknown }

export interface NewComplaint {
  complaint: Complaint;
  secret: { salt: string; hash: string };
  history: HistoryEntry[];
  idempotency?: { key: string; answer: StoredAnswer; expiresAt: number };
  /** The acknowledgement, sent through the customer's channel. */
  messages?: OutboundMessage[];
  /** Hashed contact keys of the customer, for finding their repeats. */
  customerKeys?: string[];
  /**
   * Keys of the uploads the complaint refers to: each is recorded as this complaint's, in the
   * same transaction, only if no other complaint has it (otherwise UploadTaken).
   */
  uploads?: string[];
}

/** The open staff task of a complaint, with the workflow's task token and a queue summary. */
export interface TaskItem {
  reference: string;
  stage: Stage;
  taskToken: string;
  executionName: string;
  openedAt: string;
  /** 'awaiting-approval': a reply or extension waits for a manager. 'completed': sent to the workflow. */
  status: 'open' | 'awaiting-approval' | 'completed';
  team: string;
  assignee?: string;
  manager?: string;
  /** Earliest unmet deadline, for sorting queues. */
  nextDueAt: string;
  nextDueName: string;
  priority: string;
  major: boolean;
  channel: string;
  /** The customer as lists show them: masked (full data only in the detail view). */
  customer?: string;
  /** Flags for staff: repeats merged, customer restricted. */
  flags?: string[];
  riskLevel?: string;
  crossDepartment?: boolean;
  anonymous?: boolean;
  /** The draft waiting for approval (reply) - kept on the task until it is sent. */
  pendingReply?: { subject: string; text: string; by: string; at: string };
  completedAt?: string;
  completedBy?: string;
  output?: unknown;
}

export interface OutboundMessage {
  reference: string;
  at: string;
  kind: 'acknowledgement' | 'progress' | 'extension' | 'pause' | 'resume' | 'reply' | 'callbackSurvey' | 'reminder' | 'escalation';
  audience: 'customer' | 'staff';
  /** Channel used: email, web (status page), or a staff call task for phone/branch/letter. */
  channel: 'email' | 'status-page' | 'call-task' | 'letter';
  to?: string;
  language: string;
  subject: string;
  text: string;
  /**
   * Not stored: the HTML part is made from the text when the message is sent or shown
   * (message-html.ts messageHtml). Present on a message stored before that.
   */
  html?: string;
  /** queued -> sending -> sent (or failed); recorded: nothing to send (status page, call task). */
  status: 'queued' | 'recorded' | 'sending' | 'sent' | 'failed';
  /** Sort key of the stored message (set by the repository). */
  messageId?: string;
}

export interface Change {
  complaint: Complaint;
  /** The version read; the write fails with a ConflictError if someone changed it since. */
  expectedVersion: number;
  /** Put the task (optionally only if its token is still `ifToken`), or delete it. */
  task?: { put: TaskItem; ifToken?: string } | { delete: true };
  history: HistoryEntry[];
  messages?: OutboundMessage[];
  /** Stored answer of the request that made this change (a merged repeat). */
  idempotency?: { key: string; answer: StoredAnswer; expiresAt: number };
  /** Stored messages replaced whole (erasure), by their messageId. */
  replaceMessages?: OutboundMessage[];
  /** Customer-index entries of this complaint to remove (erasure). */
  removeCustomerKeys?: string[];
  /** Written with the change, in the same transaction: the customer's restriction (by hashed contact keys). */
  restriction?: { keys: string[]; restriction: Restriction };
  /** A stored message moved from one delivery status to the next (a call made); fails the change if it is no longer `from`. */
  messageStatus?: { messageId: string; from: OutboundMessage['status']; to: OutboundMessage['status']; patch?: Record<string, unknown> };
  /** Another access code for the complaint (a merged repeat's own). */
  accessCode?: { hash: string; salt: string };
}

/** The registration ledger: every complaint ever registered, and where it is now. */
export interface LedgerEntry {
  reference: string;
  registeredAt: string;
  /** Key of the archive object, once written. */
  archiveKey?: string;
  archivedAt?: string;
  historyDigest?: string;
  /** Key of the redacted version written for an erasure request. */
  erasedKey?: string;
  erasedAt?: string;
}

export interface StaffProfile {
  id: string; name: string; email: string; roles: string[]; department: string;
  /** Other names the person is known by (another script, a former name): a complaint naming one names them. */
  aliases?: string[];
  /** Left or suspended: their still-valid tokens are refused (http/staff-auth.ts). */
  disabled?: boolean;
}

/** What the OPEN index holds of an open complaint. */
export type OpenComplaint = Pick<Complaint, 'reference' | 'executionName' | 'stage' | 'resumeCount'>;

export interface ComplaintRepository {
  /** Next number of the region's yearly reference sequence (atomic). */
  nextSequence(prefix: string, year: number): Promise<number>;
  /** Writes complaint, secret, history and idempotency record in one transaction. */
  create(c: NewComplaint): Promise<void>;
  get(reference: string): Promise<Complaint | undefined>;
  getSecret(reference: string): Promise<{ salt: string; hash: string; others?: { salt: string; hash: string }[] } | undefined>;
  getIdempotent(key: string): Promise<StoredAnswer | undefined>;
  history(reference: string): Promise<HistoryEntry[]>;
  messages(reference: string): Promise<OutboundMessage[]>;
  /** Every open complaint, as the OPEN index projects it (the orphan sweeper). */
  listOpen(): Promise<OpenComplaint[]>;
  /** References of the open complaints whose next deadline alarm (deadlines.ts nextAlarmAt) is at or before `before`. */
  listDue(before: string): Promise<string[]>;
  /** The complaint's staff task; `consistent: false` for an eventually consistent read at half the cost (a sweep). */
  getTask(reference: string, opts?: { consistent?: boolean }): Promise<TaskItem | undefined>;
  /** One transaction: complaint (optimistic lock), task, history, messages. */
  commit(change: Change): Promise<void>;
  /** Tasks of a team's queue, earliest deadline first. */
  queue(team: string, limit?: number): Promise<TaskItem[]>;
  /** Records a complaint under a matter key and counts the others within the window. */
  recordMatter(matterKey: string, reference: string, at: string, windowStart: string, expiresAt: number): Promise<number>;
  getStaff(id: string): Promise<StaffProfile | undefined>;
  managerOf(team: string): Promise<StaffProfile | undefined>;
  /** Whether the staff directory has an active member (or the manager) of this team: a team exists only if someone staffs it. */
  isStaffedTeam(team: string): Promise<boolean>;
  putStaff(p: StaffProfile): Promise<void>;
  /** Open complaints of a customer (by hashed contact keys). */
  complaintsOfCustomer(keys: string[]): Promise<string[]>;
  /** A customer's complaints and restrictions together (by hashed contact keys): what intake checks. */
  customerRecord(keys: string[]): Promise<{ references: string[]; restrictions: Restriction[] }>;
  /** Adds another access code (a repeat's acknowledgement) to a complaint. */
  addAccessCode(reference: string, hash: string, salt: string): Promise<void>;
  /** Marks a one-time token as used; false if it was used before. */
  useOnce(token: string, expiresAt: number): Promise<boolean>;
  /** Restrictions of customers (by hashed contact keys) who abused the channels. */
  putRestriction(keys: string[], r: Restriction): Promise<void>;
  restrictionsOf(keys: string[]): Promise<Restriction[]>;
  /** Every stored item of the complaint's partition, keys included (archival). */
  partitionItems(reference: string): Promise<StoredItem[]>;
  /** Gives every other item of a closed complaint its expiry - the complaint item gets it with the closing commit, which deletes the task (idempotent); returns how many changed. */
  expireWith(reference: string, expiresAt: number, customerKeys: string[]): Promise<number>;
  ledgerEntry(reference: string): Promise<LedgerEntry | undefined>;
  ledgerPage(prefixYear: string, after?: string): Promise<{ entries: LedgerEntry[]; next?: string }>;
  updateLedger(reference: string, patch: Partial<LedgerEntry>): Promise<void>;
  /** Moves a message from one delivery status to the next, only if it is still in `from`. */
  transitionMessage(reference: string, messageId: string, from: string, to: string, patch?: Record<string, unknown>): Promise<boolean>;
}

export interface WorkflowInput { reference: string; /** Stage to (re)start at: RECEIVED for a new complaint. */ resumeAt: Stage }

export interface WorkflowEngine {
  /** Starts (idempotently, by name) the complaint's workflow execution. */
  start(executionName: string, input: WorkflowInput): Promise<void>;
  /** Whether the named execution exists and is still running. */
  isRunning(executionName: string): Promise<boolean>;
  /** Hands the staff action's result to the waiting workflow; false if the token is gone. */
  completeTask(taskToken: string, output: unknown): Promise<boolean>;
}

/** An upload the new complaint refers to belongs to another complaint already (one upload, one complaint). */
export class UploadTaken extends Error {
  constructor(readonly keys: string[]) { super('An upload belongs to another complaint'); this.name = 'UploadTaken'; }
}

/** Another request with the same Idempotency-Key won the race: its answer is the answer. */
export class IdempotencyRace extends Error {
  constructor() { super('Idempotency key written concurrently'); this.name = 'IdempotencyRace'; }
}

export interface AttachmentRef { key: string; name: string; contentType: string; size: number }

/** Object storage for attachments: never the table. S3 on AWS, the local object store locally. */
export interface AttachmentStore {
  presignUpload(key: string, contentType: string, size: number): Promise<{ url: string; method: 'PUT'; headers: Record<string, string>; expiresAt: string }>;
  head(key: string): Promise<{ size: number; contentType: string } | undefined>;
  put(key: string, body: Uint8Array, contentType: string, metadata?: Record<string, string>): Promise<void>;
  /** The object, or only its first `firstBytes` bytes (at least those: a store may send more). */
  get(key: string, firstBytes?: number): Promise<Uint8Array | undefined>;
}

/** One line of the append-only audit record: who did or read what, when, with what outcome. */
export interface AuditEntry {
  at: string;
  actor: string;
  roles: string[];
  operation: string;
  reference?: string;
  outcome: 'ok' | 'denied' | 'rejected' | 'error';
  /** Short, never personal data: e.g. 'read personal data', a reason for a denial. */
  detail?: string;
}

export interface AuditLog {
  record(e: AuditEntry): Promise<void>;
  search(q: { day: string; reference?: string; actor?: string; limit?: number }): Promise<AuditEntry[]>;
}

/** Failed access-code attempts per reference string (domain/access-throttle.ts). */
export interface AccessAttemptStore {
  get(reference: string): Promise<AccessAttempts | undefined>;
  /** Writes `next` only if the stored version is still `expectedVersion` (undefined: no state yet); false otherwise. */
  put(reference: string, next: AccessAttempts, expectedVersion: number | undefined): Promise<boolean>;
}

export interface Restriction { reason: string; by: string; at: string; until?: string }

/**
 * The archive: S3 with Object Lock (compliance mode) on AWS, the local object store locally.
 * Staging holds the items TTL removed until the whole complaint is there.
 */
export interface ArchiveStore {
  /** The staged objects of a complaint, from their keys alone (one listing). */
  stagedParts(reference: string): Promise<StagedPart[]>;
  /** The items of staged objects, object by object (one read each). */
  readStaged(keys: string[]): Promise<{ key: string; items: StoredItem[] }[]>;
  /** Writes a staged object (key: domain/archive.ts stagingKey), replacing one of the same key. */
  putStaged(key: string, items: StoredItem[]): Promise<void>;
  /** Removes staged objects (a missing one is not an error). */
  deleteStaged(keys: string[]): Promise<void>;
  /** Every item staged for a complaint (a listing and one read per object). */
  parts(reference: string): Promise<StoredItem[]>;
  /** References with parts waiting in staging. */
  stagedReferences(): Promise<string[]>;
  /** Writes a locked object once: 'exists' if it is already there (a retry, a duplicate). */
  putRecord(key: string, record: ArchiveRecord, retainUntil: string): Promise<'written' | 'exists'>;
  getRecord(key: string): Promise<ArchiveRecord | undefined>;
  /** Copies an attachment into the archive under the same lock ('exists' if already there). */
  copyAttachment(sourceKey: string, destKey: string, retainUntil: string): Promise<'written' | 'exists' | 'source-missing'>;
}
