/**
 * The layout of functions/ (docs/adr/0012-functions-layout.md): dependencies point down, and
 * no module imports itself back through others. Reads every import of functions/ - static,
 * `export ... from`, and dynamic `import('...')` - from the source text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', 'functions');

/**
 * Layers, lowest first: a module may import its own layer's folder and any lower layer, never a
 * higher one nor another folder of its own rank (use cases and adapters do not know each other).
 */
export const LAYERS: Record<string, number> = {
  'functions.ts': 0, // the table of functions and routes: data only
  domain: 0,
  shared: 1, // clock, configuration, errors, logger
  contract: 2, // the HTTP API's schemas, validation, OpenAPI
  'use-cases': 3,
  adapters: 3,
  wiring: 4, // the container: where adapters are built
  http: 5,
  handlers: 6,
};

/** The relative specifiers a source imports (type-only imports too: they tie modules as well). */
export function importsOf(source: string): string[] {
  const specs: string[] = [];
  const patterns = [/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gms, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const p of patterns) for (const m of source.matchAll(p)) specs.push(m[1]);
  return specs.filter((s) => s.startsWith('.'));
}

function modules(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? modules(join(dir, e.name)) : /\.ts$/.test(e.name) ? [relative(ROOT, join(dir, e.name)).split('\\').join('/')] : [],
  );
}

/** Module -> the modules of functions/ it imports (paths relative to functions/). */
export function importGraph(files: Record<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, source] of Object.entries(files)) {
    graph.set(
      file,
      importsOf(source)
        .map((s) => posix.normalize(posix.join(posix.dirname(file), s)))
        .filter((t) => !t.startsWith('..')),
    );
  }
  return graph;
}

const layerOf = (file: string) => file.split('/')[0];

/** Imports that point up, or sideways into another folder of the same rank. */
export function upwardImports(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const a = layerOf(from),
        b = layerOf(to);
      if (a === b) continue;
      if (LAYERS[a] === undefined || LAYERS[b] === undefined) out.push(`${from} -> ${to} (a folder with no layer)`);
      else if (LAYERS[b] >= LAYERS[a]) out.push(`${from} -> ${to}`);
    }
  }
  return out;
}

/** Strongly connected components of more than one module, or a module importing itself (Tarjan). */
export function importCycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(),
    low = new Map<string, number>(),
    onStack = new Set<string>(),
    stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return cycles;
}

const graph = importGraph(Object.fromEntries(modules().map((f) => [f, readFileSync(join(ROOT, f), 'utf8')])));

describe('functions/: dependencies point down', () => {
  it('reads the import graph (every layer is present, imports are found)', () => {
    expect(new Set([...graph.keys()].map(layerOf))).toEqual(new Set(Object.keys(LAYERS)));
    expect(graph.get('handlers/staff-api.handler.ts')).toContain('wiring/container.ts');
  });

  it('no import points up, or sideways between use cases and adapters', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('the domain imports nothing outside itself but npm packages', () => {
    const outside = [...graph].flatMap(([from, to]) =>
      layerOf(from) === 'domain' ? to.filter((t) => layerOf(t) !== 'domain').map((t) => `${from} -> ${t}`) : [],
    );
    expect(outside).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(importCycles(graph)).toEqual([]);
  });
});

describe('the checks themselves', () => {
  const g = importGraph({
    'domain/a.ts': "import type { B } from './b.ts';\nexport const a = 1;",
    'domain/b.ts': "import { a } from './a.ts';\nexport type B = typeof a;",
    'use-cases/u.ts': "import { x } from '../adapters/x.ts';\nconst lazy = () => import('../wiring/container.ts');",
    'adapters/x.ts': "export {\n  y,\n} from '../domain/a.ts';",
    'wiring/container.ts': "import '../use-cases/u.ts';",
  });

  it('finds static, re-exported, side-effect and dynamic imports', () => {
    expect(g.get('use-cases/u.ts')).toEqual(['adapters/x.ts', 'wiring/container.ts']);
    expect(g.get('adapters/x.ts')).toEqual(['domain/a.ts']);
    expect(g.get('wiring/container.ts')).toEqual(['use-cases/u.ts']);
  });

  it('flags an import up and one sideways', () => {
    expect(upwardImports(g).sort()).toEqual(['use-cases/u.ts -> adapters/x.ts', 'use-cases/u.ts -> wiring/container.ts']);
  });

  it('flags a cycle, type-only imports included', () => {
    expect(importCycles(g).sort()).toEqual([
      ['domain/a.ts', 'domain/b.ts'],
      ['use-cases/u.ts', 'wiring/container.ts'],
    ]);
  });
});
