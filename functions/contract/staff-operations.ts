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
  CalendarYearRequest,
} from './staff.schema.ts';

export interface StaffOperationContract<B = unknown> {
  summary: string;
  body?: ZodType<B>;
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
  submitReply: { summary: 'Send the reply (or submit it for approval where the route requires it)', body: ReplyRequest },
  approveReply: { summary: 'Approve or send back a reply', body: DecisionRequest },
  requestExtension: { summary: 'Ask for more time, with a reason', body: ReasonRequest },
  decideExtension: { summary: 'Approve or refuse a requested extension', body: DecisionRequest },
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
} as const satisfies Record<StaffOperation, StaffOperationContract>;

/** The validated request body of a staff operation (undefined: it takes none). */
export type StaffBody<K extends StaffOperation> = (typeof STAFF_OPERATION_CONTRACT)[K] extends { body: ZodType<infer B> } ? B : undefined;
