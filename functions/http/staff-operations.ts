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
import * as redress from '../use-cases/staff/redress.ts';
import * as liveEvaluation from '../use-cases/staff/live-evaluation.ts';
import * as callback from '../use-cases/customer/callback.ts';
import { submitComplaint } from '../use-cases/intake/submit-complaint.ts';
import * as dashboard from '../use-cases/oversight/dashboard.ts';
import * as audit from '../use-cases/oversight/audit.ts';
import * as returns from '../use-cases/oversight/returns.ts';
import * as regulatoryClass from '../use-cases/staff/regulatory-class.ts';
import { toCsv } from '../domain/dashboard.ts';
import * as archival from '../use-cases/archive/archive.ts';
import * as calendars from '../use-cases/calendar/calendars.ts';
import { aggregatesOf, returnsOf } from '../wiring/aggregates.ts';
import { parseOrThrow } from '../contract/validation.ts';
import { RawBody } from './http-handler.ts';
import { STAFF_OPERATION_CONTRACT, type StaffBody, type StaffOperationContract } from '../contract/staff-operations.ts';
import { TeamQuery } from '../contract/staff.schema.ts';
import { ActionsQuery } from '../contract/redress.schema.ts';
import * as drills from '../use-cases/drills/drills.ts';
import { drillClaimOf } from '../use-cases/drills/drill-intake.ts';
import { scenarioById } from '../contract/drill-scenarios.ts';
import { DrillParams, ReportQuery, ReviewParams, StaffParams } from '../contract/drill.schema.ts';
import { pdfOnFirstUse, reportsOnFirstUse } from '../wiring/stores-on-first-use.ts';

export interface StaffCall<B> {
  actor: Actor;
  reference: string;
  body: B;
  query: Record<string, string | undefined>;
  /** The path's other parameters (a drill's id, a review's period, a staff id). */
  params?: Record<string, string | undefined>;
  idempotencyKey?: string;
  /** The request's headers (lower-case names): a drill's token on a keyed-in complaint. */
  headers?: Record<string, string | undefined>;
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
        { channel: c.body.channel, receivedBy: c.actor.id, idempotencyKey: c.idempotencyKey, drill: drillClaimOf(c.headers ?? {}) },
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
  withdrawReply: (d, c) => staff.withdrawReply(d, c.actor, c.reference, c.body),
  requestExtension: (d, c) => staff.requestExtension(d, c.actor, c.reference, c.body),
  decideExtension: (d, c) => staff.decideExtension(d, c.actor, c.reference, c.body),
  pauseClock: (d, c) => staff.pauseClock(d, c.actor, c.reference, c.body),
  resumeClock: (d, c) => staff.resumeClock(d, c.actor, c.reference),
  recordCallback: (d, c) => callback.recordCallback(d, c.actor, c.reference, c.body),
  recordCall: (d, c) => staff.recordCall(d, c.actor, c.reference, c.body),
  getDashboard: async (d, c) => {
    allowOrThrow(c.actor, 'getDashboard');
    return redress.withCorrectiveActions(d, await dashboard.getDashboard(d, c.actor, c.query, aggregatesOf(d)));
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
  getRegulatoryClass: (d, c) => regulatoryClass.getRegulatoryClass(d, c.actor, c.reference),
  setRegulatoryClass: (d, c) => regulatoryClass.setRegulatoryClass(d, c.actor, c.reference, c.body),
  getRegulatoryReturn: (d, c) => returns.getRegulatoryReturn(d, c.actor, c.query, returnsOf(d)),
  exportRegulatoryReturn: async (d, c) => {
    const out = await returns.exportRegulatoryReturn(d, c.actor, c.query, returnsOf(d));
    // CSV: every table in one file, each row led by its table's name (toCsv: formula-safe, RFC 4180).
    if (out.format === 'csv') return new RawBody('text/csv; charset=utf-8', toCsv(out.sheets.flatMap((s) => s.rows.map((r) => [s.name, ...r]))), out.filename);
    const { xlsxOf } = await import('../adapters/xlsx-workbook.ts');
    const at = new Date(out.produced.firstProducedAt ?? d.clock.now().toISOString());
    const bytes = await xlsxOf(out.sheets, at);
    return new RawBody('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes.toString('base64'), out.filename, true);
  },
  listReturnComplaints: (d, c) => returns.listReturnComplaints(d, c.actor, c.query, returnsOf(d)),
  recordOutcome: (d, c) => redress.recordOutcome(d, c.actor, c.reference, c.body),
  addRedress: (d, c) => redress.addRedress(d, c.actor, c.reference, c.body),
  recordReferral: (d, c) => redress.recordReferral(d, c.actor, c.reference, c.body),
  recordReferralOutcome: (d, c) => redress.recordReferralOutcome(d, c.actor, c.reference, c.body),
  setVulnerability: (d, c) => redress.setVulnerability(d, c.actor, c.reference, c.body),
  createCorrectiveAction: (d, c) => redress.createCorrectiveAction(d, c.actor, c.reference, c.body),
  updateCorrectiveAction: (d, c) => redress.updateCorrectiveAction(d, c.actor, c.body),
  listCorrectiveActions: (d, c) =>
    redress.listCorrectiveActions(d, c.actor, parseOrThrow(ActionsQuery, { complaint: c.query.complaint, state: c.query.state })),
  startDrill: (d, c) => drills.startDrill(drillDeps(d), c.actor, c.body),
  listDrills: (d, c) => drills.listDrills(d, c.actor),
  getDrillReport: async (d, c) =>
    answer(
      await drills.getDrillReport(
        { ...drillDeps(d), pdf: pdfOnFirstUse(), reports: reportsOnFirstUse() },
        c.actor,
        parseOrThrow(DrillParams, c.params ?? {}).drillId,
        parseOrThrow(ReportQuery, c.query),
      ),
    ),
  closeDrill: (d, c) => drills.closeDrill(drillDeps(d), c.actor, parseOrThrow(DrillParams, c.params ?? {}).drillId, c.body),
  disposeDrill: (d, c) => drills.disposeDrill(disposalDeps(d), c.actor, parseOrThrow(DrillParams, c.params ?? {}).drillId),
  generatePeriodicReview: async (d, c) => {
    const out = await drills.generatePeriodicReview(reviewDeps(d), c.actor, c.body);
    return { period: out.period, stored: out.stored, files: out.files };
  },
  getPeriodicReview: async (d, c) =>
    answer(await drills.getPeriodicReview(reviewDeps(d), c.actor, parseOrThrow(ReviewParams, c.params ?? {}).period, parseOrThrow(ReportQuery, c.query))),
  getTrainingRecords: (d, c) => drills.getTrainingRecords(d, c.actor, parseOrThrow(StaffParams, c.params ?? {}).staffId),
  getCalendars: (d, c) => calendars.getCalendars(d, c.actor),
  putCalendarYear: (d, c) => calendars.putCalendarYear(d, c.actor, c.body),
  recordLiveEvaluation: async (d, c) => {
    const { complaint, ...out } = await liveEvaluation.recordLiveEvaluation(d, c.actor, c.reference, c.body);
    return out;
  },
};

const drillDeps = (d: Container): drills.DrillDeps => ({
  ...d,
  mail: d.mail,
  scenario: scenarioById,
  archived: { ledger: d.repo, store: archiveOnFirstUse() },
});
const disposalDeps = (d: Container): drills.DisposalDeps => ({
  ...drillDeps(d),
  repo: d.repo,
  audit: d.audit,
  reports: reportsOnFirstUse(),
  archival: { ...d, archive: archiveOnFirstUse() },
});
const reviewDeps = (d: Container): drills.ReviewDeps => ({ ...d, aggregates: aggregatesOf(d), reports: reportsOnFirstUse(), pdf: pdfOnFirstUse() });
const answer = (r: drills.Rendered) => (r.kind === 'json' ? r.value : new RawBody(r.contentType, r.body, r.filename));

export const STAFF_OPERATION_SPECS = Object.fromEntries(
  (Object.keys(RUNS) as StaffOperation[]).map((operation) => [operation, { ...STAFF_OPERATION_CONTRACT[operation], run: RUNS[operation] }]),
) as Record<StaffOperation, StaffOperationSpec>;
