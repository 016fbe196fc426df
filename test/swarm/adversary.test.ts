/**
 * Adversaries in the swarm (issue 13), on the virtual clock so runs are comparable message by
 * message: with F = 0 every attack flag leaves the message trace as it was; with adversaries on,
 * the same seed gives the same trace for 1 and 2 workers. Runs the compiled build.
 */
import { describe, expect, it } from 'vitest';
import type { AdversarySpec } from '../../src/sim/adversary.js';
import { virtualStressOptions } from './stress-options.js';

type StressRun = typeof import('../../src/swarm/stress-run.js');
type Options = Parameters<StressRun['runStress']>[0];
const quiet = { start() {}, progress() {}, end() {} };

async function stress(o: Partial<Options> & { adversary?: AdversarySpec }) {
  const mod = (await import(new URL('../../dist/src/swarm/stress-run.js', import.meta.url).href)) as StressRun;
  return mod.runStress({ ...virtualStressOptions({ nodes: 300, workers: 2, keys: 100, seed: 9 }), ...o }, quiet);
}

const rows = (r: Awaited<ReturnType<typeof stress>>) => r.phases.filter((p) => p.rows).map((p) => [p.name, Array.from(p.rows!.ok).join(''), Array.from(p.rows!.rpcs).join(',')]);

describe('adversaries in the swarm', () => {
  it('with F = 0 no attack flag changes a message: the same trace and the same outcomes as without', async () => {
    const base = await stress({});
    for (const attack of ['drop', 'misroute', 'eclipse', 'poison', 'sybil-flood'] as const) {
      const r = await stress({ adversary: { fraction: 0, attack, placement: 'targeted', targets: 5 } });
      expect(r.traceChain, attack).toBe(base.traceChain);
      expect(rows(r), attack).toEqual(rows(base));
      expect(r.adversary!.adversaries).toBe(0);
    }
  }, 600_000);

  it('gives the same trace hash for the same seed with 1 and 2 workers with adversaries on, and hurts only what it attacks', async () => {
    const base = await stress({});
    for (const spec of [
      { fraction: 0.2, attack: 'misroute', placement: 'random', targets: 5 },
      { fraction: 0.2, attack: 'eclipse', placement: 'random', targets: 3 },
    ] as const) {
      const one = await stress({ workers: 1, adversary: spec });
      const two = await stress({ workers: 2, adversary: spec });
      expect(two.traceChain, spec.attack).toBe(one.traceChain);
      expect(rows(two), spec.attack).toEqual(rows(one));
      expect(one.traceChain).not.toBe(base.traceChain);
      expect(one.adversary!.adversaries).toBe(60);
      const get = one.phases.find((p) => p.name === 'get')!;
      const touched = get.rows!.touched.reduce((a, b) => a + b, 0);
      expect(touched).toBeGreaterThan(0);
      if (spec.attack === 'eclipse') {
        // 60 minters around 3 targets: 20 = k each, so the targets are lost and nothing else is.
        const targetOk = Array.from(get.items!).map((item, i) => (item < 3 ? get.rows!.ok[i]! : -1)).filter((x) => x >= 0);
        expect(targetOk).toEqual([0, 0, 0]);
      }
    }
  }, 600_000);
});
