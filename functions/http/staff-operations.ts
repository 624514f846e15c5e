/**
 * What each staff route does: its request schema, the use case it calls, the answer.
 * The staff-api handler dispatches by route; the OpenAPI document is built from this too.
 */
import type { ZodType } from 'zod';
import type { Actor, StaffOperation } from '../domain/authorization.ts';
import { authorize } from '../domain/authorization.ts';
import { ForbiddenError } from '../shared/errors.ts';
import type { Container } from '../wiring/container.ts';
import { attachments } from '../wiring/attachments-on-first-use.ts';
import * as staff from '../use-cases/staff/staff-actions.ts';
import * as links from '../use-cases/staff/complaint-links.ts';
import { submitComplaint } from '../use-cases/intake/submit-complaint.ts';
import * as dashboard from '../use-cases/oversight/dashboard.ts';
import * as audit from '../use-cases/oversight/audit.ts';
import * as archival from '../use-cases/archive/archive.ts';
import { archiveStore } from '../wiring/archive-on-first-use.ts';
import { parseOrThrow, RawBody } from './http-handler.ts';
import { SUBMIT_MAX_BODY_BYTES } from '../contract/submit-complaint.schema.ts';
import {
  CallbackRequest, CallRequest, MergeRequest, LinkRequest, ClassificationCorrection, ErasureRequest, RestrictionRequest, DecisionRequest, HandlingPlanRequest, InvestigationRequest, ReasonRequest, ReassignRequest, ReplyRequest,
  StaffComplaintRequest, TeamQuery,
} from '../contract/staff.schema.ts';

export interface StaffCall<B> { actor: Actor; reference: string; body: B; query: Record<string, string | undefined>; idempotencyKey?: string }
export interface StaffOperationSpec<B = any> {
  summary: string;
  body?: ZodType<B>;
  successStatus?: number;
  /** A larger body than the configured limit (a complaint keyed in, with its long description). */
  maxBodyBytes?: number;
  run(deps: Container, call: StaffCall<B>): Promise<unknown>;
}

const op = <B>(spec: StaffOperationSpec<B>) => spec;

function allowOrThrow(actor: Actor, operation: StaffOperation): void {
  const decision = authorize(actor, operation);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
}

export const STAFF_OPERATION_SPECS: Record<StaffOperation, StaffOperationSpec> = {
  listMyTasks: op({ summary: 'My tasks, earliest deadline first', run: (d, c) => staff.listTasks(d, c.actor, 'mine') }),
  listTeamQueue: op({ summary: "My team's queue (quality: any team with ?team=)", run: (d, c) => staff.listTasks(d, c.actor, 'team', parseOrThrow(TeamQuery, { team: c.query.team }).team) }),
  createStaffComplaint: op({
    summary: 'Key in a phone, branch or letter complaint; the receiving staff member is its first responder',
    body: StaffComplaintRequest, successStatus: 201, maxBodyBytes: SUBMIT_MAX_BODY_BYTES,
    run: async (d, c) => {
      allowOrThrow(c.actor, 'createStaffComplaint');
      return (await submitComplaint(c.body.complaint, { channel: c.body.channel, receivedBy: c.actor.id, idempotencyKey: c.idempotencyKey }, { ...d, attachments, attachmentMaxBytes: d.config.attachmentMaxBytes })).body;
    },
  }),
  getComplaint: op({ summary: 'A complaint with its history, task and messages', run: (d, c) => staff.getComplaintForStaff(d, c.actor, c.reference) }),
  claimTask: op({ summary: 'Claim the open task', run: (d, c) => staff.claimTask(d, c.actor, c.reference) }),
  correctClassification: op({ summary: 'Correct the classification (recorded with its author)', body: ClassificationCorrection, run: (d, c) => staff.correctClassification(d, c.actor, c.reference, c.body) }),
  completeInvestigation: op({ summary: 'Complete the investigation with the four required fields', body: InvestigationRequest, run: (d, c) => staff.completeInvestigation(d, c.actor, c.reference, c.body) }),
  submitHandlingPlan: op({ summary: 'Cross-department handling plan', body: HandlingPlanRequest, run: (d, c) => staff.submitHandlingPlan(d, c.actor, c.reference, c.body) }),
  getReplyDraft: op({ summary: 'The reply drafted from the template for the complaint type and language', run: (d, c) => staff.getReplyDraft(d, c.actor, c.reference) }),
  submitReply: op({ summary: 'Send the reply (or submit it for approval where the route requires it)', body: ReplyRequest, run: (d, c) => staff.submitReply(d, c.actor, c.reference, c.body) }),
  approveReply: op({ summary: 'Approve or send back a reply', body: DecisionRequest, run: (d, c) => staff.approveReply(d, c.actor, c.reference, c.body) }),
  requestExtension: op({ summary: 'Ask for more time, with a reason', body: ReasonRequest, run: (d, c) => staff.requestExtension(d, c.actor, c.reference, c.body) }),
  decideExtension: op({ summary: 'Approve or refuse a requested extension', body: DecisionRequest, run: (d, c) => staff.decideExtension(d, c.actor, c.reference, c.body) }),
  pauseClock: op({ summary: 'Stop the clock (time excluded by the rules, e.g. external appraisal)', body: ReasonRequest, run: (d, c) => staff.pauseClock(d, c.actor, c.reference, c.body) }),
  resumeClock: op({ summary: 'Restart the clock; deadlines move by the paused time', run: (d, c) => staff.resumeClock(d, c.actor, c.reference) }),
  recordCallback: op({ summary: 'Record the satisfaction callback', body: CallbackRequest, run: (d, c) => staff.recordCallback(d, c.actor, c.reference, c.body) }),
  recordCall: op({ summary: 'Record the call that delivered a message to a phone or branch customer', body: CallRequest, run: (d, c) => staff.recordCall(d, c.actor, c.reference, c.body) }),
  getDashboard: op({
    summary: 'Handled rate, on-time rates, handling time, satisfaction, reopen rate, top categories, group incidents (?from=YYYY-MM&to=YYYY-MM&by=department|channel|nature)',
    run: (d, c) => { allowOrThrow(c.actor, 'getDashboard'); return dashboard.getDashboard(d, c.actor, c.query); },
  }),
  exportDashboardCsv: op({
    summary: 'The dashboard as CSV, for regulatory returns',
    run: async (d, c) => { allowOrThrow(c.actor, 'exportDashboardCsv'); return new RawBody('text/csv; charset=utf-8', await dashboard.exportDashboardCsv(d, c.actor, c.query), 'complaints-dashboard.csv'); },
  }),
  searchAudit: op({ summary: 'Search the audit record (?day=YYYY-MM-DD&reference=&actor=)', run: (d, c) => audit.searchAudit(d, c.actor, c.query) }),
  readArchivedComplaint: op({
    summary: 'An archived complaint by reference: the whole record from the locked archive (the redacted version after an erasure); audited',
    run: (d, c) => archival.readArchivedComplaint({ ...d, archive: archiveStore() }, c.actor, c.reference),
  }),
  eraseCustomerData: op({
    summary: "Erase the complainant's personal data (GDPR / PIPL request), live or archived; the regulatory record stays, pseudonymised; audited",
    body: ErasureRequest,
    run: (d, c) => archival.eraseCustomerData({ ...d, archive: archiveStore(), pseudonymKey: d.config.pseudonymKey }, c.actor, c.reference, c.body),
  }),
  restrictCustomer: op({ summary: 'Restrict a customer who abuses the channels (S4 5.2), with a reason', body: RestrictionRequest, run: (d, c) => staff.restrictCustomer(d, c.actor, c.reference, c.body) }),
  openTaskLink: op({ summary: 'Open a task from a notification link (signed, expiring, one use, for the signed-in person)', run: (d, c) => staff.openTaskLink(d, c.actor, c.query) }),
  reassign: op({ summary: 'Reassign to a staff member or a team', body: ReassignRequest, run: (d, c) => staff.reassign(d, c.actor, c.reference, c.body) }),
  mergeComplaint: op({
    summary: 'Merge this complaint (a checked repeat, or mail about the other one) into an earlier open complaint: its matter and access code join it, new facts restart its clock; audited',
    body: MergeRequest, run: (d, c) => links.mergeComplaint(d, c.actor, c.reference, c.body),
  }),
  linkComplaint: op({ summary: 'Link this complaint to a related one (staff see each beside the other; merge or unlink later); audited', body: LinkRequest, run: (d, c) => links.linkComplaint(d, c.actor, c.reference, c.body) }),
  unlinkComplaint: op({ summary: 'Remove the link to an earlier complaint (not the same customer or matter); audited', run: (d, c) => links.unlinkComplaint(d, c.actor, c.reference) }),
};
