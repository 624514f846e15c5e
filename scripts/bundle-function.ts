/**
 * Bundles one Lambda handler the way it is deployed: esbuild, minified, ESM for Node 22,
 * every dependency inside (only the AWS SDK clients the handler imports), zod's message
 * locales reduced to English (zod re-exports all of them, ~260 KB, from its namespace object,
 * which tree-shaking cannot drop; the API answers in English field messages). Used by
 * bench/bundles.ts and the pages' build. (The stack still bundles with NodejsFunction's esbuild
 * options, the same but for this plugin: moving it to this script is an open step.)
 *
 *   node --import tsx scripts/bundle-function.ts <entry.ts> <outDir>   -> <outDir>/index.mjs
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

/** zod's locale index reduced to English: used for the Lambda bundles and the pages alike. */
export const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: resolve(args.resolveDir, args.path), namespace: 'zod-locales' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(args.path, '..', 'en.js'))};`,
      resolveDir: join(args.path, '..'),
      loader: 'js',
    }));
  },
};

export async function bundleFunction(entry: string, outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'index.mjs');
  await build({
    entryPoints: [entry], outfile, bundle: true, minify: true, platform: 'node', target: 'node22', format: 'esm',
    sourcemap: false, legalComments: 'none', mainFields: ['module', 'main'], logLevel: 'warning',
    // ESM output still meets CommonJS dependencies that call require().
    banner: { js: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" },
    plugins: [zodEnglishOnly],
  });
  return outfile;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const [entry, outDir] = process.argv.slice(2);
  if (!entry || !outDir) { console.error('usage: bundle-function.ts <entry.ts> <outDir>'); process.exit(2); }
  await bundleFunction(entry, outDir);
}
