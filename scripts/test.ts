/**
 * `npm test`: Biome's format and lint check (`npm run lint`), every test level (vitest: unit, integration, e2e, infra), then least privilege
 * proven on the same run: the local IAM check records every call the functions made in the
 * integration and e2e journeys (LOCAL_IAM_RECORD), and `check:iam` reports on that record
 * (denied calls, grants no call used that infra/iam-unused-grants.json does not explain).
 * With file filters (`npm test -- test/unit/x.test.ts`) only vitest runs: a partial run proves
 * nothing about unused grants. Last, the rule modules' mutation score (`npm run test:mutation --
 * --changed`: as recorded, unless a rule module changed since).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const dir = join(ROOT, 'node_modules', '.cache', 'complaint-iam');
mkdirSync(dir, { recursive: true });
const record = join(dir, 'test-decisions.jsonl');
rmSync(record, { force: true });

const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
// Formatting and lint first (Biome, `npm run lint`): quick, and a CI run reports it with the tests.
const lint = args.some((a) => !a.startsWith('-')) ? undefined : spawnSync(bin('biome'), ['check', '.'], { cwd: ROOT, stdio: 'inherit' });
const lintPassed = !lint || lint.status === 0;
const results = join(dir, 'vitest-results.json');
rmSync(results, { force: true });
const tests = spawnSync(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...args], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, LOCAL_IAM_RECORD: record },
});
const testsPassed = tests.status === 0;
if (args.some((a) => !a.startsWith('-'))) process.exit(tests.status ?? 1);

console.log('\nLeast privilege, on the calls this run made (npm run check:iam for the journeys alone):');
const check = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'check-iam.ts')], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, CHECK_IAM_FROM: record, CHECK_IAM_JOURNEYS: testsPassed ? 'passed' : 'failed' },
});
// Mutation testing of the rule modules (ADR 0020): the recorded score when no rule module changed
// since test/mutation/baseline.json; otherwise Stryker mutates the changed modules only.
console.log('\nMutation testing of the rule modules (npm run test:mutation -- --changed):');
const mutation = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'mutation.ts'), '--changed'], { cwd: ROOT, stdio: 'inherit' });
console.log(`\n${summary()}`);
if (!lintPassed) console.log('lint: FAILED (npm run lint; `npx biome check --write .` applies the formatting)');
if (mutation.status !== 0) console.log('mutation: FAILED (npm run test:mutation -- --changed)');
process.exit(testsPassed && lintPassed && check.status === 0 && mutation.status === 0 ? 0 : 1);

/**
 * The tests' outcome, printed last so that the end of a CI log names every failed test (the
 * least-privilege report above it is long).
 */
function summary(): string {
  if (!existsSync(results)) return `vitest: exit ${tests.status}, no results file (it did not finish)`;
  const r = JSON.parse(readFileSync(results, 'utf8')) as {
    numTotalTests: number;
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    testResults: { name: string; status: string; message?: string; assertionResults: { fullName: string; status: string; failureMessages?: string[] }[] }[];
  };
  const lines = [`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped of ${r.numTotalTests}`];
  for (const file of r.testResults) {
    const rel = file.name.startsWith(ROOT) ? file.name.slice(ROOT.length + 1) : file.name;
    if (file.status === 'failed' && !file.assertionResults.some((a) => a.status === 'failed'))
      lines.push(`  FAILED ${rel}: ${(file.message ?? '').split('\n')[0]}`);
    for (const a of file.assertionResults.filter((x) => x.status === 'failed')) {
      lines.push(`  FAILED ${rel} > ${a.fullName}: ${(a.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300)}`);
    }
  }
  return lines.join('\n');
}
