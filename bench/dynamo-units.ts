/**
 * Write request units of a DynamoDB transaction, by DynamoDB's published rules - because
 * DynamoDB Local does not report them right: for TransactWriteItems it reports 2 units for two
 * small Puts (AWS: 4) and 2 for five small Updates (AWS: 10); its single-item writes are right
 * (awslabs/amazon-dynamodb-local-samples#31; measured in test/integration/dynamo-units.test.ts).
 *
 * The rules (Amazon DynamoDB Developer Guide: "Item sizes and formats", "Read/write capacity
 * mode", "Managing capacity for transactions", "Provisioned throughput considerations for GSIs"):
 * - an item's size is the sum of its attribute names and values: a string its UTF-8 bytes, a
 *   number 1 byte per two significant digits plus 1, binary its bytes, a boolean or null 1,
 *   a list or map 3 bytes plus 1 per element plus the elements (a map's keys too), a set the
 *   sum of its elements;
 * - a write costs 1 unit per KB (rounded up) of the larger of the item before and after it
 *   (a delete: the item deleted; at least 1);
 * - an index is written when the write changes its key or a projected attribute: 1 unit per
 *   KB of the index entry (table key + index key + projected attributes + 100 bytes), twice
 *   (a delete and a put) when its key changes;
 * - in a transaction, each item's write costs twice (prepare and commit); its index writes once:
 *   "after a transaction completes, changes begin propagating to GSIs" (Developer Guide,
 *   "Amazon DynamoDB Transactions: How it works") - the same propagation as after any write.
 *   AWS's pages do not price it explicitly: `indexWrites: 'twice'` gives the upper bound
 *   (what DynamoDB Local 3 reports for a one-item transaction).
 */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] };
export type Item = Record<string, AttributeValue>;

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

function numberSize(n: string): number {
  const digits = n.replace(/^[-+]/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

export function valueSize(v: AttributeValue): number {
  if ('S' in v) return utf8(v.S);
  if ('N' in v) return numberSize(v.N);
  if ('B' in v) return Buffer.from(v.B, 'base64').length;
  if ('BOOL' in v || 'NULL' in v) return 1;
  if ('L' in v) return 3 + v.L.reduce((sum, x) => sum + 1 + valueSize(x), 0);
  if ('M' in v) return 3 + Object.entries(v.M).reduce((sum, [k, x]) => sum + 1 + utf8(k) + valueSize(x), 0);
  if ('SS' in v) return v.SS.reduce((sum, x) => sum + utf8(x), 0);
  if ('NS' in v) return v.NS.reduce((sum, x) => sum + numberSize(x), 0);
  if ('BS' in v) return v.BS.reduce((sum, x) => sum + Buffer.from(x, 'base64').length, 0);
  throw new Error(`Unknown attribute value ${JSON.stringify(v)}`);
}

export function itemSize(item: Item): number {
  return Object.entries(item).reduce((sum, [k, v]) => sum + utf8(k) + valueSize(v), 0);
}

const KB = 1024;
const unitsOf = (bytes: number) => Math.max(1, Math.ceil(bytes / KB));

export interface IndexShape {
  partitionKey: string;
  sortKey: string;
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  include: readonly string[];
}
export interface TableShape {
  partitionKey: string;
  sortKey: string;
  indexes: Record<string, IndexShape & { name: string }>;
}

/** The index entry an item makes (undefined when the item lacks the index's key: a sparse index). */
export function indexEntry(item: Item | undefined, table: TableShape, index: IndexShape): Item | undefined {
  if (!item?.[index.partitionKey] || !item[index.sortKey]) return undefined;
  if (index.projection === 'ALL') return item;
  const keep = new Set([table.partitionKey, table.sortKey, index.partitionKey, index.sortKey, ...(index.projection === 'INCLUDE' ? index.include : [])]);
  return Object.fromEntries(Object.entries(item).filter(([k]) => keep.has(k)));
}

const INDEX_ENTRY_OVERHEAD = 100;
const same = (a: Item, b: Item) =>
  JSON.stringify(Object.entries(a).sort(([x], [y]) => x.localeCompare(y))) === JSON.stringify(Object.entries(b).sort(([x], [y]) => x.localeCompare(y)));

/** Units one write of an item (before -> after; undefined: absent) costs, outside a transaction: table and indexes. */
export function writeUnits(before: Item | undefined, after: Item | undefined, table: TableShape): { table: number; indexes: number } {
  const tableUnits = unitsOf(Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0));
  let indexes = 0;
  for (const index of Object.values(table.indexes)) {
    const old = indexEntry(before, table, index);
    const next = indexEntry(after, table, index);
    const size = (e: Item) => itemSize(e) + INDEX_ENTRY_OVERHEAD;
    if (old && next) {
      const keyChanged = JSON.stringify([old[index.partitionKey], old[index.sortKey]]) !== JSON.stringify([next[index.partitionKey], next[index.sortKey]]);
      if (keyChanged) indexes += unitsOf(size(old)) + unitsOf(size(next));
      else if (!same(old, next)) indexes += unitsOf(Math.max(size(old), size(next)));
    } else if (old || next) indexes += unitsOf(size((old ?? next)!));
  }
  return { table: tableUnits, indexes };
}

/** A transaction's write units: every item's write twice, the index writes it causes once (or twice: the upper bound). */
export function transactionUnits(writes: { before?: Item; after?: Item }[], table: TableShape, indexWrites: 'once' | 'twice' = 'once'): number {
  return writes.reduce((sum, w) => {
    const u = writeUnits(w.before, w.after, table);
    return sum + 2 * u.table + (indexWrites === 'twice' ? 2 : 1) * u.indexes;
  }, 0);
}
