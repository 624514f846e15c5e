/**
 * DynamoDB's Time to Live, for the local runtime.
 *
 * DynamoDB Local (2026-01-16) has a TTL job, but it builds the key of an expired item from
 * every attribute definition of the table, index keys included: on a table with global
 * secondary indexes it deletes only the items that carry every index key, and stops its pass
 * at the first one it cannot delete. The complaint table has two sparse indexes, so its job
 * removes none of the product's items (test/integration/archival.test.ts shows both facts).
 *
 * This stands in for the service: it finds items whose `expiresAt` has passed on the runtime's
 * clock (the manual clock in tests, so expiry is driven like every other time in them) within
 * DynamoDB's window (at most five years old), deletes each with a condition on that very
 * expiry, and remembers the deletion so that the stream poller hands its REMOVE record over
 * the way the service writes it: userIdentity {type: Service, principalId: dynamodb.amazonaws.com}.
 * The remembered deletions are kept in the data directory before the delete, so a crash in
 * between loses nothing.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DeleteItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE } from '../../functions/adapters/table-schema.ts';

const FIVE_YEARS_S = 5 * 365 * 86_400;
const KEEP_MS = 24 * 3600 * 1000; // a stream keeps records for 24 hours

export interface LocalTtlOptions {
  client: DynamoDBClient;
  tableName: string;
  now: () => Date;
  /** Where the deletions made are remembered (JSON). */
  file: string;
  log?: (line: string) => void;
}

const keyOf = (pk: string, sk: string, expiresAt: string) => `${pk}\u0000${sk}\u0000${expiresAt}`;

export class LocalTtl {
  /** Deletions made by TTL: key -> wall time of the deletion (for pruning). */
  private deleted = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(private readonly o: LocalTtlOptions) {
    if (existsSync(o.file)) this.deleted = new Map(Object.entries(JSON.parse(readFileSync(o.file, 'utf8')) as Record<string, number>));
  }

  private save(): void {
    const cutoff = Date.now() - KEEP_MS;
    for (const [k, at] of this.deleted) if (at < cutoff) this.deleted.delete(k);
    mkdirSync(dirname(this.o.file), { recursive: true });
    // Write-and-rename: a crash mid-write leaves the previous file, never a torn one.
    writeFileSync(`${this.o.file}.tmp`, JSON.stringify(Object.fromEntries(this.deleted)));
    renameSync(`${this.o.file}.tmp`, this.o.file);
  }

  /** Whether this stream record is the REMOVE of an item this TTL deleted. */
  deletedByTtl(keys: Record<string, AttributeValue> | undefined, oldImage: Record<string, AttributeValue> | undefined): boolean {
    const pk = keys?.[TABLE.partitionKey]?.S;
    const sk = keys?.[TABLE.sortKey]?.S;
    const exp = oldImage?.[TABLE.ttlAttribute]?.N;
    return pk !== undefined && sk !== undefined && exp !== undefined && this.deleted.has(keyOf(pk, sk, exp));
  }

  /** Whether a pass is deleting items now. */
  get sweeping(): boolean {
    return this.running !== undefined;
  }

  /** One pass: deletes every item expired on the runtime's clock; returns how many. Never runs twice at once. */
  sweep(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    const now = Math.floor(this.o.now().getTime() / 1000);
    let start: Record<string, AttributeValue> | undefined;
    let removed = 0;
    do {
      const page = await this.o.client.send(
        new ScanCommand({
          TableName: this.o.tableName,
          ProjectionExpression: '#pk, #sk, #ttl',
          FilterExpression: '#ttl BETWEEN :from AND :now',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey, '#ttl': TABLE.ttlAttribute },
          ExpressionAttributeValues: { ':from': { N: String(now - FIVE_YEARS_S) }, ':now': { N: String(now) } },
          ExclusiveStartKey: start,
        }),
      );
      const expired = (page.Items ?? []).filter((i) => i[TABLE.partitionKey]?.S !== undefined && i[TABLE.sortKey]?.S !== undefined);
      if (expired.length) {
        for (const i of expired) this.deleted.set(keyOf(i[TABLE.partitionKey].S!, i[TABLE.sortKey].S!, i[TABLE.ttlAttribute].N!), Date.now());
        this.save();
      }
      for (const i of expired) {
        try {
          await this.o.client.send(
            new DeleteItemCommand({
              TableName: this.o.tableName,
              Key: { [TABLE.partitionKey]: i[TABLE.partitionKey], [TABLE.sortKey]: i[TABLE.sortKey] },
              // Only if it still expires then: an item given a new expiry in between stays.
              ConditionExpression: '#ttl = :exp',
              ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
              ExpressionAttributeValues: { ':exp': i[TABLE.ttlAttribute] },
            }),
          );
          removed++;
        } catch (e) {
          if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
          this.deleted.delete(keyOf(i[TABLE.partitionKey].S!, i[TABLE.sortKey].S!, i[TABLE.ttlAttribute].N!));
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    if (removed) this.save();
    return removed;
  }

  /** Sweeps every `ms` (DynamoDB takes up to two days; locally a short period is kinder). */
  start(ms: number): void {
    this.timer = setInterval(() => {
      this.sweep().catch((e) => this.o.log?.(`TTL sweep failed: ${(e as Error).name}`));
    }, ms);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
