/**
 * The dashboard's aggregates on DynamoDB (the one table):
 *
 *   AGG#<region>#<YYYY-MM> / c#<channel>#<department>#<nature>   counters of the month's complaints
 *                                                 of one combination (breakdowns summed when read)
 *   AGGMATTER#<region>#<YYYY-MM-DD> / H<HH>#<matterKey>   complaints per matter and UTC hour (TTL 8 days)
 *   AGGSEEN#<stream event id> / AGGSEEN            a stream record already applied (TTL 7 days)
 *   AGGRET#<region> / <period>#<cell>               the regulatory returns' counters (domain/returns.ts)
 *   AGGRETIX#<region>#<period>#<metric> / <cell>#<reference>   the complaints behind each figure (`in` 1|0)
 *   AGGRETLOG#<region>#<period> / <at>#<reference>#<event>     changes applied to a period's figures
 *   AGGRETSNAP#<region> / <period>                   a return as first produced after its period ended
 *
 * Counters only ever change by ADD. Exactly-once under the stream's at-least-once delivery:
 * the ADDs of one record and the conditional put of its AGGSEEN marker are ONE transaction,
 * so a redelivered record fails the condition and changes nothing. Reading a month is one
 * Query of its partition (a bounded number of items: one per dimension value), whatever the
 * number of complaints.
 */
import type { DocumentClient, QueryInput, TransactWriteItem as TransactItem, WriteRequest } from './dynamo-client.ts';
import {
  aggregateKeys,
  type AggregateItem,
  type AggregateStore,
  type AggregateUpdate,
  type ApplyOutcome,
  type Counters,
  type MatterCount,
} from '../domain/dashboard.ts';
import {
  OPEN_PERIOD,
  returnKeys,
  type CounterItem,
  type IndexEntry,
  type ItemPut,
  type LateChange,
  type ReturnSnapshot,
  type ReturnStore,
} from '../domain/returns.ts';
import { TABLE } from './table-schema.ts';

/** DynamoDB's limit of items in one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;
const KEY_ATTRIBUTES = new Set(['PK', 'SK', 'type', TABLE.ttlAttribute]);

export interface ReadStats {
  requests: number;
  readCapacityUnits: number;
}

export class DynamoAggregates implements AggregateStore, ReturnStore {
  /** Reads made so far and the capacity they consumed (ReturnConsumedCapacity TOTAL). */
  readonly stats: ReadStats = { requests: 0, readCapacityUnits: 0 };

  constructor(
    private readonly db: DocumentClient,
    private readonly table: string,
  ) {}

  /** The ADD of one item, as a transaction item. */
  private update(u: AggregateUpdate): TransactItem {
    const names: Record<string, string> = { '#type': 'type' };
    const values: Record<string, unknown> = {
      ':type': u.pk.startsWith('AGGMATTER#') ? 'AggregateMatter' : u.pk.startsWith('AGGRET#') ? 'ReturnAggregate' : 'Aggregate',
    };
    const adds = Object.entries(u.add).map(([name, n], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = n;
      return `#c${i} :c${i}`;
    });
    const sets = ['#type = :type'];
    if (u.expiresAt !== undefined) {
      names['#ttl'] = TABLE.ttlAttribute;
      values[':ttl'] = u.expiresAt;
      sets.push('#ttl = :ttl');
    }
    return {
      Update: {
        TableName: this.table,
        Key: { PK: u.pk, SK: u.sk },
        UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }

  /** The transaction of one stream record: its marker (conditional) first, then its ADDs. */
  transactItems(eventId: string, updates: AggregateUpdate[], markerExpiresAt: number, puts: ItemPut[] = []): TransactItem[] {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: { ...aggregateKeys.seen(eventId), type: 'AggregateSeen', [TABLE.ttlAttribute]: markerExpiresAt },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      ...updates.map((u) => this.update(u)),
      ...puts.map((p) => ({
        Put: { TableName: this.table, Item: { ...p.attributes, PK: p.pk, SK: p.sk, type: p.pk.startsWith('AGGRETLOG#') ? 'ReturnLog' : 'ReturnIndex' } },
      })),
    ];
    // A complaint touches at most 2 x (1 monthly item + 1 matter item), plus its returns' cells
    // (a UK complaint: about 10 memberships, each old and new): far below the limit.
    if (items.length > MAX_TRANSACTION_ITEMS)
      throw new RangeError(`One record touches ${items.length - 1} aggregate items; at most ${MAX_TRANSACTION_ITEMS - 1} fit in a transaction`);
    return items;
  }

  async applyOnce(eventId: string, updates: AggregateUpdate[], markerExpiresAt: number, puts: ItemPut[] = []): Promise<ApplyOutcome> {
    if (!updates.length && !puts.length) return 'nothing';
    const TransactItems = this.transactItems(eventId, updates, markerExpiresAt, puts);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.transactWrite({ TransactItems });
        return 'applied';
      } catch (e) {
        const reasons = (e as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
        if ((e as Error).name === 'TransactionCanceledException' && reasons[0]?.Code === 'ConditionalCheckFailed') return 'duplicate';
        // Another record's transaction on the same counters (hot month item): try again shortly.
        const conflict = (e as Error).name === 'TransactionConflictException' || reasons.some((r) => r.Code === 'TransactionConflict');
        if (!conflict || attempt >= 5) throw e;
        await new Promise((r) => setTimeout(r, 20 * 2 ** attempt + Math.random() * 20));
      }
    }
  }

  private async query(input: QueryInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.query({ ...input, ExclusiveStartKey: start, ReturnConsumedCapacity: 'TOTAL' });
      this.stats.requests += 1;
      this.stats.readCapacityUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async monthItems(region: string, month: string): Promise<AggregateItem[]> {
    const items = await this.query({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': aggregateKeys.month(region, month) },
    });
    return items.map((it) => ({ sk: String(it.SK), counters: countersOf(it) }));
  }

  async matterCounts(region: string, from: Date, to: Date): Promise<MatterCount[]> {
    const out: MatterCount[] = [];
    const firstDay = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    for (let day = firstDay; day <= to.getTime(); day += 86_400_000) {
      const date = new Date(day).toISOString().slice(0, 10);
      const lo = day < from.getTime() ? from.toISOString().slice(11, 13) : '00';
      const hi = day + 86_400_000 > to.getTime() ? to.toISOString().slice(11, 13) : '23';
      const items = await this.query({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': aggregateKeys.matterDay(region, date), ':lo': `H${lo}#`, ':hi': `H${hi}#\uffff` },
      });
      for (const it of items) {
        const m = /^H(\d{2})#(.+)$/.exec(String(it.SK));
        if (m) out.push({ matterKey: m[2], hour: `${date}T${m[1]}`, count: Number(it.count ?? 0) });
      }
    }
    return out;
  }

  // --- Regulatory returns (domain/returns.ts ReturnStore) ---

  /** Counter items of every period up to `period`: one Query of the region's partition (periods x cells, never complaints). */
  async returnCounters(region: string, period: string, earlier: boolean): Promise<CounterItem[]> {
    const items = await this.query({
      TableName: this.table,
      KeyConditionExpression: earlier ? 'PK = :pk AND SK < :hi' : 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': returnKeys.counters(region), ...(earlier ? { ':hi': `${period}$` } : { ':p': `${period}#` }) },
    });
    return items.map((it) => ({ sk: String(it.SK), counters: countersOf(it) }));
  }

  async returnIndex(region: string, period: string, metric: string): Promise<IndexEntry[]> {
    const items = await this.query({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk',
      FilterExpression: '#in = :one',
      ExpressionAttributeNames: { '#in': 'in' },
      ExpressionAttributeValues: { ':pk': returnKeys.index(region, period, metric), ':one': 1 },
    });
    return items.map((it) => {
      const sk = String(it.SK);
      const reference = String(it.reference);
      const row: Record<string, string> = {};
      for (const [k, v] of Object.entries(it)) if (!KEY_ATTRIBUTES.has(k) && k !== 'in' && typeof v === 'string') row[k] = v;
      return { key: sk.slice(0, sk.length - reference.length - 1), reference, row };
    });
  }

  async unresolved(region: string): Promise<IndexEntry[]> {
    return this.returnIndex(region, OPEN_PERIOD, 'outstanding');
  }

  async lateChanges(region: string, period: string, after: string): Promise<LateChange[]> {
    const items = await this.query({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND SK > :after',
      ExpressionAttributeValues: { ':pk': returnKeys.log(region, period), ':after': `${after}\uffff` },
    });
    return items.map((it) => ({ at: String(it.at), reference: String(it.reference), changes: (it.changes as string[]) ?? [] }));
  }

  async snapshot(region: string, period: string): Promise<ReturnSnapshot | undefined> {
    const out = await this.db.get({ TableName: this.table, Key: { PK: returnKeys.snapshot(region), SK: period } });
    const it = out.Item;
    return it ? { producedAt: String(it.producedAt), producedBy: String(it.producedBy), report: JSON.parse(String(it.report)) } : undefined;
  }

  async saveSnapshot(region: string, period: string, snap: ReturnSnapshot): Promise<ReturnSnapshot> {
    try {
      await this.db.put({
        TableName: this.table,
        Item: {
          PK: returnKeys.snapshot(region),
          SK: period,
          type: 'ReturnSnapshot',
          producedAt: snap.producedAt,
          producedBy: snap.producedBy,
          report: JSON.stringify(snap.report),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      });
      return snap;
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      return (await this.snapshot(region, period)) as ReturnSnapshot; // produced by someone else a moment ago: theirs is the first
    }
  }

  /**
   * Loading (benchmarks, a backfill into an empty table): writes summed aggregate items
   * whole, 25 to a BatchWriteItem, retrying what DynamoDB leaves unprocessed.
   */
  async writeItems(items: { pk: string; sk: string; counters: Counters; expiresAt?: number }[]): Promise<number> {
    let requests = 0;
    for (let i = 0; i < items.length; i += 25) {
      let pending: WriteRequest[] | undefined = items.slice(i, i + 25).map((it) => ({
        PutRequest: {
          Item: { PK: it.pk, SK: it.sk, type: 'Aggregate', ...it.counters, ...(it.expiresAt !== undefined ? { [TABLE.ttlAttribute]: it.expiresAt } : {}) },
        },
      }));
      while (pending?.length) {
        const out: { UnprocessedItems?: Record<string, WriteRequest[]> } = await this.db.batchWrite({ RequestItems: { [this.table]: pending } });
        requests += 1;
        pending = out.UnprocessedItems?.[this.table];
      }
    }
    return requests;
  }
}

function countersOf(item: Record<string, unknown>): Counters {
  const k: Counters = {};
  for (const [name, v] of Object.entries(item)) if (!KEY_ATTRIBUTES.has(name) && typeof v === 'number') k[name] = v;
  return k;
}
