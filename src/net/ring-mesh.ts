/**
 * RingMesh: the shared memory connecting W shards — one SPSC FrameRing per directed shard pair
 * (W·(W−1) rings, so no ring ever has two writers and no CAS is needed) plus one doorbell per shard.
 *
 * `createRingMesh` runs once (supervisor); the returned `RingMesh` is plain data (SABs and numbers)
 * that structured-clones into workerData or a piscina task. Put it in the message itself: a SAB in
 * a `transferList` throws "Found invalid object in transferList". Each shard then calls
 * `attachRingMesh(mesh, myIndex)` to get its outboxes, inboxes and doorbell.
 */
import { Doorbell, createBells, ringBell } from './doorbell.js';
import { FrameRing } from './ring.js';

export interface RingMesh {
  readonly shards: number;
  /** Data-area bytes of each ring. */
  readonly ringBytes: number;
  /** Ring from shard f to shard t is at `ringIndex(shards, f, t)`. */
  readonly rings: readonly SharedArrayBuffer[];
  /** `shards` Int32 doorbell counters. */
  readonly bells: SharedArrayBuffer;
}

export interface ShardLinks {
  readonly shard: number;
  readonly shards: number;
  /** Ring this shard writes to reach shard `to` (to ≠ this shard). */
  outbox(to: number): FrameRing;
  /** Ring this shard reads frames from shard `from` out of (from ≠ this shard). */
  inbox(from: number): FrameRing;
  /** All inboxes, for the drain-everything-per-wake-up loop. */
  readonly inboxes: readonly FrameRing[];
  /** This shard's own doorbell (read / wait on it). */
  readonly bell: Doorbell;
  /** Wake shard `to` after writing a batch to `outbox(to)`. */
  ringBell(to: number): void;
}

/** Position of the directed pair (from → to) in `rings`: row `from`, skipping the diagonal. */
export function ringIndex(shards: number, from: number, to: number): number {
  if (from === to || from < 0 || to < 0 || from >= shards || to >= shards) {
    throw new RangeError(`RingMesh: no ring ${from} -> ${to} among ${shards} shards`);
  }
  return from * (shards - 1) + (to < from ? to : to - 1);
}

/** Allocate rings and doorbells for `shards` shards, each ring with a `ringBytes` data area. */
export function createRingMesh(shards: number, ringBytes: number): RingMesh {
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`RingMesh: shards must be a positive integer, got ${shards}`);
  const rings: SharedArrayBuffer[] = [];
  for (let i = 0; i < shards * (shards - 1); i++) rings.push(FrameRing.create(ringBytes).sab);
  return { shards, ringBytes, rings, bells: createBells(shards).buffer as SharedArrayBuffer };
}

/** Wrap the mesh's memory as seen from shard `shard`. Call once per shard (per thread). */
export function attachRingMesh(mesh: RingMesh, shard: number): ShardLinks {
  const { shards } = mesh;
  if (!Number.isInteger(shard) || shard < 0 || shard >= shards) throw new RangeError(`RingMesh: shard ${shard} out of range`);
  const out: (FrameRing | undefined)[] = [];
  const inn: (FrameRing | undefined)[] = [];
  for (let other = 0; other < shards; other++) {
    if (other === shard) { out.push(undefined); inn.push(undefined); continue; }
    out.push(new FrameRing(mesh.rings[ringIndex(shards, shard, other)]!));
    inn.push(new FrameRing(mesh.rings[ringIndex(shards, other, shard)]!));
  }
  const bells = new Int32Array(mesh.bells);
  const pick = (list: (FrameRing | undefined)[], i: number): FrameRing => {
    const r = list[i];
    if (!r) throw new RangeError(`RingMesh: shard ${shard} has no ring for shard ${i}`);
    return r;
  };
  return {
    shard,
    shards,
    outbox: (to) => pick(out, to),
    inbox: (from) => pick(inn, from),
    inboxes: inn.filter((r): r is FrameRing => r !== undefined),
    bell: new Doorbell(bells, shard),
    ringBell: (to) => ringBell(bells, to),
  };
}
