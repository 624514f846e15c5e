/**
 * `npm run test:mutation`: Stryker mutation testing of the rule modules (test/mutation/modules.ts)
 * against the unit tests (vitest.mutation.config.ts), each mutant type-checked first (Stryker's
 * TypeScript checker, on TypeScript 5: scripts/mutation/typescript-5.mjs). ADR 0020.
 *
 * Every surviving mutant must be killed by a test or listed, with why it cannot change
 * behaviour, in test/mutation/equivalent-mutants.json (reviewed like code). The run fails when
 * the score is below THRESHOLD_PERCENT or a survivor is not listed; its last line is the score.
 *
 *   npm run test:mutation                       every listed module
 *   npm run test:mutation -- deadlines.ts ...   only these modules (a path ending)
 *   npm run test:mutation -- --changed          only the modules whose content differs from the
 *                                               last full run (test/mutation/baseline.json): CI
 *   npm run test:mutation -- --record [mod...]  records the run's modules in the baseline (their figures
 *                                               and content hashes; other modules' entries are kept)
 *   npm run test:mutation -- --incremental      Stryker's incremental mode (.tmp/mutation/incremental.json):
 *                                               re-tests only mutants whose code or covering tests changed
 * MUTATION_CONCURRENCY sets Stryker's test-runner processes (default 2).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MutantResult, PartialStrykerOptions } from '@stryker-mutator/api/core';
import { RULE_MODULES, THRESHOLD_PERCENT } from '../test/mutation/modules.ts';

const ROOT = join(import.meta.dirname, '..');
const EQUIVALENTS_FILE = join(ROOT, 'test', 'mutation', 'equivalent-mutants.json');
const BASELINE_FILE = join(ROOT, 'test', 'mutation', 'baseline.json');
const REPORT_DIR = join(ROOT, '.tmp', 'mutation');

/** A surviving mutant reviewed as unable to change behaviour. */
interface Equivalent {
  file: string;
  mutator: string;
  /** The source text Stryker replaced (trimmed, whitespace collapsed). */
  original: string;
  /** What it put there (same normalisation). */
  replacement: string;
  why: string;
}

interface ModuleFigures {
  mutants: number;
  killed: number;
  survived: number;
  noCoverage: number;
  equivalent: number;
  compileErrors: number;
  scorePercent: number;
}

interface Baseline {
  recordedAt: string;
  seconds: number;
  modules: Record<string, ModuleFigures & { sha256: string; recordedAt?: string; seconds?: number }>;
}

const args = process.argv.slice(2);
const changedOnly = args.includes('--changed');
const record = args.includes('--record');
const only = args.filter((a) => !a.startsWith('--'));

const present = RULE_MODULES.filter((f) => {
  if (existsSync(join(ROOT, f))) return true;
  console.log(`mutation: ${f} is listed but does not exist (yet): skipped`);
  return false;
});
const sha = (f: string) =>
  createHash('sha256')
    .update(readFileSync(join(ROOT, f)))
    .digest('hex');
const baseline: Baseline | undefined = existsSync(BASELINE_FILE) ? JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) : undefined;

/** With --changed: the recorded figures of the modules that did not change (they count in the score). */
let recorded: ModuleFigures[] = [];
let selected = only.length ? present.filter((f) => only.some((o) => f.endsWith(o))) : present;
if (only.length && selected.length !== only.length)
  fail(`mutation: not a listed rule module: ${only.filter((o) => !present.some((f) => f.endsWith(o))).join(', ')}`);
if (changedOnly) {
  selected = selected.filter((f) => baseline?.modules[f]?.sha256 !== sha(f));
  const unchanged = present.filter((f) => !selected.includes(f));
  if (unchanged.length) console.log(`mutation: unchanged since their recorded run (${BASELINE_FILE}): ${unchanged.join(', ')}`);
  recorded = unchanged.map((f) => (baseline as Baseline).modules[f]);
  if (!selected.length) {
    const unlistedRecorded = recorded.reduce((n, m) => n + m.survived + m.noCoverage - m.equivalent, 0);
    const ok = score(recorded) >= THRESHOLD_PERCENT && unlistedRecorded === 0;
    console.log(
      `mutation score ${score(recorded).toFixed(2)} % over ${recorded.length} module(s), as recorded (no rule module changed; threshold ${THRESHOLD_PERCENT} %${unlistedRecorded ? `, ${unlistedRecorded} unlisted survivor(s)` : ''}): ${ok ? 'passed' : 'FAILED'}`,
    );
    process.exit(ok ? 0 : 1);
  }
}
if (record && changedOnly) fail('mutation: --record records the modules it runs: give modules, or none for all, not --changed');

// Stryker's checker processes load TypeScript 5 for its compiler API (the project's is TypeScript 7).
const hook = pathToFileURL(join(ROOT, 'scripts', 'mutation', 'typescript-5.mjs')).href;
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import=${hook}`.trim();
await import(hook);
const { Stryker } = await import('@stryker-mutator/core');

const options: PartialStrykerOptions = {
  mutate: selected,
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutation.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  // Generous: a busy machine must not turn a slow test into a 'timeout' (counted as killed).
  timeoutMS: 20_000,
  timeoutFactor: 3,
  reporters: ['progress', 'html', 'json'],
  htmlReporter: { fileName: join(REPORT_DIR, 'index.html') },
  jsonReporter: { fileName: join(REPORT_DIR, 'mutation.json') },
  incremental: args.includes('--incremental'),
  incrementalFile: join(REPORT_DIR, 'incremental.json'),
  // Outside the project: a sandbox copy inside it would be a second project to Biome.
  tempDirName: join(tmpdir(), `stryker-${createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}`),
  cleanTempDir: 'always',
  thresholds: { high: 98, low: THRESHOLD_PERCENT, break: null },
};

const started = performance.now();
const results = await new Stryker(options).runMutationTest();
const seconds = Math.round((performance.now() - started) / 1000);

const equivalents: Equivalent[] = JSON.parse(readFileSync(EQUIVALENTS_FILE, 'utf8')).mutants;
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
const sources = new Map(selected.map((f) => [f, readFileSync(join(ROOT, f), 'utf8').split('\n')]));
/** The original text of a mutant's range. */
function originalText(m: MutantResult): string {
  const lines = sources.get(m.fileName.startsWith(ROOT) ? m.fileName.slice(ROOT.length + 1) : m.fileName) ?? [];
  const { start, end } = m.location;
  const text = lines.slice(start.line - 1, end.line).join('\n');
  const tail = lines.slice(start.line - 1, end.line - 1).join('\n').length + (start.line === end.line ? 0 : 1);
  return norm(text.slice(start.column - 1, tail + end.column - 1));
}
const rel = (m: MutantResult) => (m.fileName.startsWith(ROOT) ? m.fileName.slice(ROOT.length + 1) : m.fileName);
const isListed = (m: MutantResult) =>
  equivalents.some((e) => e.file === rel(m) && e.mutator === m.mutatorName && e.original === originalText(m) && e.replacement === norm(m.replacement ?? ''));

const figures: Record<string, ModuleFigures> = {};
const unlisted: MutantResult[] = [];
for (const f of selected) {
  const of = results.filter((m) => rel(m) === f);
  const count = (...s: string[]) => of.filter((m) => s.includes(m.status)).length;
  const survivors = of.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage');
  unlisted.push(...survivors.filter((m) => !isListed(m)));
  const fig = {
    mutants: of.length,
    killed: count('Killed', 'Timeout'),
    survived: count('Survived'),
    noCoverage: count('NoCoverage'),
    equivalent: survivors.filter(isListed).length,
    compileErrors: count('CompileError'),
    scorePercent: 0,
  };
  fig.scorePercent = score([fig]);
  figures[f] = fig;
}

console.log('\nmodule                                      mutants  killed  survived (listed equivalent)  score');
for (const [f, x] of Object.entries(figures)) {
  console.log(
    `${f.padEnd(44)}${String(x.mutants - x.compileErrors).padStart(7)}${String(x.killed).padStart(8)}${String(x.survived + x.noCoverage).padStart(10)} (${x.equivalent})${' '.repeat(18)}${x.scorePercent.toFixed(2)} %`,
  );
}
const stale = equivalents.filter(
  (e) =>
    selected.includes(e.file) &&
    !results.some(
      (m) =>
        (m.status === 'Survived' || m.status === 'NoCoverage') &&
        rel(m) === e.file &&
        e.mutator === m.mutatorName &&
        e.original === originalText(m) &&
        e.replacement === norm(m.replacement ?? ''),
    ),
);
for (const e of stale)
  console.log(`note: listed in equivalent-mutants.json but no longer surviving (remove it): ${e.file} ${e.mutator} \`${e.original}\` -> \`${e.replacement}\``);
for (const m of unlisted) {
  console.log(
    `SURVIVOR not listed: ${rel(m)}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} \`${originalText(m)}\` -> \`${norm(m.replacement ?? '')}\``,
  );
}
console.log(`mutation: ${seconds} s, report ${join(REPORT_DIR, 'index.html')}`);

if (record) {
  // A module's entry stands for that module's content (its hash): a run of some modules replaces only theirs.
  const kept = Object.fromEntries(Object.entries(baseline?.modules ?? {}).filter(([f]) => present.includes(f) && !selected.includes(f)));
  const modules = {
    ...kept,
    ...Object.fromEntries(Object.entries(figures).map(([f, x]) => [f, { ...x, sha256: sha(f), recordedAt: new Date().toISOString(), seconds }])),
  };
  const ordered = Object.fromEntries(present.filter((f) => f in modules).map((f) => [f, modules[f]]));
  writeFileSync(
    BASELINE_FILE,
    `${JSON.stringify({ recordedAt: new Date().toISOString(), seconds: Object.values(ordered).reduce((n, m) => n + (m.seconds ?? 0), 0), modules: ordered } satisfies Baseline, null, 2)}\n`,
  );
  console.log(`mutation: recorded ${BASELINE_FILE}`);
}
const total = score([...Object.values(figures), ...recorded]);
const unlistedCount = unlisted.length + recorded.reduce((n, m) => n + m.survived + m.noCoverage - m.equivalent, 0);
const verdict = total >= THRESHOLD_PERCENT && unlistedCount === 0 ? 'passed' : 'FAILED';
const why = unlistedCount ? `, ${unlistedCount} unlisted survivor(s)` : '';
console.log(`mutation score ${total.toFixed(2)} % over ${selected.length + recorded.length} module(s) (threshold ${THRESHOLD_PERCENT} %${why}): ${verdict}`);
process.exit(verdict === 'passed' ? 0 : 1);

/** Stryker's mutation score: killed (and timed out) over every mutant that compiled. */
function score(xs: ModuleFigures[]): number {
  const killed = xs.reduce((n, x) => n + x.killed, 0);
  const valid = xs.reduce((n, x) => n + x.killed + x.survived + x.noCoverage, 0);
  return valid === 0 ? 100 : (100 * killed) / valid;
}

function fail(message: string): never {
  console.log(message);
  process.exit(2);
}
