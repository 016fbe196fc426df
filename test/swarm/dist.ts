/**
 * Loading the swarm runner from the compiled build. `Swarm` starts its shards from
 * `new URL('./shard-worker.js', import.meta.url)`, which only exists next to the compiled
 * supervisor (dist/src/swarm/), not next to src/swarm/supervisor.ts. So swarm tests import the
 * compiled modules (typed as their sources) and fail with a clear message when the build is
 * missing or older than the sources they load, instead of ERR_MODULE_NOT_FOUND or a silently stale run.
 * The import paths are computed, so `tsc` never needs dist/ to exist to type-check the tests.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type SupervisorModule = typeof import('../../src/swarm/supervisor.js');
export type StressRunModule = typeof import('../../src/swarm/stress-run.js');

/** The compiled entry points the swarm tests run (the worker is loaded by URL, so list it too). */
const ENTRIES = ['src/swarm/supervisor.js', 'src/swarm/shard-worker.js', 'src/swarm/stress-run.js', 'stress/stress.js', 'test/swarm/fixtures/ring-fault.js', 'test/swarm/fixtures/virtual-fault.js'];

/**
 * Throws unless every compiled module the entries load (following relative imports) exists and
 * is at least as new as its .ts source. Only that closure is checked, so unrelated files being
 * edited elsewhere in the tree do not matter.
 */
export function assertFreshBuild(entries: readonly string[] = ENTRIES): void {
  const stale: string[] = [];
  const seen = new Set<string>();
  const visit = (rel: string): void => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const out = join(ROOT, 'dist', rel);
    const src = join(ROOT, rel.replace(/\.js$/, '.ts'));
    if (!existsSync(out)) {
      stale.push(`${rel} (missing)`);
      return;
    }
    if (existsSync(src) && statSync(out).mtimeMs < statSync(src).mtimeMs) stale.push(relative(ROOT, src));
    for (const m of readFileSync(out, 'utf8').matchAll(/(?:from\s*|import\s*\(?\s*)['"](\.{1,2}\/[^'"]+\.js)['"]/g)) {
      visit(relative(join(ROOT, 'dist'), join(dirname(out), m[1]!)));
    }
  };
  for (const e of entries) visit(e);
  if (stale.length) {
    throw new Error(`compiled build missing or older than its sources (${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', …' : ''}): run \`npx tsc -p tsconfig.json\` (or npm test) first`);
  }
}

async function loadDist<T>(rel: string): Promise<T> {
  assertFreshBuild();
  return (await import(new URL(`../../dist/${rel}`, import.meta.url).href)) as T;
}

export const loadSupervisor = (): Promise<SupervisorModule> => loadDist<SupervisorModule>('src/swarm/supervisor.js');
export const loadStressRun = (): Promise<StressRunModule> => loadDist<StressRunModule>('src/swarm/stress-run.js');

/** `p`, or a rejection naming `what` after `ms` — so a hang fails the test instead of blocking it. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
