/**
 * `npm test`: every test level (vitest: unit, integration, e2e, infra), then least privilege
 * proven on the same run: the local IAM check records every call the functions made in the
 * integration and e2e journeys (LOCAL_IAM_RECORD), and `check:iam` reports on that record
 * (denied calls, grants no call used that infra/iam-unused-grants.json does not explain).
 * With file filters (`npm test -- test/unit/x.test.ts`) only vitest runs: a partial run proves
 * nothing about unused grants.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const dir = join(ROOT, 'node_modules', '.cache', 'complaint-iam');
mkdirSync(dir, { recursive: true });
const record = join(dir, 'test-decisions.jsonl');
rmSync(record, { force: true });

const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
const tests = spawnSync(bin('vitest'), ['run', ...args], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, LOCAL_IAM_RECORD: record } });
const testsPassed = tests.status === 0;
if (args.some((a) => !a.startsWith('-'))) process.exit(tests.status ?? 1);

console.log('\nLeast privilege, on the calls this run made (npm run check:iam for the journeys alone):');
const check = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'check-iam.ts')], {
  cwd: ROOT, stdio: 'inherit', env: { ...process.env, CHECK_IAM_FROM: record, CHECK_IAM_JOURNEYS: testsPassed ? 'passed' : 'failed' },
});
process.exit(testsPassed && check.status === 0 ? 0 : 1);
