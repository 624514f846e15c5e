/** What the benchmarks share: the runtime as they run it, CPU accounting, the load client, the checks. */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startRuntime, type LocalRuntime, type RuntimeOptions } from '../local/runtime.ts';

/**
 * DynamoDB Local's JVM for the benchmarks: the serial collector and the C1 compiler only. On
 * two cores the default G1 threads and C2 compilations take CPU from the requests (measured:
 * about a quarter of DynamoDB Local's CPU per complaint).
 */
export const BENCH_JVM_OPTIONS = '-XX:+UseSerialGC -XX:TieredStopAtLevel=1';

/**
 * The runtime as the benchmarks run it: DynamoDB Local in memory (SQLite on disk is the
 * emulator's cost, not the product's), no fault-injecting proxies, handlers logging errors
 * only, the scheduled runs at the AWS period. Everything else as `npm start`.
 */
export async function startBenchRuntime(dataDir: string, opts: RuntimeOptions = {}): Promise<LocalRuntime> {
  process.env.JAVA_TOOL_OPTIONS ??= BENCH_JVM_OPTIONS;
  process.env.DDB_LOCAL_TELEMETRY ??= '0'; // DynamoDB Local's usage telemetry: off
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  // The scheduled deadline watch and orphan sweep every 5 minutes, as on AWS (locally: every minute).
  return startRuntime({
    port: 0,
    dataDir,
    region: 'cn',
    smtpPort: 0,
    log: () => undefined,
    dynamoInMemory: true,
    faultInjection: false,
    watchIntervalMs: 300_000,
    ...opts,
  });
}

export function machine(): string {
  const c = cpus();
  return `${c.length} cores (${c[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.versions.node}`;
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The pid of the DynamoDB Local JVM listening at `endpoint` (Linux). */
export function javaPid(endpoint: string): number | undefined {
  const port = new URL(endpoint).port;
  try {
    return (
      Number(
        execFileSync('pgrep', ['-f', `^java .*DynamoDBLocal.jar.* -port ${port}( |$)`], { encoding: 'utf8' })
          .trim()
          .split('\n')[0],
      ) || undefined
    );
  } catch {
    return undefined;
  }
}

/** CPU used by this process (the runtime: handlers, engine, stream poller) and by DynamoDB Local, between two calls. */
export function cpuMeter(rt: LocalRuntime) {
  const java = javaPid(rt.dynamoEndpoint);
  const read = () => ({ node: cpuSeconds(process.pid), java: java ? cpuSeconds(java) : 0, at: performance.now() });
  let last = read();
  return () => {
    const now = read();
    const d = { nodeSeconds: now.node - last.node, javaSeconds: now.java - last.java, seconds: (now.at - last.at) / 1000 };
    last = now;
    return d;
  };
}

export interface LoadResult {
  seconds: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
  latency: { p50: number; p90: number; p99: number; max: number };
  references: string[];
}

/** Runs bench/load-client.ts in a child process (its own event loop) and returns its result. */
export function runLoad(options: {
  url: string;
  connections: number;
  seconds?: number;
  amount?: number;
  overallRate?: number;
  tag?: string;
}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'load-client.ts'), JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as LoadResult);
      } catch {
        reject(new Error(`load client exited with ${code}: ${out.slice(-500)}`));
      }
    });
  });
}

/** Every complaint in the table: reference -> its executionName. */
export async function complaintsInTable(rt: LocalRuntime): Promise<Map<string, string>> {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: rt.dynamoEndpoint, region: process.env.AWS_REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  const found = new Map<string, string>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new ScanCommand({
        TableName: rt.tableName,
        FilterExpression: 'SK = :m',
        ExpressionAttributeValues: { ':m': 'META' },
        ProjectionExpression: '#r, executionName',
        ExpressionAttributeNames: { '#r': 'reference' },
        ExclusiveStartKey: start,
      }),
    );
    for (const i of out.Items ?? []) found.set(String(i.reference), String(i.executionName));
    start = out.LastEvaluatedKey;
  } while (start);
  return found;
}

/** Names of the workflow executions the local engine has started (on both machines: new complaints' and resumed ones'). */
export function executionNames(rt: LocalRuntime): string[] {
  return rt.engine.stateMachineArns.flatMap((stateMachineArn) =>
    rt.engine.listExecutions({ stateMachineArn, maxResults: 10_000_000 }).executions.map((e) => e.name),
  );
}

export const pct = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(0)} %` : '-');
