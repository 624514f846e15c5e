/**
 * Drills on the one table (issue 20, docs/data-model.md):
 *  - DRILL#<id> / DRILL: the drill (scenario, participants, token hash, notes, actions, outcomes);
 *  - DRILL#<id> / COMPLAINT#<reference>: one per drill complaint, written with the complaint
 *    (dynamo-complaint-repository.ts create);
 *  - DRILLS#<region> / <startedAt>#<id>: the region's list of drills, with each closed drill's
 *    figures and improvement actions (the periodic review reads one partition);
 *  - TRAINING#<staffId> / <at>#<drillId>: a participant's training record;
 *  - the drill's improvement actions are corrective actions (ACTIONS / ACTION#<id>, with `drillId`),
 *    written with the closing, where the corrective-action list, its closing and the review find them.
 */
import type { DocumentClient } from './dynamo-client.ts';
import { keys } from './table-schema.ts';
import type { CorrectiveAction } from '../domain/corrective-action.ts';
import type { DrillListing, DrillStore } from '../domain/ports.ts';
import type { DrillRecord, TrainingRecord } from '../domain/drill.ts';
import type { DrillSummary } from '../domain/drill-report.ts';

export const drillKeys = {
  // Not 'META': the table stream's readers take META items as complaints' (TABLE_CHANGE_ROUTES).
  drill: (id: string) => ({ PK: `DRILL#${id}`, SK: 'DRILL' }),
  complaint: (id: string, reference: string) => ({ PK: `DRILL#${id}`, SK: `COMPLAINT#${reference}` }),
  listing: (region: string, startedAt: string, id: string) => ({ PK: `DRILLS#${region}`, SK: `${startedAt}#${id}` }),
  training: (staffId: string, at: string, drillId: string) => ({ PK: `TRAINING#${staffId}`, SK: `${at}#${drillId}` }),
};

const strip = <T>(item: Record<string, unknown> | undefined): T | undefined => {
  if (!item) return undefined;
  const { PK: _pk, SK: _sk, type: _type, ...rest } = item;
  return rest as T;
};

export class DynamoDrills implements DrillStore {
  constructor(
    private readonly db: DocumentClient,
    private readonly table: string,
  ) {}

  private listingOf(d: DrillRecord, summary?: DrillSummary) {
    return {
      ...drillKeys.listing(d.region, d.startedAt, d.drillId),
      type: 'DrillListing',
      drillId: d.drillId,
      scenario: d.scenario,
      startedAt: d.startedAt,
      status: d.status,
      disposal: d.disposal,
      ...(summary ? { summary } : {}),
    };
  }

  async createDrill(d: DrillRecord): Promise<void> {
    await this.db.transactWrite({
      TransactItems: [
        { Put: { TableName: this.table, Item: { ...drillKeys.drill(d.drillId), type: 'Drill', ...d }, ConditionExpression: 'attribute_not_exists(PK)' } },
        { Put: { TableName: this.table, Item: this.listingOf(d) } },
      ],
    });
  }

  async getDrill(drillId: string): Promise<DrillRecord | undefined> {
    const out = await this.db.get({ TableName: this.table, Key: drillKeys.drill(drillId), ConsistentRead: true });
    return strip<DrillRecord>(out.Item);
  }

  async closeDrill(d: DrillRecord, summary: DrillSummary, training: TrainingRecord[], actions: CorrectiveAction[] = []): Promise<void> {
    await this.db.transactWrite({
      TransactItems: [
        {
          Put: {
            TableName: this.table,
            Item: { ...drillKeys.drill(d.drillId), type: 'Drill', ...d },
            // Closed once: a second close (a retry, another manager) finds it closed.
            ConditionExpression: '#s = :running',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':running': 'running' },
          },
        },
        { Put: { TableName: this.table, Item: this.listingOf(d, summary) } },
        ...training.map((t) => ({ Put: { TableName: this.table, Item: { ...drillKeys.training(t.staffId, t.at, t.drillId), type: 'Training', ...t } } })),
        ...actions.map((a) => ({
          Put: {
            TableName: this.table,
            Item: { ...keys.correctiveAction(a.id), type: 'CorrectiveAction', ...a, version: 1 },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        })),
      ],
    });
  }

  private async queryAll(pk: string, skPrefix?: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.query({
        TableName: this.table,
        KeyConditionExpression: skPrefix ? 'PK = :pk AND begins_with(SK, :sk)' : 'PK = :pk',
        ExpressionAttributeValues: { ':pk': pk, ...(skPrefix ? { ':sk': skPrefix } : {}) },
        ExclusiveStartKey: start,
      });
      out.push(...((page.Items ?? []) as Record<string, unknown>[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async updateClosedDrill(d: DrillRecord): Promise<void> {
    await this.db.put({
      TableName: this.table,
      Item: { ...drillKeys.drill(d.drillId), type: 'Drill', ...d },
      ConditionExpression: '#s = :closed',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':closed': 'closed' },
    });
    // The listing shows the disposal done (the console's drills view): when, by whom, where the report is kept.
    const done = {
      disposal: d.disposal,
      ...(d.reportKey ? { reportKey: d.reportKey } : {}),
      ...(d.disposedAt ? { disposedAt: d.disposedAt, disposedBy: d.disposedBy } : {}),
    };
    const fields = Object.keys(done);
    await this.db.update({
      TableName: this.table,
      Key: drillKeys.listing(d.region, d.startedAt, d.drillId),
      UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: Object.fromEntries(fields.map((f, i) => [`#f${i}`, f])),
      ExpressionAttributeValues: Object.fromEntries(fields.map((f, i) => [`:v${i}`, done[f as keyof typeof done]])),
    });
  }

  async drillComplaints(drillId: string): Promise<string[]> {
    return (await this.queryAll(`DRILL#${drillId}`, 'COMPLAINT#')).map((i) => String(i.reference));
  }

  async listDrills(region: string): Promise<DrillListing[]> {
    return (await this.queryAll(`DRILLS#${region}`)).map((i) => strip<DrillListing>(i)!);
  }

  async trainingOf(staffId: string): Promise<TrainingRecord[]> {
    return (await this.queryAll(`TRAINING#${staffId}`)).map((i) => strip<TrainingRecord>(i)!);
  }
}
