/**
 * `npm run bench`: every benchmark, one after the other (each in a process of its own, each
 * starting what it needs), then one report. Takes about half an hour on two cores, most of it
 * the surge's backlog; BENCH_QUICK=1 runs smaller sizes (a smoke run, not figures to publish).
 *
 *   intake           bench/intake.ts        HTTP load at concurrency 1, 16, 64
 *   surge            bench/surge.ts         5,000 complaints in a minute, Step Functions throttled at the us-east-1 rates
 *   surge (scaled)   bench/surge.ts         the same throttling scaled to this machine (rates / 60)
 *   lifecycle cost   bench/lifecycle-cost.ts
 *   dashboard        bench/dashboard.ts     reading cost at 1,000 and 100,000 complaints
 *   bundles          bench/bundles.ts       bundle sizes and load times
 *   html-text        bench/html-text.ts     htmlToText on 1 MB of hostile HTML (linear time)
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { machine } from './support.ts';

const quick = process.env.BENCH_QUICK === '1';
const RUNS: { title: string; script: string; args?: string[]; env?: Record<string, string> }[] = [
  { title: 'Intake', script: 'intake.ts', env: { BENCH_SECONDS: quick ? '5' : '10' } },
  { title: 'Surge (Step Functions throttled at the us-east-1 rates)', script: 'surge.ts', env: quick ? { SURGE_COMPLAINTS: '500', SURGE_SECONDS: '10' } : {} },
  {
    title: 'Surge (throttling scaled to this machine: us-east-1 rates / 60)',
    script: 'surge.ts',
    env: { SURGE_SFN_RATES: 'us-east-1/60', SURGE_COMPLAINTS: quick ? '200' : '1000', SURGE_SECONDS: quick ? '10' : '60' },
  },
  { title: 'Lifecycle cost', script: 'lifecycle-cost.ts', env: { BENCH_COMPLAINTS: quick ? '5' : '20' } },
  { title: 'Dashboard', script: 'dashboard.ts', env: quick ? { BENCH_SIZES: '1000,10000' } : {} },
  { title: 'Bundles', script: 'bundles.ts', env: quick ? { BENCH_RUNS: '5' } : {} },
  { title: 'HTML to text on hostile input', script: 'html-text.ts' },
];

function run(script: string, env: Record<string, string>): Promise<{ code: number | null; out: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      process.stderr.write('.');
    });
    child.once('exit', (code) => resolve({ code, out, seconds: (performance.now() - started) / 1000 }));
  });
}

const report: string[] = [`# Benchmarks (${new Date().toISOString().slice(0, 10)}; ${machine()})`];
let failed = 0;
for (const r of RUNS) {
  process.stderr.write(`${r.title} ...`);
  const { code, out, seconds } = await run(r.script, r.env ?? {});
  process.stderr.write(` ${seconds.toFixed(0)} s${code ? ` (exit ${code})` : ''}\n`);
  if (code) failed += 1;
  report.push(`\n## ${r.title}\n\n${out.trim() || '(no output)'}${code ? `\n\n(exited with ${code})` : ''}`);
}
console.log(report.join('\n'));
process.exit(failed ? 1 : 0);
