/**
 * Bundle sizes and load times: every Lambda function bundled by scripts/bundle-function.ts
 * (esbuild, minified, ESM, Node 22, only the AWS SDK clients it uses), then imported in a
 * fresh Node 22 process - the closest local measure of cold-start init - beside an empty
 * function. Prints a Markdown table. Usage: npm run bench:bundles
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { existsSync, readFileSync } from 'node:fs';
import { FUNCTIONS } from '../functions/functions.ts';
import { bundleFunction } from '../scripts/bundle-function.ts';

const ROOT = join(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const out = mkdtempSync(join(tmpdir(), 'bundles-'));

/** The bundle as scripts/bundle-function.ts makes it (esbuild, minified, ESM, zod English-only), one folder per function. */
async function bundle(name: string, entry: string): Promise<string> {
  return bundleFunction(entry, join(out, name));
}

/** Median wall time of `node -e "await import(file)"` in fresh processes, minus nothing. */
function loadMs(file: string): number {
  const times: number[] = [];
  const env = { ...process.env, TABLE_NAME: 't', STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:1:stateMachine:x', COMPLAINT_REGION: 'us', AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'SILENT' };
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const t=performance.now(); await import(${JSON.stringify('file://' + file)}); process.stdout.write(String(performance.now()-t));`], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`loading ${file} failed: ${r.stderr}`);
    times.push(Number(r.stdout));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const emptyEntry = join(out, 'empty-src.mjs');
writeFileSync(emptyEntry, 'export const handler = async () => ({ statusCode: 200 });\n');
const emptyFile = await bundle('Empty', emptyEntry);
const empty = loadMs(emptyFile);

const rows: { name: string; kb: number; gzKb: number; ms: number }[] = [];
for (const [name, spec] of Object.entries(FUNCTIONS)) {
  if (!existsSync(join(ROOT, 'functions', 'handlers', spec.entry))) { console.error(`skipping ${name}: ${spec.entry} not found`); continue; }
  const file = await bundle(name, join(ROOT, 'functions', 'handlers', spec.entry));
  const bytes = statSync(file).size;
  rows.push({ name, kb: bytes / 1024, gzKb: gzipSync(readFileSync(file)).length / 1024, ms: loadMs(file) });
}

console.log(`Node ${process.version}, ${RUNS} fresh processes per function (median import time)\n`);
console.log('| function | bundle (KB) | gzipped (KB) | load (ms) | vs empty |');
console.log('|---|---:|---:|---:|---:|');
console.log(`| (empty function) | ${(statSync(emptyFile).size / 1024).toFixed(1)} | - | ${empty.toFixed(1)} | 1.00x |`);
for (const r of rows) console.log(`| ${r.name} | ${r.kb.toFixed(1)} | ${r.gzKb.toFixed(1)} | ${r.ms.toFixed(1)} | ${(r.ms / empty).toFixed(2)}x |`);
const worst = rows.reduce((a, b) => (b.kb > a.kb ? b : a));
console.log(`\nLargest bundle: ${worst.name} ${worst.kb.toFixed(1)} KB (target: <= 300 KB); slowest load: ${Math.max(...rows.map((r) => r.ms / empty)).toFixed(2)}x an empty function (target: <= 2x).`);
