/**
 * The table stream's second reader (TableChanges, ADR 0009): one batch of complaint changes and
 * removals, routed by each record's event name and keys (TABLE_CHANGE_ROUTES) to what three
 * stream consumers did before, run side by side within the invocation:
 *  - workflow starts (INSERT of a complaint): ./start-workflows.ts, throttled starts waited out;
 *  - the dashboard's aggregates (INSERT and MODIFY of a complaint): ./dashboard.ts, each record
 *    applied exactly once (its marker), in batch order;
 *  - archival (REMOVE of any item of a complaint): ./archive.ts, which stops at the first
 *    complaint that fails. It also stops at the first record of the batch that failed validation:
 *    the removals from there on are reported failed and come again with it (archiving a complaint
 *    without one of its items is what must never happen).
 * Returns the sequence numbers of the records to retry; each part is idempotent, so a record that
 * comes again because an earlier one failed does nothing twice.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Complaint } from '../domain/complaint.ts';
import type { WorkflowEngine } from '../domain/ports.ts';
import { matchesFilter, TABLE_CHANGE_ROUTES, type StreamFilter } from '../functions.ts';
import { archiveBatch, type ArchiveDeps, type ArchiveOutcome, type RemovalRecord } from './archive/archive.ts';
import type { ComplaintChange } from './oversight/dashboard.ts';
import { startWorkflows, type StartWorkflowsOptions } from './workflow/start-workflows.ts';

/** A validated record of the batch (functions/shared/stream-schemas.ts TableChangeRecord). */
export interface TableChange {
  index: number;
  sequenceNumber: string;
  /** The record as Lambda handed it (marshalled images: archival reads them so). */
  record: RemovalRecord & { dynamodb?: { Keys?: Record<string, AttributeValue> } };
  eventId: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  newImage?: Partial<Complaint>;
  oldImage?: Partial<Complaint>;
  /** When the record was written (epoch seconds). */
  createdAt?: number;
}

export interface TableChangesDeps extends ArchiveDeps {
  /** Applies one complaint change to the aggregates, once (./dashboard.ts aggregateComplaintChange with its store). */
  aggregate: (change: ComplaintChange) => Promise<unknown>;
  workflow: WorkflowEngine;
  remainingMs: StartWorkflowsOptions['remainingMs'];
  /** Tests: the start-ups' backoff. */
  startOptions?: Partial<StartWorkflowsOptions>;
}

export interface TableChangesResult {
  failed: string[];
  starts: { started: number; failed: number; throttledRetries: number };
  aggregates: { applied: number; failed: number };
  archive: { outcomes: ArchiveOutcome[]; failed: number; error?: Error };
}

const keyOf = (c: TableChange, k: 'PK' | 'SK') => c.record.dynamodb?.Keys?.[k]?.S ?? '';
const on = (route: StreamFilter, c: TableChange) => matchesFilter(route, c.eventName, keyOf(c, 'PK'), keyOf(c, 'SK'));

export async function handleTableChanges(batch: { firstInvalid: number; valid: TableChange[] }, deps: TableChangesDeps): Promise<TableChangesResult> {
  const failed = new Set<string>();
  const result: TableChangesResult = {
    failed: [],
    starts: { started: 0, failed: 0, throttledRetries: 0 },
    aggregates: { applied: 0, failed: 0 },
    archive: { outcomes: [], failed: 0 },
  };

  const starting = (async () => {
    const inserts = batch.valid.filter((c) => on(TABLE_CHANGE_ROUTES.startWorkflow, c) && c.newImage);
    if (!inserts.length) return;
    const out = await startWorkflows(
      inserts.map((c) => c.newImage as Complaint),
      deps.workflow,
      { ...deps.startOptions, remainingMs: deps.remainingMs },
    );
    const refused = new Set(out.failed);
    for (const c of inserts) if (refused.has(c.newImage!.reference!)) failed.add(c.sequenceNumber);
    result.starts = { started: out.started, failed: out.failed.length, throttledRetries: out.throttledRetries };
  })();

  const aggregating = (async () => {
    for (const c of batch.valid.filter((x) => on(TABLE_CHANGE_ROUTES.aggregate, x))) {
      try {
        await deps.aggregate({ eventId: c.eventId, eventName: c.eventName, oldImage: c.oldImage, newImage: c.newImage, createdAt: c.createdAt });
        result.aggregates.applied += 1;
      } catch {
        failed.add(c.sequenceNumber);
        result.aggregates.failed += 1;
      }
    }
  })();

  const archiving = (async () => {
    const removals = batch.valid.filter((c) => on(TABLE_CHANGE_ROUTES.archive, c));
    const now = removals.filter((c) => c.index < batch.firstInvalid);
    for (const c of removals.filter((x) => x.index >= batch.firstInvalid)) failed.add(c.sequenceNumber);
    if (!now.length) return;
    const out = await archiveBatch(
      now.map((c) => c.record),
      deps,
    );
    for (const seq of out.failed) failed.add(seq);
    result.archive = { outcomes: out.outcomes, failed: out.failed.length, ...(out.error ? { error: out.error } : {}) };
  })();

  await Promise.all([starting, aggregating, archiving]);
  result.failed = batch.valid.filter((c) => failed.has(c.sequenceNumber)).map((c) => c.sequenceNumber);
  return result;
}
