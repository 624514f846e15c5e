/**
 * The complaint as the product stores and reasons about it. Pure types and functions:
 * no AWS, no clock of its own.
 */
import type { RegionName } from './regions.ts';

export const STAGES = ['RECEIVED', 'INVESTIGATION', 'REPLY', 'CALLBACK', 'CLOSED'] as const;
export type Stage = (typeof STAGES)[number];

export const CHANNELS = ['web', 'email', 'phone', 'branch', 'letter'] as const;
export type Channel = (typeof CHANNELS)[number];

export type Language = 'zh-CN' | 'en';

/**
 * The longest description a complaint may have, in characters (issue 16 #9: real complaints
 * run to 22,000). Stored whole on the complaint item: at 3 UTF-8 bytes a character (Chinese)
 * that is 150 KB, within DynamoDB's 400 KB item limit with every other field at its maximum
 * (test/unit/long-description.test.ts measures it).
 */
export const DESCRIPTION_MAX_CHARS = 50_000;

export interface Deadline {
  dueAt: string;
  rule: string;
  /** Counted over a year without confirmed calendar adjustments (deadlines.ts): "calendar unconfirmed" for staff. */
  calendarUnconfirmed?: true;
  /** The runtime calendar state it was measured on (absent: the shipped calendar). */
  calendar?: string;
}

/** A deadline as stored on the complaint, with what happened to it. */
export interface DeadlineRecord extends Deadline {
  /** The date the customer holds when a calendar change moved this deadline later (calendar-change.ts): kept as they were told. */
  customerDueAt?: string;
  metAt?: string;
  remindedAt?: string;
  escalatedAt?: string;
}

export type Nature = 'service' | 'product' | 'operation' | 'violation';

/** S2 1.1.14 (classify) and 1.1.16 (assess). Staff may correct it at registration. */
export interface Classification {
  nature: Nature;
  channelType: 'online' | 'offline';
  urgency: 'general' | 'urgent';
  riskLevel: 'low' | 'medium' | 'high';
  priority: 'P1' | 'P2' | 'P3';
  /** Why: the rules that fired, for staff and auditors. */
  reasons: string[];
  correctedBy?: string;
  correctedAt?: string;
}

/** S2 1.1.22-1.1.24: special routes. */
export interface Routing {
  major: boolean;
  majorReasons: string[];
  crossDepartment: boolean;
  /** Departments involved; the first is the lead department. */
  departments: string[];
  anonymous: boolean;
  /** Key of the matter for group-incident detection, when one is recognised. */
  matterKey?: string;
  /**
   * Departments named (by the customer, or from the business line) that no team in the staff
   * directory staffs: the complaint went to the complaints desk instead; the customer's own
   * words stay in `target.department`.
   */
  unstaffed?: string[];
}

export interface Assignment {
  /** Department whose queue holds the task. */
  team: string;
  /** Staff member working on it (claimed or assigned). */
  assignee?: string;
  /** Manager leading it (major complaints, escalations). */
  manager?: string;
}

export interface Complainant {
  anonymous: boolean;
  name?: string;
  gender?: 'female' | 'male' | 'other' | 'undisclosed';
  age?: number;
  contact?: { email?: string; phone?: string; address?: string };
}

export interface ComplaintDetails {
  complainant: Complainant;
  target?: { department?: string; staffMember?: string };
  matter: { description: string; cause?: string; demand?: string };
  occurredAt?: string;
  place?: string;
  businessLine?: string;
  amount?: { value: number; currency: string };
  consent: { personalData: boolean };
  /** Files the customer sent, in object storage (never in the table). */
  attachments?: { key: string; name: string; contentType: string; size: number }[];
}

export interface Complaint extends ComplaintDetails {
  reference: string;
  region: RegionName;
  channel: Channel;
  language: Language;
  status: 'OPEN' | 'CLOSED';
  stage: Stage;
  receivedAt: string;
  /** Staff member who keyed the complaint in (phone, branch, letter): its first responder. */
  receivedBy?: string;
  deadlines: Record<string, DeadlineRecord>;
  classification?: Classification;
  routing?: Routing;
  assignment?: Assignment;
  /** Extensions granted so far, and the one awaiting approval. */
  extensions?: { granted: number; pending?: { requestedBy: string; requestedAt: string; reason: string } };
  /** Clock stopped (e.g. external appraisal under the CN rule). */
  pause?: { since: string; reason: string; by: string };
  /** Dissatisfied callbacks so far. */
  reopenCount?: number;
  escalated?: boolean;
  /** Repeats merged into this complaint by staff (flagged for staff). */
  repeats?: number;
  /**
   * For staff only, never shown to the customer: an earlier complaint this one may belong to -
   * a possible repeat (same contact, business line and matter) or mail naming that reference
   * from a sender not proven to be its complainant. Staff merge it (merge) or drop the link (unlink).
   */
  relatedTo?: RelatedComplaint;
  /** Merged by staff into that (earlier) complaint, which now carries its matter. */
  mergedInto?: { reference: string; by: string; at: string };
  /** The customer is restricted for abusing the channels (S4 5.2): still handled, flagged for staff. */
  restricted?: { reason: string; by: string; at: string; until?: string };
  outcome?: string;
  /** The four "don't-let-go" fields (S0 6.2). */
  investigation?: { rootCause: string; responsiblePeople: string; correctiveMeasures: string; correctionResult: string; by: string; at: string };
  /** Cross-department handling plan (S2 1.1.23). */
  handlingPlan?: { departments: { department: string; duty: string; dueAt: string }[]; by: string; at: string };
  /**
   * The reply sent. Its text is not kept here: the reply message holds it, as sent (with the
   * satisfaction question) - stored once, where the complaint item is rewritten at every step.
   * A complaint replied to before that keeps `text`.
   */
  reply?: { subject: string; text?: string; by: string; approvedBy?: string; sentAt: string; channel: string };
  callbacks?: { satisfaction: number; comment?: string; by: string; at: string }[];
  /**
   * The customer answered the satisfaction question of the reply before the workflow opened
   * the callback stage: recorded (in `callbacks`) at once; opening the stage completes it with
   * this output.
   */
  earlyCallback?: { output: { stage: 'CALLBACK'; next: 'CLOSE' | 'REOPEN'; satisfied: boolean }; by: string; at: string };
  closedAt?: string;
  /** When DynamoDB's TTL may remove it (epoch seconds): close + the region's hot retention. */
  expiresAt?: number;
  /** Integrity of the history (domain/archive.ts), kept by the repository on every write. */
  historyCount?: number;
  historyDigest?: string;
  messageCount?: number;
  /** The complainant's personal data was erased on request (GDPR / PIPL); the record stays. */
  erasure?: { at: string; by: string; basis: string; request?: string };
  /** Name of the workflow execution that currently drives the complaint. */
  executionName: string;
  /** How many times the orphan sweeper had to restart the workflow. */
  resumeCount: number;
  updatedAt: string;
  version: number;
}

export interface RelatedComplaint {
  reference: string;
  /** staff-link: linked by staff who found the two related (use-cases/staff/complaint-links.ts linkComplaint). */
  reason: 'possible-repeat' | 'mail-names-reference' | 'staff-link';
  /** possible-repeat: text similarity (0..1) and whether the new text brings new facts. */
  score?: number;
  newFacts?: boolean;
  at: string;
  /**
   * possible-repeat: a one-time code mailed to the earlier complaint's email on file. Given
   * back with this complaint's own access code, it proves control of that contact and merges
   * the two at once (use-cases/staff/complaint-links.ts confirmRepeat). Its salted hash is kept here;
   * the code itself only in the email message as sent (staff, who may merge anyway, can read it).
   */
  confirmation?: { salt: string; hash: string; expiresAt: string; attempts: number };
}

export interface HistoryEntry {
  reference: string;
  at: string;
  /** Who did it: a staff id, 'customer' or 'system'. */
  actor: string;
  action: string;
  /** Shown to the customer on the status page. */
  visibleToCustomer: boolean;
  /** Customer-safe summary; never personal data. */
  summary: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

export const STAGE_LABEL: Record<Stage, { en: string; 'zh-CN': string }> = {
  RECEIVED: { en: 'Received', 'zh-CN': '已受理' },
  INVESTIGATION: { en: 'Under investigation', 'zh-CN': '调查处理中' },
  REPLY: { en: 'Preparing our reply', 'zh-CN': '准备答复' },
  CALLBACK: { en: 'Reply sent, awaiting your feedback', 'zh-CN': '已答复，待回访' },
  CLOSED: { en: 'Closed', 'zh-CN': '已办结' },
};

/** How lists show a person: initials and the shape of the name only ("L* W**"). */
export function maskName(c: { anonymous: boolean; name?: string }): string {
  if (c.anonymous) return 'Anonymous';
  // Bidi controls dropped: a shape is shown, and an override must not reorder the row.
  const name = c.name?.replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  if (!name?.trim()) return '-';
  return name
    .trim()
    .split(/\s+/)
    .map((w) => [...w].map((ch, i) => (i === 0 ? ch : '*')).join(''))
    .join(' ');
}
