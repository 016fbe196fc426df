/**
 * The adversary report's arithmetic: S/Kademlia's model against hand-computed values, and the
 * sweep's CSV and terminal table against the points given.
 */
import { describe, expect, it } from 'vitest';
import { disjointModel } from '../../src/report/adversary-report.js';
import { adversarySweepCsv, adversarySweepPlots, formatAdversarySweep, shownSuccess, sweepPoint } from '../../src/report/adversary-sweep.js';

describe('the adversary report', () => {
  it("computes S/Kademlia's 1 − (1 − (1 − f)^h)^d", () => {
    expect(disjointModel(0.2, 2, 1)).toBeCloseTo(0.64, 12); // 0.8²
    expect(disjointModel(0.2, 2, 4)).toBeCloseTo(1 - 0.36 ** 4, 12);
    expect(disjointModel(0, 3, 1)).toBe(1);
    expect(disjointModel(0.5, 1, 2)).toBeCloseTo(0.75, 12);
  });

  it('writes one CSV row per point and shows the target keys for eclipse, every get for misroute', () => {
    const get = { successRatio: 0.9, rpcs: 7.5, depth: 1.8, latencyMs: 12 };
    const a = sweepPoint('misroute', 1, 0.2, 2000, undefined, get, 43, 5000);
    const e = { ...sweepPoint('eclipse', 4, 0.2, 2000, undefined, get, 43, 5000), targetSuccess: 0.1 };
    expect(shownSuccess(a)).toBe(0.9);
    expect(shownSuccess(e)).toBe(0.1);
    const csv = adversarySweepCsv([a, e]).trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[0]).toBe('attack,d,fraction,nodes,get_success,target_success,puts_landing,touched,table_share,rpcs_per_get,rpcs_per_put,depth,latency_ms,model,wall_s,trace_hash');
    expect(csv[1]).toBe('misroute,1,0.2,2000,0.90000,0.90000,NaN,0.00000,0.00000,7.50,43.00,1.800,12.0,1.00000,5.0,');
    const table = formatAdversarySweep([a, e]);
    expect(table).toContain('misroute     1');
    expect(table).toContain('90.0/100');
    expect(table).toContain('10.0/100');
  });

  it('draws each d in its own colour and its model dashed in the same colour', () => {
    const get = { successRatio: 0.9, rpcs: 7.5, depth: 1.8, latencyMs: 12 };
    const points = [1, 4].flatMap((d) => [0, 0.2].map((f) => sweepPoint('misroute', d, f, 2000, undefined, get, 43, 5000)));
    const svg = adversarySweepPlots(points)['sweep-misroute.svg']!;
    const lines = [...svg.matchAll(/<polyline [^>]*stroke="([^"]+)"[^>]*>/g)].map((m) => ({ colour: m[1], dashed: m[0].includes('stroke-dasharray') }));
    expect(lines).toHaveLength(4); // d = 1, its model, d = 4, its model
    expect(lines.map((l) => l.dashed)).toEqual([false, true, false, true]);
    expect(lines[0]!.colour).toBe(lines[1]!.colour);
    expect(lines[2]!.colour).toBe(lines[3]!.colour);
    expect(lines[0]!.colour).not.toBe(lines[2]!.colour);
  });
});
