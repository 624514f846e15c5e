/**
 * The business calendars' runtime overrides on DynamoDB (ADR 0019), in the one table:
 *   CALENDAR#<region> / YEAR#<yyyy>            the year's current entry, with its version
 *   CALENDAR#<region> / LOG#<yyyy>#<version>   every version ever written (append-only)
 *   CALENDAR#<region> / APPLIED                the calendar state the open complaints were last recomputed on
 * A new version is one transaction of the current item (conditioned on the version read) and its
 * log item. Every function that measures deadlines reads the YEAR# items (one Query, cached).
 */
import type { DocumentClient } from './dynamo-client.ts';
import type { StoredCalendarYear } from '../domain/calendar-data.ts';
import type { CalendarStore } from '../domain/ports.ts';

const pk = (region: string) => `CALENDAR#${region}`;
const logKey = (year: string, version: number) => `LOG#${year}#${String(version).padStart(6, '0')}`;

function entryOf(item: Record<string, unknown>): StoredCalendarYear {
  const { status, source, extraHolidays, extraWorkingDays, note, version, by, at } = item as unknown as StoredCalendarYear;
  return {
    status,
    ...(source ? { source } : {}),
    extraHolidays: extraHolidays ?? [],
    extraWorkingDays: extraWorkingDays ?? [],
    ...(note ? { note } : {}),
    version,
    by,
    at,
  };
}

export class DynamoCalendarStore implements CalendarStore {
  constructor(
    private readonly db: DocumentClient,
    private readonly table: string,
  ) {}

  async years(region: string): Promise<Record<string, StoredCalendarYear>> {
    const out: Record<string, StoredCalendarYear> = {};
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.query({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :y)',
        ExpressionAttributeValues: { ':pk': pk(region), ':y': 'YEAR#' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      });
      for (const item of page.Items ?? []) out[String(item.SK).slice(5)] = entryOf(item);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async yearAt(region: string, year: string, version: number): Promise<StoredCalendarYear | undefined> {
    const out = await this.db.get({ TableName: this.table, Key: { PK: pk(region), SK: logKey(year, version) } });
    return out.Item ? entryOf(out.Item) : undefined;
  }

  async putYear(region: string, year: string, entry: StoredCalendarYear, expectedVersion: number): Promise<boolean> {
    const item = { type: 'CalendarYear', region, year, ...entry };
    try {
      await this.db.transactWrite({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: { PK: pk(region), SK: `YEAR#${year}`, ...item },
              ...(expectedVersion === 0
                ? { ConditionExpression: 'attribute_not_exists(PK)' }
                : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
            },
          },
          {
            Put: { TableName: this.table, Item: { PK: pk(region), SK: logKey(year, entry.version), ...item }, ConditionExpression: 'attribute_not_exists(PK)' },
          },
        ],
      });
      return true;
    } catch (e) {
      if ((e as Error).name === 'TransactionCanceledException') return false;
      throw e;
    }
  }

  async applied(region: string): Promise<string> {
    const out = await this.db.get({ TableName: this.table, Key: { PK: pk(region), SK: 'APPLIED' }, ConsistentRead: true });
    return (out.Item?.version as string | undefined) ?? '';
  }

  async setApplied(region: string, version: string, at: string): Promise<void> {
    await this.db.put({ TableName: this.table, Item: { PK: pk(region), SK: 'APPLIED', type: 'CalendarApplied', version, at } });
  }
}
