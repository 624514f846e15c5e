/**
 * Intake speed on this machine: HTTP load on submitComplaint against the local runtime
 * (started by this script, in a fresh data directory), at concurrency 1, 16 and 64.
 * Afterwards every accepted complaint is counted in the table and its workflow execution
 * looked up; any difference is reported. Usage: npm run bench:intake [-- seconds]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startRuntime } from '../local/runtime.ts';

const SECONDS = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 10);
const dir = mkdtempSync(join(tmpdir(), 'bench-intake-'));
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
const rt = await startRuntime({ port: 0, dataDir: dir, region: 'cn', smtpPort: 0, log: () => undefined });

let seq = 0;
const body = () => JSON.stringify({
  language: 'en', businessLine: 'cards', consent: { personalData: true },
  complainant: { name: 'Bench Customer', contact: { email: `bench-${process.pid}-${++seq}@example.com` } },
  matter: { description: `Benchmark complaint number ${seq} about an unexpected annual fee` },
});

const rows: string[] = [];
let accepted = 0;
let sent = 0;
const given: string[] = [];
for (const connections of [1, 16, 64]) {
  const result = await autocannon({
    url: `${rt.apiUrl}/api/complaints`, method: 'POST', connections, duration: SECONDS,
    headers: { 'content-type': 'application/json' },
    requests: [{
      setupRequest: (req) => ({ ...req, body: body() }),
      // The references the customers were given: each must be in the table afterwards.
      onResponse: (status, resBody) => { if (status === 201) given.push(JSON.parse(resBody).reference); },
    }],
  });
  const ok = result['2xx'];
  accepted += ok;
  // Requests still in flight when a level's time is up complete on the server but are not
  // counted by autocannon: count what was sent.
  sent += result.requests.sent;
  rows.push(`| ${connections} | ${(ok / SECONDS).toFixed(0)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx + result.errors + result.timeouts} |`);
}

// Every accepted complaint is in the table, and has its workflow: the hand-off from the
// table's stream works through the backlog after the load; how long that takes is reported.
const loadEnded = Date.now();
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: rt.dynamoEndpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const refs: string[] = [];
let start: Record<string, unknown> | undefined;
do {
  const out = await db.send(new ScanCommand({ TableName: rt.tableName, FilterExpression: 'SK = :m', ExpressionAttributeValues: { ':m': 'META' }, ProjectionExpression: '#r', ExpressionAttributeNames: { '#r': 'reference' }, ExclusiveStartKey: start }));
  refs.push(...(out.Items ?? []).map((i) => String(i.reference)));
  start = out.LastEvaluatedKey;
} while (start);
const missing = () => {
  const executions = new Set(rt.engine.listExecutions({ stateMachineArn: rt.stateMachineArn, maxResults: 1_000_000 }).executions.map((e) => e.name));
  return refs.filter((r) => !executions.has(r)).length;
};
let withoutWorkflow = missing();
while (withoutWorkflow > 0 && Date.now() - loadEnded < 300_000) {
  await new Promise((r) => setTimeout(r, 1000));
  withoutWorkflow = missing();
}
const backlogSeconds = (Date.now() - loadEnded) / 1000;

console.log(`Intake benchmark: ${SECONDS} s per level, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}\n`);
console.log('| concurrency | complaints/s | p50 (ms) | p99 (ms) | errors |');
console.log('|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
const inTable = new Set(refs);
const lost = given.filter((r) => !inTable.has(r)).length;
console.log(`\nRequests sent: ${sent} (the ones still in flight when a level ended may be cut by the client); references given (201): ${given.length}; complaints in the table: ${refs.length}; given but not in the table (lost): ${lost}; duplicates: ${given.length - new Set(given).size}; without a workflow execution: ${withoutWorkflow} (the last workflow started ${backlogSeconds.toFixed(0)} s after the load ended)`);

await rt.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
