/**
 * `npm run check:iam`: least privilege, shown by running the product. Runs the integration
 * journeys with the local IAM check on (it is on by default) recording every decision
 * (LOCAL_IAM_RECORD), then prints per function the calls it made (action and resource pattern)
 * and the grants of its role that no call used, comparing the role's policies in the template
 * synthesized for the region with the recorded calls.
 *
 * Exits non-zero on any denied call, on any unused grant not listed (with its reason) in
 * infra/iam-unused-grants.json, and when the journeys themselves failed (their calls are then
 * incomplete). Grants of services the local runtime does not serve (CloudWatch Logs, X-Ray, KMS,
 * SQS, the DynamoDB stream: used by Lambda on the function's behalf) are listed apart, as not
 * observable locally.
 *
 * Usage: npm run check:iam [-- <vitest file filters...>]   (default: every integration and e2e test)
 * `npm test` runs it too, on the decisions its own run recorded (scripts/test.ts): CHECK_IAM_FROM.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTIONS, type FunctionName } from '../functions/functions.ts';
import { REGIONS } from '../functions/domain/regions.ts';
import { loadRegionPolicies, localResourceNames } from '../local/emulators/iam/policies.ts';
import type { Decision } from '../local/emulators/iam/authorizer.ts';

const ROOT = join(import.meta.dirname, '..');
const REVIEWED = join(ROOT, 'infra', 'iam-unused-grants.json');
/** The integration runtime's region (test/integration/global-setup.ts). */
const REGION = process.env.CHECK_IAM_REGION ?? REGIONS.cn.aws.region;

/** Services whose calls the local runtime does not see: made by Lambda itself (logs, traces, the stream, the dead-letter queue) or by the services the function calls (KMS). */
const NOT_OBSERVABLE: Record<string, string> = {
  logs: "written by Lambda from the function's output (not served locally)",
  xray: "sent by Lambda's X-Ray integration (not served locally)",
  kms: "used by DynamoDB, S3, Step Functions and SQS on the caller's behalf (KMS is not modelled locally)",
  sqs: "sent by Lambda to the function's dead-letter or failure queue (not served locally)",
};
/** Tests that call outside the roles on purpose (they test the check itself). */
const PROBES = ['test/integration/iam.test.ts', 'test/integration/s3-semantics.test.ts'];
const STREAM_ACTIONS = new Set(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams']);

export interface Grant {
  fn: FunctionName;
  action: string;
  resource: string;
}
export interface ReviewedEntry {
  function: string;
  action: string;
  resource: string;
  reason: string;
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** An IAM pattern (`*` and `?`) as a regular expression. */
export function globToRegExp(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
}

/** Resource ARNs of the calls, generalized for the report: no complaint reference or object key. */
export function resourcePattern(resource: string): string {
  return resource.replace(/(:s3:::[^/]+\/[^/]+\/).*/, '$1*').replace(/(:execution:[^:]+:).*/, '$1*');
}

/** The role's Allow statements, action by action and resource by resource (actions as written, wildcards kept). */
export function grantsOf(fn: FunctionName, policies: { policy: { Statement: unknown } }[]): Grant[] {
  const out: Grant[] = [];
  for (const p of policies) {
    for (const s of asArray(p.policy.Statement as Record<string, unknown>[])) {
      if (s.Effect !== 'Allow') continue;
      for (const action of asArray(s.Action as string | string[]))
        for (const resource of asArray(s.Resource as string | string[])) out.push({ fn, action, resource });
    }
  }
  return out;
}

export function isUsed(g: Grant, calls: Pick<Decision, 'fn' | 'action' | 'resource' | 'allowed'>[]): boolean {
  const a = globToRegExp(g.action);
  const r = globToRegExp(g.resource);
  return calls.some((c) => c.fn === g.fn && c.allowed && a.test(c.action) && r.test(c.resource));
}

async function main(): Promise<number> {
  // The decisions of the last run are kept for a second look: CHECK_IAM_FROM=<decisions.jsonl>
  // reports on decisions recorded earlier (LOCAL_IAM_RECORD) without running the journeys.
  const dir = join(ROOT, 'node_modules', '.cache', 'complaint-iam');
  mkdirSync(dir, { recursive: true });
  const record = process.env.CHECK_IAM_FROM ?? join(dir, 'last-decisions.jsonl');
  let journeysPassed = process.env.CHECK_IAM_JOURNEYS !== 'failed';
  if (!process.env.CHECK_IAM_FROM) {
    const filters = process.argv.slice(2);
    console.log(`check:iam: running the journeys under the IAM check (${filters.length ? filters.join(' ') : 'every integration and e2e test'}) ...`);
    rmSync(record, { force: true });
    // The IAM check's own tests make calls outside the roles on purpose (signed probe-<Function>, left out below anyway).
    const exclude = PROBES.flatMap((f) => ['--exclude', f]);
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'vitest'), ['run', '--project', 'integration', '--project', 'e2e', ...exclude, ...filters], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, LOCAL_IAM: 'on', LOCAL_IAM_RECORD: record },
    });
    journeysPassed = run.status === 0;
  }
  // The journeys' calls in the checked region: not the probes of the check's own tests, not the
  // other regions' runtimes (the e2e tests run the UK's and the US's too).
  const decisions: Decision[] = (
    existsSync(record)
      ? readFileSync(record, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Decision & { probe?: boolean; region?: string })
      : []
  ).filter((d) => !d.probe && (!d.region || d.region === REGION));

  const policies = await loadRegionPolicies(REGION, localResourceNames(Object.values(REGIONS).find((r) => r.aws.region === REGION)!));
  const reviewed: ReviewedEntry[] = existsSync(REVIEWED) ? JSON.parse(readFileSync(REVIEWED, 'utf8')) : [];
  const explained = (g: Grant) => reviewed.find((e) => e.function === g.fn && e.action === g.action && e.resource === g.resource && e.reason?.trim());

  let denied = 0;
  let unused = 0;
  const notExplained: string[] = [];
  const fns = Object.keys(FUNCTIONS) as FunctionName[];
  for (const fn of fns) {
    const mine = decisions.filter((d) => d.fn === fn);
    const grants = grantsOf(fn, policies.functions[fn]?.policies ?? []);
    console.log(`\n${fn}: ${mine.length.toLocaleString('en-US')} calls, ${mine.filter((d) => !d.allowed).length} denied`);
    const calls = new Map<string, { n: number; denied: number; reason?: string }>();
    for (const d of mine) {
      const k = `${d.action} ${resourcePattern(d.resource)}`;
      const c = calls.get(k) ?? { n: 0, denied: 0 };
      c.n++;
      if (!d.allowed) {
        c.denied++;
        c.reason = d.reason;
      }
      calls.set(k, c);
    }
    for (const [k, c] of [...calls].sort()) console.log(`  call    ${k}  x${c.n}${c.denied ? `  DENIED x${c.denied} (${c.reason})` : ''}`);
    // (The stale-entry check below uses every function's decisions.)
    denied += mine.filter((d) => !d.allowed).length;
    const service = (g: Grant) => g.action.split(':')[0];
    const notObservable = grants.filter((g) => NOT_OBSERVABLE[service(g)] || STREAM_ACTIONS.has(g.action));
    const unusedHere = new Map<string, string[]>(); // resource -> actions
    for (const g of grants) {
      if (notObservable.includes(g) || isUsed(g, mine)) continue;
      unused++;
      const e = explained(g);
      if (!e) notExplained.push(`${fn} ${g.action} ${g.resource}`);
      const list = unusedHere.get(g.resource) ?? [];
      list.push(`${g.action}${e ? ` (explained: ${e.reason})` : ''}`);
      unusedHere.set(g.resource, list);
    }
    for (const [resource, actions] of unusedHere) console.log(`  UNUSED  ${resource}: ${actions.join(', ')}`);
    if (notObservable.length) {
      const services = [...new Set(notObservable.map((g) => (STREAM_ACTIONS.has(g.action) ? 'dynamodb stream' : service(g))))];
      console.log(
        `  n/a     ${notObservable.length} grants of ${services.join(', ')}: not observable locally (${services.map((x) => NOT_OBSERVABLE[x] ?? 'read by the event source mapping (Lambda), not by the function').join('; ')})`,
      );
    }
  }
  const stale = reviewed.filter(
    (e) =>
      !fns.some((fn) =>
        grantsOf(fn, policies.functions[fn]?.policies ?? []).some(
          (g) => g.fn === e.function && g.action === e.action && g.resource === e.resource && !isUsed(g, decisions),
        ),
      ),
  );
  // A reviewed grant that this run used: a notice to prune the file, not a failure (a code path
  // the journeys reach only sometimes - a sweep, a race - must not make the check flaky).
  for (const e of stale)
    console.log(`\ninfra/iam-unused-grants.json: ${e.function} ${e.action} ${e.resource} was used in this run: review whether the entry is still needed`);
  // Named again last: a CI log shows only its tail, and the report above is long.
  for (const g of notExplained) console.log(`\nNOT EXPLAINED: ${g} - no call used this grant and infra/iam-unused-grants.json gives no reason`);
  if (!journeysPassed) console.log('\nThe journeys failed (see above): the recorded calls are incomplete.');
  console.log(
    `\ncheck:iam: ${fns.length} functions, ${decisions.length.toLocaleString('en-US')} calls, ${denied.toLocaleString('en-US')} denied, ${unused} unused grants (${notExplained.length ? `${notExplained.length} not explained` : 'all explained'})${journeysPassed ? '' : ', journeys FAILED'}`,
  );
  return denied || notExplained.length || !journeysPassed ? 1 : 0;
}

if (process.argv[1] === import.meta.filename) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(2);
    },
  );
}
