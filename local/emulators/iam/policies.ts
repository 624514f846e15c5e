/**
 * The synthesized templates the local IAM check reads, cached: `node_modules/.cache/complaint-iam/
 * templates-<hash>.json`, keyed by a hash of what the policies are made of (infra/**, the
 * FUNCTIONS table, the region configuration, the workflow's machines, cdk.json, the locked CDK
 * version). A change to any of them synthesizes again (about 15 s); otherwise start-up reads
 * the file (milliseconds).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { RegionConfig } from '../../../functions/domain/regions.ts';
import { STATE_MACHINES } from '../../../workflows/machines.ts';
import { regionPolicies, type RegionPolicies, type StackTemplate } from './template.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
export const LOCAL_ACCOUNT = '000000000000';

/**
 * The names the local runtime gives the region's resources, as the functions' environment
 * carries them: the deployed names in the templates are mapped to these (one list for the
 * runtime and check:iam).
 */
export function localResourceNames(region: RegionConfig, tableName = `complaints-${region.name}`): Record<string, string> {
  const machine = (name: string) => `arn:${region.aws.partition}:states:${region.aws.region}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
  return {
    TABLE_NAME: tableName,
    ATTACHMENTS_BUCKET: 'complaints-attachments',
    MAIL_BUCKET: 'complaints-mail',
    ARCHIVE_BUCKET: 'complaints-archive',
    STATE_MACHINE_ARN: machine(STATE_MACHINES.lifecycle.name),
    RESUME_STATE_MACHINE_ARN: machine(STATE_MACHINES.resume.name),
    // The complaints mailbox's credentials (local/emulators/imap-server.ts), in place of the settings' secret.
    IMAP_SECRET_ARN: `arn:${region.aws.partition}:secretsmanager:${region.aws.region}:${LOCAL_ACCOUNT}:secret:complaints/imap-local-AbCdEf`,
  };
}
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'complaint-iam');

/** Files whose content decides the templates' policies. */
const INPUTS = [
  'infra',
  'functions/functions.ts',
  'functions/domain/regions.ts',
  'functions/domain/region-schema.ts',
  'functions/adapters/table-schema.ts',
  'workflows',
  'cdk.json',
  'package-lock.json',
  'local/emulators/iam/synth.ts',
];

function files(p: string): string[] {
  const abs = join(ROOT, p);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [abs];
  return readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

export function inputsHash(): string {
  const h = createHash('sha256');
  for (const f of INPUTS.flatMap(files)) h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 16);
}

let pending: Promise<StackTemplate[]> | undefined;

/** Every stack's template (all regions), from the cache or synthesized now. */
export async function templates(log: (line: string) => void = () => undefined): Promise<StackTemplate[]> {
  pending ??= (async () => {
    const hash = inputsHash();
    const file = join(CACHE_DIR, `templates-${LOCAL_ACCOUNT}-${hash}.json`);
    if (!existsSync(file)) {
      mkdirSync(CACHE_DIR, { recursive: true });
      const started = Date.now();
      log('IAM: synthesizing the stacks for the local IAM check (cached until infra/ changes) ...');
      await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'local', 'emulators', 'iam', 'synth.ts'), file, LOCAL_ACCOUNT], {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024,
      });
      log(`IAM: synthesized in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      // Older entries are of older sources.
      for (const f of readdirSync(CACHE_DIR))
        if (f.startsWith('templates-') && !f.endsWith(`${hash}.json`) && !f.includes('.tmp-')) rmSync(join(CACHE_DIR, f), { force: true });
    }
    return JSON.parse(readFileSync(file, 'utf8')) as StackTemplate[];
  })();
  pending.catch(() => {
    pending = undefined;
  });
  return pending;
}

/** The policies of `region` with the local runtime's names (see template.ts). */
export async function loadRegionPolicies(region: string, localEnv: Record<string, string>, log?: (line: string) => void): Promise<RegionPolicies> {
  return regionPolicies(await templates(log), region, LOCAL_ACCOUNT, localEnv);
}
