/**
 * Bundles the Lambda handlers the way they are deployed - the one place the esbuild options
 * live: the CDK stack deploys these directories (infra/constructs/product-function.ts) and
 * bench/bundles.ts measures them.
 *
 * Per function, a directory: `index.mjs` (the handler) and `chunks/*.mjs`. esbuild, minified,
 * ESM for Node 22, every dependency inside - the AWS SDK v3 clients too, at the versions
 * package-lock.json pins, tree-shaken to the commands used; nothing taken from the Lambda
 * runtime's own SDK copy (docs/adr/0001-aws-sdk-v3.md). Code that a module reaches only through
 * `await import()` goes into a chunk of its own, loaded when - if ever - that path runs: the
 * clients that only some requests need (Step Functions, S3), and tracing (Powertools Tracer and
 * the X-Ray SDK, loaded on Lambda with tracing on only).
 *
 * Two rewrites make the bundle cheaper to load without changing what it does:
 * - zod's message locales reduced to English (zod re-exports all of them, ~260 KB, from its
 *   namespace object, which tree-shaking cannot drop; the API answers in English);
 * - Node's built-in modules taken with require() instead of `import`: importing a built-in as
 *   ESM builds a facade that reads every export, and reading `node:http`'s loads undici
 *   (~25 ms); require() reads nothing until it is used.
 * No source maps: `--enable-source-maps` made a cold start ~25 % slower, and logs carry error
 * names, not stack traces. The build is deterministic: `--sourcemap` rebuilds the same code with
 * its map, to read a stack trace from a deployed function.
 *
 *   node --import tsx infra/bundle-function.ts <entry.ts> <outDir> [--sourcemap]
 *   node --import tsx infra/bundle-function.ts --all <outRoot> [--sourcemap]   -> <outRoot>/<FunctionName>/
 */
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { FUNCTIONS, type FunctionName } from '../functions/functions.ts';

const REPO_ROOT = resolve(import.meta.dirname, '..');
const HANDLERS = join(REPO_ROOT, 'functions', 'handlers');

/** zod's locale index reduced to English: used for the Lambda bundles and the pages alike. */
export const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: resolve(args.resolveDir, args.path), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(args.path, '..', 'en.js'))};`,
      resolveDir: join(args.path, '..'),
      loader: 'js',
    }));
  },
};

const BUILTIN = new RegExp(`^(node:)?(${builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`);

/**
 * Every `import ... from 'node:x'` becomes `require('node:x')` (through the banner's require):
 * esbuild then reads the module's properties when they are used, as CommonJS code does.
 */
export const builtinsByRequire: Plugin = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: BUILTIN }, (args) =>
      args.kind === 'require-call' ? undefined : { path: args.path.replace(/^node:/, ''), namespace: 'node-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
      loader: 'js',
    }));
  },
};

/**
 * functions/contract/openapi-document.ts replaced by its value: the document depends only on the
 * schemas, so it is computed here, once, instead of at every cold start of the OpenApi function -
 * as the JSON text it serves (a string literal: nothing to parse into objects and serialise back).
 */
export const precomputedOpenApiDocument: Plugin = {
  name: 'precomputed-openapi-document',
  setup(b) {
    b.onLoad({ filter: /[\\/]functions[\\/]contract[\\/]openapi-document\.ts$/ }, async () => {
      const { buildOpenApiDocument } = await import('../functions/contract/openapi.ts');
      return { contents: `export const openApiJson = ${JSON.stringify(JSON.stringify(buildOpenApiDocument()))};`, loader: 'js' };
    });
  },
};

/**
 * pdfkit reads its standard fonts' metrics (and its sRGB profile) from files beside its module
 * (`fs.readFileSync(__dirname + '/data/...')`), which a bundle does not have: they are inlined as
 * strings (Helvetica and Helvetica-Bold only). Only in the lazily loaded chunk of the PDF renderer (the staff API's reports).
 */
const PDF_FONTS = ['Helvetica.afm', 'Helvetica-Bold.afm'];
export const pdfkitDataInline: Plugin = {
  name: 'pdfkit-data-inline',
  setup(b) {
    b.onLoad({ filter: /[\\/]pdfkit[\\/]js[\\/]pdfkit\.es\.js$/ }, (args) => {
      const dataDir = join(args.path, '..', 'data');
      const contents = readFileSync(args.path, 'utf8')
        // The two fonts the reports use (adapters/pdf-document.ts); the others fail if ever asked for.
        .replace(/fs\.readFileSync\(__dirname \+ '\/data\/([\w-]+\.afm)', 'utf8'\)/g, (_m, file: string) =>
          PDF_FONTS.includes(file) ? JSON.stringify(readFileSync(join(dataDir, file), 'utf8')) : `(() => { throw new Error('${file} is not bundled'); })()`,
        )
        .replace(
          /fs\.readFileSync\(`\$\{__dirname\}\/data\/([\w.-]+\.icc)`\)/g,
          (_m, file: string) => `Buffer.from(${JSON.stringify(readFileSync(join(dataDir, file)).toString('base64'))}, 'base64')`,
        );
      return { contents, loader: 'js' };
    });
  },
};

/** The esbuild options of every Lambda bundle (entry and output directory aside). */
export const FUNCTION_BUILD_OPTIONS = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // Prefer the ESM builds of dependencies: better tree-shaking.
  mainFields: ['module', 'main'],
  minify: true,
  legalComments: 'none',
  outExtension: { '.js': '.mjs' },
  entryNames: 'index',
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies (and builtinsByRequire) call require(); an ESM bundle has none unless we make one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  plugins: [zodEnglishOnly, builtinsByRequire, precomputedOpenApiDocument, pdfkitDataInline],
  metafile: true,
  logLevel: 'warning',
} as const satisfies BuildOptions;

export interface BundleReport {
  dir: string;
  /** What Node loads when it imports index.mjs: the entry and the chunks it imports statically. */
  initial: BundlePart;
  /** Chunks loaded by `await import()` when a path needs them. */
  lazy: BundlePart;
}
/**
 * Files relative to the bundle's directory; the bytes each module contributes, modules named as
 * esbuild names them (`node_modules/zod/...`, `functions/...`).
 */
export interface BundlePart {
  files: string[];
  bytes: number;
  modules: Record<string, number>;
}

/**
 * `external` is for comparisons only (bench/bundles.ts loads the AWS SDK from node_modules, as
 * a bundle relying on the runtime's SDK copy would): the deployed bundles carry everything.
 */
export async function bundleFunction(entry: string, outDir: string, options: { sourcemap?: boolean; external?: string[] } = {}): Promise<BundleReport> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    ...FUNCTION_BUILD_OPTIONS,
    entryPoints: [entry],
    outdir: outDir,
    absWorkingDir: REPO_ROOT,
    ...(options.sourcemap ? { sourcemap: true, sourcesContent: false } : {}),
    ...(options.external ? { external: options.external } : {}),
  });
  return report(result.metafile, outDir);
}

/** Every function of FUNCTIONS, one directory each under outRoot. */
export async function bundleFunctions(outRoot: string, options: { sourcemap?: boolean } = {}): Promise<Record<FunctionName, BundleReport>> {
  const entries = Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][];
  const reports = await Promise.all(entries.map(([name, spec]) => bundleFunction(join(HANDLERS, spec.entry), join(outRoot, name), options)));
  return Object.fromEntries(entries.map(([name], i) => [name, reports[i]])) as Record<FunctionName, BundleReport>;
}

/**
 * bundleFunctions for synchronous callers (CDK constructs): esbuild's plugins need its
 * asynchronous API, so the bundling runs in a child Node process.
 */
export function bundleFunctionsSync(outRoot: string): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--all', outRoot], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bundling the functions failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}`);
}

function report(metafile: Metafile, outDir: string): BundleReport {
  const outputs = Object.fromEntries(Object.entries(metafile.outputs).map(([file, o]) => [resolve(REPO_ROOT, file), o]));
  const files = Object.keys(outputs).filter((f) => f.endsWith('.mjs'));
  // (Chunks of dynamically imported modules have an entryPoint too: the handler is index.mjs.)
  const entry = join(resolve(outDir), 'index.mjs');
  if (!outputs[entry]) throw new Error(`no ${entry} in the build output`);
  const initial = new Set<string>();
  const visit = (f: string) => {
    if (initial.has(f)) return;
    initial.add(f);
    for (const i of outputs[f].imports) if (i.kind === 'import-statement' && !i.external) visit(resolve(REPO_ROOT, i.path));
  };
  visit(entry);
  const lazy = files.filter((f) => !initial.has(f));
  const part = (fs: string[]): BundlePart => ({
    files: fs.map((f) => relative(outDir, f)),
    bytes: fs.reduce((n, f) => n + outputs[f].bytes, 0),
    modules: Object.fromEntries(
      fs.flatMap((f) =>
        Object.entries(outputs[f].inputs)
          .filter(([, i]) => i.bytesInOutput > 0)
          .map(([m, i]) => [m, i.bytesInOutput]),
      ),
    ),
  });
  return { dir: outDir, initial: part([...initial]), lazy: part(lazy) };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const args = process.argv.slice(2);
  const sourcemap = args.includes('--sourcemap');
  const [first, second] = args.filter((a) => a !== '--sourcemap');
  if (first === '--all' && second) await bundleFunctions(resolve(second), { sourcemap });
  else if (first && second) await bundleFunction(resolve(first), resolve(second), { sourcemap });
  else {
    console.error('usage: bundle-function.ts <entry.ts> <outDir> | --all <outRoot>  [--sourcemap]');
    process.exit(2);
  }
}
