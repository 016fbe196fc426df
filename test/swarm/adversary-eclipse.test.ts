/**
 * Issue 13's eclipse at 2,000 nodes (virtual clock): 100 adversaries mint IDs around 5 target
 * keys, 20 = k per key, so with free IDs they are each target's k closest and d = 1 loses every
 * get of a target; with BEP 42 IDs (helper S's --id-from-ip, the minter limited to its one /24)
 * plus one contact per /24 per bucket and per shortlist, the targets are found again. Runs the
 * compiled build.
 */
import { describe, expect, it } from 'vitest';
import { eclipseStressOptions } from './stress-options.js';

type StressRun = typeof import('../../src/swarm/stress-run.js');
type Options = Parameters<StressRun['runStress']>[0];
const quiet = { start() {}, progress() {}, end() {} };

async function eclipse(config: Partial<Options['config']>) {
  const mod = (await import(new URL('../../dist/src/swarm/stress-run.js', import.meta.url).href)) as StressRun;
  const r = await mod.runStress(
    eclipseStressOptions(config),
    quiet,
  );
  const get = r.phases.find((p) => p.name === 'get')!;
  let targets = 0;
  let others = 0;
  get.items!.forEach((item, i) => {
    if (item < 5) targets += get.rows!.ok[i]!;
    else others += get.rows!.ok[i]!;
  });
  return { targets, others, minted: r.adversary!.minted };
}

describe('eclipse at 2,000 nodes', () => {
  it('defeats d = 1 on the target keys, and BEP 42 IDs with the /24 diversity limits resist it', async () => {
    const open = await eclipse({});
    expect(open.minted).toBe(100);
    expect(open.targets).toBe(0); // every target's k closest are adversaries
    expect(open.others).toBeGreaterThanOrEqual(94); // only the targets are attacked
    const defended = await eclipse({ idFromIp: true, maxPerSubnetPerBucket: 1, restrictSearchIps: true });
    expect(defended.targets).toBeGreaterThanOrEqual(4);
    expect(defended.others).toBeGreaterThanOrEqual(94);
  }, 1_200_000);
});
