/**
 * The project's import boundaries, on the real import graph (esbuild resolves every static and
 * literal dynamic import, the package.json `#domain/*` / `#shared/*` aliases included; packages
 * stay external):
 * - infra/ (what `cdk synth` runs and deploys) reaches nothing under local/ or scripts/, directly
 *   or through another module: the local runtime and the tools follow the infrastructure, never
 *   the other way round;
 * - functions/domain/ (pure rules) imports only functions/domain/ (and packages).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

/** Every project file reached from the entries, each with one chain of imports that reaches it (root-relative, `/`-separated). */
async function reachedFrom(root: string, entries: string[]): Promise<Map<string, string[]>> {
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: entries,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
    outdir: join(root, '.import-graph'),
  });
  const chains = new Map<string, string[]>();
  const queue = entries.map((e) => relative(root, e).split(sep).join('/'));
  for (const e of queue) chains.set(e, [e]);
  while (queue.length) {
    const file = queue.shift()!;
    for (const imp of metafile.inputs[file]?.imports ?? []) {
      if (imp.external || chains.has(imp.path)) continue;
      chains.set(imp.path, [...chains.get(file)!, imp.path]);
      queue.push(imp.path);
    }
  }
  return chains;
}

/** The chains that break a boundary: reaching a file under one of `forbidden`, or outside `allowedOnly`. */
function violations(reached: Map<string, string[]>, rule: { forbidden?: string[]; allowedOnly?: string }): string[] {
  return [...reached.entries()]
    .filter(
      ([file]) => (rule.forbidden ?? []).some((p) => file.startsWith(`${p}/`)) || (rule.allowedOnly !== undefined && !file.startsWith(`${rule.allowedOnly}/`)),
    )
    .map(([, chain]) => chain.join(' -> '));
}

const from = (root: string, dir: string) => reachedFrom(root, sourceFiles(join(root, dir)));
// One esbuild pass over a folder's graph: seconds on a busy shared machine, not the unit default of 5.
const BUILD_TIMEOUT_MS = 60_000;

describe('import boundaries', () => {
  it(
    'infra/ reaches nothing under local/ or scripts/',
    async () => {
      const reached = await from(ROOT, 'infra');
      // The graph is real: infra reaches the function table and the pages' shared security headers.
      expect(reached.has('functions/functions.ts')).toBe(true);
      expect(reached.has('web/security-headers.ts')).toBe(true);
      expect(violations(reached, { forbidden: ['local', 'scripts'] })).toEqual([]);
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    'functions/domain/ imports only functions/domain/',
    async () => {
      const reached = await from(ROOT, 'functions/domain');
      expect(reached.has('functions/domain/regions.ts')).toBe(true);
      expect(violations(reached, { allowedOnly: 'functions/domain' })).toEqual([]);
    },
    BUILD_TIMEOUT_MS,
  );

  describe('the check itself, on a small tree that breaks both rules', () => {
    const root = mkdtempSync(join(tmpdir(), 'import-boundaries-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const write = (file: string, text: string) => {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), text);
    };
    write('package.json', JSON.stringify({ type: 'module', imports: { '#shared/*': './functions/shared/*' } }));
    write('infra/stack.ts', "import { x } from './helper.ts';\nexport const y = x;\n");
    write('infra/helper.ts', "export const x = 1;\nexport const later = () => import('../scripts/tool.ts');\n");
    write('scripts/tool.ts', 'export const t = 1;\n');
    write('local/host.ts', 'export const h = 1;\n');
    write('functions/domain/rule.ts', "import { c } from '#shared/clock.ts';\nexport const r = c;\n");
    write('functions/shared/clock.ts', 'export const c = 1;\n');

    it(
      'finds an infra file reaching scripts/ through another module and a dynamic import',
      async () => {
        expect(violations(await from(root, 'infra'), { forbidden: ['local', 'scripts'] })).toEqual(['infra/helper.ts -> scripts/tool.ts']);
      },
      BUILD_TIMEOUT_MS,
    );

    it(
      'finds a domain file importing outside functions/domain through a package.json alias',
      async () => {
        expect(violations(await from(root, 'functions/domain'), { allowedOnly: 'functions/domain' })).toEqual([
          'functions/domain/rule.ts -> functions/shared/clock.ts',
        ]);
      },
      BUILD_TIMEOUT_MS,
    );
  });
});
