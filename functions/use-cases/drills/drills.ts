/**
 * Drills, their reports, the periodic review and training records (issue 20, ADR 0017).
 *
 *  - startDrill: a manager or the complaints desk starts a drill of a library scenario; the drill
 *    token (given once) is what the runner sends with each complaint (use-cases/drills/drill-intake.ts).
 *  - getDrillReport: built from the drill's complaints as they stand (domain/drill-report.ts), as
 *    JSON, HTML or PDF; a complaint TTL archived apart (its drill not disposed of) read from its
 *    record under drills/ (ADR 0024).
 *  - closeDrill: the participants' notes, the improvement actions and each participant's outcome;
 *    the report's figures kept on the region's list of drills; training records written; the
 *    improvement actions written as corrective actions (ACTIONS, with `drillId`: listed, closed and
 *    counted by the review like any other); one transaction.
 *  - generatePeriodicReview: the quarter's or half-year's review from the dashboard's aggregates,
 *    the drills and their actions, written once to the locked archive (reviews/) as JSON, HTML
 *    (en, zh-CN) and PDF; getPeriodicReview reads it back. runScheduledReviews: the same, for the
 *    periods the schedule generates (the PeriodicReviews function, at the start of each quarter).
 *  - disposeDrill: a closed drill's disposal acted on once its complaints are closed - the report
 *    kept first in the archive (drills/<region>/<id>/report.json, read from then on), then each
 *    complaint archived apart as TTL archival would (use-cases/archive: the same locked record at
 *    drills/<region>/<id>/complaints/<ref>.json.gz) and/or removed from the table, its ledger
 *    entry saying so first (archival and reconciliation then leave it out), audited.
 *  - getTrainingRecords: the participant and their manager only.
 */
import { randomBytes } from 'node:crypto';
import { type Actor, authorize, authorizeTrainingRecords, type StaffOperation } from '../../domain/authorization.ts';
import type { Complaint, HistoryEntry } from '../../domain/complaint.ts';
import type { CorrectiveAction } from '../../domain/corrective-action.ts';
import type { AggregateStore } from '../../domain/dashboard.ts';
import { type DrillRecord, drillArchiveKey, drillMailbox, drillSchedule, hashDrillSecret, type Scenario, type TrainingRecord } from '../../domain/drill.ts';
import { customerKeys } from '../../domain/repeats.ts';
import { buildDrillReport, type DrillReport, drillReportDocument, drillSummary } from '../../domain/drill-report.ts';
import { buildPeriodicReview, parsePeriod, type PeriodicReview, periodicReviewDocument, scheduledPeriods } from '../../domain/periodic-review.ts';
import type {
  ArchiveStore,
  AuditLog,
  Complaints,
  CorrectiveActions,
  DrillStore,
  Ledger,
  PdfRenderer,
  ReportArchive,
  Retention,
  StaffDirectory,
} from '../../domain/ports.ts';
import type { RegionConfig } from '../../domain/regions.ts';
import { renderHtml } from '../../domain/report-document.ts';
import type { Clock } from '../../shared/clock.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import { type ArchiveDeps, archiveDisposedDrillComplaint } from '../archive/archive.ts';

export interface DrillDeps {
  repo: Complaints & StaffDirectory & Pick<CorrectiveActions, 'listCorrectiveActions'>;
  drills: DrillStore;
  clock: Clock;
  region: RegionConfig;
  /** The drill mailbox (MAIL_DRILL_MAILBOX) and the complaints mailbox's domain. */
  mail: { domain: string; drillMailbox?: string };
  scenario: (id: string) => Scenario | undefined;
  /**
   * Where the drill's complaints TTL archived apart are read back (ADR 0024): the ledger names the
   * record under drills/, so the report stays whole once they leave the table.
   */
  archived?: { ledger: Pick<Ledger, 'ledgerEntry'>; store: Pick<ArchiveStore, 'getRecord'> };
}

function allowOrThrow(actor: Actor, operation: StaffOperation): void {
  const decision = authorize(actor, operation);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
}

async function drillOrThrow(deps: Pick<DrillDeps, 'drills'>, drillId: string): Promise<DrillRecord> {
  const drill = await deps.drills.getDrill(drillId);
  if (!drill) throw new NotFoundError(`No drill ${drillId}`);
  return drill;
}

export async function startDrill(
  deps: DrillDeps,
  actor: Actor,
  body: { scenario: string; participants: string[]; disposal: 'archive' | 'discard' },
): Promise<{ drillId: string; token: string; mailbox: string; scenario: Scenario; schedule: ReturnType<typeof drillSchedule> }> {
  allowOrThrow(actor, 'startDrill');
  const scenario = deps.scenario(body.scenario);
  if (!scenario) throw new ValidationError([{ field: 'scenario', message: `no scenario "${body.scenario}" in the library` }]);
  const unknown: string[] = [];
  for (const id of body.participants) if (!(await deps.repo.getStaff(id))) unknown.push(id);
  if (unknown.length) throw new ValidationError([{ field: 'participants', message: `not in the staff directory: ${unknown.join(', ')}` }]);
  const now = deps.clock.now();
  const startedAt = now.toISOString();
  const drillId = `DR-${startedAt.slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`;
  const secret = randomBytes(24).toString('base64url');
  const mailbox = drillMailbox(deps.mail.drillMailbox, deps.mail.domain);
  const drill: DrillRecord = {
    drillId,
    region: deps.region.name,
    scenario: scenario.id,
    scenarioVersion: scenario.version,
    startedAt,
    startedBy: actor.id,
    participants: [...new Set(body.participants)],
    mailbox,
    tokenHash: hashDrillSecret(secret),
    status: 'running',
    disposal: body.disposal,
  };
  await deps.drills.createDrill(drill);
  return { drillId, token: `${drillId}.${secret}`, mailbox, scenario, schedule: drillSchedule(scenario, startedAt) };
}

export async function listDrills(deps: Pick<DrillDeps, 'drills' | 'region'>, actor: Actor) {
  allowOrThrow(actor, 'listDrills');
  return { drills: await deps.drills.listDrills(deps.region.name) };
}

async function reportOf(deps: DrillDeps, drill: DrillRecord): Promise<DrillReport> {
  const scenario = deps.scenario(drill.scenario);
  if (!scenario) throw new NotFoundError(`The drill's scenario ${drill.scenario} is no longer in the library`);
  const [references, stored] = await Promise.all([deps.drills.drillComplaints(drill.drillId), deps.repo.listCorrectiveActions()]);
  // The improvement actions as they stand in the corrective-action store (closed there, evidence given).
  const current = stored.filter((a) => a.drillId === drill.drillId);
  const actions = current.length ? current : (drill.actions ?? []);
  const complaints = (
    await Promise.all(
      references.map(async (r) => {
        const [complaint, history] = await Promise.all([deps.repo.get(r), deps.repo.history(r)]);
        return complaint ? { complaint, history } : archivedComplaint(deps, r);
      }),
    )
  ).filter((c): c is { complaint: Complaint; history: HistoryEntry[] } => c !== undefined);
  return buildDrillReport({ drill: { ...drill, actions }, scenario, complaints, now: deps.clock.now() });
}

/** A drill complaint no longer in the table, from the record TTL archival wrote apart (the redacted one if erased). */
async function archivedComplaint(deps: DrillDeps, reference: string): Promise<{ complaint: Complaint; history: HistoryEntry[] } | undefined> {
  if (!deps.archived) return undefined;
  const entry = await deps.archived.ledger.ledgerEntry(reference);
  const key = entry?.erasedKey ?? entry?.archiveKey;
  const record = key ? await deps.archived.store.getRecord(key) : undefined;
  return record ? { complaint: record.complaint, history: record.history } : undefined;
}

export type Rendered = { kind: 'json'; value: unknown } | { kind: 'raw'; contentType: string; body: string | Uint8Array; filename: string };

/**
 * The report: built from the complaints as they stand; once the drill's complaints are disposed
 * of, the report kept in the archive at that moment, with its improvement actions as they stand now.
 */
async function currentReport(deps: DrillDeps & { reports?: Pick<ReportArchive, 'getReport'> }, drill: DrillRecord): Promise<DrillReport> {
  if (!drill.reportKey || !deps.reports) return reportOf(deps, drill);
  const stored = await deps.reports.getReport(drill.reportKey);
  if (!stored) throw new NotFoundError(`The kept report of drill ${drill.drillId} is not in the archive`);
  const kept = JSON.parse(new TextDecoder().decode(stored.body)) as DrillReport;
  const current = (await deps.repo.listCorrectiveActions()).filter((a) => a.drillId === drill.drillId);
  return current.length ? { ...kept, actions: current } : kept;
}

export async function getDrillReport(
  deps: DrillDeps & { pdf: PdfRenderer; reports?: Pick<ReportArchive, 'getReport'> },
  actor: Actor,
  drillId: string,
  q: { format: 'json' | 'html' | 'pdf'; language: 'en' | 'zh-CN' },
): Promise<Rendered> {
  allowOrThrow(actor, 'getDrillReport');
  const report = await currentReport(deps, await drillOrThrow(deps, drillId));
  if (q.format === 'json') return { kind: 'json', value: report };
  const doc = drillReportDocument(report, q.language);
  if (q.format === 'html') return { kind: 'raw', contentType: 'text/html; charset=utf-8', body: renderHtml(doc), filename: `${drillId}.${q.language}.html` };
  return { kind: 'raw', contentType: 'application/pdf', body: await pdfOrRefuse(deps.pdf, doc), filename: `${drillId}.${q.language}.pdf` };
}

async function pdfOrRefuse(pdf: PdfRenderer, doc: Parameters<PdfRenderer['render']>[0]): Promise<Uint8Array> {
  try {
    return await pdf.render(doc);
  } catch (e) {
    if ((e as Error).name === 'MissingCjkFont') throw new ValidationError([{ field: 'language', message: (e as Error).message }]);
    throw e;
  }
}

export async function closeDrill(
  deps: DrillDeps,
  actor: Actor,
  drillId: string,
  body: {
    notes: { by: string; text: string }[];
    actions: { description: string; owner: string; dueAt: string; category?: string; complaintId?: string }[];
    outcomes: { staffId: string; outcome: 'passed' | 'needs-training' | 'failed'; note?: string }[];
  },
): Promise<DrillReport> {
  allowOrThrow(actor, 'closeDrill');
  const drill = await drillOrThrow(deps, drillId);
  if (drill.status !== 'running') throw new ConflictError(`The drill ${drillId} is closed already`);
  const strangers = body.outcomes.map((o) => o.staffId).filter((id) => !drill.participants.includes(id));
  if (strangers.length) throw new ValidationError([{ field: 'outcomes', message: `not participants of this drill: ${strangers.join(', ')}` }]);
  const owners = await Promise.all([...new Set(body.actions.map((a) => a.owner))].map(async (id) => ({ id, staff: await deps.repo.getStaff(id) })));
  const inactive = owners.filter((o) => !o.staff || o.staff.disabled).map((o) => o.id);
  if (inactive.length) throw new ValidationError([{ field: 'actions.owner', message: `not active staff: ${inactive.join(', ')}` }]);
  const now = deps.clock.now().toISOString();
  const actions: CorrectiveAction[] = body.actions.map((a, i) => ({
    id: `CA-${drillId}-${i + 1}`,
    ...(a.complaintId ? { complaintId: a.complaintId } : {}),
    category: a.category ?? 'drill',
    drillId,
    description: a.description,
    owner: a.owner,
    dueAt: new Date(a.dueAt).toISOString(),
    createdAt: now,
    createdBy: actor.id,
  }));
  const closed: DrillRecord = {
    ...drill,
    status: 'closed',
    closedAt: now,
    closedBy: actor.id,
    notes: [...(drill.notes ?? []), ...body.notes.map((n) => ({ ...n, at: now }))],
    actions: [...(drill.actions ?? []), ...actions],
    outcomes: body.outcomes,
  };
  const report = await reportOf(deps, closed);
  const training: TrainingRecord[] = body.outcomes.map((o) => ({
    staffId: o.staffId,
    drillId,
    scenario: drill.scenario,
    at: now,
    outcome: o.outcome,
    ...(o.note ? { note: o.note } : {}),
    by: actor.id,
  }));
  try {
    await deps.drills.closeDrill(closed, drillSummary(report), training, actions);
  } catch (e) {
    if ((e as Error).name === 'TransactionCanceledException') throw new ConflictError(`The drill ${drillId} was closed meanwhile`);
    throw e;
  }
  return report;
}

export interface DisposalDeps extends DrillDeps {
  repo: DrillDeps['repo'] & Retention & Pick<Ledger, 'ledgerEntry' | 'updateLedger'>;
  reports: ReportArchive;
  audit: AuditLog;
  /** Archival's (use-cases/archive): `archive` disposal writes the record TTL archival would (ADR 0024). */
  archival: ArchiveDeps;
}

/**
 * Acts on a closed drill's disposal (`archive` or `discard`, chosen when it started) once every
 * complaint of the drill is closed (their workflows have ended): a complaint still open is named
 * and nothing is done. In this order, each step idempotent (a retry after a failure goes on
 * where it stopped):
 *  1. the report, built from the complaints before they go, kept in the archive (drills/<region>/<id>/report.json,
 *     locked) and named on the drill: the report reads it from then on;
 *  2. per complaint: `archive` writes the archive record TTL archival would write
 *     (archiveDisposedDrillComplaint: history digest checked, locked, attachments copied) at
 *     drills/<region>/<id>/complaints/<reference>.json.gz, the ledger naming it (`archiveKey`, so
 *     quality reads it and erasure redacts it) and the disposal; `discard` records the disposal
 *     in the ledger (either way archival does not take the deletes for a loss, nor reconciliation
 *     count it as a real complaint); an audit entry; then its items and customer-index entries
 *     are deleted from the table;
 *  3. the drill marked disposed.
 */
export async function disposeDrill(deps: DisposalDeps, actor: Actor, drillId: string) {
  allowOrThrow(actor, 'disposeDrill');
  let drill = await drillOrThrow(deps, drillId);
  if (drill.status !== 'closed') throw new ConflictError(`The drill ${drillId} is still running: close it first`);
  const region = deps.region.name;
  const references = (await deps.drills.drillComplaints(drillId)).sort();
  const complaints = (await Promise.all(references.map((r) => deps.repo.get(r)))).filter((c): c is Complaint => c !== undefined);
  const open = complaints.filter((c) => c.status !== 'CLOSED').map((c) => c.reference);
  if (open.length) throw new ConflictError(`The drill's complaints ${open.join(', ')} are still open: close them first`);
  const now = deps.clock.now();
  const at = now.toISOString();
  const retainUntil = new Date(now.getTime() + deps.region.retention.archiveYears * 365.25 * 86_400_000).toISOString();
  if (!drill.reportKey) {
    const reportKey = drillArchiveKey(region, drillId, 'report.json');
    const report = await reportOf(deps, drill);
    await deps.reports.putReport(reportKey, new TextEncoder().encode(JSON.stringify(report)), 'application/json', retainUntil);
    drill = { ...drill, reportKey };
    await deps.drills.updateClosedDrill(drill);
  }
  const disposed: { reference: string; key?: string }[] = [];
  for (const reference of references) {
    const entry = await deps.repo.ledgerEntry(reference);
    const complaint = complaints.find((c) => c.reference === reference);
    const items = await deps.repo.partitionItems(reference);
    // Archived already (an earlier call, or TTL archival): the key the ledger names.
    let key = entry?.archiveKey ?? entry?.drillDisposal?.key;
    // Before anything is deleted: the record and the ledger's archiveKey and drillDisposal, in archival's
    // code (a complaint TTL has begun to remove is refused there: its archival completes it).
    if (drill.disposal === 'archive' && !key && items.length) key = (await archiveDisposedDrillComplaint(reference, actor.id, deps.archival)).key;
    else if (!entry?.drillDisposal)
      await deps.repo.updateLedger(reference, { drillDisposal: { drillId, disposal: drill.disposal, at, by: actor.id, ...(key ? { key } : {}) } });
    if (!entry?.drillDisposal) {
      await deps.audit.record({
        at,
        actor: actor.id,
        roles: actor.roles,
        operation: 'disposeDrill',
        reference,
        outcome: 'ok',
        detail:
          drill.disposal === 'archive'
            ? `drill ${drillId} complaint archived apart (${key}) and removed from the table`
            : `drill ${drillId} complaint discarded from the table`,
      });
    }
    const index = complaint && !complaint.complainant.anonymous ? customerKeys(complaint.complainant.contact) : [];
    await deps.repo.deleteItems([...items.map(({ PK, SK }) => ({ PK, SK })), ...index.map((k) => ({ PK: `CUSTOMER#${k}`, SK: `REF#${reference}` }))]);
    disposed.push({ reference, ...(key ? { key } : {}) });
  }
  if (!drill.disposedAt) await deps.drills.updateClosedDrill({ ...drill, disposedAt: at, disposedBy: actor.id });
  return { drillId, disposal: drill.disposal, reportKey: drill.reportKey, complaints: disposed };
}

export async function getTrainingRecords(deps: Pick<DrillDeps, 'drills' | 'repo'>, actor: Actor, staffId: string) {
  const subject = await deps.repo.getStaff(staffId);
  const manager = subject ? await deps.repo.managerOf(subject.department) : undefined;
  const decision = authorizeTrainingRecords(actor, { id: staffId, managerId: manager?.id });
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  return { staffId, records: (await deps.drills.trainingOf(staffId)).sort((a, b) => a.at.localeCompare(b.at)) };
}

// ---------------------------------------------------------------------------------------------
// The periodic review
// ---------------------------------------------------------------------------------------------

export interface ReviewDeps extends Pick<DrillDeps, 'drills' | 'clock' | 'region'> {
  /** The corrective actions (the regulatory issue's and the drills' improvement actions: one store). */
  repo: Pick<CorrectiveActions, 'listCorrectiveActions'>;
  aggregates: Pick<AggregateStore, 'monthItems'>;
  reports: ReportArchive;
  pdf: PdfRenderer;
}

export const REVIEW_LANGUAGES = ['en', 'zh-CN'] as const;

/** Keys of a review's objects in the archive bucket. */
export function reviewKey(region: string, period: string, file: string): string {
  return `reviews/${region}/${period}/${file}`;
}

/** Builds the review from what is stored (no authorisation: the schedule and the staff operation both call it). */
export async function buildReview(deps: ReviewDeps, period: string): Promise<PeriodicReview> {
  const p = parsePeriod(period);
  if (!p) throw new ValidationError([{ field: 'period', message: 'must be a quarter (2026-Q3) or a half-year (2026-H2)' }]);
  const months = [...parsePeriod(p.previous)!.months, ...p.months];
  const region = deps.region.name;
  const [items, drills, actions] = await Promise.all([
    Promise.all(months.map((m) => deps.aggregates.monthItems(region, m))),
    deps.drills.listDrills(region),
    deps.repo.listCorrectiveActions(),
  ]);
  return buildPeriodicReview({
    region,
    period,
    monthItems: Object.fromEntries(months.map((m, i) => [m, items[i]])),
    // The store's actions; a drill closed by an earlier version kept its actions on its listing only.
    actions: [...actions, ...drills.flatMap((d) => (d.actions ?? []).filter((a) => !actions.some((s) => s.id === a.id)))],
    drills: drills.flatMap((d) => (d.summary ? [d.summary] : [])),
    now: deps.clock.now(),
  });
}

/**
 * Generates the review and writes it once to the locked archive: review.json, review.<lang>.html
 * and review.<lang>.pdf (a zh-CN PDF only where a CJK font is configured). A period that has not
 * ended yet is refused: a review is of a closed period. Written already: the stored one stands.
 */
export async function generatePeriodicReview(deps: ReviewDeps, actor: Actor | undefined, body: { period: string }) {
  if (actor) allowOrThrow(actor, 'generatePeriodicReview');
  const p = parsePeriod(body.period);
  if (!p) throw new ValidationError([{ field: 'period', message: 'must be a quarter (2026-Q3) or a half-year (2026-H2)' }]);
  const today = deps.clock.now().toISOString().slice(0, 7);
  if (p.months.at(-1)! >= today) throw new ValidationError([{ field: 'period', message: 'has not ended yet' }]);
  const region = deps.region.name;
  const existing = await deps.reports.getReport(reviewKey(region, body.period, 'review.json'));
  if (existing) return { period: body.period, stored: 'exists' as const, files: await storedFiles(deps, region, body.period) };
  const review = await buildReview(deps, body.period);
  const retainUntil = new Date(deps.clock.now().getTime() + deps.region.retention.archiveYears * 365.25 * 86_400_000).toISOString();
  const files: string[] = [];
  const put = async (file: string, bytes: Uint8Array, type: string) => {
    await deps.reports.putReport(reviewKey(region, body.period, file), bytes, type, retainUntil);
    files.push(file);
  };
  for (const language of REVIEW_LANGUAGES) {
    const doc = periodicReviewDocument(review, language);
    await put(`review.${language}.html`, new TextEncoder().encode(renderHtml(doc)), 'text/html; charset=utf-8');
    try {
      await put(`review.${language}.pdf`, await deps.pdf.render(doc), 'application/pdf');
    } catch (e) {
      if ((e as Error).name !== 'MissingCjkFont') throw e;
    }
  }
  // The JSON last: its presence says the review is complete.
  await put('review.json', new TextEncoder().encode(JSON.stringify(review)), 'application/json');
  return { period: body.period, stored: 'written' as const, files, review };
}

/**
 * What the schedule runs (the PeriodicReviews function: EventBridge at the start of each quarter,
 * the local runtime's timer or POST /__local/reviews): the last ended quarter, and the half-year
 * after Q2 and Q4, each generated once - a period already in the archive is left as it is.
 */
export async function runScheduledReviews(deps: ReviewDeps): Promise<{ period: string; stored: 'written' | 'exists' }[]> {
  const out: { period: string; stored: 'written' | 'exists' }[] = [];
  for (const period of scheduledPeriods(deps.clock.now().toISOString().slice(0, 10))) {
    const r = await generatePeriodicReview(deps, undefined, { period });
    out.push({ period, stored: r.stored });
  }
  return out;
}

async function storedFiles(deps: Pick<ReviewDeps, 'reports'>, region: string, period: string): Promise<string[]> {
  const candidates = ['review.json', ...REVIEW_LANGUAGES.flatMap((l) => [`review.${l}.html`, `review.${l}.pdf`])];
  const present = await Promise.all(candidates.map(async (f) => ((await deps.reports.getReport(reviewKey(region, period, f))) ? f : undefined)));
  return present.filter((f): f is string => f !== undefined);
}

export async function getPeriodicReview(
  deps: ReviewDeps,
  actor: Actor,
  period: string,
  q: { format: 'json' | 'html' | 'pdf'; language: 'en' | 'zh-CN' },
): Promise<Rendered> {
  allowOrThrow(actor, 'getPeriodicReview');
  const file = q.format === 'json' ? 'review.json' : `review.${q.language}.${q.format}`;
  const stored = await deps.reports.getReport(reviewKey(deps.region.name, period, file));
  if (!stored) throw new NotFoundError(`No ${file} of the ${period} review in the archive: generate it first`);
  if (q.format === 'json') return { kind: 'json', value: JSON.parse(new TextDecoder().decode(stored.body)) };
  return {
    kind: 'raw',
    contentType: stored.contentType,
    body: q.format === 'html' ? new TextDecoder().decode(stored.body) : stored.body,
    filename: `review-${period}.${q.language}.${q.format}`,
  };
}
