/**
 * What the use cases need from the outside world, one port per concern. Each use case declares
 * only the ports it uses; adapters implement them (one DynamoDB class implements every port of
 * the table: ComplaintRepository), unit tests pass hand-written fakes. The records they carry
 * are in ./model.ts.
 */
import type { AccessAttempts } from './access-throttle.ts';
import type { StoredCalendarYear } from './calendar-data.ts';
import type { ArchiveRecord, StagedPart, StoredItem } from './archive.ts';
import type { Complaint, CorrectiveAction, HistoryEntry } from './complaint.ts';
import type { InboundOutcome, InboundRecord } from './email-intake.ts';
import type { DrillRecord, TrainingRecord } from './drill.ts';
import type { DrillSummary } from './drill-report.ts';
import type { ReportDocument } from './report-document.ts';
import type {
  AuditEntry,
  Change,
  LedgerEntry,
  NewComplaint,
  OpenComplaint,
  OutboundMessage,
  Restriction,
  StaffProfile,
  StoredAnswer,
  TaskItem,
  WorkflowInput,
} from './model.ts';

/** The complaints: each with its secret, history, access codes and idempotent answers; changed by `commit` (one transaction of complaint, task, history and messages, guarded by the version). */
export interface Complaints {
  /** Next number of the region's yearly reference sequence (atomic). */
  nextSequence(prefix: string, year: number): Promise<number>;
  /** Writes complaint, secret, history and idempotency record in one transaction. */
  create(c: NewComplaint): Promise<void>;
  get(reference: string): Promise<Complaint | undefined>;
  getSecret(reference: string): Promise<{ salt: string; hash: string; others?: { salt: string; hash: string }[] } | undefined>;
  getIdempotent(key: string): Promise<StoredAnswer | undefined>;
  history(reference: string): Promise<HistoryEntry[]>;
  /** One transaction: complaint (optimistic lock), task, history, messages. */
  commit(change: Change): Promise<void>;
  /** Adds another access code (a repeat's acknowledgement) to a complaint. */
  addAccessCode(reference: string, hash: string, salt: string): Promise<void>;
}

/** The staff tasks, and the indexes over open complaints: a team's queue, the open ones, the due ones. */
export interface TaskQueue {
  /** The complaint's staff task; `consistent: false` for an eventually consistent read at half the cost (a sweep). */
  getTask(reference: string, opts?: { consistent?: boolean }): Promise<TaskItem | undefined>;
  /** Tasks of a team's queue, earliest deadline first. */
  queue(team: string, limit?: number): Promise<TaskItem[]>;
  /** Every open complaint, as the OPEN index projects it (the orphan sweeper). */
  listOpen(): Promise<OpenComplaint[]>;
  /** References of the open complaints whose next deadline alarm (deadlines.ts nextAlarmAt) is at or before `before`. */
  listDue(before: string): Promise<string[]>;
}

/** The staff directory: who works here, in which team, who manages it. */
export interface StaffDirectory {
  getStaff(id: string): Promise<StaffProfile | undefined>;
  managerOf(team: string): Promise<StaffProfile | undefined>;
  /** Whether the staff directory has an active member (or the manager) of this team: a team exists only if someone staffs it. */
  isStaffedTeam(team: string): Promise<boolean>;
  putStaff(p: StaffProfile): Promise<void>;
  /** Who might approve for this team (domain/approval.ts): its active members and every active member of the senior tier. */
  approvalCandidates(team: string): Promise<StaffProfile[]>;
}

/** The customers, by hashed contact keys: their complaints and restrictions. */
export interface Customers {
  /** Open complaints of a customer (by hashed contact keys). */
  complaintsOfCustomer(keys: string[]): Promise<string[]>;
  /** A customer's complaints and restrictions together (by hashed contact keys): what intake checks. */
  customerRecord(keys: string[]): Promise<{ references: string[]; restrictions: Restriction[] }>;
  /** Restrictions of customers (by hashed contact keys) who abused the channels. */
  putRestriction(keys: string[], r: Restriction): Promise<void>;
  restrictionsOf(keys: string[]): Promise<Restriction[]>;
}

/** The outbox: the messages queued with a complaint, and their delivery status. */
export interface Outbox {
  messages(reference: string): Promise<OutboundMessage[]>;
  /** Moves a message from one delivery status to the next, only if it is still in `from`. */
  transitionMessage(reference: string, messageId: string, from: string, to: string, patch?: Record<string, unknown>): Promise<boolean>;
}

/** Complaints about one matter within a window (group incidents, at registration). */
export interface MatterWindow {
  /** Records a complaint under a matter key and counts the others within the window. */
  recordMatter(matterKey: string, reference: string, at: string, windowStart: string, expiresAt: number): Promise<number>;
}

/** One-time tokens (task links): used once, then refused. */
export interface OneTimeTokens {
  /** Marks a one-time token as used; false if it was used before. */
  useOnce(token: string, expiresAt: number): Promise<boolean>;
}

/** The registration ledger: every complaint ever registered, and where it is now. */
export interface Ledger {
  ledgerEntry(reference: string): Promise<LedgerEntry | undefined>;
  ledgerPage(prefixYear: string, after?: string): Promise<{ entries: LedgerEntry[]; next?: string }>;
  updateLedger(reference: string, patch: Partial<LedgerEntry>): Promise<void>;
}

/** A closed complaint's items in the table: their expiry, and what archival reads. */
export interface Retention {
  /** Every stored item of the complaint's partition, keys included (archival). */
  partitionItems(reference: string): Promise<StoredItem[]>;
  /** Gives every other item of a closed complaint its expiry - the complaint item gets it with the closing commit, which deletes the task (idempotent); returns how many changed. */
  expireWith(reference: string, expiresAt: number, customerKeys: string[]): Promise<number>;
  /** Stored items replaced whole (an erasure redacting what TTL has not removed yet), each only if it is still there. */
  replaceItems(items: StoredItem[]): Promise<void>;
  /** Items deleted (a disposed drill complaint's: its partition and customer-index entries); a missing one is no error. */
  deleteItems(keys: { PK: string; SK: string }[]): Promise<void>;
}

/** Every port of the product's one table: what the DynamoDB adapter implements. */
export type ComplaintRepository = Complaints &
  TaskQueue &
  StaffDirectory &
  Customers &
  Outbox &
  MatterWindow &
  OneTimeTokens &
  Ledger &
  Retention &
  CorrectiveActions;

/** Corrective actions (domain/corrective-actions.ts): their own items; created with a complaint's commit (Change.correctiveActions). */
export interface CorrectiveActions {
  getCorrectiveAction(id: string): Promise<CorrectiveAction | undefined>;
  /** Every action (they are few: one or two per upheld root cause), oldest first. */
  listCorrectiveActions(): Promise<CorrectiveAction[]>;
  /** Writes the action if its stored version is still `expectedVersion`; ConflictError otherwise. */
  updateCorrectiveAction(a: CorrectiveAction, expectedVersion: number): Promise<void>;
}

export interface WorkflowEngine {
  /** Starts (idempotently, by name) the complaint's workflow execution. */
  start(executionName: string, input: WorkflowInput): Promise<void>;
  /** Whether the named execution exists and is still running. */
  isRunning(executionName: string): Promise<boolean>;
  /** Hands the staff action's result to the waiting workflow; false if the token is gone. */
  completeTask(taskToken: string, output: unknown): Promise<boolean>;
}

/** Object storage for attachments: never the table. S3 on AWS, the local object store locally. */
export interface AttachmentStore {
  presignUpload(key: string, contentType: string, size: number): Promise<{ url: string; method: 'PUT'; headers: Record<string, string>; expiresAt: string }>;
  head(key: string): Promise<{ size: number; contentType: string } | undefined>;
  put(key: string, body: Uint8Array, contentType: string, metadata?: Record<string, string>): Promise<void>;
  /** The object, or only its first `firstBytes` bytes (at least those: a store may send more). */
  get(key: string, firstBytes?: number): Promise<Uint8Array | undefined>;
}

export interface AuditLog {
  record(e: AuditEntry): Promise<void>;
  /** Whether the entry a change names (`AUDIT#<day>|<sort key>`, its history items' auditKey) is on the record. */
  has(auditKey: string): Promise<boolean>;
  search(q: { day: string; reference?: string; actor?: string; limit?: number }): Promise<AuditEntry[]>;
}

/** Failed access-code attempts per reference string (domain/access-throttle.ts). */
export interface AccessAttemptStore {
  get(reference: string): Promise<AccessAttempts | undefined>;
  /** Writes `next` only if the stored version is still `expectedVersion` (undefined: no state yet); false otherwise. */
  put(reference: string, next: AccessAttempts, expectedVersion: number | undefined): Promise<boolean>;
}

/**
 * The business calendars' runtime overrides (calendar-data.ts): one versioned item per region and
 * year, every version kept, and the calendar state the open complaints were last measured on.
 */
export interface CalendarStore {
  /** The current override of each year of a region. */
  years(region: string): Promise<Record<string, StoredCalendarYear>>;
  /** A year's override at a version (for the calendar a deadline was measured on). */
  yearAt(region: string, year: string, version: number): Promise<StoredCalendarYear | undefined>;
  /** Writes a year's next version only if the stored one is still `expectedVersion` (0: none yet); false otherwise. */
  putYear(region: string, year: string, entry: StoredCalendarYear, expectedVersion: number): Promise<boolean>;
  /** The calendar state (calendarVersion) the open complaints' deadlines were last recomputed on ('' never). */
  applied(region: string): Promise<string>;
  setApplied(region: string, version: string, at: string): Promise<void>;
}

/** Sends an email (SES, or the bank's SMTP relay); returns the provider's message id. */
export interface Mailer {
  send(m: { from: string; to: string; replyTo?: string; subject: string; text: string; html?: string; reference: string }): Promise<string>;
}

/** The inbound-email records: each message's outcome, recorded once. */
export interface InboundRepository {
  get(messageId: string): Promise<InboundRecord | undefined>;
  /** Records the outcome once: if the message was recorded already, returns that record (created: false). */
  record(r: InboundRecord): Promise<{ record: InboundRecord; created: boolean }>;
}

/** The raw inbound messages, as the mail service stored them (SES: the mail bucket). */
export interface InboundMailbox {
  /** The raw message (RFC 5322 bytes) received under this id. */
  raw(messageId: string): Promise<Uint8Array>;
}

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

// The bank's complaints mailbox over IMAP (MailboxPoller, use-cases/intake/poll-mailbox.ts; ADR 0006).
/** What a poll needs to know of a message before downloading it. */
export interface MailboxEntry {
  uid: number;
  /** RFC822.SIZE, bytes. */
  size: number;
  /** The Message-ID header as the server parsed it (ENVELOPE), if any. */
  messageId?: string;
  /** INTERNALDATE: when the server received it. */
  receivedAt?: Date;
}

/** The open mailbox (IMAP: a selected folder). */
export interface MailboxSession {
  /** UIDVALIDITY of the selected folder: UIDs are only unique together with it. */
  uidValidity: string;
  /** The folder's messages, lowest UID first, at most `limit`. */
  list(limit: number): Promise<MailboxEntry[]>;
  /** The raw message (RFC 5322 bytes). */
  fetchRaw(uid: number): Promise<Uint8Array>;
  /** Moves the message to `folder` (created when missing). A message already gone is no error. */
  move(uid: number, folder: string): Promise<void>;
}

/** Per-message progress, keyed by mailbox, UIDVALIDITY and UID (table: MAILBOX#<mailbox> / UID#<uidValidity>#<uid>). */
export interface MailboxMarker {
  mailbox: string;
  uidValidity: string;
  uid: number;
  intakeId?: string;
  /** taken: the intake recorded it (only the move may be missing); failing: an intake attempt threw; failed: given up (failure folder). */
  state: 'taken' | 'failing' | 'failed';
  outcome?: InboundOutcome;
  attempts: number;
  reason?: string;
  updatedAt: string;
}

export interface MailboxMarkers {
  get(mailbox: string, uidValidity: string, uid: number): Promise<MailboxMarker | undefined>;
  put(marker: MailboxMarker): Promise<void>;
}

// Drills, their training records and reviews (issue 20, ADR 0017).
/** A drill as the region's list of drills shows it (DRILLS#<region>): with its figures and actions once closed. */
export interface DrillListing {
  drillId: string;
  scenario: string;
  startedAt: string;
  status: DrillRecord['status'];
  /** As configured at the start (listings of earlier versions lack it). */
  disposal?: DrillRecord['disposal'];
  /** The disposal done (disposeDrill): the report kept at reportKey, when and by whom. */
  reportKey?: string;
  disposedAt?: string;
  disposedBy?: string;
  summary?: DrillSummary;
  /** Written by earlier versions only: a closed drill's improvement actions are in the CorrectiveActions store. */
  actions?: CorrectiveAction[];
}

export interface DrillStore {
  /** Writes a new drill and its listing (fails if the id exists). */
  createDrill(d: DrillRecord): Promise<void>;
  getDrill(drillId: string): Promise<DrillRecord | undefined>;
  /**
   * Rewrites the drill and its listing (closing it), with the participants' training records and
   * its improvement actions as corrective actions (ACTIONS, the CorrectiveActions store), in one transaction.
   */
  closeDrill(d: DrillRecord, summary: DrillSummary, training: TrainingRecord[], actions?: CorrectiveAction[]): Promise<void>;
  /** References of the drill's complaints (written with each complaint: DRILL#<id> / COMPLAINT#<reference>). */
  drillComplaints(drillId: string): Promise<string[]>;
  /** Every drill of the region, oldest first. */
  listDrills(region: string): Promise<DrillListing[]>;
  trainingOf(staffId: string): Promise<TrainingRecord[]>;
  /** Rewrites a closed drill (its report's key, its disposal done): only while it is closed. */
  updateClosedDrill(d: DrillRecord): Promise<void>;
}

/** Reports kept in the locked archive (reviews/): written once, read back as stored. */
export interface ReportArchive {
  putReport(key: string, body: Uint8Array, contentType: string, retainUntil: string): Promise<'written' | 'exists'>;
  getReport(key: string): Promise<{ body: Uint8Array; contentType: string } | undefined>;
}

/** Renders a report document as PDF (adapters/pdf-document.ts: pdfkit). */
export interface PdfRenderer {
  render(doc: ReportDocument): Promise<Uint8Array>;
}
