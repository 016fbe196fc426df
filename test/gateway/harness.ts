/**
 * Shared by the gateway tests: the gateway starts real shards, which run the
 * compiled shard-worker.js from dist/, so the tests import the compiled
 * gateway (typed as its sources) and refuse a build older than the gateway's
 * sources. Also: a small swarm behind a gateway on 127.0.0.1, and `within`
 * to bound every wait.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Launched } from '../../src/gateway/launch.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

type LaunchModule = typeof import('../../src/gateway/launch.js');
type LoadModule = typeof import('../../src/gateway/load-run.js');

/** The sources these tests run through dist/: the gateway with its load runner, the serve and load commands and the load shim. */
const WATCHED = ['src/gateway', 'src/cli', 'stress/load.ts'];

export function assertFreshBuild(): void {
  const stale: string[] = [];
  const check = (p: string): void => {
    const out = join(ROOT, 'dist', relative(ROOT, p).replace(/\.ts$/, '.js'));
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(p).mtimeMs) stale.push(relative(ROOT, p));
  };
  for (const w of WATCHED) {
    const p = join(ROOT, w);
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p)) if (f.endsWith('.ts') && !f.endsWith('.d.ts')) check(join(p, f));
    } else check(p);
  }
  if (stale.length) throw new Error(`compiled build missing or older than ${stale.slice(0, 5).join(', ')}: run \`npx tsc -p tsconfig.json\` (or npm test) first`);
}

export async function loadLaunch(): Promise<LaunchModule> {
  assertFreshBuild();
  return (await import(new URL('../../dist/src/gateway/launch.js', import.meta.url).href)) as LaunchModule;
}

export async function loadLoadTool(): Promise<LoadModule> {
  assertFreshBuild();
  return (await import(new URL('../../dist/src/gateway/load-run.js', import.meta.url).href)) as LoadModule;
}

/** A joined swarm of `nodes` nodes on 2 workers behind a gateway on 127.0.0.1 (free port). */
export async function startSmallGateway(nodes = 300, seed = 3): Promise<Launched> {
  const { launchGateway, SERVE_TIMEOUTS } = await loadLaunch();
  const launched = await within(
    launchGateway({
      nodes,
      workers: 2,
      seed,
      config: { k: 20, alpha: 3, ...SERVE_TIMEOUTS },
      network: { latency: { kind: 'constant', ms: 0 }, loss: 0, jitter: 0.1, seed },
      joinConcurrency: 64,
      bootstraps: 16,
      host: '127.0.0.1',
      port: 0,
    }),
    50_000,
    `starting a ${nodes}-node gateway`,
  );
  if (launched.joinFailed > 0) {
    await launched.close();
    throw new Error(`${launched.joinFailed} joins failed`);
  }
  return launched;
}

/** `p`, or a rejection naming `what` after `ms` — so a hang fails the test instead of blocking it. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** fetch with a bounded wait. */
export function get(url: string, init: RequestInit = {}, ms = 30_000): Promise<Response> {
  return within(fetch(url, { ...init, signal: AbortSignal.timeout(ms) }), ms + 1000, `${init.method ?? 'GET'} ${url}`);
}
