/**
 * What DynamoDB and S3 would bill, measured without touching the handlers: pass-through
 * proxies the local runtime puts in front of DynamoDB Local and the local S3 store
 * (RuntimeOptions.endpointFor).
 * - DynamoDB: every request that can return it asks for `ReturnConsumedCapacity: TOTAL`
 *   (table and indexes) and the read and write request units are summed per operation. The
 *   answer goes back as it came (its CRC32 stays valid); a handler that did not ask for
 *   ConsumedCapacity ignores the extra field. Transactions are the exception: DynamoDB Local
 *   under-reports them, so they are priced from the items they write, read before and after
 *   (bench/dynamo-units.ts).
 * - S3: requests counted by price class (PUT, COPY, POST, LIST / GET, HEAD / DELETE) and the
 *   bytes put.
 */
import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFileSync } from 'node:fs';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { TABLE } from '../functions/adapters/table-schema.ts';
import { itemSize, transactionUnits, type Item } from './dynamo-units.ts';

export interface Proxy {
  url: string;
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy; `rewrite` may change a request body, `before` runs before it is
 * forwarded, `observe` sees each exchange (with what `before` returned) - and the answer waits
 * for both, so that what they read of the target is not changed by the caller's next request.
 */
async function startProxy<C = undefined>(
  target: string,
  hooks: {
    rewrite?: (req: IncomingMessage, body: Buffer) => Buffer;
    before?: (req: IncomingMessage, body: Buffer) => Promise<C>;
    observe: (req: IncomingMessage, body: Buffer, status: number, answer: Buffer, ms: number, context: C | undefined) => void | Promise<void>;
  },
): Promise<Proxy> {
  const to = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = hooks.rewrite ? hooks.rewrite(req, Buffer.concat(chunks)) : Buffer.concat(chunks);
      const context = hooks.before ? await hooks.before(req, body).catch(() => undefined) : undefined;
      // Buffered: sent with its length (a chunked upload's framing stays in the body, as it came).
      const { 'transfer-encoding': _chunked, ...rest } = req.headers;
      const headers = { ...rest, host: to.host, 'content-length': String(body.length) };
      const sentAt = performance.now();
      const out = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers, agent }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', async () => {
          const raw = Buffer.concat(parts);
          try {
            await hooks.observe(req, body, answer.statusCode ?? 500, raw, performance.now() - sentAt, context);
          } catch {
            /* metering only */
          }
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          res.end(raw);
        });
      });
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const MIN_ONE_READ = new Set(['GetItem', 'Query', 'Scan']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export interface DynamoTotals {
  requests: number;
  readUnits: number;
  writeUnits: number /** Time to answer, summed. */;
  ms: number;
}

type Consumed = { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;
const units = (c: Consumed) => (c ? (Array.isArray(c) ? c : [c]).reduce((sum, x) => sum + (x.CapacityUnits ?? 0), 0) : 0);
const operationOf = (req: IncomingMessage) =>
  String(req.headers['x-amz-target'] ?? '')
    .split('.')
    .pop() ?? '';

/**
 * DYNAMO_TRACE=<file>: one JSON line per read or write - the operation, the units and, for
 * writes, each item written: its verb, key kind (`PK prefix:SK prefix`), size (bytes, DynamoDB's
 * rules; '-' for a key only) and, in a transaction, the units it is priced at (table twice plus
 * index entries) - to see which writes the units go to (bench/write-breakdown.ts sums them).
 */
export function keyKind(key: { PK?: unknown; SK?: unknown } | undefined): string {
  const part = (k: unknown) => {
    const s = String((k as { S?: string })?.S ?? k ?? '');
    const prefix = /^[A-Za-z~]+/.exec(s)?.[0] ?? '';
    return prefix || (/^\d{4}-/.test(s) ? '<at>' : s.slice(0, 8));
  };
  return `${part(key?.PK)}:${part(key?.SK)}`;
}

function tracer(file: string | undefined) {
  if (!file) return undefined;
  return (op: string, body: Buffer, units: number, perItem?: number[]) => {
    const req = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const size = (item: unknown) => (item ? itemSize(item as Item) : '-');
    const items = ((req.TransactItems as Record<string, { Item?: Record<string, unknown>; Key?: Record<string, unknown> }>[] | undefined) ?? [])
      .map((t) => Object.entries(t)[0]!)
      .filter(([verb]) => verb !== 'ConditionCheck')
      .map(([verb, x], i) => ({ verb, kind: keyKind(x.Item ?? x.Key), size: size(x.Item), ...(perItem ? { units: perItem[i] } : {}) }));
    const single = (req.Item ?? req.Key) as Record<string, unknown> | undefined;
    if (single) items.push({ verb: op, kind: keyKind(single), size: size(req.Item), units });
    appendFileSync(file, `${JSON.stringify({ op, units, items, index: req.IndexName, ...(process.env.DYNAMO_TRACE_BODY ? { req } : {}) })}\n`);
  };
}

/** TransactWriteItems as DynamoDB bills it, where DynamoDB Local reports less (bench/dynamo-units.ts). */
export interface TransactionTotals {
  requests: number;
  reportedUnits: number;
  pricedUnits: number /** With index writes charged twice too. */;
  upperBoundUnits: number;
}

type RawItem = Record<string, unknown>;
type TransactItem = Record<string, { TableName: string; Item?: RawItem; Key?: RawItem }>;

export async function meterDynamo(target: string): Promise<Proxy & { totals: Map<string, DynamoTotals>; transactions: TransactionTotals }> {
  const totals = new Map<string, DynamoTotals>();
  const transactions: TransactionTotals = { requests: 0, reportedUnits: 0, pricedUnits: 0, upperBoundUnits: 0 };
  const trace = tracer(process.env.DYNAMO_TRACE);
  // Reads of the items a transaction writes, before and after it: straight to DynamoDB Local,
  // not through the proxy (not metered).
  const direct = new DynamoDBClient({ endpoint: target, region: 'us-east-1', credentials: { accessKeyId: 'meter', secretAccessKey: 'meter' } });
  const keyOf = (x: { Item?: RawItem; Key?: RawItem }) =>
    x.Key ?? { [TABLE.partitionKey]: x.Item![TABLE.partitionKey], [TABLE.sortKey]: x.Item![TABLE.sortKey] };
  const readAll = (items: TransactItem[]) =>
    Promise.all(
      items.map(async (t) => {
        const x = Object.values(t)[0]!;
        const out = await direct.send(new GetItemCommand({ TableName: x.TableName, Key: keyOf(x) as never, ConsistentRead: true }));
        return out.Item as Item | undefined;
      }),
    );
  const writtenItems = (body: Buffer) =>
    (JSON.parse(body.toString('utf8')) as { TransactItems: TransactItem[] }).TransactItems.filter((t) => !('ConditionCheck' in t));

  const proxy = await startProxy<(Item | undefined)[]>(target, {
    rewrite: (req, body) => {
      const op = operationOf(req);
      if (!READS.has(op) && !WRITES.has(op)) return body;
      return Buffer.from(JSON.stringify({ ...JSON.parse(body.toString('utf8')), ReturnConsumedCapacity: 'TOTAL' }));
    },
    before: async (req, body) => (operationOf(req) === 'TransactWriteItems' ? readAll(writtenItems(body)) : []),
    observe: async (req, requestBody, status, answer, ms, before) => {
      const op = operationOf(req);
      if (!op) return;
      const t = totals.get(op) ?? { requests: 0, readUnits: 0, writeUnits: 0, ms: 0 };
      totals.set(op, t);
      t.requests += 1;
      t.ms += ms;
      if (!READS.has(op) && !WRITES.has(op)) return;
      let used = 0;
      try {
        used = units((JSON.parse(answer.toString('utf8')) as { ConsumedCapacity?: Consumed }).ConsumedCapacity);
      } catch {
        /* not JSON */
      }
      // DynamoDB bills a read that finds nothing too: at least 0.5 RRU (1 if strongly consistent)
      // per GetItem, Query or Scan; DynamoDB Local reports 0 for it.
      if (MIN_ONE_READ.has(op)) {
        let consistent = false;
        try {
          consistent = (JSON.parse(requestBody.toString('utf8')) as { ConsistentRead?: boolean }).ConsistentRead === true;
        } catch {
          /* not JSON */
        }
        used = Math.max(used, consistent ? 1 : 0.5);
      }
      // A transaction that went through is priced by DynamoDB's rules from the items before and
      // after it (a cancelled one is billed too, but is rare here: counted as reported).
      let perItem: number[] | undefined;
      if (op === 'TransactWriteItems' && status === 200 && before) {
        const after = await readAll(writtenItems(requestBody));
        const writes = before.map((b, i) => ({ before: b, after: after[i] }));
        const priced = transactionUnits(writes, TABLE);
        transactions.upperBoundUnits += transactionUnits(writes, TABLE, 'twice');
        transactions.requests += 1;
        transactions.reportedUnits += used;
        transactions.pricedUnits += priced;
        used = priced;
        if (trace) perItem = writes.map((w) => transactionUnits([w], TABLE));
      }
      if (READS.has(op)) t.readUnits += used;
      else t.writeUnits += used;
      if (trace) trace(op, requestBody, used, perItem);
    },
  });
  return {
    ...proxy,
    totals,
    transactions,
    close: async () => {
      await proxy.close();
      direct.destroy();
    },
  };
}

/** bytesPut: every object written; stagingBytesPut: of which archive staging parts (kept as locked versions until their lock ends). */
export interface S3Totals {
  putClass: number;
  getClass: number;
  deletes: number;
  bytesPut: number;
  stagingBytesPut: number;
  byKind: Record<string, number>;
}

export async function meterS3(target: string): Promise<Proxy & { totals: S3Totals }> {
  const totals: S3Totals = { putClass: 0, getClass: 0, deletes: 0, bytesPut: 0, stagingBytesPut: 0, byKind: {} };
  const proxy = await startProxy(target, {
    observe: (req, body, status) => {
      if (status >= 500) return; // a refused request (404 on HEAD included) is billed; a failed one is not
      const listing = /[?&]list-type=|^\/[^/]+\/?(\?|$)/.test(req.url ?? '');
      const kind = req.method === 'GET' && listing ? 'LIST' : String(req.method);
      totals.byKind[kind] = (totals.byKind[kind] ?? 0) + 1;
      if (req.method === 'PUT' || req.method === 'POST' || (req.method === 'GET' && listing)) totals.putClass += 1;
      else if (req.method === 'GET' || req.method === 'HEAD') totals.getClass += 1;
      else if (req.method === 'DELETE') totals.deletes += 1;
      const bytes = Number(req.headers['x-amz-decoded-content-length'] ?? body.length);
      if (req.method === 'PUT') totals.bytesPut += bytes;
      if (req.method === 'PUT' && /^\/(?:[^/?]+\/)?staging\//.test(req.url ?? '')) totals.stagingBytesPut += bytes;
    },
  });
  return { ...proxy, totals };
}
