/**
 * Builds the customer pages into `outDir`: each web/src/*.ts is bundled by esbuild for the
 * browser (ES2022, minified; the server's zod schemas are bundled with them), and
 * web/public/* (HTML, CSS) is copied. Served at / by the local runtime, from S3 behind
 * CloudFront on AWS.
 *
 * Several runtimes may build into the same folder at once (tests): every file is written
 * to a temporary name and renamed, so a page being served is never half-written.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { zodEnglishOnly } from '../infra/bundle-function.ts';

const WEB = import.meta.dirname;
const SRC = join(WEB, 'src');
const PUBLIC = join(WEB, 'public');

async function writeAtomically(file: string, contents: Uint8Array | string): Promise<void> {
  const temp = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, contents);
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

export async function buildWeb(outDir: string): Promise<void> {
  const out = resolve(outDir);
  await mkdir(out, { recursive: true });
  const entryPoints = (await readdir(SRC, { withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(SRC, e.name));

  const result = await build({
    entryPoints,
    outdir: out,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
    plugins: [zodEnglishOnly],
  });

  const files = [
    ...result.outputFiles.map((f) => ({ path: f.path, contents: f.contents })),
    ...(await Promise.all(
      (
        await readdir(PUBLIC, { withFileTypes: true })
      )
        .filter((e) => e.isFile())
        .map(async (e) => ({ path: join(out, basename(e.name)), contents: await readFile(join(PUBLIC, e.name)) })),
    )),
  ];
  await Promise.all(files.map((f) => writeAtomically(f.path, f.contents)));
}

// `node --import tsx web/build.ts [outDir]` builds by hand.
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  await buildWeb(process.argv[2] ?? join(WEB, 'dist'));
}
