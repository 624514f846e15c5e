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
for (const connections of [1, 16, 64]) {
  const result = await autocannon({
    url: `${rt.apiUrl}/api/complaints`, method: 'POST', connections, duration: SECONDS,
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }],
  });
  const ok = result['2xx'];
  accepted += ok;
  // Requests still in flight when a level's time is up complete on the server but are not
  // counted by autocannon: count what was sent.
  sent += result.requests.sent;
  rows.push(`| ${connections} | ${(ok / SECONDS).toFixed(0)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx + result.errors + result.timeouts} |`);
}

// Every accepted complaint is in the table, and has its workflow.
await rt.poller.drain(60_000);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: rt.dynamoEndpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const refs: string[] = [];
let start: Record<string, unknown> | undefined;
do {
  const out = await db.send(new ScanCommand({ TableName: rt.tableName, FilterExpression: 'SK = :m', ExpressionAttributeValues: { ':m': 'META' }, ProjectionExpression: '#r', ExpressionAttributeNames: { '#r': 'reference' }, ExclusiveStartKey: start }));
  refs.push(...(out.Items ?? []).map((i) => String(i.reference)));
  start = out.LastEvaluatedKey;
} while (start);
const executions = new Set(rt.engine.listExecutions({ stateMachineArn: rt.stateMachineArn, maxResults: 1_000_000 }).executions.map((e) => e.name));
const withoutWorkflow = refs.filter((r) => !executions.has(r)).length;

console.log(`Intake benchmark: ${SECONDS} s per level, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}\n`);
console.log('| concurrency | complaints/s | p50 (ms) | p99 (ms) | errors |');
console.log('|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
console.log(`\nSent: ${sent}; answered 2xx within the time: ${accepted}; complaints in the table: ${refs.length}; lost (sent - in table): ${sent - refs.length}; without a workflow execution: ${withoutWorkflow}`);

await rt.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
