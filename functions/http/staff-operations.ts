/**
 * What each staff route does: its contract (contract/staff-operations.ts: summary, request
 * schema, status) and the use case it runs. The staff-api handler dispatches by route.
 */
import type { Actor, StaffOperation } from '../domain/authorization.ts';
import { authorize } from '../domain/authorization.ts';
import { ForbiddenError } from '../shared/errors.ts';
import type { Container } from '../wiring/container.ts';
import { archiveOnFirstUse, attachmentsOnFirstUse } from '../wiring/stores-on-first-use.ts';
import * as staff from '../use-cases/staff/staff-actions.ts';
import * as links from '../use-cases/staff/complaint-links.ts';
import * as callback from '../use-cases/customer/callback.ts';
import { submitComplaint } from '../use-cases/intake/submit-complaint.ts';
import * as dashboard from '../use-cases/oversight/dashboard.ts';
import * as audit from '../use-cases/oversight/audit.ts';
import * as archival from '../use-cases/archive/archive.ts';
import * as calendars from '../use-cases/calendar/calendars.ts';
import { aggregatesOf } from '../wiring/aggregates.ts';
import { parseOrThrow } from '../contract/validation.ts';
import { RawBody } from './http-handler.ts';
import { STAFF_OPERATION_CONTRACT, type StaffBody, type StaffOperationContract } from '../contract/staff-operations.ts';
import { TeamQuery } from '../contract/staff.schema.ts';

export interface StaffCall<B> {
  actor: Actor;
  reference: string;
  body: B;
  query: Record<string, string | undefined>;
  idempotencyKey?: string;
}
export interface StaffOperationSpec<B = any> extends StaffOperationContract<B> {
  run(deps: Container, call: StaffCall<B>): Promise<unknown>;
}

function allowOrThrow(actor: Actor, operation: StaffOperation): void {
  const decision = authorize(actor, operation);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
}

/** What each staff operation runs (its contract: contract/staff-operations.ts). */
const RUNS: { [K in StaffOperation]: (deps: Container, call: StaffCall<StaffBody<K>>) => Promise<unknown> } = {
  listMyTasks: (d, c) => staff.listTasks(d, c.actor, 'mine'),
  listTeamQueue: (d, c) => staff.listTasks(d, c.actor, 'team', parseOrThrow(TeamQuery, { team: c.query.team }).team),
  createStaffComplaint: async (d, c) => {
    allowOrThrow(c.actor, 'createStaffComplaint');
    return (
      await submitComplaint(
        c.body.complaint,
        { channel: c.body.channel, receivedBy: c.actor.id, idempotencyKey: c.idempotencyKey },
        { ...d, attachments: attachmentsOnFirstUse, attachmentMaxBytes: d.config.attachmentMaxBytes },
      )
    ).body;
  },
  getComplaint: (d, c) => staff.getComplaintForStaff(d, c.actor, c.reference),
  claimTask: (d, c) => staff.claimTask(d, c.actor, c.reference),
  correctClassification: (d, c) => staff.correctClassification(d, c.actor, c.reference, c.body),
  completeInvestigation: (d, c) => staff.completeInvestigation(d, c.actor, c.reference, c.body),
  submitHandlingPlan: (d, c) => staff.submitHandlingPlan(d, c.actor, c.reference, c.body),
  getReplyDraft: (d, c) => staff.getReplyDraft(d, c.actor, c.reference),
  submitReply: (d, c) => staff.submitReply(d, c.actor, c.reference, c.body),
  approveReply: (d, c) => staff.approveReply(d, c.actor, c.reference, c.body),
  requestExtension: (d, c) => staff.requestExtension(d, c.actor, c.reference, c.body),
  decideExtension: (d, c) => staff.decideExtension(d, c.actor, c.reference, c.body),
  pauseClock: (d, c) => staff.pauseClock(d, c.actor, c.reference, c.body),
  resumeClock: (d, c) => staff.resumeClock(d, c.actor, c.reference),
  recordCallback: (d, c) => callback.recordCallback(d, c.actor, c.reference, c.body),
  recordCall: (d, c) => staff.recordCall(d, c.actor, c.reference, c.body),
  getDashboard: (d, c) => {
    allowOrThrow(c.actor, 'getDashboard');
    return dashboard.getDashboard(d, c.actor, c.query, aggregatesOf(d));
  },
  exportDashboardCsv: async (d, c) => {
    allowOrThrow(c.actor, 'exportDashboardCsv');
    return new RawBody('text/csv; charset=utf-8', await dashboard.exportDashboardCsv(d, c.actor, c.query, aggregatesOf(d)), 'complaints-dashboard.csv');
  },
  searchAudit: (d, c) => audit.searchAudit(d, c.actor, c.query),
  readArchivedComplaint: (d, c) => archival.readArchivedComplaint({ ...d, archive: archiveOnFirstUse() }, c.actor, c.reference),
  eraseCustomerData: (d, c) =>
    archival.eraseCustomerData({ ...d, archive: archiveOnFirstUse(), pseudonymKey: d.config.pseudonymKey }, c.actor, c.reference, c.body),
  restrictCustomer: (d, c) => staff.restrictCustomer(d, c.actor, c.reference, c.body),
  openTaskLink: (d, c) => staff.openTaskLink(d, c.actor, c.query),
  reassign: (d, c) => staff.reassign(d, c.actor, c.reference, c.body),
  mergeComplaint: (d, c) => links.mergeComplaint(d, c.actor, c.reference, c.body),
  linkComplaint: (d, c) => links.linkComplaint(d, c.actor, c.reference, c.body),
  unlinkComplaint: (d, c) => links.unlinkComplaint(d, c.actor, c.reference),
  getCalendars: (d, c) => calendars.getCalendars(d, c.actor),
  putCalendarYear: (d, c) => calendars.putCalendarYear(d, c.actor, c.body),
};

export const STAFF_OPERATION_SPECS = Object.fromEntries(
  (Object.keys(RUNS) as StaffOperation[]).map((operation) => [operation, { ...STAFF_OPERATION_CONTRACT[operation], run: RUNS[operation] }]),
) as Record<StaffOperation, StaffOperationSpec>;
