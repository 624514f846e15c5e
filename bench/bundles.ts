/**
 * Bundle sizes and load times: every Lambda function bundled by scripts/bundle-function.ts -
 * the same code and options the CDK stack deploys - then imported in fresh Node processes (the
 * closest local measure of cold-start init) beside an empty function bundled the same way.
 *
 * - bundle: what Node reads when it imports the handler (index.mjs and the chunks it imports
 *   statically); lazy: chunks loaded by `await import()` only when a path needs them.
 * - load: median time of `await import(index.mjs)` in a fresh process; "+ lazy" also imports
 *   every lazy chunk (the most any first invocation can add).
 * - process: median time from spawning a fresh Node 22 process to its handler imported (and the
 *   process gone) - Node's own start-up included, as Lambda's Init Duration includes its
 *   runtime's; "vs empty" for both is against the empty function measured the same way.
 * The machine is shared: the runs are interleaved (empty, then each function, per round), so
 * that a busy moment slows every column alike, and medians are taken over BENCH_RUNS rounds.
 *
 * Usage: npm run bench:bundles   (BENCH_RUNS, default 21)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundleFunction, bundleFunctions, type BundleReport } from '../scripts/bundle-function.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const out = mkdtempSync(join(tmpdir(), 'bundles-'));

// The configuration every function reads at start-up (loadConfig), as Lambda sets it; no credentials are used.
const ENV = {
  PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: 'bench', TABLE_NAME: 't', COMPLAINT_REGION: 'us',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:111111111111:stateMachine:complaint-lifecycle', POWERTOOLS_SERVICE_NAME: 'complaints', POWERTOOLS_LOG_LEVEL: 'ERROR',
};

/**
 * Reference bundles, built the same way: an empty function (the baseline of "vs empty"), and the
 * floors under every function - each library on its own, at its smallest use. Their sources sit
 * under node_modules/.cache so that they resolve the project's packages.
 */
const DOCUMENT_CLIENT = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({})); export const handler = async () => db.send(new GetCommand({ TableName: 't', Key: { PK: 'x' } }));`;
// What the functions use instead (functions/aws): the same GetItem, document-style.
const OWN_CLIENT = `import { DocumentClient } from ${JSON.stringify(join(import.meta.dirname, '..', 'functions', 'aws', 'dynamodb.ts'))};
    const db = new DocumentClient(); export const handler = async () => db.get({ TableName: 't', Key: { PK: 'x' } });`;
const REFERENCES: Record<string, string> = {
  '(empty function)': 'export const handler = async () => ({ statusCode: 200 });',
  '(floor: Powertools Logger + middy)': `import middy from '@middy/core'; import { Logger } from '@aws-lambda-powertools/logger';
    import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
    const logger = new Logger(); export const handler = middy().use(injectLambdaContext(logger)).handler(async () => ({}));`,
  '(floor: zod, one schema)': `import * as z from 'zod'; const S = z.object({ reference: z.string().regex(/^[A-Z]{2}-\\d{4}-\\d{6}$/) });
    export const handler = async (e) => S.parse(e);`,
  '(floor: DynamoDB, the functions\' client: functions/aws)': OWN_CLIENT,
  '(floor: DynamoDB document client, AWS SDK v3)': DOCUMENT_CLIENT,
  // The same, with the SDK left external and loaded from node_modules, as with the runtime's SDK.
  '(floor: DynamoDB document client, AWS SDK v3 from node_modules)': DOCUMENT_CLIENT,
  '(floor: Powertools Logger + Tracer + middy)': `import middy from '@middy/core'; import { Logger } from '@aws-lambda-powertools/logger';
    import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware'; import { Tracer } from '@aws-lambda-powertools/tracer';
    import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
    const logger = new Logger(); const tracer = new Tracer();
    export const handler = middy().use(injectLambdaContext(logger)).use(captureLambdaHandler(tracer)).handler(async () => ({}));`,
};
const SDK_FROM_NODE_MODULES = '(floor: DynamoDB document client, AWS SDK v3 from node_modules)';
const sources = join(import.meta.dirname, '..', 'node_modules', '.cache', 'bench-bundles');
mkdirSync(sources, { recursive: true });
const references: [string, BundleReport][] = [];
for (const [i, [label, code]] of Object.entries(REFERENCES).entries()) {
  const src = join(sources, `reference-${i}.mjs`);
  writeFileSync(src, `${code}\n`);
  references.push([label, label === SDK_FROM_NODE_MODULES
    // Inside the project, so that Node resolves the external SDK from its node_modules.
    ? await bundleFunction(src, join(sources, `out-${i}`), { external: ['@aws-sdk/*', '@smithy/*'] })
    : await bundleFunction(src, join(out, `reference-${i}`))]);
}
const reports = await bundleFunctions(join(out, 'functions'));

/** One fresh process: import the handler (and, with lazy, every lazy chunk after it); ms of the import, and of the whole process. */
function loadOnce(r: BundleReport, lazy: boolean): { load: number; process: number } {
  const urls = [join(r.dir, 'index.mjs'), ...(lazy ? r.lazy.files.map((f) => join(r.dir, f)) : [])].map((f) => pathToFileURL(f).href);
  const code = `const t = performance.now(); for (const u of ${JSON.stringify(urls)}) await import(u); process.stdout.write(String(performance.now() - t));`;
  const started = performance.now();
  const p = spawnSync(process.execPath, ['--input-type=module', '-e', code], { env: ENV, encoding: 'utf8' });
  const whole = performance.now() - started;
  if (p.status !== 0) throw new Error(`loading ${r.dir} failed: ${p.stderr}`);
  return { load: Number(p.stdout), process: whole };
}

const subjects: [string, BundleReport][] = [...references, ...Object.entries(reports)];
const times = subjects.map(() => ({ init: [] as number[], lazy: [] as number[], process: [] as number[] }));
for (let round = 0; round < RUNS; round++) {
  subjects.forEach(([, r], i) => {
    const once = loadOnce(r, false);
    times[i].init.push(once.load);
    times[i].process.push(once.process);
    times[i].lazy.push(r.lazy.files.length ? loadOnce(r, true).load : once.load);
  });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const gzKb = (r: BundleReport) => kb(r.initial.files.reduce((n, f) => n + gzipSync(readFileSync(join(r.dir, f))).length, 0));
const emptyMs = median(times[0].init);
const emptyProcessMs = median(times[0].process);

console.log(`Node ${process.version}, median of ${RUNS} fresh processes per function (interleaved rounds)\n`);
console.log('| function | bundle (KB) | gzipped (KB) | lazy chunks (KB) | load (ms) | vs empty | load + lazy (ms) | process (ms) | vs empty |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
const rows = subjects.map(([name, r], i) => ({ name, r, ms: median(times[i].init), lazyMs: median(times[i].lazy), processMs: median(times[i].process) }));
for (const { name, r, ms, lazyMs, processMs } of rows) {
  console.log(`| ${name} | ${kb(r.initial.bytes)} | ${gzKb(r)} | ${r.lazy.files.length ? kb(r.lazy.bytes) : '-'} | ${ms.toFixed(1)} | ${(ms / emptyMs).toFixed(2)}x | ${r.lazy.files.length ? lazyMs.toFixed(1) : '-'} | ${processMs.toFixed(1)} | ${(processMs / emptyProcessMs).toFixed(2)}x |`);
}
const fns = rows.slice(references.length);
const largest = fns.reduce((a, b) => (b.r.initial.bytes > a.r.initial.bytes ? b : a));
const slowest = fns.reduce((a, b) => (b.ms > a.ms ? b : a));
const slowestProcess = fns.reduce((a, b) => (b.processMs > a.processMs ? b : a));
console.log(`\nLargest bundle: ${largest.name} ${kb(largest.r.initial.bytes)} KB (target <= 300 KB); slowest load: ${slowest.name} ${(slowest.ms / emptyMs).toFixed(2)}x an empty function's import (target <= 2x); slowest fresh process: ${slowestProcess.name} ${(slowestProcess.processMs / emptyProcessMs).toFixed(2)}x an empty function's (${emptyProcessMs.toFixed(1)} ms).`);
rmSync(out, { recursive: true, force: true });
