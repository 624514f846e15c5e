/**
 * A surge: 5,000 complaints offered in one minute (open loop, about 83 a second, as many
 * connections as it takes), with the local Step Functions endpoint throttling at the
 * us-east-1 rates (StartExecution: 300 a second, burst 1,300; state transitions: 1,500 a
 * second, burst 5,000; local/emulators/stepfunctions/throttling.ts). Checked afterwards: none rejected,
 * none lost, none duplicated; every complaint has its acknowledgement sent and its workflow
 * started, and how long that took after the surge; what the throttling refused or delayed,
 * and what was parked in the stream's failure queue.
 *
 * This machine cannot start workflows anywhere near 300 a second, so at the us-east-1 rates the
 * throttling may never bite. `SURGE_SFN_RATES=us-east-1/60` divides every rate and burst by 60
 * (StartExecution 5 a second): the same shape, scaled to this machine, which it does bite.
 *
 * Usage: npm run bench:surge   (SURGE_COMPLAINTS=5000, SURGE_SECONDS=60, SURGE_WAIT_MINUTES=60,
 *   SURGE_SFN_RATES=us-east-1 | us-east-1/<divisor> | a JSON SfnThrottling)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { throttlingFromEnv, US_EAST_1, type SfnThrottling } from '../local/emulators/stepfunctions/throttling.ts';
import { complaintsInTable, executionNames, machine, runLoad, startBenchRuntime } from './support.ts';

const COMPLAINTS = Number(process.env.SURGE_COMPLAINTS ?? 5000);
/** How long to wait for the backlog (workflows, acknowledgements) after the surge. */
const WAIT_MINUTES = Number(process.env.SURGE_WAIT_MINUTES ?? 60);
const SECONDS = Number(process.env.SURGE_SECONDS ?? 60);
const RATES = rates(process.env.SURGE_SFN_RATES ?? 'us-east-1');

function rates(spec: string): SfnThrottling {
  const scaled = /^us-east-1\/(\d+(?:\.\d+)?)$/.exec(spec);
  if (!scaled) return throttlingFromEnv(spec)!;
  const by = Number(scaled[1]);
  const down = (b: { bucket: number; refillPerSecond: number }) => ({
    bucket: Math.max(1, Math.round(b.bucket / by)),
    refillPerSecond: b.refillPerSecond / by,
  });
  return {
    api: Object.fromEntries(Object.entries(US_EAST_1.api ?? {}).map(([k, v]) => [k, down(v)])),
    stateTransitions: down(US_EAST_1.stateTransitions!),
  };
}
const dir = mkdtempSync(join(tmpdir(), 'bench-surge-'));
const rt = await startBenchRuntime(dir, { sfnThrottling: RATES });
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: rt.dynamoEndpoint, region: process.env.AWS_REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);

/** Acknowledgement messages by reference, with their delivery status. */
async function acknowledgements(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new ScanCommand({
        TableName: rt.tableName,
        FilterExpression: 'begins_with(SK, :m) AND kind = :k',
        ExpressionAttributeValues: { ':m': 'MSG#', ':k': 'acknowledgement' },
        ProjectionExpression: '#r, #s',
        ExpressionAttributeNames: { '#r': 'reference', '#s': 'status' },
        ExclusiveStartKey: start,
      }),
    );
    for (const i of out.Items ?? []) found.set(String(i.reference), String(i.status));
    start = out.LastEvaluatedKey;
  } while (start);
  return found;
}

// The orphan sweeper (every 5 minutes here, the backstop) may start a workflow the hand-off has
// not reached yet, under the same name: count those apart.
let startedBySweeper = 0;
const invoke = rt.lambdas.invoke.bind(rt.lambdas);
rt.lambdas.invoke = async (fn, event) => {
  const out = await invoke(fn, event);
  if (fn === 'ResumeOrphans') startedBySweeper += ((out as { resumed?: unknown[] } | null)?.resumed ?? []).length;
  return out;
};

try {
  const t0 = performance.now();
  const load = await runLoad({ url: rt.apiUrl, connections: 256, amount: COMPLAINTS, overallRate: Math.ceil(COMPLAINTS / SECONDS), tag: 'surge' });
  const arrived = (performance.now() - t0) / 1000;
  const startedDuringSurge = executionNames(rt).length;

  // The hand-off and the message delivery work off their backlog: wait until every complaint
  // accepted has its workflow and its acknowledgement has gone (or WAIT_MINUTES).
  let allStartedAt: number | undefined;
  let allSentAt: number | undefined;
  const deadline = performance.now() + WAIT_MINUTES * 60_000;
  while ((!allStartedAt || !allSentAt) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 2000));
    if (!allStartedAt && new Set(executionNames(rt)).size >= load.references.length) allStartedAt = performance.now();
    if (allStartedAt && !allSentAt && rt.mail.list().length >= load.references.length) {
      const acks = await acknowledgements();
      if (load.references.every((ref) => acks.get(ref) === 'sent')) allSentAt = performance.now();
    }
  }

  const table = await complaintsInTable(rt);
  const names = executionNames(rt);
  const executions = new Set(names);
  const acks = await acknowledgements();
  const given = new Set(load.references);
  const throttling = rt.engine.throttle?.stats;
  const parked = join(dir, 'streams', 'failed-TableChanges.jsonl');
  const parkedCount = existsSync(parked) ? readFileSync(parked, 'utf8').split('\n').filter(Boolean).length : 0;
  const after = (at: number | undefined) => (at ? `${((at - t0) / 1000 - arrived).toFixed(0)} s after the surge` : `not within ${WAIT_MINUTES} minutes`);

  console.log(
    `Surge: ${COMPLAINTS.toLocaleString('en')} complaints offered over ${SECONDS} s (open loop, 256 connections); Step Functions throttled at ${JSON.stringify(RATES)}; ${machine()}; DynamoDB Local in memory.\n`,
  );
  console.log('| | |');
  console.log('|---|---:|');
  const row = (k: string, v: string | number) => console.log(`| ${k} | ${typeof v === 'number' ? v.toLocaleString('en') : v} |`);
  row(
    'offered in',
    `${arrived.toFixed(0)} s (${(load.references.length / arrived).toFixed(0)} accepted a second; p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms)`,
  );
  row('accepted (201)', load.references.length);
  row('rejected or failed', load.non2xx + load.errors + load.timeouts);
  row('lost (accepted, not in the table)', load.references.filter((r) => !table.has(r)).length);
  row('duplicated (a reference given twice, or two workflows for one complaint)', load.references.length - given.size + (names.length - executions.size));
  row('in the table, not acknowledged to the client (answer cut)', [...table.keys()].filter((r) => !given.has(r)).length);
  row('workflows started during the surge', startedDuringSurge);
  row('complaints with their workflow', [...table].filter(([, name]) => executions.has(name)).length);
  row('of which started by the orphan sweeper (backstop), not the stream hand-off', startedBySweeper);
  row('every workflow started', after(allStartedAt));
  row('acknowledgements sent', [...table.keys()].filter((r) => acks.get(r) === 'sent').length);
  row('every acknowledgement sent', after(allSentAt));
  row('StartExecution refused (ThrottlingException)', throttling?.refused.StartExecution ?? 0);
  row('state transitions delayed (total wait)', `${throttling?.transitionsDelayed ?? 0} (${((throttling?.transitionDelayMs ?? 0) / 1000).toFixed(1)} s)`);
  row('stream records parked (failure queue)', parkedCount);
} finally {
  await rt.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
