/** ComplaintRepository on DynamoDB: one table, multi-item changes in transactions. */
import type { DocumentClient, QueryInput, TransactWriteItem as TransactItem } from './dynamo-client.ts';
import { isTransactionCanceled } from './aws-errors.ts';
import type { Complaint, CorrectiveAction, HistoryEntry } from '../domain/complaint.ts';
import type { ComplaintRepository } from '../domain/ports.ts';
import {
  IdempotencyRace,
  UploadTaken,
  type Change,
  type LedgerEntry,
  type NewComplaint,
  type OpenComplaint,
  type OutboundMessage,
  type Restriction,
  type StaffProfile,
  type StoredAnswer,
  type TaskItem,
  type AuditEntry,
} from '../domain/model.ts';
import { ConflictError } from '../shared/errors.ts';
import { seal, type StoredItem } from '../domain/archive.ts';
import { nextAlarmAt } from '../domain/deadlines.ts';
import { withoutStandardRules, withRuleTexts } from '../domain/deadline-rules.ts';
import { watchAlarmAt } from '../domain/live-evaluation.ts';
import type { ElapsedDuration } from '../domain/regions.ts';
import { keys, openShard, TABLE } from './table-schema.ts';
import { auditItem } from './dynamo-audit-log.ts';

const INTERNAL = new Set(['PK', 'SK', 'OPENPK', 'OPENSK', 'GSI1PK', 'GSI1SK', 'type', 'auditKey']);
function strip<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !INTERNAL.has(k))) as T;
}

/** A stored complaint item as the complaint: its deadlines' standard rule texts put back (ADR 0025). */
function complaintOf(item: Record<string, unknown>): Complaint {
  return withRuleTexts(strip<Complaint>(item));
}

/**
 * Sort-key suffix of a history entry or message: the complaint version its write commits and its
 * place in that write. It keeps entries written in the same millisecond apart and in order, and is
 * unique whichever process writes (each version is committed once: the version condition), which a
 * per-process counter was not - two functions' first entries of one millisecond collided.
 */
const order = (version: number, i: number) => `${String(version).padStart(6, '0')}.${String(i).padStart(3, '0')}`;

export class DynamoComplaintRepository implements ComplaintRepository {
  /**
   * `alarms.reminderFraction`: the region's reminder point (RegulatoryProfile), from which the
   * OPEN index key of each open complaint - its next alarm for the deadline watch - is computed;
   * `alarms.liveEvaluationEvery`: the region's live evaluation cadence, whose reminders and
   * escalations are alarms too (domain/live-evaluation.ts; absent: none).
   */
  constructor(
    private readonly db: DocumentClient,
    private readonly table: string,
    private readonly alarms: { reminderFraction: number; liveEvaluationEvery?: ElapsedDuration },
  ) {}

  /** An entry appended to a closed complaint (erasure, late notes) expires with the rest of it. */
  private historyPut(h: HistoryEntry, version: number, i: number, expiresAt?: number, auditKey?: string): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: {
          PK: keys.complaint(h.reference).PK,
          SK: `H#${h.at}#${order(version, i)}`,
          type: 'History',
          ...h,
          ...(expiresAt ? { expiresAt } : {}),
          ...(auditKey ? { auditKey } : {}),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  /** `drill`: the drill whose complaint the message is about - delivery sends it only to the drill's mailbox or participants. */
  private messagePut(m: OutboundMessage, version: number, i: number, expiresAt?: number, drill?: string): TransactItem {
    const sk = `MSG#${m.at}#${order(version, i)}`;
    return {
      Put: {
        TableName: this.table,
        Item: {
          PK: keys.complaint(m.reference).PK,
          SK: sk,
          type: 'Message',
          ...m,
          messageId: sk,
          ...(expiresAt ? { expiresAt } : {}),
          ...(drill ? { drill } : {}),
        },
      },
    };
  }

  /** Moves a message from one delivery status to the next, only if it is still in `from`. */
  async transitionMessage(reference: string, messageId: string, from: string, to: string, patch: Record<string, unknown> = {}): Promise<boolean> {
    const names: Record<string, string> = { '#s': 'status' };
    const values: Record<string, unknown> = { ':from': from, ':to': to };
    const sets = ['#s = :to'];
    Object.entries(patch).forEach(([k, v], i) => {
      names[`#p${i}`] = k;
      values[`:p${i}`] = v;
      sets.push(`#p${i} = :p${i}`);
    });
    try {
      await this.db.update({
        TableName: this.table,
        Key: { PK: keys.complaint(reference).PK, SK: messageId },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: '#s = :from',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      });
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  /**
   * The audit entry of a staff change as one more Put of the change's transaction (only if its
   * key is new), and the key the change's history items name it by: `AUDIT#<day>|<at>#<n>`.
   * Reconciliation follows that key from each staff history entry to its audit entry.
   */
  private auditPut(e: AuditEntry | undefined): { item?: TransactItem; key?: string } {
    if (!e) return {};
    const Item = auditItem(e);
    return { item: { Put: { TableName: this.table, Item, ConditionExpression: 'attribute_not_exists(PK)' } }, key: `${Item.PK}|${Item.SK}` };
  }

  /**
   * The complaint item with its index attributes: in the OPEN index while open. Its deadlines
   * without their standard rule texts, which reads put back (ADR 0025).
   */
  private complaintItem(c: Complaint): Record<string, unknown> {
    const item: Record<string, unknown> = { ...keys.complaint(c.reference), type: 'Complaint', ...c };
    if (c.deadlines) Object.assign(item, withoutStandardRules(c.deadlines, c.region));
    // Keyed by the next alarm ('~' - after every instant - when there is none): the key, and the
    // few attributes the index projects, change only a few times in a complaint's life, so most
    // writes of the complaint item write nothing to the index.
    if (c.status === 'OPEN') Object.assign(item, { OPENPK: openShard(c.reference), OPENSK: `${this.alarmAt(c) ?? '~'}#${c.reference}` });
    return item;
  }

  private alarmAt(c: Complaint): string | undefined {
    const { reminderFraction, liveEvaluationEvery } = this.alarms;
    return watchAlarmAt(c, nextAlarmAt(c, reminderFraction), reminderFraction, liveEvaluationEvery);
  }

  async nextSequence(prefix: string, year: number): Promise<number> {
    const out = await this.db.update({
      TableName: this.table,
      Key: keys.counter(prefix, year),
      UpdateExpression: 'ADD #n :one',
      ExpressionAttributeNames: { '#n': 'value' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    });
    return Number(out.Attributes?.value);
  }

  async create({ complaint: unsealed, secret, history, idempotency, messages, customerKeys, uploads = [], audit }: NewComplaint): Promise<void> {
    // The history's count and digest travel with the complaint (domain/archive.ts).
    const complaint = seal(unsealed, history, messages?.length ?? 0);
    const audited = this.auditPut(audit);
    const items: TransactItem[] = [
      // The registration ledger: one small item per complaint ever registered, never expired,
      // so that reconciliation can prove each one is in the table or in the archive.
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.ledger(complaint.reference), type: 'Ledger', reference: complaint.reference, registeredAt: complaint.receivedAt },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      ...(customerKeys ?? []).map(
        (k): TransactItem => ({
          Put: {
            TableName: this.table,
            Item: { PK: `CUSTOMER#${k}`, SK: `REF#${complaint.reference}`, type: 'CustomerIndex', reference: complaint.reference },
          },
        }),
      ),
      { Put: { TableName: this.table, Item: this.complaintItem(complaint), ConditionExpression: 'attribute_not_exists(PK)' } },
      { Put: { TableName: this.table, Item: { ...keys.secret(complaint.reference), type: 'Secret', ...secret } } },
      ...history.map((h, i) => this.historyPut(h, complaint.version, i, undefined, audited.key)),
      ...(messages ?? []).map((m, i) => this.messagePut(m, complaint.version, i, undefined, complaint.drill?.drillId)),
      // A drill's complaint is listed under its drill (the drill report reads them: issue 20).
      ...(complaint.drill
        ? [
            {
              Put: {
                TableName: this.table,
                Item: {
                  PK: `DRILL#${complaint.drill.drillId}`,
                  SK: `COMPLAINT#${complaint.reference}`,
                  type: 'DrillComplaint',
                  reference: complaint.reference,
                },
              },
            },
          ]
        : []),
      ...(audited.item ? [audited.item] : []),
    ];
    // One upload, one complaint: its owner, written only if it has none (kept: no personal data).
    const firstUpload = items.length;
    for (const key of uploads) {
      items.push({
        Put: {
          TableName: this.table,
          Item: { PK: `UPLOAD#${key}`, SK: 'OWNER', type: 'UploadOwner', reference: complaint.reference },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
    }
    if (idempotency) {
      items.push({
        Put: {
          TableName: this.table,
          Item: { ...keys.idempotency(idempotency.key), type: 'Idempotency', ...idempotency.answer, expiresAt: idempotency.expiresAt },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
    }
    try {
      await this.db.transactWrite({ TransactItems: items });
    } catch (e) {
      if (isTransactionCanceled(e) && idempotency) {
        const reasons = e.CancellationReasons ?? [];
        if (reasons[reasons.length - 1]?.Code === 'ConditionalCheckFailed') throw new IdempotencyRace();
      }
      if (isTransactionCanceled(e)) {
        const taken = uploads.filter((_k, i) => e.CancellationReasons?.[firstUpload + i]?.Code === 'ConditionalCheckFailed');
        if (taken.length) throw new UploadTaken(taken);
      }
      throw e;
    }
  }

  async get(reference: string): Promise<Complaint | undefined> {
    const out = await this.db.get({ TableName: this.table, Key: keys.complaint(reference), ConsistentRead: true });
    return out.Item ? complaintOf(out.Item) : undefined;
  }

  async getSecret(reference: string) {
    const out = await this.db.get({ TableName: this.table, Key: keys.secret(reference), ConsistentRead: true });
    if (!out.Item) return undefined;
    return { salt: String(out.Item.salt), hash: String(out.Item.hash), others: (out.Item.others ?? []) as { salt: string; hash: string }[] };
  }

  async addAccessCode(reference: string, hash: string, salt: string): Promise<void> {
    await this.db.update({
      TableName: this.table,
      Key: keys.secret(reference),
      UpdateExpression: 'SET #o = list_append(if_not_exists(#o, :empty), :one)',
      ExpressionAttributeNames: { '#o': 'others' },
      ExpressionAttributeValues: { ':empty': [], ':one': [{ hash, salt }] },
    });
  }

  async useOnce(token: string, expiresAt: number): Promise<boolean> {
    try {
      await this.db.put({
        TableName: this.table,
        Item: { PK: `ONCE#${token}`, SK: 'ONCE', type: 'Once', expiresAt },
        ConditionExpression: 'attribute_not_exists(PK)',
      });
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async putRestriction(keys: string[], r: Restriction): Promise<void> {
    await this.db.transactWrite({
      TransactItems: keys.map((k) => ({ Put: { TableName: this.table, Item: { PK: `CUSTOMER#${k}`, SK: 'RESTRICTION', type: 'Restriction', ...r } } })),
    });
  }

  async restrictionsOf(keys: string[]): Promise<Restriction[]> {
    const found = await Promise.all(keys.map((k) => this.db.get({ TableName: this.table, Key: { PK: `CUSTOMER#${k}`, SK: 'RESTRICTION' } })));
    return found.flatMap((o) => (o.Item ? [strip<Restriction>(o.Item)] : []));
  }

  async complaintsOfCustomer(customerKeys: string[]): Promise<string[]> {
    const refs = await Promise.all(
      customerKeys.map((k) =>
        this.queryAll<{ reference: string }>({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ref)',
          ExpressionAttributeValues: { ':pk': `CUSTOMER#${k}`, ':ref': 'REF#' },
        }),
      ),
    );
    return [...new Set(refs.flat().map((r) => r.reference))];
  }

  /** Both live in the customer's partition (REF#<reference> items and RESTRICTION): one Query per key. */
  async customerRecord(customerKeys: string[]): Promise<{ references: string[]; restrictions: Restriction[] }> {
    const references = new Set<string>();
    const restrictions: Restriction[] = [];
    await Promise.all(
      customerKeys.map(async (k) => {
        let start: Record<string, unknown> | undefined;
        do {
          const out = await this.db.query({
            TableName: this.table,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': `CUSTOMER#${k}` },
            ExclusiveStartKey: start,
          });
          for (const item of out.Items ?? []) {
            if (item.SK === 'RESTRICTION') restrictions.push(strip<Restriction>(item));
            else if (String(item.SK).startsWith('REF#')) references.add(String(item.reference));
          }
          start = out.LastEvaluatedKey;
        } while (start);
      }),
    );
    return { references: [...references], restrictions };
  }

  async getIdempotent(key: string): Promise<StoredAnswer | undefined> {
    const out = await this.db.get({ TableName: this.table, Key: keys.idempotency(key), ConsistentRead: true });
    if (!out.Item) return undefined;
    return { requestHash: out.Item.requestHash, statusCode: out.Item.statusCode, body: out.Item.body };
  }

  private async queryAll<T>(input: QueryInput): Promise<T[]> {
    const found: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.query({ ...input, ExclusiveStartKey: start });
      found.push(...(out.Items ?? []).map((i) => strip<T>(i)));
      start = out.LastEvaluatedKey;
    } while (start);
    return found;
  }

  history(reference: string): Promise<HistoryEntry[]> {
    return this.queryAll<HistoryEntry>({
      TableName: this.table,
      ConsistentRead: true,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :h)',
      ExpressionAttributeValues: { ':pk': keys.complaint(reference).PK, ':h': 'H#' },
    });
  }

  messages(reference: string): Promise<OutboundMessage[]> {
    return this.queryAll<OutboundMessage>({
      TableName: this.table,
      ConsistentRead: true,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :m)',
      ExpressionAttributeValues: { ':pk': keys.complaint(reference).PK, ':m': 'MSG#' },
    });
  }

  async listOpen(): Promise<OpenComplaint[]> {
    return this.queryOpen({ KeyConditionExpression: 'OPENPK = :pk' }, {});
  }

  async listDue(before: string): Promise<string[]> {
    const due = await this.queryOpen({ KeyConditionExpression: 'OPENPK = :pk AND OPENSK < :before' }, { ':before': `${before}~` });
    return due.map((c) => c.reference);
  }

  /** Every shard of the OPEN index (its projection: OPEN_PROJECTION). */
  private async queryOpen(q: { KeyConditionExpression: string }, values: Record<string, string>): Promise<OpenComplaint[]> {
    const shards = await Promise.all(
      Array.from({ length: TABLE.openShards }, (_, shard) =>
        this.queryAll<OpenComplaint>({
          TableName: this.table,
          IndexName: TABLE.indexes.open.name,
          ...q,
          ExpressionAttributeValues: { ':pk': `OPEN#${shard}`, ...values },
        }),
      ),
    );
    return shards.flat().map((c) => ({ reference: c.reference, executionName: c.executionName, stage: c.stage, resumeCount: c.resumeCount }));
  }

  async getTask(reference: string, opts: { consistent?: boolean } = {}): Promise<TaskItem | undefined> {
    const out = await this.db.get({ TableName: this.table, Key: keys.task(reference), ConsistentRead: opts.consistent ?? true });
    return out.Item ? strip<TaskItem>(out.Item) : undefined;
  }

  async commit(change: Change): Promise<void> {
    const { expectedVersion } = change;
    const complaint = seal(change.complaint, change.history, change.messages?.length ?? 0);
    const ttl = complaint.expiresAt;
    // The staff request's audit entry commits with its change, or neither does (ADR 0018).
    const audited = this.auditPut(change.audit);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: this.complaintItem(complaint),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': expectedVersion },
        },
      },
    ];
    if (change.task && 'put' in change.task) {
      const t = change.task.put;
      items.push({
        Put: {
          TableName: this.table,
          Item: { ...keys.task(t.reference), type: 'Task', GSI1PK: `QUEUE#${t.team}`, GSI1SK: `${t.nextDueAt}#${t.reference}`, ...t },
          ...(change.task.ifToken ? { ConditionExpression: 'taskToken = :tok', ExpressionAttributeValues: { ':tok': change.task.ifToken } } : {}),
        },
      });
    } else if (change.task) {
      items.push({ Delete: { TableName: this.table, Key: keys.task(complaint.reference) } });
    }
    items.push(
      ...change.history.map((h, i) => this.historyPut(h, expectedVersion + 1, i, ttl, audited.key)),
      ...(change.messages ?? []).map((m, i) => this.messagePut(m, expectedVersion + 1, i, ttl, complaint.drill?.drillId)),
    );
    // Rewritten messages (erasure): the stored message, replaced whole, only if it still exists.
    items.push(
      ...(change.replaceMessages ?? []).map(
        (m): TransactItem => ({
          Put: {
            TableName: this.table,
            Item: { PK: keys.complaint(m.reference).PK, SK: m.messageId!, type: 'Message', ...m, ...(ttl ? { expiresAt: ttl } : {}) },
            ConditionExpression: 'attribute_exists(PK)',
          },
        }),
      ),
    );
    items.push(
      ...(change.removeCustomerKeys ?? []).map(
        (k): TransactItem => ({ Delete: { TableName: this.table, Key: { PK: `CUSTOMER#${k}`, SK: `REF#${complaint.reference}` } } }),
      ),
    );
    if (change.idempotency) {
      items.push({
        Put: {
          TableName: this.table,
          Item: { ...keys.idempotency(change.idempotency.key), type: 'Idempotency', ...change.idempotency.answer, expiresAt: change.idempotency.expiresAt },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
    }
    // The other items a change touches go in the same transaction: all of it happens, or none.
    items.push(
      ...(change.restriction?.keys ?? []).map(
        (k): TransactItem => ({
          Put: { TableName: this.table, Item: { PK: `CUSTOMER#${k}`, SK: 'RESTRICTION', type: 'Restriction', ...change.restriction!.restriction } },
        }),
      ),
    );
    if (change.accessCode) {
      items.push({
        Update: {
          TableName: this.table,
          Key: keys.secret(complaint.reference),
          UpdateExpression: 'SET #o = list_append(if_not_exists(#o, :empty), :one)',
          ExpressionAttributeNames: { '#o': 'others' },
          ExpressionAttributeValues: { ':empty': [], ':one': [change.accessCode] },
        },
      });
    }
    items.push(
      ...(change.correctiveActions ?? []).map(
        (a): TransactItem => ({
          Put: {
            TableName: this.table,
            Item: { ...keys.correctiveAction(a.id), type: 'CorrectiveAction', ...a, version: 1 },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        }),
      ),
    );
    if (audited.item) items.push(audited.item);
    const messageAt = change.messageStatus ? items.length : -1;
    if (change.messageStatus) {
      const { messageId, from, to, patch = {} } = change.messageStatus;
      const names: Record<string, string> = { '#s': 'status' };
      const values: Record<string, unknown> = { ':from': from, ':to': to };
      const sets = ['#s = :to'];
      Object.entries(patch).forEach(([k, v], i) => {
        names[`#p${i}`] = k;
        values[`:p${i}`] = v;
        sets.push(`#p${i} = :p${i}`);
      });
      items.push({
        Update: {
          TableName: this.table,
          Key: { PK: keys.complaint(complaint.reference).PK, SK: messageId },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: '#s = :from',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      });
    }
    try {
      await this.db.transactWrite({ TransactItems: items });
    } catch (e) {
      const reasons = isTransactionCanceled(e) ? (e.CancellationReasons ?? []) : [];
      if (messageAt >= 0 && reasons[messageAt]?.Code === 'ConditionalCheckFailed')
        throw new ConflictError(`This message is no longer ${change.messageStatus!.from}`);
      if (reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict')) {
        throw new ConflictError('The complaint was changed by someone else; reload it and try again');
      }
      throw e;
    }
  }

  async getCorrectiveAction(id: string): Promise<CorrectiveAction | undefined> {
    const out = await this.db.get({ TableName: this.table, Key: keys.correctiveAction(id) });
    return out.Item ? strip<CorrectiveAction>(out.Item) : undefined;
  }

  listCorrectiveActions(): Promise<CorrectiveAction[]> {
    return this.queryAll<Record<string, unknown>>({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :a)',
      ExpressionAttributeValues: { ':pk': 'ACTIONS', ':a': 'ACTION#' },
    }).then((items) => items.map((i) => strip<CorrectiveAction>(i)).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)));
  }

  async updateCorrectiveAction(a: CorrectiveAction, expectedVersion: number): Promise<void> {
    try {
      await this.db.put({
        TableName: this.table,
        Item: { ...keys.correctiveAction(a.id), type: 'CorrectiveAction', ...a, version: expectedVersion + 1 },
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': expectedVersion },
      });
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') throw new ConflictError('The action was changed by someone else; reload it and try again');
      throw e;
    }
  }

  queue(team: string, limit = 200): Promise<TaskItem[]> {
    return this.db
      .query({
        TableName: this.table,
        IndexName: TABLE.indexes.queue.name,
        KeyConditionExpression: 'GSI1PK = :q',
        ExpressionAttributeValues: { ':q': `QUEUE#${team}` },
        Limit: limit,
      })
      .then((out) => (out.Items ?? []).map((i) => strip<TaskItem>(i)));
  }

  /** Every item of the complaint's partition as stored (keys included), expired ones too. */
  async partitionItems(reference: string): Promise<StoredItem[]> {
    const found: StoredItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.query({
        TableName: this.table,
        ConsistentRead: true,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.complaint(reference).PK },
        ExclusiveStartKey: start,
      });
      found.push(...((out.Items ?? []) as StoredItem[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return found;
  }

  /**
   * Gives every item of a closed complaint (and its customer-index entries) the complaint's
   * expiry, so DynamoDB's TTL takes them all - but the complaint item, which the closing commit
   * writes with its expiry, and the task, which it deletes (stamping them first would write
   * each twice). Idempotent: items that have it are left alone; items already gone are not
   * re-created.
   */
  async expireWith(reference: string, expiresAt: number, customerKeys: string[]): Promise<number> {
    const items = await this.partitionItems(reference);
    const targets = [
      ...items
        .filter((i) => i.expiresAt !== expiresAt && i.SK !== keys.complaint(reference).SK && i.SK !== keys.task(reference).SK)
        .map((i) => ({ PK: i.PK, SK: i.SK })),
      ...customerKeys.map((k) => ({ PK: `CUSTOMER#${k}`, SK: `REF#${reference}` })),
    ];
    let stamped = 0;
    for (let i = 0; i < targets.length; i += 10) {
      const results = await Promise.all(
        targets.slice(i, i + 10).map((Key) =>
          this.db
            .update({
              TableName: this.table,
              Key,
              UpdateExpression: 'SET expiresAt = :e',
              ConditionExpression: 'attribute_exists(PK)',
              ExpressionAttributeValues: { ':e': expiresAt },
            })
            .then(
              () => 1,
              (e: Error) => {
                if (e.name === 'ConditionalCheckFailedException') return 0;
                throw e;
              },
            ),
        ),
      );
      stamped += results.reduce((a: number, b: number) => a + b, 0);
    }
    return stamped;
  }

  async replaceItems(items: StoredItem[]): Promise<void> {
    for (const Item of items) {
      try {
        await this.db.put({ TableName: this.table, Item, ConditionExpression: 'attribute_exists(PK)' });
      } catch (e) {
        // Removed by TTL meanwhile: its image reaches archival, which redacts it (the tombstone).
        if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      }
    }
  }

  async deleteItems(items: { PK: string; SK: string }[]): Promise<void> {
    for (let i = 0; i < items.length; i += 10) {
      await Promise.all(items.slice(i, i + 10).map(({ PK, SK }) => this.db.delete({ TableName: this.table, Key: { PK, SK } })));
    }
  }

  async ledgerEntry(reference: string): Promise<LedgerEntry | undefined> {
    const out = await this.db.get({ TableName: this.table, Key: keys.ledger(reference), ConsistentRead: true });
    return out.Item ? strip<LedgerEntry>(out.Item) : undefined;
  }

  /** Ledger entries of one reference prefix and year (e.g. CN-2026), a page at a time. */
  async ledgerPage(prefixYear: string, after?: string): Promise<{ entries: LedgerEntry[]; next?: string }> {
    const out = await this.db.query({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `LEDGER#${prefixYear}` },
      Limit: 500,
      ...(after ? { ExclusiveStartKey: { PK: `LEDGER#${prefixYear}`, SK: after } } : {}),
    });
    return { entries: (out.Items ?? []).map((i) => strip<LedgerEntry>(i)), next: out.LastEvaluatedKey?.SK as string | undefined };
  }

  async updateLedger(reference: string, patch: Partial<LedgerEntry>): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = Object.entries(patch).map(([k, v], i) => {
      names[`#k${i}`] = k;
      values[`:v${i}`] = v;
      return `#k${i} = :v${i}`;
    });
    if (!sets.length) return;
    await this.db.update({
      TableName: this.table,
      Key: keys.ledger(reference),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }

  async recordMatter(matterKey: string, reference: string, at: string, windowStart: string, expiresAt: number): Promise<number> {
    const pk = `MATTER#${matterKey}`;
    await this.db.put({ TableName: this.table, Item: { PK: pk, SK: `${at}#${reference}`, type: 'Matter', reference, expiresAt } });
    const others = await this.queryAll<{ reference: string }>({
      TableName: this.table,
      ConsistentRead: true,
      // The window ends at this complaint: only those received before it count, whatever the
      // order in which their workflows assess them.
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': windowStart, ':to': `${at}#${reference}` },
    });
    return new Set(others.map((o) => o.reference).filter((r) => r !== reference)).size;
  }

  async getStaff(id: string): Promise<StaffProfile | undefined> {
    const out = await this.db.get({ TableName: this.table, Key: { PK: `STAFF#${id}`, SK: 'PROFILE' } });
    return out.Item ? strip<StaffProfile>(out.Item) : undefined;
  }

  async managerOf(team: string): Promise<StaffProfile | undefined> {
    const out = await this.db.get({ TableName: this.table, Key: { PK: `TEAM#${team}`, SK: 'MANAGER' } });
    return out.Item ? this.getStaff(String(out.Item.staffId)) : undefined;
  }

  async isStaffedTeam(team: string): Promise<boolean> {
    // TEAM#<team> holds a MEMBER# item per active member (and the MANAGER item): one is enough.
    const out = await this.db.query({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `TEAM#${team}` },
      Limit: 1,
    });
    return (out.Items ?? []).length > 0;
  }

  async putStaff(p: StaffProfile): Promise<void> {
    const items: TransactItem[] = [{ Put: { TableName: this.table, Item: { PK: `STAFF#${p.id}`, SK: 'PROFILE', type: 'Staff', ...p } } }];
    // The team exists while someone active staffs it (isStaffedTeam).
    const member = { PK: `TEAM#${p.department}`, SK: `MEMBER#${p.id}` };
    const before = await this.getStaff(p.id);
    if (before && before.department !== p.department)
      items.push({ Delete: { TableName: this.table, Key: { PK: `TEAM#${before.department}`, SK: `MEMBER#${p.id}` } } });
    items.push(
      p.disabled
        ? { Delete: { TableName: this.table, Key: member } }
        : { Put: { TableName: this.table, Item: { ...member, type: 'TeamMember', staffId: p.id } } },
    );
    if (p.roles.includes('manager'))
      items.push({ Put: { TableName: this.table, Item: { PK: `TEAM#${p.department}`, SK: 'MANAGER', type: 'TeamManager', staffId: p.id } } });
    // The senior approval tier is bank-wide: TIER#senior lists its active members.
    const senior = { PK: 'TIER#senior', SK: `MEMBER#${p.id}` };
    if (p.roles.includes('senior') && !p.disabled) items.push({ Put: { TableName: this.table, Item: { ...senior, type: 'TierMember', staffId: p.id } } });
    else if (before?.roles.includes('senior')) items.push({ Delete: { TableName: this.table, Key: senior } });
    await this.db.transactWrite({ TransactItems: items });
  }

  async approvalCandidates(team: string): Promise<StaffProfile[]> {
    const members = async (pk: string) =>
      (
        await this.queryAll<{ staffId: string }>({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :m)',
          ExpressionAttributeValues: { ':pk': pk, ':m': 'MEMBER#' },
        })
      ).map((i) => String(i.staffId));
    const ids = [...new Set([...(await members(`TEAM#${team}`)), ...(await members('TIER#senior'))])];
    const profiles = await Promise.all(ids.map((id) => this.getStaff(id)));
    return profiles.filter((p): p is StaffProfile => !!p && !p.disabled);
  }
}
