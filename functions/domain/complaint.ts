/**
 * The complaint as the product stores and reasons about it. Pure types and functions:
 * no AWS, no clock of its own.
 */
import type { ApprovalTier } from './approval.ts';
import type { CfpbResponse } from './cfpb.ts';
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
  extensions?: {
    granted: number;
    /** `tier`: who approves it (domain/approval.ts); absent on one requested before tiers: the manager tier. */
    pending?: { requestedBy: string; requestedAt: string; reason: string; tier?: ApprovalTier };
  };
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
  /**
   * How the complaint ended, as the closing step records it (resolved-satisfied,
   * closed-dissatisfied, closed, merged). Not the outcome of the complaint itself: `outcome`.
   */
  closure?: string;
  /** The firm's decision on the complaint (FCA DISP: upheld, partly upheld, not upheld): given with the reply, required before it goes out (domain/outcome.ts). */
  outcome?: ComplaintOutcome;
  /** The redress ledger: append-only, a correction is a reversing entry (domain/outcome.ts, docs/adr/0015). */
  redress?: RedressEntry[];
  /** Referrals of the complaint to an ombudsman, regulator or mediation organisation (domain/referrals.ts). */
  referrals?: Referral[];
  /** The customer is vulnerable: self-declared on the form or recorded by staff (domain/vulnerability.ts). Personal data. */
  vulnerability?: Vulnerability;
  /** The four "don't-let-go" fields (S0 6.2). */
  investigation?: { rootCause: string; responsiblePeople: string; correctiveMeasures: string; correctionResult: string; by: string; at: string };
  /** Cross-department handling plan (S2 1.1.23). */
  handlingPlan?: { departments: { department: string; duty: string; dueAt: string }[]; by: string; at: string };
  /**
   * The reply sent. Its text is not kept here: the reply message holds it, as sent (with the
   * satisfaction question) - stored once, where the complaint item is rewritten at every step.
   * A complaint replied to before that keeps `text`.
   */
  reply?: {
    subject: string;
    text?: string;
    by: string;
    approvedBy?: string;
    sentAt: string;
    channel: string;
    /** US: the CFPB company response category staff chose (final-response.ts). */
    cfpbResponse?: CfpbResponse;
  };
  /**
   * The regulatory final response (issue 19, final-response.ts): the last reply sent, or the UK
   * eight-week letter while no reply went out; `fosDeadline` (UK) six months after a final response.
   */
  finalResponse?: { kind: 'final' | 'eight-week' | 'summary-resolution'; sentAt: string; fosDeadline?: string };
  callbacks?: { satisfaction: number; comment?: string; by: string; at: string }[];
  /**
   * The customer answered the satisfaction question of the reply before the workflow opened
   * the callback stage: recorded (in `callbacks`) at once; opening the stage completes it with
   * this output.
   */
  earlyCallback?: { output: { stage: 'CALLBACK'; next: 'CLOSE' | 'REOPEN'; satisfied: boolean }; by: string; at: string };
  closedAt?: string;
  /**
   * Set by staff at investigation: the complaint's class in its region's regulatory taxonomy
   * (domain/taxonomies.ts), counted in the regulatory returns (domain/returns.ts).
   */
  regulatoryClass?: RegulatoryClass;
  /** When DynamoDB's TTL may remove it (epoch seconds): close + the region's hot retention. */
  expiresAt?: number;
  /** Integrity of the history (domain/archive.ts), kept by the repository on every write. */
  historyCount?: number;
  historyDigest?: string;
  messageCount?: number;
  /** The complainant's personal data was erased on request (GDPR / PIPL); the record stays. */
  erasure?: { at: string; by: string; basis: string; request?: string };
  /**
   * A drill's complaint (issue 20, ADR 0017): left out of the dashboard, the KPIs and the returns,
   * its customer mail goes to the drill mailbox, and staff see it marked. `step`: the scenario's
   * complaint it plays (its key).
   */
  drill?: { drillId: string; scenario: string; step?: string };
  /**
   * Live evaluations of a major complaint (issue 20, S2 ch.8 §2 3.2: domain/live-evaluation.ts,
   * ADR 0023), oldest first; and the deadline watch's marks on its evaluation clock. Not
   * deadlines: no on-time KPI or return counts them.
   */
  liveEvaluations?: LiveEvaluation[];
  liveEvaluationAlerts?: LiveEvaluationAlerts;
  /** Name of the workflow execution that currently drives the complaint. */
  executionName: string;
  /** How many times the orphan sweeper had to restart the workflow. */
  resumeCount: number;
  updatedAt: string;
  version: number;
}

/** A complaint's class in the regulators' taxonomies (domain/taxonomies/*.json, the version it was made against). */
export interface RegulatoryClass {
  taxonomyVersion: string;
  uk?: { productGroup: string; cause: string };
  /** publicResponse: the company's optional public response on the CFPB portal. */
  us?: { product: string; subProduct?: string; issue: string; subIssue?: string; publicResponse?: string };
  cn?: { a: string; b: string; c: string };
}

export const OUTCOME_RESULTS = ['upheld', 'partly-upheld', 'not-upheld'] as const;
export type OutcomeResult = (typeof OUTCOME_RESULTS)[number];
export interface ComplaintOutcome {
  result: OutcomeResult;
  by: string;
  at: string;
  note?: string;
}

// Live evaluation of major complaints (issue 20, ADR 0023): the record; its rules in ./live-evaluation.ts.
export const LIVE_RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type LiveRiskLevel = (typeof LIVE_RISK_LEVELS)[number];
/** Progress against the handling plan. */
export const LIVE_PROGRESS = ['on-track', 'at-risk', 'off-track'] as const;
export type LiveProgress = (typeof LIVE_PROGRESS)[number];
/** The strategy decision: keep it, change it, or take it to the senior tier. */
export const LIVE_DECISIONS = ['continue', 'adjust', 'escalate'] as const;
export type LiveDecision = (typeof LIVE_DECISIONS)[number];

/** The facts of the complaint when it was evaluated, taken by the system (not typed by staff). */
export interface LiveEvaluationSnapshot {
  stage: Stage;
  assignee?: string;
  manager?: string;
  /** Each deadline of the stage not met yet: its state and the time left (negative: overdue by). */
  deadlines: { name: string; dueAt: string; state: 'due' | 'due_soon' | 'breached'; msLeft: number }[];
  /** met: started in time; late: started after its deadline; overdue: not started and past it; pending: not started, still in time. */
  emergencyStart?: { state: 'met' | 'late' | 'overdue' | 'pending'; dueAt: string; metAt?: string };
  paused?: { since: string };
  /** The route's major reasons name a (possible) group incident. */
  groupIncident: boolean;
  /** Complaints it is linked with: the earlier one it may belong to, and repeats merged into it. */
  linked: { relatedTo?: string; repeats: number };
  callbacks: { count: number; lastSatisfaction?: number };
  extensionsGranted: number;
  escalated: boolean;
  /** Evaluations before this one, and the intervals missed up to it. */
  evaluationsBefore: number;
  missedIntervals: number;
}

/** One live evaluation, as stored on the complaint (`liveEvaluations`). */
export interface LiveEvaluation {
  /** E1, E2, ... in order. */
  id: string;
  by: string;
  at: string;
  riskLevel: LiveRiskLevel;
  progress: LiveProgress;
  findings: string;
  decision: LiveDecision;
  /** What changes (adjust, escalate: required). */
  changes?: string;
  /** Who owns the next step (a staff id). */
  nextStepOwner?: string;
  /** The due instant it answered, and whether it came after it (intervals were missed before it). */
  dueAt: string;
  late: boolean;
  snapshot: LiveEvaluationSnapshot;
}

/** The deadline watch's marks: the due instant last reminded of and the missed due instant last escalated, each once. */
export interface LiveEvaluationAlerts {
  remindedFor?: string;
  remindedAt?: string;
  escalatedFor?: string;
  escalatedAt?: string;
}

export const REDRESS_KINDS = ['financial-loss', 'distress-inconvenience', 'interest', 'fees-refund', 'goodwill'] as const;
export type RedressKind = (typeof REDRESS_KINDS)[number];
/** One line of the redress ledger. A reversing entry has the opposite amount and names the entry it reverses. */
export interface RedressEntry {
  id: string;
  /** Integer minor units (pence, cents, fen); negative only in a reversing entry. */
  amountMinor: number;
  /** ISO 4217. */
  currency: string;
  kind: RedressKind;
  by: string;
  at: string;
  paidAt?: string;
  /** The entry this one reverses (a correction). */
  reverses?: string;
  note?: string;
}

export const REFERRAL_BODIES = ['FOS', 'CFPB', 'CN-12378', 'mediation'] as const;
export type ReferralBody = (typeof REFERRAL_BODIES)[number];
export const REFERRAL_RESULTS = ['in-customer-favour', 'partly-in-customer-favour', 'in-firm-favour', 'settled', 'withdrawn'] as const;
export interface Referral {
  id: string;
  body: ReferralBody;
  /** The mediation organisation's name (body: mediation). */
  organisation?: string;
  /** The body's own reference of the case. */
  externalReference: string;
  /** When the body told the firm of the referral. */
  referredAt: string;
  /** The deadline that governs it (UK: six months from the final response; CFPB: the company's 15-day response). */
  deadline?: { dueAt: string; rule: string };
  /** Referred after the deadline (the body may still accept it). */
  late?: boolean;
  by: string;
  at: string;
  outcome?: { result: (typeof REFERRAL_RESULTS)[number]; note?: string; by: string; at: string };
}

export const VULNERABILITY_KINDS = ['health', 'life-event', 'resilience', 'capability'] as const;
export interface Vulnerability {
  source: 'customer' | 'staff';
  /** FCA FG21/1 drivers: health, life events, resilience, capability. */
  kinds: string[];
  /** Adjustments made (or asked for) for the customer. */
  adjustments: string[];
  /** The complaint is about the firm failing to respond to the vulnerability (FCA PS25/19 data point). */
  causedByFailureToRespond?: boolean;
  by?: string;
  at: string;
}

/** A corrective action from a complaint's root cause (CN 溯源整改, FCA root cause): its own item, tracked to closure. */
export interface CorrectiveAction {
  id: string;
  complaintId?: string;
  /** The complaint category (nature) it addresses: the dashboard links a flagged category to its actions. */
  category?: string;
  /** The drill whose improvement action it is (issue 20): given when the drill is closed. */
  drillId?: string;
  description: string;
  owner: string;
  dueAt: string;
  evidence?: string;
  closedAt?: string;
  createdAt: string;
  createdBy?: string;
  closedBy?: string;
  version?: number;
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
