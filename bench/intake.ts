/**
 * Intake speed on this machine: HTTP load on submitComplaint (POST /api/complaints) against
 * the local runtime, started by this script in a fresh data directory, at concurrency 1, 16
 * and 64; the load generator runs in a process of its own. Each level starts once the previous
 * one's workflows and stream consumers are idle again. Reported per level: throughput,
 * p50/p99 latency, errors, and the CPU each part of the machine spent per complaint (the
 * runtime's Node process - handlers, workflow engine, stream consumers - and DynamoDB Local's
 * JVM). Afterwards every reference given to a customer is looked up in the table and every
 * complaint's workflow execution; any difference is reported, and how long the stream
 * hand-off took to start the last workflow.
 *
 * Usage: npm run bench:intake [-- seconds]   (BENCH_SECONDS, default 10)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { complaintsInTable, cpuMeter, executionNames, machine, runLoad, startBenchRuntime, type LoadResult } from './support.ts';

const SECONDS = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 10);
const LEVELS = (process.env.BENCH_LEVELS ?? '1,16,64').split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'bench-intake-'));
const rt = await startBenchRuntime(dir);
try {
  // Warm-up (JIT in Node and in the JVM), not reported: its complaints are checked like the others.
  const warm = await runLoad({ url: rt.apiUrl, connections: 4, amount: 400, tag: 'warm' });
  const given = [...warm.references];
  const cpu = cpuMeter(rt);
  const rows: string[] = [];
  let sent = warm.sent;
  // Each level starts from an idle pipeline: the previous level's (or the warm-up's) workflows
  // and stream consumers have worked off their backlog, so that no level pays for another's.
  const settle = async () => {
    for (let idle = 0; idle < 3; ) {
      idle = (await rt.poller.pollOnce()) === 0 ? idle + 1 : 0;
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  for (const connections of LEVELS) {
    await settle();
    cpu();
    const r: LoadResult = await runLoad({ url: rt.apiUrl, connections, seconds: SECONDS, tag: `c${connections}` });
    const used = cpu();
    given.push(...r.references);
    sent += r.sent;
    const perComplaint = (s: number) => (r.ok ? ((s * 1000) / r.ok).toFixed(1) : '-');
    rows.push(
      `| ${connections} | ${(r.ok / r.seconds).toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${r.non2xx + r.errors + r.timeouts} | ${perComplaint(used.nodeSeconds)} | ${perComplaint(used.javaSeconds)} | ${((used.nodeSeconds + used.javaSeconds) / used.seconds).toFixed(2)} |`,
    );
  }
  const startedDuringLoad = executionNames(rt).length;

  // Every reference given is in the table and gets its workflow, started from the table's
  // stream: the hand-off works through its backlog after the load.
  const loadEnded = Date.now();
  let table = await complaintsInTable(rt);
  const missing = () => {
    const names = new Set(executionNames(rt));
    return [...table.keys()].filter((ref) => !names.has(table.get(ref)!)).length;
  };
  let withoutWorkflow = missing();
  while (withoutWorkflow > 0 && Date.now() - loadEnded < 900_000) {
    await new Promise((r) => setTimeout(r, 1000));
    withoutWorkflow = missing();
  }
  const backlogSeconds = (Date.now() - loadEnded) / 1000;
  table = await complaintsInTable(rt);
  const lost = given.filter((ref) => !table.has(ref)).length;
  const executions = executionNames(rt);

  console.log(`Intake: POST /api/complaints, ${SECONDS} s per level after a warm-up of ${warm.sent}; ${machine()}; DynamoDB Local in memory.\n`);
  console.log('| concurrency | complaints/s | p50 ms | p99 ms | errors | Node CPU ms per complaint | DynamoDB Local CPU ms per complaint | cores busy |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
  console.log(
    `\nRequests sent: ${sent} (those still in flight when a level ended are cut by the client); references given (201): ${given.length}; in the table: ${table.size}; given but not in the table (lost): ${lost}; given twice: ${given.length - new Set(given).size}; workflows started during the load: ${startedDuringLoad}, in all: ${executions.length} (${executions.length - new Set(executions).size} twice); complaints without a workflow: ${withoutWorkflow}; the last one started ${backlogSeconds.toFixed(0)} s after the load ended.`,
  );
} finally {
  await rt.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
