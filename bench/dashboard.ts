/**
 * Reading the dashboard costs the same at 1,000 and at 100,000 complaints. Starts its own
 * DynamoDB Local (in memory), writes the aggregates the TableChanges stream reader would
 * have written for N synthetic CN complaints received in 2026 (each complaint's life -
 * received, assessed, replied, called back, closed - turned into stream deltas by the same
 * pure functions, summed, then written whole with BatchWriteItem), and reads the dashboard for
 * the year: DynamoDB requests, consumed read capacity (ReturnConsumedCapacity TOTAL) and the
 * median latency of 20 reads. Prints a Markdown table.
 *
 * Usage: node_modules/.bin/node --import tsx bench/dashboard.ts   (BENCH_SIZES=1000,100000)
 */
import { createServer } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoAggregates } from '../functions/adapters/dynamo-aggregates.ts';
import { createDocumentClient } from '../functions/adapters/dynamo-client.ts';
import type { Actor } from '../functions/domain/authorization.ts';
import { CHANNELS, type Complaint, type Nature } from '../functions/domain/complaint.ts';
import { addCounters, complaintDelta, type Counters } from '../functions/domain/dashboard.ts';
import { computeDeadlines } from '../functions/domain/deadlines.ts';
import { regionConfig } from '../functions/domain/regions.ts';
import { ManualClock } from '../functions/shared/clock.ts';
import type { Container } from '../functions/wiring/container.ts';
import { calendarOf, getDashboard } from '../functions/use-cases/oversight/dashboard.ts';
import { ensureTable, startDynamoDbLocal } from '../local/emulators/dynamodb.ts';

const SIZES = (process.env.BENCH_SIZES ?? '1000,100000').split(',').map(Number);
const READS = 20;
const region = regionConfig('cn');
const cal = calendarOf('cn');
const NOW = new Date('2026-12-31T12:00:00Z');

/** Deterministic pseudo-random numbers (mulberry32), so both runs are reproducible. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEAMS = ['cards', 'loans', 'retail', 'wealth'];
const NATURES: Nature[] = ['service', 'product', 'operation', 'violation'];
const MATTERS = ['outage', 'double-charge', 'atm', 'transfer-failed', 'card-fraud', 'mis-selling'];

/** The successive images of one synthetic complaint, as its stream records would carry them. */
function life(i: number, rnd: () => number): Complaint[] {
  const start = Date.UTC(2026, 0, 1);
  const receivedAt = new Date(start + Math.floor(rnd() * (NOW.getTime() - start)));
  const at = (days: number) => new Date(receivedAt.getTime() + days * 86_400_000).toISOString();
  const deadlines = Object.fromEntries(Object.entries(computeDeadlines(region.profile, cal, receivedAt)).map(([k, d]) => [k, { ...d! }]));
  const received: Complaint = {
    reference: `CN-2026-${String(i).padStart(6, '0')}`,
    region: 'cn',
    channel: CHANNELS[Math.floor(rnd() ** 2 * CHANNELS.length)],
    language: 'en',
    status: 'OPEN',
    stage: 'RECEIVED',
    receivedAt: receivedAt.toISOString(),
    deadlines,
    complainant: { anonymous: false },
    matter: { description: '-' },
    consent: { personalData: true },
    executionName: 'x',
    resumeCount: 0,
    updatedAt: receivedAt.toISOString(),
    version: 1,
  };
  const assessed = structuredClone(received);
  Object.assign(assessed, {
    stage: 'INVESTIGATION',
    version: 2,
    assignment: { team: TEAMS[Math.floor(rnd() * TEAMS.length)] },
    classification: {
      nature: NATURES[Math.floor(rnd() * NATURES.length)],
      channelType: 'online',
      urgency: 'general',
      riskLevel: 'low',
      priority: 'P3',
      reasons: [],
    },
    routing: {
      major: false,
      majorReasons: [],
      crossDepartment: false,
      departments: [],
      anonymous: false,
      ...(rnd() < 0.2 ? { matterKey: `cards:${MATTERS[Math.floor(rnd() * MATTERS.length)]}` } : {}),
    },
  });
  assessed.deadlines.register.metAt = assessed.deadlines.qualityControl.metAt = received.receivedAt;
  const images = [received, assessed];
  const replyAfter = rnd() * 20; // calendar days
  if (at(replyAfter) > NOW.toISOString()) return images;
  const replied = structuredClone(assessed);
  Object.assign(replied, { stage: 'CALLBACK', version: 3 });
  for (const n of ['investigate', 'replyTarget', 'finalResponse']) replied.deadlines[n].metAt = at(replyAfter);
  images.push(replied);
  if (rnd() < 0.3 || at(replyAfter + 3) > NOW.toISOString()) return images;
  const satisfaction = 1 + Math.floor(rnd() * 5);
  const closed = structuredClone(replied);
  Object.assign(closed, {
    status: 'CLOSED',
    stage: 'CLOSED',
    version: 4,
    closedAt: at(replyAfter + 3),
    reopenCount: satisfaction <= 2 ? 1 : 0,
    callbacks: [{ satisfaction, by: 'customer', at: at(replyAfter + 3) }],
  });
  images.push(closed);
  return images;
}

/** The aggregate items after applying every delta of n complaints, and how many deltas that was. */
function aggregatesFor(n: number) {
  const rnd = prng(42);
  const items = new Map<string, { pk: string; sk: string; counters: Counters; expiresAt?: number }>();
  let deltas = 0;
  for (let i = 1; i <= n; i++) {
    const images = life(i, rnd);
    for (let s = 0; s < images.length; s++) {
      for (const u of complaintDelta(images[s - 1], images[s], calendarOf)) {
        const key = `${u.pk}|${u.sk}`;
        const it = items.get(key) ?? { pk: u.pk, sk: u.sk, counters: {} };
        addCounters(it.counters, u.add);
        if (u.expiresAt !== undefined) it.expiresAt = u.expiresAt + 3650 * 86_400; // keep the bench's past hours readable
        items.set(key, it);
        deltas += 1;
      }
    }
  }
  return { items: [...items.values()], deltas };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dynamo = await startDynamoDbLocal(await freePort(), undefined);
try {
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const quinn: Actor = { id: 'quinn', name: 'Quinn', roles: ['quality'], department: 'quality' };
  const rows: string[][] = [];
  for (const n of SIZES) {
    const table = `bench-dashboard-${n}`;
    await ensureTable(client, table);
    const store = new DynamoAggregates(
      createDocumentClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
      table,
    );
    const t0 = performance.now();
    const { items, deltas } = aggregatesFor(n);
    const writeRequests = await store.writeItems(items);
    const loadSeconds = (performance.now() - t0) / 1000;
    const deps = { region, calendar: cal, clock: new ManualClock(NOW), config: { tableName: table } } as unknown as Container;
    const read = () => getDashboard(deps, quinn, { from: '2026-01', to: '2026-12', by: 'department' }, store);
    const first = await read(); // warm-up (connections), not counted
    const before = { ...store.stats };
    const times: number[] = [];
    for (let r = 0; r < READS; r++) {
      const t = performance.now();
      await read();
      times.push(performance.now() - t);
    }
    const requests = (store.stats.requests - before.requests) / READS;
    const rcu = (store.stats.readCapacityUnits - before.readCapacityUnits) / READS;
    if (first.totals.total !== n) throw new Error(`the dashboard counts ${first.totals.total} complaints, not ${n}`);
    rows.push([
      n.toLocaleString('en'),
      deltas.toLocaleString('en'),
      String(items.length),
      String(writeRequests),
      loadSeconds.toFixed(1),
      String(requests),
      rcu.toFixed(1),
      median(times).toFixed(1),
      `${first.totals.handled.toLocaleString('en')} handled, ${(first.totals.handledRate! * 100).toFixed(1)} %, p90 ${first.totals.handlingBusinessDays.p90} bd, ${first.groupIncidents.length} matters in 48 h`,
    ]);
  }
  const header = [
    'complaints',
    'deltas applied',
    'aggregate items',
    'BatchWrite requests',
    'load s',
    'read: DynamoDB requests',
    'read: RCU consumed',
    'read: median ms (20)',
    'figures (check)',
  ];
  console.log(`\nDashboard for one year (2026-01..2026-12, by department), DynamoDB Local in memory, Node ${process.versions.node}\n`);
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log(
    '\nA read is 12 monthly Queries (one partition each, one item per combination of channel, department and nature) + 3 daily Queries of the 48 h incident window.',
  );
} finally {
  await dynamo.stop();
}
