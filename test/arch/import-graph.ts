/**
 * Reads the imports of every TypeScript file under a folder and checks them against the layer
 * order: a file may import from its own layer or from a layer below it, never above, and no set
 * of files may import each other in a circle (`import type` counts: a circle of types is still a
 * circle a reader has to untangle).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** Bottom first: each layer may import only from itself and the layers before it. */
export const LAYERS = ['core', 'wire', 'host', 'net', 'sim', 'swarm', 'report', 'gateway', 'cli'] as const;

export type Graph = Map<string, string[]>;

/** Every relative import of every .ts file under `root`, as paths relative to `root` (".ts" kept). */
export function readGraph(root: string): Graph {
  const graph: Graph = new Map();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) graph.set(relative(root, p), importsOf(root, p));
    }
  };
  walk(root);
  return graph;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/gm;

function importsOf(root: string, file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out = new Set<string>();
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    out.add(relative(root, normalize(join(dirname(file), spec))).replace(/\.js$/, '.ts'));
  }
  return [...out];
}

/** The layer of a file: its first folder under src; files at the top (index.ts) sit above every layer. */
export function layerOf(file: string): number {
  const top = file.split(/[\\/]/)[0]!;
  const i = (LAYERS as readonly string[]).indexOf(top);
  if (i >= 0) return i;
  return file.includes('/') || file.includes('\\') ? -1 : LAYERS.length;
}

/** "a.ts (layer) imports b.ts (higher layer)" for each upward import, and files in unknown folders. */
export function upwardImports(graph: Graph): string[] {
  const problems: string[] = [];
  for (const [file, deps] of graph) {
    const from = layerOf(file);
    if (from < 0) problems.push(`${file} is in no known layer (${LAYERS.join(', ')})`);
    for (const dep of deps) {
      const to = layerOf(dep);
      if (to > from && from >= 0) problems.push(`${file} (${LAYERS[from] ?? 'top'}) imports ${dep} (${LAYERS[to] ?? 'top'}), a layer above it`);
    }
  }
  return problems;
}

/** Each import circle once, as "a.ts → b.ts → a.ts" (Tarjan's strongly connected components). */
export function importCircles(graph: Graph): string[] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      const selfLoop = (graph.get(v) ?? []).includes(v);
      if (scc.length > 1 || selfLoop) circles.push(pathThrough(graph, new Set(scc), v));
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return circles;
}

/** One concrete circle inside a strongly connected set, starting and ending at `start`. */
function pathThrough(graph: Graph, scc: Set<string>, start: string): string {
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!scc.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = prev.get(x)!) path.push(x);
        path.push(start);
        return [start, ...path.slice(1, -1).reverse(), start].join(' → ');
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...scc].join(' ↔ ');
}
