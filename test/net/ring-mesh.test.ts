// RingMesh wiring: one ring per directed pair, each seen as an outbox on one side and inbox on the other.
import { describe, expect, it } from 'vitest';
import { attachRingMesh, createRingMesh, ringIndex } from '../../src/net/ring-mesh.js';

describe('RingMesh', () => {
  it('numbers the W·(W−1) directed pairs without gaps or repeats', () => {
    const W = 5;
    const seen = new Set<number>();
    for (let f = 0; f < W; f++) for (let t = 0; t < W; t++) if (f !== t) seen.add(ringIndex(W, f, t));
    expect([...seen].sort((x, y) => x - y)).toEqual([...Array(W * (W - 1)).keys()]);
    expect(() => ringIndex(W, 2, 2)).toThrow(RangeError);
  });

  it("connects shard f's outbox(t) to shard t's inbox(f), and rings the right bell", () => {
    const mesh = createRingMesh(3, 1024);
    const shards = [0, 1, 2].map((s) => attachRingMesh(mesh, s));
    expect(shards[0]!.inboxes).toHaveLength(2);
    shards[2]!.outbox(0).tryWriteFrame(2, 0, 0, Uint8Array.of(42));
    const got: number[] = [];
    shards[0]!.inbox(2).drain((bytes, a) => got.push(a, bytes[0]!));
    shards[0]!.inbox(1).drain(() => got.push(-1));
    expect(got).toEqual([2, 42]);
    shards[2]!.ringBell(1);
    expect(shards.map((s) => s.bell.read())).toEqual([0, 1, 0]);
    expect(() => shards[1]!.outbox(1)).toThrow(RangeError);
  });

  it('is plain data that survives structured cloning with memory still shared', () => {
    const mesh = createRingMesh(2, 256);
    const copy = structuredClone(mesh);
    attachRingMesh(copy, 0).outbox(1).tryWrite(Uint8Array.of(5));
    let n = 0;
    attachRingMesh(mesh, 1).inbox(0).drain(() => n++);
    expect(n).toBe(1);
  });
});
