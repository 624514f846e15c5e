/**
 * The staff routes' contract: for each staff operation its summary, its request body's schema,
 * its success status and (where larger than the configured limit) its largest body. The OpenAPI
 * document (./openapi.ts) and the staff API (http/staff-operations.ts, which adds what each
 * operation runs) are both built from it.
 */
import type { ZodType } from 'zod';
import type { StaffOperation } from '../domain/authorization.ts';
import { SUBMIT_MAX_BODY_BYTES } from './submit-complaint.schema.ts';
import {
  CallbackRequest,
  CallRequest,
  MergeRequest,
  LinkRequest,
  ClassificationCorrection,
  ErasureRequest,
  RestrictionRequest,
  DecisionRequest,
  HandlingPlanRequest,
  InvestigationRequest,
  ReasonRequest,
  ReassignRequest,
  ReplyRequest,
  StaffComplaintRequest,
  WithdrawRequest,
  CalendarYearRequest,
} from './staff.schema.ts';
import { RegulatoryClassRequest, ReturnCellQuery, ReturnQuery } from './returns.schema.ts';
import {
  CorrectiveActionRequest,
  CorrectiveActionUpdate,
  OutcomeFields,
  RedressRequest,
  ReferralOutcomeRequest,
  ReferralRequestSchema,
  VulnerabilityRequest,
} from './redress.schema.ts';
import { CloseDrillRequest, ReviewRequest, StartDrillRequest } from './drill.schema.ts';
import { LiveEvaluationRequest } from './live-evaluation.schema.ts';

export interface StaffOperationContract<B = unknown> {
  summary: string;
  body?: ZodType<B>;
  /** Its query string's schema, for the OpenAPI document (the use case parses it). */
  query?: ZodType;
  successStatus?: number;
  /** A larger body than the configured limit (a complaint keyed in, with its long description). */
  maxBodyBytes?: number;
  /** What the audit record's entry of a successful call says (never personal data); none by default. */
  auditDetail?(body: B): string;
}

export const STAFF_OPERATION_CONTRACT = {
  listMyTasks: { summary: 'My tasks, earliest deadline first' },
  listTeamQueue: { summary: "My team's queue (quality: any team with ?team=)" },
  createStaffComplaint: {
    summary: 'Key in a phone, branch or letter complaint; the receiving staff member is its first responder',
    body: StaffComplaintRequest,
    successStatus: 201,
    maxBodyBytes: SUBMIT_MAX_BODY_BYTES,
  },
  getComplaint: { summary: 'A complaint with its history, task and messages' },
  claimTask: { summary: 'Claim the open task' },
  correctClassification: { summary: 'Correct the classification (recorded with its author)', body: ClassificationCorrection },
  completeInvestigation: { summary: 'Complete the investigation with the four required fields', body: InvestigationRequest },
  submitHandlingPlan: { summary: 'Cross-department handling plan', body: HandlingPlanRequest },
  getReplyDraft: { summary: 'The reply drafted from the template for the complaint type and language' },
  submitReply: {
    summary:
      'Send the reply (or submit it for approval where the route requires it: to the manager tier, or the senior tier when its author is the only manager)',
    body: ReplyRequest,
  },
  approveReply: { summary: 'Approve or send back a reply, at its approval tier (manager, or senior)', body: DecisionRequest },
  withdrawReply: { summary: 'Its author withdraws a reply waiting for approval; it goes back to draft', body: WithdrawRequest },
  requestExtension: { summary: 'Ask for more time, with a reason (approved at the tier the region profile requires)', body: ReasonRequest },
  decideExtension: { summary: 'Approve or refuse a requested extension, at its approval tier (CN 60 days: senior)', body: DecisionRequest },
  pauseClock: { summary: 'Stop the clock (time excluded by the rules, e.g. external appraisal)', body: ReasonRequest },
  resumeClock: { summary: 'Restart the clock; deadlines move by the paused time' },
  recordCallback: { summary: 'Record the satisfaction callback', body: CallbackRequest },
  recordCall: { summary: 'Record the call that delivered a message to a phone or branch customer', body: CallRequest },
  getDashboard: {
    summary:
      'Handled rate, on-time rates, handling time, satisfaction, reopen rate, top categories, group incidents (?from=YYYY-MM&to=YYYY-MM&by=department|channel|nature)',
  },
  exportDashboardCsv: { summary: 'The dashboard as CSV, for regulatory returns' },
  searchAudit: { summary: 'Search the audit record (?day=YYYY-MM-DD&reference=&actor=)' },
  readArchivedComplaint: {
    summary: 'An archived complaint by reference: the whole record from the locked archive (the redacted version after an erasure); audited',
  },
  eraseCustomerData: {
    summary: "Erase the complainant's personal data (GDPR / PIPL request), live or archived; the regulatory record stays, pseudonymised; audited",
    body: ErasureRequest,
  },
  restrictCustomer: { summary: 'Restrict a customer who abuses the channels (S4 5.2), with a reason', body: RestrictionRequest },
  openTaskLink: { summary: 'Open a task from a notification link (signed, expiring, one use, for the signed-in person)' },
  reassign: { summary: 'Reassign to a staff member or a team', body: ReassignRequest },
  mergeComplaint: {
    summary:
      'Merge this complaint (a checked repeat, or mail about the other one) into an earlier open complaint: its matter and access code join it, new facts restart its clock; audited',
    body: MergeRequest,
  },
  linkComplaint: { summary: 'Link this complaint to a related one (staff see each beside the other; merge or unlink later); audited', body: LinkRequest },
  unlinkComplaint: { summary: 'Remove the link to an earlier complaint (not the same customer or matter); audited' },
  getRegulatoryClass: { summary: "The complaint's class in its region's regulatory taxonomy, the suggestion from its classification, and the taxonomy" },
  setRegulatoryClass: {
    summary:
      "Classify the complaint into its region's regulatory taxonomy (FCA product grouping and cause, CFPB product and issue, JR/T 0169 A/B/C), from investigation on",
    body: RegulatoryClassRequest,
  },
  getRegulatoryReturn: {
    summary:
      "The region's regulatory return for a period (?period=): UK FCA complaints return (half-year), US CFPB portal rows (quarter), CN JR/T 0169 counts (quarter); as first produced after the period ended, with later changes listed",
    query: ReturnQuery,
  },
  exportRegulatoryReturn: { summary: 'The regulatory return as CSV or XLSX (?period=&format=csv|xlsx)', query: ReturnQuery },
  listReturnComplaints: {
    summary: 'The complaints behind one figure of a return, optionally of one cell (?period=&figure=&productGroup=&cause=...)',
    query: ReturnCellQuery,
  },
  recordOutcome: { summary: 'Record the outcome (upheld, partly-upheld, not-upheld) before the reply; the reply may give it instead', body: OutcomeFields },
  addRedress: {
    summary: 'Append to the redress ledger (amount in minor units, ISO 4217 currency, kind, paid date), or reverse an entry; append-only, audited',
    body: RedressRequest,
    successStatus: 201,
  },
  recordReferral: {
    summary:
      'Record a referral to the FOS, the CFPB, the CN regulator (12378) or a mediation organisation; its deadline is computed (FOS: six months from the final response)',
    body: ReferralRequestSchema,
    successStatus: 201,
  },
  recordReferralOutcome: { summary: "Record a referral's outcome (once)", body: ReferralOutcomeRequest },
  setVulnerability: { summary: "Record the customer's vulnerability (kinds, adjustments made); it gives priority in the queue", body: VulnerabilityRequest },
  createCorrectiveAction: {
    summary: 'A corrective action from the root cause (owner, due date): tracked to closure with evidence',
    body: CorrectiveActionRequest,
    successStatus: 201,
  },
  updateCorrectiveAction: {
    summary: 'Add evidence to a corrective action, or close it (evidence required): its owner or a manager',
    body: CorrectiveActionUpdate,
  },
  listCorrectiveActions: { summary: 'Corrective actions (?complaint=&state=open|closed|all), with the time from finding to fixing' },
  startDrill: {
    summary:
      'Start a drill of a library scenario (drills/scenarios/) on the real pipeline: answers the drill token (once) and the schedule; its complaints enter with X-Drill-Token',
    body: StartDrillRequest,
    successStatus: 201,
  },
  listDrills: { summary: "The region's drills, with each closed drill's figures and improvement actions" },
  getDrillReport: {
    summary: "A drill's report: timelines against deadlines, routing against the scenario, problems, actions (?format=json|html|pdf&language=en|zh-CN)",
  },
  closeDrill: {
    summary: "Close a drill: participants' notes, improvement actions with owners, each participant's outcome (training records)",
    body: CloseDrillRequest,
  },
  disposeDrill: {
    summary:
      "Act on a closed drill's disposal once its complaints are closed: the report kept in the archive (drills/), then the complaints archived apart (archive) or removed (discard), each audited; idempotent",
  },
  generatePeriodicReview: {
    summary: 'Generate the quarterly (2026-Q3) or half-year (2026-H2) review into the locked archive: JSON, HTML and PDF, en and zh-CN',
    body: ReviewRequest,
    successStatus: 201,
  },
  getPeriodicReview: { summary: 'A periodic review from the archive (?format=json|html|pdf&language=en|zh-CN)' },
  getTrainingRecords: { summary: "A staff member's training records (drills taken part in, outcome): the participant and their manager only" },
  getCalendars: {
    summary:
      "The region's business calendar by year: official adjustments with their source, confirmed or not, shipped or corrected at runtime; and the missing-year warning (the console's banner)",
  },
  putCalendarYear: {
    summary:
      "Add or correct a year of the region's business calendar (admin): dates inside the year, no day both off and working, a confirmed year with its official source; a new version, audited, no redeploy; open complaints' deadlines follow at the next deadline watch",
    body: CalendarYearRequest,
    auditDetail: (b: CalendarYearRequest) => `calendar ${b.year} v${b.expectedVersion + 1} (${b.status})`,
  },
  recordLiveEvaluation: {
    summary:
      "Record a live evaluation of an open major complaint (its lead or the complaints function, not its investigator): risk, progress, findings, the strategy decision (continue, adjust, escalate to the senior tier) with a snapshot of the facts; answers the next evaluation's due time",
    body: LiveEvaluationRequest,
    successStatus: 201,
  },
} as const satisfies Record<StaffOperation, StaffOperationContract>;

/** The validated request body of a staff operation (undefined: it takes none). */
export type StaffBody<K extends StaffOperation> = (typeof STAFF_OPERATION_CONTRACT)[K] extends { body: ZodType<infer B> } ? B : undefined;
