/**
 * The pipeline's records beside the complaint itself (./complaint.ts): what is stored with a
 * complaint (task, messages, the change a commit writes), the registration ledger, staff
 * profiles, restrictions, audit entries - what the ports (./ports.ts) take and return.
 */
import type { ApprovalTier } from './approval.ts';
import type { CfpbResponse } from './cfpb.ts';
import type { Complaint, CorrectiveAction, HistoryEntry, Stage } from './complaint.ts';

export interface StoredAnswer {
  requestHash: string;
  statusCode: number;
  body: unknown;
}

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
  /** The audit entry of the staff request that registers it (a complaint staff record): in the same transaction. */
  audit?: AuditEntry;
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
  pendingReply?: {
    subject: string;
    text: string;
    by: string;
    at: string;
    /** The tier that approves it (domain/approval.ts); absent on a reply drafted before tiers: the manager tier. */
    tier?: ApprovalTier;
    /** US: the CFPB company response category chosen with the reply. */
    cfpbResponse?: CfpbResponse;
  };
  completedAt?: string;
  completedBy?: string;
  output?: unknown;
}

export interface OutboundMessage {
  reference: string;
  at: string;
  kind: 'acknowledgement' | 'progress' | 'extension' | 'pause' | 'resume' | 'reply' | 'eight-week' | 'callbackSurvey' | 'reminder' | 'escalation';
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
  /** The drill whose complaint it is about (set by the repository): delivered only to the drill's mailbox or participants. */
  drill?: string;
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
  /** New corrective actions found on the complaint, each its own item (only if no action has its id). */
  correctiveActions?: CorrectiveAction[];
  /** The audit entry of the staff request that makes this change: written in the same transaction (ADR 0018). */
  audit?: AuditEntry;
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
  /**
   * The erasure tombstone, written before anything is redacted and never removed: every writer
   * of the complaint's data (archival, staging, the erasure itself) checks it and writes only
   * redacted images once it is there (ADR 0018).
   */
  erasure?: { at: string; by: string; basis: string; request?: string; pseudonym: string };
  /**
   * A drill complaint disposed of after its drill's report (issue 20, ADR 0022): archived apart
   * (`key`, under drills/: the archive record, also named by `archiveKey`, ADR 0024's amendment)
   * or discarded; or archived apart by TTL archival (`via: 'ttl'`, ADR 0024). Written before its items are deleted: archival does not
   * take those deletes for a loss, and reconciliation does not count it as a real complaint.
   */
  drillDisposal?: {
    drillId: string;
    disposal: 'archive' | 'discard';
    at: string;
    by: string;
    key?: string;
    /** 'ttl': archived apart by TTL archival, the drill's disposal not acted on before its expiry (ADR 0024). */
    via?: 'ttl';
  };
}

export interface StaffProfile {
  id: string;
  name: string;
  email: string;
  roles: string[];
  department: string;
  /** Other names the person is known by (another script, a former name): a complaint naming one names them. */
  aliases?: string[];
  /** Left or suspended: their still-valid tokens are refused (http/staff-auth.ts). */
  disabled?: boolean;
}

/** What the OPEN index holds of an open complaint. */
export type OpenComplaint = Pick<Complaint, 'reference' | 'executionName' | 'stage' | 'resumeCount'>;

export interface WorkflowInput {
  reference: string /** Stage to (re)start at: RECEIVED for a new complaint. */;
  resumeAt: Stage;
}

export interface AttachmentRef {
  key: string;
  name: string;
  contentType: string;
  size: number;
}

export interface Restriction {
  reason: string;
  by: string;
  at: string;
  until?: string;
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
  /** The complaint version a change committed, when the entry was written in the change's transaction. */
  version?: number;
}

/** An upload the new complaint refers to belongs to another complaint already (one upload, one complaint). */
export class UploadTaken extends Error {
  constructor(readonly keys: string[]) {
    super('An upload belongs to another complaint');
    this.name = 'UploadTaken';
  }
}

/** Another request with the same Idempotency-Key won the race: its answer is the answer. */
export class IdempotencyRace extends Error {
  constructor() {
    super('Idempotency key written concurrently');
    this.name = 'IdempotencyRace';
  }
}
