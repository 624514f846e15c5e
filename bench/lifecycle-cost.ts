/**
 * What one complaint costs to run on AWS, measured on the local runtime and priced with
 * bench/prices.json. N typical complaints (web form, CN, email contact) are driven through
 * every staff step over the HTTP API - a handler reads the queue and the complaint, claims
 * it, records the investigation, reads the reply draft and sends the reply; the customer
 * checks the status page; the satisfaction callback is recorded - until closed, then past the
 * hot retention until archived. Counted per complaint:
 *   state transitions (the engine's history), Lambda invocations and their duration (the
 *   local Lambda host; memory as deployed), DynamoDB read/write request units
 *   (ReturnConsumedCapacity TOTAL on every call, bench/metering-proxy.ts), S3 requests and
 *   archive bytes, emails sent (the mail catcher), API requests, log bytes at the deployed
 *   log level (the handlers' own lines measured; Lambda, Step Functions and API Gateway log
 *   lines estimated per event), X-Ray traces (default sampling).
 * Scheduled functions, measured over RUNS runs with the N complaints open and none due:
 * - the deadline watch (every 5 minutes) reads only the complaints whose next alarm is due (the
 *   OPEN index is keyed by it): a run costs the same whatever the number open, so its cost per
 *   month is shared by the region's complaints of a month (MONTHLY_COMPLAINTS, default 1,000 -
 *   a small bank; more complaints make it cheaper each);
 * - the orphan sweeper (every 6 hours, a backstop: a workflow that ends abnormally is resumed at once by its status-change event, which a typical complaint never has) looks at every open complaint: its cost per run divided by N
 *   (an upper bound: it includes the run's fixed part) is charged for a typical time open (OPEN_DAYS).
 *
 * Usage: npm run bench:cost [-- N]   (BENCH_COMPLAINTS, OPEN_DAYS, MONTHLY_COMPLAINTS; prints a Markdown report)
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { FUNCTIONS, type FunctionName } from '../functions/functions.ts';
import { archiveTiering, planFor, storageCost, type ArchivePlan } from '../infra/archive-tiering.ts';
import { regionConfig } from '../functions/domain/regions.ts';
import { clients, eventually, validComplaint } from '../test/support/clients.ts';
import { investigation, Journey } from '../test/support/journey.ts';
import { meterDynamo, meterS3, type DynamoTotals, type S3Totals } from './metering-proxy.ts';
import { machine, startBenchRuntime } from './support.ts';

const N = Number(process.argv[2] ?? process.env.BENCH_COMPLAINTS ?? 20);
const OPEN_DAYS = Number(process.env.OPEN_DAYS ?? 7);
const MONTHLY_COMPLAINTS = Number(process.env.MONTHLY_COMPLAINTS ?? 1000);
/** The schedules of infra/stacks/api-stack.ts. */
const WATCH_EVERY_S = 300;
const SWEEP_EVERY_S = 6 * 3600;
const PARALLEL = 4;
const prices = JSON.parse(readFileSync(join(import.meta.dirname, 'prices.json'), 'utf8'));
// Estimated sizes of the log lines the platform writes (not produced locally): Lambda's
// START/END/REPORT per invocation, one Step Functions event (level ALL, no execution data),
// one API Gateway access-log line (infra/constructs/intake-api.ts format).
const LAMBDA_PLATFORM_BYTES = 330;
const SFN_EVENT_BYTES = 450;
const ACCESS_LOG_BYTES = 300;
/** Memory as deployed (infra/constructs/product-function.ts default: 512 MB). */
const memoryGb = (fn: FunctionName) => (FUNCTIONS[fn].memoryMb ?? 512) / 1024;

// ---- the handlers' log lines at the deployed level, counted (and kept off the report) ----
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
process.env.POWERTOOLS_METRICS_DISABLED = 'false'; // EMF metric lines go to the log on AWS
let logBytes = 0;
const print = process.stdout.write.bind(process.stdout);
for (const stream of [process.stdout, process.stderr]) {
  (stream as unknown as { write: (chunk: string | Uint8Array) => boolean }).write = (chunk) => {
    logBytes += Buffer.byteLength(chunk);
    return true;
  };
}
const out = (line = '') => print(`${line}\n`);

const dir = mkdtempSync(join(tmpdir(), 'bench-cost-'));
let dynamo: Awaited<ReturnType<typeof meterDynamo>> | undefined;
let s3: Awaited<ReturnType<typeof meterS3>> | undefined;
const rt = await startBenchRuntime(dir, {
  clockAt: new Date('2026-03-02T01:00:00.000Z'),
  endpointFor: async (service, url) => {
    if (service === 'dynamodb') return (dynamo = await meterDynamo(url)).url;
    return (s3 = await meterS3(url)).url;
  },
});
const { ddb, sfn } = clients({ dynamoEndpoint: rt.dynamoEndpoint, sfnEndpoint: rt.sfnEndpoint, awsRegion: 'cn-north-1' });
const j = new Journey(rt.apiUrl, ddb, sfn, rt.tableName, rt.stateMachineArn);
let apiRequests = 0;
const request = j.request.bind(j);
j.request = (method, path, body, headers) => {
  if (path.startsWith('/api/')) apiRequests += 1;
  return request(method, path, body, headers);
};

interface Snapshot {
  ddb: Map<string, DynamoTotals>;
  s3: S3Totals;
  lambdas: Map<string, { invocations: number; durationMs: number }>;
  logBytes: number;
  api: number;
  mails: number;
}
const snapshot = (): Snapshot => ({
  ddb: new Map([...dynamo!.totals].map(([k, v]) => [k, { ...v }])),
  s3: { ...s3!.totals, byKind: { ...s3!.totals.byKind } },
  lambdas: new Map([...rt.lambdas.stats].map(([k, v]) => [k, { invocations: v.invocations, durationMs: v.durationMs }])),
  logBytes,
  api: apiRequests,
  mails: rt.mail.list().length,
});
/** What happened between two snapshots, in totals. */
function between(a: Snapshot, b: Snapshot) {
  let rru = 0,
    wru = 0,
    ddbRequests = 0;
  for (const [op, t] of b.ddb) {
    const was = a.ddb.get(op) ?? { requests: 0, readUnits: 0, writeUnits: 0, ms: 0 };
    rru += t.readUnits - was.readUnits;
    wru += t.writeUnits - was.writeUnits;
    ddbRequests += t.requests - was.requests;
  }
  let invocations = 0,
    gbSeconds = 0;
  const perFunction: Record<string, { invocations: number; ms: number }> = {};
  for (const [fn, s] of b.lambdas) {
    const was = a.lambdas.get(fn) ?? { invocations: 0, durationMs: 0 };
    const n = s.invocations - was.invocations;
    const ms = s.durationMs - was.durationMs;
    if (!n) continue;
    invocations += n;
    // Billed per invocation in whole milliseconds.
    gbSeconds += ((ms + n * 0.5) / 1000) * memoryGb(fn as FunctionName);
    perFunction[fn] = { invocations: n, ms };
  }
  return {
    rru,
    wru,
    ddbRequests,
    invocations,
    gbSeconds,
    perFunction,
    s3Kinds: Object.fromEntries(Object.entries(b.s3.byKind).map(([k, v]) => [k, v - (a.s3.byKind[k] ?? 0)])),
    s3Put: b.s3.putClass - a.s3.putClass,
    s3Get: b.s3.getClass - a.s3.getClass,
    s3BytesPut: b.s3.bytesPut - a.s3.bytesPut,
    s3StagingBytesPut: b.s3.stagingBytesPut - a.s3.stagingBytesPut,
    logBytes: b.logBytes - a.logBytes,
    api: b.api - a.api,
    mails: b.mails - a.mails,
  };
}

try {
  await rt.poller.drain(30_000);
  const start = snapshot();
  const t0 = performance.now();

  // ---- phase 1: N complaints in, each waiting for its investigation ----
  const refs: { reference: string; accessCode: string }[] = [];
  for (let i = 0; i < N; i++)
    refs.push(await j.submit(validComplaint({ matter: { description: `Complaint ${i}: an annual fee on my card that I never agreed to` } })));
  await Promise.all(refs.map((r) => j.waitForStage(r.reference, 'INVESTIGATION')));
  await rt.poller.drain(30_000);

  // ---- the scheduled runs, with N complaints open (not part of a complaint's own life) ----
  const RUNS = 3;
  const beforeWatch = snapshot();
  for (let i = 0; i < RUNS; i++) await j.tick();
  const afterWatch = snapshot();
  for (let i = 0; i < RUNS; i++) await j.request('POST', '/__local/sweep');
  const afterSweep = snapshot();
  const watch = between(beforeWatch, afterWatch);
  const sweep = between(afterWatch, afterSweep);

  // ---- phase 2: every staff step, a few complaints at a time ----
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < refs.length) {
        const { reference: ref, accessCode } = refs[next++];
        await j.status(ref, accessCode);
        await j.as('hana', 'GET', '/tasks/team');
        await j.complaint('hana', ref);
        if ((await j.act('hana', ref, 'claim')).status !== 200) throw new Error(`claim ${ref}`);
        if ((await j.act('hana', ref, 'investigation', investigation)).status !== 200) throw new Error(`investigation ${ref}`);
        await j.waitForStage(ref, 'REPLY');
        await j.complaint('hana', ref);
        const draft = await j.as('hana', 'GET', `/complaints/${ref}/reply-draft`);
        if ((await j.act('hana', ref, 'reply', { outcome: { result: 'upheld' }, subject: draft.body.subject, text: draft.body.text })).status !== 200)
          throw new Error(`reply ${ref}`);
        await j.waitForStage(ref, 'CALLBACK');
        await j.as('sam', 'GET', '/tasks/team');
        if ((await j.act('sam', ref, 'callback', { satisfaction: 5, comment: 'Thank you' })).status !== 200) throw new Error(`callback ${ref}`);
        await j.waitClosed(ref);
      }
    }),
  );
  await rt.poller.drain(30_000);
  const closed = snapshot();

  // What stays in the table while hot: each complaint's partition (items' JSON size as an approximation).
  const direct = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: rt.dynamoEndpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  let partitionBytes = 0;
  for (const { reference } of refs) {
    const items =
      (
        await direct.send(
          new QueryCommand({ TableName: rt.tableName, KeyConditionExpression: 'PK = :p', ExpressionAttributeValues: { ':p': `COMPLAINT#${reference}` } }),
        )
      ).Items ?? [];
    partitionBytes += items.reduce((s, it) => s + Buffer.byteLength(JSON.stringify(it)), 0);
  }

  // ---- phase 3: past the hot retention, TTL removes the items and the archive takes them ----
  const region = regionConfig('cn');
  await j.advance((region.retention.hotSeconds + 86_400) * 1000);
  const ledger = async () =>
    (await direct.send(new QueryCommand({ TableName: rt.tableName, KeyConditionExpression: 'PK = :p', ExpressionAttributeValues: { ':p': 'LEDGER#CN-2026' } })))
      .Items ?? [];
  await eventually(
    async () => {
      await rt.poller.drain(30_000);
      return (await ledger()).filter((e) => e.archiveKey).length >= N;
    },
    300_000,
    'every complaint archived',
  );
  const end = snapshot();
  const seconds = (performance.now() - t0) / 1000;

  // ---- per complaint ----
  const life = between(start, end);
  const recurring = [watch, sweep];
  for (const r of recurring) for (const k of ['rru', 'wru', 'invocations', 'gbSeconds', 'logBytes', 'api', 'mails', 'ddbRequests'] as const) life[k] -= r[k];
  delete life.perFunction.DeadlineWatch;
  delete life.perFunction.ResumeOrphans;
  const archival = between(closed, end);
  let transitions = 0,
    sfnEvents = 0;
  const paths = new Map<string, number>();
  for (const { reference } of refs) {
    const h = rt.engine.getExecutionHistory({ executionArn: rt.engine.executionArnFor(reference) }).events;
    const entered = h.filter((e) => e.type.endsWith('StateEntered'));
    const taskAttempts = entered.filter((e) => e.type === 'TaskStateEntered').length + h.filter((e) => e.type === 'StateRetried').length;
    transitions += entered.length + h.filter((e) => e.type === 'StateRetried').length;
    sfnEvents += 2 * entered.length + 3 * taskAttempts + h.filter((e) => e.type === 'TaskSubmitted').length + 2;
    const path = entered.map((e) => (e as { stateEnteredEventDetails?: { name: string } }).stateEnteredEventDetails?.name).join(' > ');
    paths.set(path, (paths.get(path) ?? 0) + 1);
  }
  const per = (x: number) => x / N;
  const hotMonths = region.retention.hotSeconds / (30 * 86_400);
  // What stays in the archive: the locked records (and attachments), each in the storage class the
  // bucket's lifecycle gives its size (infra/archive-tiering.ts), until the lifecycle deletes it.
  const tiering = archiveTiering(region.retention.archiveYears);
  const files = (d: string): string[] =>
    existsSync(d) ? readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)])) : [];
  const kept = files(join(dir, 's3', 'complaints-archive'))
    .filter((f) => !f.endsWith('.__meta.json') && !f.includes(`${join('complaints-archive', 'staging')}`))
    .map((f) => statSync(f).size);
  const archiveBytes = per(kept.reduce((sum, size) => sum + size, 0));
  const archiveObjects = per(kept.length);
  const plans = new Map<ArchivePlan, number>();
  for (const size of kept) plans.set(planFor(size, tiering), (plans.get(planFor(size, tiering)) ?? 0) + 1);
  const PLAN_NAMES: Record<ArchivePlan, string> = {
    standard: 'Standard',
    'deep-archive': 'Deep Archive after 90 days',
    'standard-ia-then-deep-archive': 'Standard-IA, then Deep Archive',
  };
  const keptUsd = per(kept.reduce((sum, size) => sum + storageCost(size, tiering.keepDays, planFor(size, tiering)), 0));
  // Staging parts are deleted once their complaint is written, but each version stays, locked,
  // in Standard until its lock ends (the bucket's default retention), then the lifecycle removes it.
  const stagingBytes = per(life.s3StagingBytesPut);
  const stagingUsd = storageCost(stagingBytes, tiering.keepDays, 'standard');
  const traces = per(life.api + life.invocations - (life.perFunction.WorkflowStep?.invocations ?? 0) - (life.perFunction.OpenTask?.invocations ?? 0) + 1);
  const logGb = (bytes: number) => bytes / 1024 ** 3;
  const estimatedLogBytes = per(life.invocations * LAMBDA_PLATFORM_BYTES + sfnEvents * SFN_EVENT_BYTES + life.api * ACCESS_LOG_BYTES);
  const p = prices;
  // Scheduled runs. Watch: a fixed cost per run, shared by the month's complaints. Sweeper: per open complaint per run, while open.
  const perRun = (r: typeof watch, open: number) => ({
    rru: r.rru / RUNS / open,
    wru: r.wru / RUNS / open,
    gbs: r.gbSeconds / RUNS / open,
    log: r.logBytes / RUNS / open,
  });
  const watchRuns = (30 * 86_400) / WATCH_EVERY_S / MONTHLY_COMPLAINTS;
  const sweepRuns = (OPEN_DAYS * 86_400) / SWEEP_EVERY_S;
  const w = perRun(watch, 1);
  const s = perRun(sweep, N);
  const scheduled = (r: ReturnType<typeof perRun>, runs: number) =>
    ((r.rru * runs) / 1e6) * p.dynamodb.perMillionReadRequestUnits +
    ((r.wru * runs) / 1e6) * p.dynamodb.perMillionWriteRequestUnits +
    r.gbs * runs * p.lambda.perGbSecondArm64 +
    (runs * p.lambda.perRequest) / (r === w ? 1 : N) +
    logGb(r.log * runs) * p.cloudwatchLogs.perGbIngested;

  const rows: [string, string, number][] = [
    ['Step Functions', `${per(transitions).toFixed(1)} state transitions`, per(transitions) * p.stepFunctions.perStateTransition],
    ['Lambda requests', `${per(life.invocations).toFixed(1)} invocations`, per(life.invocations) * p.lambda.perRequest],
    ['Lambda duration', `${(per(life.gbSeconds) * 1000).toFixed(1)} GB-ms (local timings)`, per(life.gbSeconds) * p.lambda.perGbSecondArm64],
    [
      'DynamoDB reads',
      `${per(life.rru).toFixed(1)} RRU in ${per(life.ddbRequests).toFixed(1)} requests (all)`,
      (per(life.rru) / 1e6) * p.dynamodb.perMillionReadRequestUnits,
    ],
    ['DynamoDB writes', `${per(life.wru).toFixed(1)} WRU`, (per(life.wru) / 1e6) * p.dynamodb.perMillionWriteRequestUnits],
    [
      'DynamoDB storage',
      `${(per(partitionBytes) / 1024).toFixed(1)} KB for ${hotMonths.toFixed(0)} months`,
      (per(partitionBytes) / 1024 ** 3) * hotMonths * p.dynamodb.storagePerGbMonth,
    ],
    ['SES', `${per(life.mails).toFixed(1)} emails`, (per(life.mails) / 1000) * p.ses.perThousandEmails],
    ['API Gateway (HTTP API)', `${per(life.api).toFixed(1)} requests`, (per(life.api) / 1e6) * p.apiGateway.perMillionHttpApiRequests],
    [
      'S3 requests',
      `${per(life.s3Put).toFixed(1)} PUT/LIST, ${per(life.s3Get).toFixed(1)} GET/HEAD`,
      (per(life.s3Put) / 1000) * p.s3.perThousandPutCopyPostList + (per(life.s3Get) / 1000) * p.s3.perThousandGetHead,
    ],
    [
      'S3 archive storage',
      `${archiveObjects.toFixed(1)} object, ${(archiveBytes / 1024).toFixed(1)} KB, ${tiering.keepDays} days (${[...plans].map(([plan, n]) => `${PLAN_NAMES[plan]}: ${per(n).toFixed(1)}`).join(', ')}; Deep Archive pays above ${tiering.deepArchiveAbove / 1024} KiB); staging versions ${(stagingBytes / 1024).toFixed(1)} KB, locked in Standard as long`,
      keptUsd + stagingUsd,
    ],
    ['KMS', '~0 requests (S3 Bucket Keys; DynamoDB and Logs reuse data keys)', 0],
    [
      'CloudWatch Logs',
      `${(per(life.logBytes) / 1024).toFixed(1)} KB handlers (measured) + ${(estimatedLogBytes / 1024).toFixed(1)} KB platform (estimated)`,
      logGb(per(life.logBytes) + estimatedLogBytes) * p.cloudwatchLogs.perGbIngested,
    ],
    [
      'X-Ray',
      `${traces.toFixed(1)} traces, ${p.xray.defaultSampledFraction * 100} % sampled`,
      ((traces * p.xray.defaultSampledFraction) / 1e6) * p.xray.perMillionTracesRecorded,
    ],
    [
      `Deadline watch (every ${WATCH_EVERY_S / 60} min; a run's cost shared by ${MONTHLY_COMPLAINTS.toLocaleString('en')} complaints a month)`,
      `${(w.rru * watchRuns).toFixed(2)} RRU, ${(w.gbs * watchRuns * 1000).toFixed(1)} GB-ms, ${watchRuns.toFixed(1)} invocations`,
      scheduled(w, watchRuns),
    ],
    [
      `Orphan sweeper (every 6 hours, open ${OPEN_DAYS} days)`,
      `${(s.rru * sweepRuns).toFixed(0)} RRU, ${(s.gbs * sweepRuns * 1000).toFixed(0)} GB-ms`,
      scheduled(s, sweepRuns),
    ],
  ];
  const total = rows.reduce((sum, r) => sum + r[2], 0);
  const usd = (x: number) => (x === 0 ? '0' : x < 0.000001 ? x.toExponential(1) : x.toFixed(6));

  out(`Lifecycle cost: ${N} typical complaints (CN, web form, email contact) through every staff step, closed, archived; ${seconds.toFixed(0)} s.`);
  out(`Prices: ${p.region} list prices as of ${p.asOf} (bench/prices.json). Machine: ${machine()}.\n`);
  out('| component | per complaint | USD per complaint | USD per million complaints |');
  out('|---|---|---:|---:|');
  for (const [name, what, cost] of rows) out(`| ${name} | ${what} | ${usd(cost)} | ${(cost * 1e6).toFixed(2)} |`);
  out(`| **total** | | **${usd(total)}** | **${(total * 1e6).toFixed(2)}** |`);
  out(`\nTarget: at most USD 0.0005 per typical complaint: ${total <= 0.0005 ? 'met' : 'NOT met'}.`);
  out(`Workflow paths: ${[...paths].map(([path, n]) => `${n} x ${path}`).join('; ')}.`);
  out(
    `Invocations per complaint: ${Object.entries(life.perFunction)
      .map(([fn, v]) => `${fn} ${per(v.invocations).toFixed(1)} (${(v.ms / v.invocations).toFixed(0)} ms avg)`)
      .join(', ')}.`,
  );
  out(
    `Archive: ${(per(archival.s3BytesPut) / 1024).toFixed(1)} KB put per complaint (${(per(archival.s3StagingBytesPut) / 1024).toFixed(1)} KB of staging parts, the locked record of ${(archiveBytes / 1024).toFixed(1)} KB), ${per(archival.s3Put).toFixed(1)} S3 PUT/LIST and ${per(archival.s3Get).toFixed(1)} GET/HEAD requests (${Object.entries(
      archival.s3Kinds,
    )
      .map(([k, v]) => `${k} ${per(v).toFixed(1)}`)
      .join(', ')}).`,
  );
  out(
    `Scheduled runs measured with ${N} complaints open, none due, ${RUNS} runs each: deadline watch ${w.rru.toFixed(2)} RRU and ${(w.gbs * 1000).toFixed(2)} GB-ms per run (USD ${(scheduled(w, (30 * 86_400) / WATCH_EVERY_S)).toFixed(4)} a month per region); orphan sweeper ${s.rru.toFixed(2)} RRU and ${(s.gbs * 1000).toFixed(2)} GB-ms per open complaint per run.`,
  );
  const ops = [...end.ddb].map(([op, t]) => {
    const was = start.ddb.get(op) ?? { requests: 0, readUnits: 0, writeUnits: 0, ms: 0 };
    return `${op} ${per(t.requests - was.requests).toFixed(1)} (${per(t.readUnits - was.readUnits + t.writeUnits - was.writeUnits).toFixed(1)} units)`;
  });
  out(`DynamoDB requests per complaint, scheduled runs included: ${ops.join(', ')}.`);
  const tx = dynamo!.transactions;
  out(
    `Transactions priced by DynamoDB's rules (bench/dynamo-units.ts: each item written 2 units per KB, each index entry it changes 1 per KB), not as DynamoDB Local reports them: ${per(tx.pricedUnits).toFixed(1)} units per complaint where DynamoDB Local reported ${per(tx.reportedUnits).toFixed(1)} (${tx.requests} transactions in all); with index writes charged twice too (an upper bound): ${per(tx.upperBoundUnits).toFixed(1)}, USD ${((per(tx.upperBoundUnits - tx.pricedUnits) / 1e6) * p.dynamodb.perMillionWriteRequestUnits).toFixed(6)} more per complaint.`,
  );
  out('Local timings stand in for Lambda durations (in-process, x86, a shared machine): an upper bound for arm64 at 512 MB next to DynamoDB.');
} finally {
  await rt.stop();
  await dynamo?.close();
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
