/**
 * Issue 13: eclipse against S/Kademlia's static ID puzzle at a given attacker hash budget.
 * The minter (src/swarm/adversary-puzzle.ts) is checked against an independent grind with
 * node:crypto; the 2,000-node virtual runs show the free attacker eclipsing the targets at d = 1
 * and a puzzled attacker whose budget buys fewer than k IDs near each target failing to.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { puzzleHolds, leadingZeroBits } from '../../src/core/id-puzzle.js';
import { Random } from '../../src/core/random.js';
import { PuzzleBudgetMinter } from '../../src/swarm/adversary-puzzle.js';
import { budgetFlag } from '../../src/cli/adversary-flags.js';
import { eclipseStressOptions } from './stress-options.js';

const sha1 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha1').update(b).digest());
const words = (id: Uint8Array): Uint32Array => Uint32Array.from({ length: 5 }, (_, w) => new DataView(id.buffer, id.byteOffset).getUint32(w * 4));
const keyBytes = (k: Uint32Array): Uint8Array => {
  const out = new Uint8Array(12);
  k.forEach((w, i) => new DataView(out.buffer).setUint32(i * 4, w));
  return out;
};
/** XOR distance on the first 64 bits, as a bigint. */
const dist = (id: Uint8Array, t: Uint8Array): bigint => {
  let d = 0n;
  for (let i = 0; i < 8; i++) d = (d << 8n) | BigInt(id[i]! ^ t[i]!);
  return d;
};

describe('PuzzleBudgetMinter', () => {
  const bits = 3;
  const budget = 4000;
  const seed = 5;
  const targets = Array.from({ length: 3 }, (_, t) => sha1(Uint8Array.of(t)));
  const targetKeys = new Uint8Array(60);
  targets.forEach((t, i) => targetKeys.set(t, i * 20));
  const minters = 30;

  it('keeps, per target, the valid IDs nearest it among those the budget buys (against a node:crypto grind)', () => {
    const m = new PuzzleBudgetMinter(bits, budget, seed, targetKeys, minters);
    expect(m.mintInfo.hashes).toBe(budget);
    // The independent grind: every key the budget allows, valid IDs given to their nearest target.
    const pools: Array<Array<{ id: Uint8Array; d: bigint }>> = targets.map(() => []);
    let valid = 0;
    for (let counter = 0; counter < budget / 2; counter++) {
      const key = new Uint8Array(12);
      const v = new DataView(key.buffer);
      v.setUint32(0, (seed ^ 0xa77ac4) >>> 0);
      v.setUint32(8, counter);
      const id = sha1(key);
      if (leadingZeroBits(sha1(id)) < bits) continue;
      valid++;
      const ds = targets.map((t) => dist(id, t));
      const best = ds.indexOf(ds.reduce((a, b) => (b < a ? b : a)));
      pools[best]!.push({ id, d: ds[best]! });
    }
    expect(m.mintInfo.validIds).toBe(valid);
    for (const p of pools) p.sort((a, b) => (a.d < b.d ? -1 : 1));
    const rng = new Random(1, 1);
    for (let j = 0; j < minters; j++) {
      const t = j % 3;
      const id = m.mint(j, targets[t]!, rng);
      const want = pools[t]![Math.floor(j / 3)]!;
      expect(Buffer.from(id).toString('hex')).toBe(Buffer.from(want.id).toString('hex'));
      // The honest verifier's check, with the key the minter hands over.
      expect(puzzleHolds(words(id), 0, bits, keyBytes(m.keyOf.get(j)!))).toBe(true);
    }
    expect(m.mintInfo.valid.reduce((a, b) => a + b, 0)).toBe(minters);
  });

  it('gives minters past what the budget bought an ID that fails the puzzle', () => {
    const m = new PuzzleBudgetMinter(8, 64, seed, targetKeys, minters); // 32 keys at 2^-8: almost surely none valid
    const rng = new Random(1, 1);
    const ids = Array.from({ length: minters }, (_, j) => m.mint(j, targets[j % 3]!, rng));
    const bought = m.mintInfo.valid.reduce((a, b) => a + b, 0);
    expect(bought).toBe(Math.min(m.mintInfo.validIds, minters));
    ids.forEach((id, j) => {
      if (m.mintInfo.valid[j]) return;
      expect(m.keyOf.has(j)).toBe(false);
      expect(puzzleHolds(words(id), 0, 8, keyBytes(Uint32Array.of(0, 0, j)))).toBe(false);
    });
  });

  it('parses --adversary-budget counts and refuses others', () => {
    expect(budgetFlag('2^20')).toBe(2 ** 20);
    expect(budgetFlag('1e6')).toBe(1_000_000);
    expect(budgetFlag('4096')).toBe(4096);
    expect(() => budgetFlag('lots')).toThrow(/--adversary-budget must be a count of SHA-1 evaluations/);
    expect(() => budgetFlag('2^41')).toThrow(/from 2 to 2\^40/);
  });
});

type StressRun = typeof import('../../src/swarm/stress-run.js');
type Options = Parameters<StressRun['runStress']>[0];
const quiet = { start() {}, progress() {}, end() {} };

async function eclipse(config: Partial<Options['config']>, budget?: number) {
  const mod = (await import(new URL('../../dist/src/swarm/stress-run.js', import.meta.url).href)) as StressRun;
  const report = (await import(new URL('../../dist/src/report/adversary-report.js', import.meta.url).href)) as typeof import('../../src/report/adversary-report.js');
  const r = await mod.runStress(
    eclipseStressOptions(config, budget),
    quiet,
  );
  return report.buildAdversaryReport(r)!;
}

describe('eclipse against the ID puzzle at a hash budget, 2,000 nodes', () => {
  it('free IDs eclipse every target at d = 1; c = 4 with 2^14 SHA-1s buys < k IDs near each, and the targets are found', async () => {
    const open = await eclipse({});
    expect(open.nearTargets.eclipsed).toBe(5);
    expect(open.targetGets.count).toBeGreaterThan(0);
    expect(open.targetGets.successRatio).toBe(0);
    const puzzled = await eclipse({ idPuzzleBits: 4 }, 2 ** 14);
    const pz = puzzled.puzzle!;
    expect(pz.hashes).toBe(2 ** 14);
    // 2^13 keys at 2^-4: ~512 valid IDs, binomial; each target's region is ~k/n of the space.
    expect(pz.validIds).toBeGreaterThan(400);
    expect(pz.validIds).toBeLessThan(620);
    expect(puzzled.nearTargets.max).toBeLessThan(20);
    expect(puzzled.nearTargets.eclipsed).toBe(0);
    expect(pz.honestHashesPerId).toBeGreaterThan(16); // 2 per key, ~2^4 keys per ID
    expect(pz.honestHashesPerId).toBeLessThan(64);
    expect(puzzled.targetGets.successRatio).toBeGreaterThanOrEqual(0.8);
    expect(puzzled.phases.get!.successRatio).toBeGreaterThanOrEqual(0.95);
  }, 1_200_000);
});
