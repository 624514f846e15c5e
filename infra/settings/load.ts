/**
 * Reads the deploy settings (./schema.ts): from the file named by `-c settings=<path>`, else
 * `infra/settings.example.json`. Errors name the file and the field. With `-c deploy=true` (and
 * so before any `cdk deploy`), example values are refused, each by its field.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REGIONS, type RegionName } from '../../functions/domain/regions.ts';
import { DeploySettings } from './schema.ts';

export const EXAMPLE_SETTINGS_FILE = fileURLToPath(new URL('../settings.example.json', import.meta.url));

export function parseSettings(raw: unknown, source: string): DeploySettings {
  const r = DeploySettings.safeParse(raw);
  if (!r.success) throw new Error(`Deploy settings ${source}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

export function loadSettings(file: string = EXAMPLE_SETTINGS_FILE): DeploySettings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`Deploy settings ${file}: ${(e as Error).message}`);
  }
  return parseSettings(raw, file);
}

/**
 * The example settings with one account for every partition: the local runtime's IAM check and
 * the tests synthesize every region with the same (local or test) account.
 */
export function exampleSettings(account?: string): DeploySettings {
  const settings = loadSettings();
  return account ? { ...settings, accounts: { aws: account, 'aws-cn': account } } : settings;
}

/** Values that mark an example, not a bank's installation. */
const EXAMPLE_MARKS = [/\bexample\b/i, /^111111111111$/, /^222222222222$/, /placeholder/i];

/** The fields of `settings` that still hold example values (dotted paths), for `-c deploy=true`. */
export function exampleValues(settings: unknown, path: string[] = []): string[] {
  if (typeof settings === 'string') return EXAMPLE_MARKS.some((m) => m.test(settings)) ? [path.join('.')] : [];
  if (Array.isArray(settings)) return settings.flatMap((v, i) => exampleValues(v, [...path, String(i)]));
  if (settings && typeof settings === 'object') return Object.entries(settings).flatMap(([k, v]) => exampleValues(v, [...path, k]));
  return [];
}

/**
 * Refuses example values (for `-c deploy=true`), each by its dotted field: in the settings of
 * `regions` (default: all) and in the accounts of their partitions.
 */
export function assertDeployable(
  settings: DeploySettings,
  source: string,
  regions: readonly RegionName[] = Object.keys(settings.regions) as RegionName[],
): void {
  const partitions = new Set(regions.map((r) => REGIONS[r].aws.partition));
  const found = [
    ...[...partitions].flatMap((p) => {
      const account = settings.accounts[p as keyof DeploySettings['accounts']];
      return account === undefined ? [] : exampleValues(account, ['accounts', p]);
    }),
    ...regions.flatMap((r) => exampleValues(settings.regions[r], ['regions', r])),
  ];
  if (found.length) throw new Error(`Deploy settings ${source} still hold example values, refused with -c deploy=true: ${found.join(', ')}`);
}
