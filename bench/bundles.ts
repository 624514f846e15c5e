/**
 * Bundle sizes and load times: every Lambda function bundled by infra/bundle-function.ts -
 * the same code and options the CDK stack deploys - then imported in fresh Node processes (the
 * closest local measure of cold-start init), each beside its "bare" function: bundled the same
 * way, with the same clients and nothing else (a handler that constructs those clients and
 * returns): the AWS SDK clients, and the one protocol client a function cannot work without
 * (imapflow, for MailboxPoller: docs/adr/0021-bundle-load-residuals.md). What a function loads
 * beyond its bare function is the product's own code and libraries (middy, Powertools Logger,
 * zod, ...): the goal is at most 1.5x its bare function. One more reference measures what
 * Powertools Logger and Metrics alone cost, bundled the same way.
 *
 * - size: what Node reads when it imports the handler (index.mjs and the chunks it imports
 *   statically); chunks loaded by `await import()` only when a path needs them are not counted
 *   (the bare function imports the same clients lazily where the function does).
 * - load: median time of `await import(index.mjs)` in a fresh process: wall time, or with
 *   BENCH_CLOCK=cpu the process's CPU time (user + system, all threads) over the import - steadier
 *   when other work shares the machine, and lower than wall time's ratios by ~0.1x.
 * - Two references: an empty function, and a bare DynamoDB document client with the SDK left
 *   external, loaded from node_modules as from the Lambda runtime's own SDK copy
 *   (docs/adr/0001-aws-sdk-v3.md: bundled or the runtime's copy).
 * The machine is shared: runs are interleaved (every subject once per round), medians over
 * BENCH_RUNS rounds.
 *
 * Usage: npm run bench:bundles   (BENCH_RUNS, default 11; BENCH_CLOCK=wall|cpu, default wall)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleFunction, bundleFunctions, type BundleReport } from '../infra/bundle-function.ts';
import type { FunctionName } from '../functions/functions.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const CPU = process.env.BENCH_CLOCK === 'cpu';
const GOAL = 1.5;
const out = mkdtempSync(join(tmpdir(), 'bundles-'));

// The configuration every function reads at start-up (loadConfig), as Lambda sets it; no credentials are used.
const ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  TABLE_NAME: 't',
  COMPLAINT_REGION: 'us',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:111111111111:stateMachine:complaint-lifecycle',
  RESUME_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:111111111111:stateMachine:complaint-resume',
  POWERTOOLS_SERVICE_NAME: 'complaints',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};

/** Each SDK client: the import that makes it and the expression that constructs it. */
const CLIENTS = {
  dynamodb: {
    pkg: '@aws-sdk/client-dynamodb',
    imports: ["import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", "import { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';"],
    make: 'DynamoDBDocument.from(new DynamoDBClient({}))',
    lazy: "const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb'); const { DynamoDBDocument } = await import('@aws-sdk/lib-dynamodb');",
  },
  sfn: {
    pkg: '@aws-sdk/client-sfn',
    imports: ["import { SFNClient } from '@aws-sdk/client-sfn';"],
    make: 'new SFNClient({})',
    lazy: "const { SFNClient } = await import('@aws-sdk/client-sfn');",
  },
  s3: {
    pkg: '@aws-sdk/client-s3',
    imports: ["import { S3Client } from '@aws-sdk/client-s3';"],
    make: 'new S3Client({})',
    lazy: "const { S3Client } = await import('@aws-sdk/client-s3');",
  },
  presigner: {
    pkg: '@aws-sdk/s3-request-presigner',
    imports: ["import { getSignedUrl } from '@aws-sdk/s3-request-presigner';"],
    make: 'getSignedUrl',
    lazy: "const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');",
  },
  imap: {
    pkg: 'imapflow',
    imports: ["import { ImapFlow } from 'imapflow';"],
    make: 'ImapFlow',
    lazy: "const { ImapFlow } = await import('imapflow');",
  },
  sesv2: {
    pkg: '@aws-sdk/client-sesv2',
    imports: ["import { SESv2Client } from '@aws-sdk/client-sesv2';"],
    make: 'new SESv2Client({})',
    lazy: "const { SESv2Client } = await import('@aws-sdk/client-sesv2');",
  },
} as const;
type ClientKey = keyof typeof CLIENTS;

const has = (modules: Record<string, number>, pkg: string) =>
  Object.entries(modules)
    .filter(([m]) => m.includes(`node_modules/${pkg}/`))
    .reduce((n, [, b]) => n + b, 0) > 512;

/** The bare function of a bundle: the clients it loads at start-up imported statically, those it loads on first use imported lazily. */
function bareSource(r: BundleReport): { code: string; clients: string } {
  const initial = (Object.keys(CLIENTS) as ClientKey[]).filter((k) => has(r.initial.modules, CLIENTS[k].pkg));
  const lazy = (Object.keys(CLIENTS) as ClientKey[]).filter((k) => !initial.includes(k) && has(r.lazy.modules, CLIENTS[k].pkg));
  const code = [
    ...initial.flatMap((k) => CLIENTS[k].imports),
    'let made;',
    'export const handler = async (event) => {',
    `  made ??= [${initial.map((k) => CLIENTS[k].make).join(', ')}];`,
    ...lazy.map((k) => `  if (event?.lazy) { ${CLIENTS[k].lazy} made.push(${CLIENTS[k].make}); }`),
    '  return { statusCode: 200 };',
    '};',
  ].join('\n');
  return { code, clients: [...initial, ...lazy.map((k) => `(${k})`)].join(' ') || '-' };
}

// Sources under node_modules/.cache, so that they resolve the project's packages.
const sources = join(import.meta.dirname, '..', 'node_modules', '.cache', 'bench-bundles');
rmSync(sources, { recursive: true, force: true });
mkdirSync(sources, { recursive: true });
let n = 0;
async function bundleSource(code: string, external?: string[]): Promise<BundleReport> {
  const i = n++;
  const src = join(sources, `bare-${i}.mjs`);
  writeFileSync(src, `${code}\n`);
  // External: inside the project, so that Node resolves the SDK from its node_modules.
  return external ? bundleFunction(src, join(sources, `out-${i}`), { external }) : bundleFunction(src, join(out, `bare-${i}`));
}

const reports = await bundleFunctions(join(out, 'functions'));
const names = Object.keys(reports) as FunctionName[];
const bares = new Map<string, { report: BundleReport; clients: string }>();
for (const name of names) {
  const { code, clients } = bareSource(reports[name]);
  if (!bares.has(code)) bares.set(code, { report: await bundleSource(code), clients });
}
const bareOf = (name: FunctionName) => bares.get(bareSource(reports[name]).code)!;
const documentClient = `${CLIENTS.dynamodb.imports.join(' ')}\nlet db; export const handler = async () => { db ??= ${CLIENTS.dynamodb.make}; return {}; };`;
const references: [string, BundleReport][] = [
  ['(empty function)', await bundleSource('export const handler = async () => ({ statusCode: 200 });')],
  ['(bare DynamoDB document client, SDK bundled)', await bundleSource(documentClient)],
  ["(bare DynamoDB document client, SDK from node_modules: the runtime's copy)", await bundleSource(documentClient, ['@aws-sdk/*', '@smithy/*'])],
  // What Powertools Logger and Metrics cost alone, constructed as functions/shared does.
  [
    '(Powertools Logger and Metrics alone)',
    await bundleSource(
      "import { Logger } from '@aws-lambda-powertools/logger';\nimport { Metrics } from '@aws-lambda-powertools/metrics';\nconst logger = new Logger(); const metrics = new Metrics({ namespace: 'n' });\nexport const handler = async () => [logger, metrics];",
    ),
  ],
];

/** One fresh process: ms of `await import(index.mjs)`. */
function loadOnce(r: BundleReport): number {
  const url = JSON.stringify(pathToFileURL(join(r.dir, 'index.mjs')).href);
  const code = CPU
    ? `const c = process.cpuUsage(); await import(${url}); const u = process.cpuUsage(c); process.stdout.write(String((u.user + u.system) / 1000));`
    : `const t = performance.now(); await import(${url}); process.stdout.write(String(performance.now() - t));`;
  const p = spawnSync(process.execPath, ['--input-type=module', '-e', code], { env: ENV, encoding: 'utf8' });
  if (p.status !== 0) throw new Error(`loading ${r.dir} failed: ${p.stderr}`);
  return Number(p.stdout);
}

const subjects: BundleReport[] = [...new Set([...references.map(([, r]) => r), ...[...bares.values()].map((b) => b.report), ...names.map((f) => reports[f])])];
const times = new Map<BundleReport, number[]>(subjects.map((s) => [s, []]));
for (let round = 0; round < RUNS; round++) for (const s of subjects) times.get(s)!.push(loadOnce(s));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (r: BundleReport) => median(times.get(r)!);
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

console.log(
  `Node ${process.version}, median of ${RUNS} fresh processes per bundle (interleaved rounds), ${CPU ? 'CPU' : 'wall'} time; ${new Date().toISOString().slice(0, 10)}\n`,
);
console.log('| function | clients (lazy) | size (KB) | bare size (KB) | load (ms) | bare load (ms) | ratio |');
console.log('|---|---|---:|---:|---:|---:|---:|');
const rows = names.map((name) => {
  const bare = bareOf(name);
  return {
    name,
    clients: bare.clients,
    size: reports[name].initial.bytes,
    bareSize: bare.report.initial.bytes,
    load: ms(reports[name]),
    bareLoad: ms(bare.report),
  };
});
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.clients} | ${kb(r.size)} | ${kb(r.bareSize)} | ${r.load.toFixed(1)} | ${r.bareLoad.toFixed(1)} | ${(r.load / r.bareLoad).toFixed(2)}x |`,
  );
}
console.log('\n| reference | size (KB) | load (ms) |');
console.log('|---|---:|---:|');
for (const [label, r] of references) console.log(`| ${label} | ${kb(r.initial.bytes)} | ${ms(r).toFixed(1)} |`);
const over = rows.filter((r) => r.load / r.bareLoad > GOAL);
console.log(
  `\nGoal: load at most ${GOAL}x the bare function's. ${over.length ? `Over: ${over.map((r) => `${r.name} ${(r.load / r.bareLoad).toFixed(2)}x`).join(', ')}.` : 'Every function is within it.'}`,
);
rmSync(out, { recursive: true, force: true });
